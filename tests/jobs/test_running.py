"""reports.jobs.running: a job's life, the check that fails a job whose worker died, and the pruning."""

import datetime
import subprocess
import sys

import pytest
from django.utils import timezone

from reports.jobs import running
from reports.jobs.tasks import enqueue
from reports.models import Job

pytestmark = pytest.mark.django_db


def a_job(**fields) -> Job:
    fields.setdefault("kind", Job.Kind.EXPORT)
    fields.setdefault("params", {"format": "json", "query": ""})
    return Job.objects.create(**fields)


def a_finished_process() -> str:
    """The worker id a process had, once it has exited."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    worker = f"{running.this_process().split(':')[0]}:{process.pid}:{running._process_start(process.pid)}"
    process.wait()
    return worker


def test_a_running_job_whose_worker_process_is_gone_is_failed_with_the_reason():
    job = a_job(status=Job.Status.RUNNING, worker=a_finished_process(), heartbeat_at=timezone.now())
    assert running.worker_alive(job.worker) is False
    assert running.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped before it finished" in job.error
    assert "no file was kept" in job.error
    assert job.finished_at is not None


def test_a_job_of_a_live_worker_on_this_machine_runs_on_however_long_since_its_last_beat():
    # On SQLite an import holds the one write for its whole transaction, so its beats can be missed for long.
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    job = a_job(status=Job.Status.RUNNING, worker=running.this_process(), heartbeat_at=long_ago)
    assert running.fail_stale() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_job_on_another_machine_is_failed_once_it_has_not_beaten_for_the_stale_time(settings):
    settings.JOBS_STALE_SECONDS = 60
    fresh = a_job(status=Job.Status.RUNNING, worker="elsewhere:12:34", heartbeat_at=timezone.now())
    silent = a_job(
        status=Job.Status.RUNNING,
        kind=Job.Kind.IMPORT,
        worker="elsewhere:56:78",
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=61),
    )
    assert running.fail_stale() == 1
    fresh.refresh_from_db()
    silent.refresh_from_db()
    assert fresh.status == Job.Status.RUNNING
    assert silent.status == Job.Status.FAILED
    assert "has not been heard from for over 60 seconds" in silent.error
    assert "an import is all or nothing" in silent.error


def test_a_stale_job_is_failed_in_the_queues_own_record_too():
    from django_tasks_db.models import DBTaskResult

    job = enqueue(a_job())
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    Job.objects.filter(id=job.id).update(status=Job.Status.RUNNING, worker=a_finished_process())
    running.fail_stale()
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.status, task.exception_class_path) == ("FAILED", "reports.jobs.WorkerLost")


def test_work_that_raises_fails_its_job_with_the_error_and_the_queue_sees_it_raise():
    job = a_job()

    def work(*, job, progress):
        progress.set(3)
        raise ValueError("the filters cannot be used")

    with pytest.raises(ValueError, match="cannot be used"):
        running.run(job_id=str(job.id), work=work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "It stopped on an error: ValueError: the filters cannot be used"
    assert job.done == 3


def test_a_job_runs_once_however_often_the_queue_hands_it_over():
    job = a_job()
    runs = []

    def work(*, job, progress):
        runs.append(job.id)
        return {"reports": 0}

    running.run(job_id=str(job.id), work=work)
    running.run(job_id=str(job.id), work=work)
    job.refresh_from_db()
    assert (job.status, job.result, len(runs)) == (Job.Status.DONE, {"reports": 0}, 1)
    assert job.worker == running.this_process()


def test_the_heartbeat_writes_the_progress_while_the_work_goes_on():
    job = a_job(status=Job.Status.RUNNING)
    progress = running.Progress(total=10)
    progress.set(4)
    running.Heartbeat(job_id=job.id, progress=progress, interval=1).beat()
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (4, 10, 40)
    assert job.heartbeat_at is not None


def test_pruning_removes_old_jobs_with_their_files_and_keeps_recent_and_running_ones(settings, tmp_path):
    settings.JOBS_DIR = tmp_path
    settings.JOBS_KEEP_DAYS = 7
    old = a_job(status=Job.Status.DONE, finished_at=timezone.now(), file="old.json")
    recent = a_job(status=Job.Status.DONE, finished_at=timezone.now(), file="recent.json")
    still_running = a_job(status=Job.Status.RUNNING, worker=running.this_process())
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Job.objects.filter(id__in=[old.id, still_running.id]).update(created_at=eight_days_ago)
    for name in ("old.json", "recent.json"):
        (tmp_path / name).write_text("{}")
    assert running.prune() == 1
    assert set(Job.objects.values_list("id", flat=True)) == {recent.id, still_running.id}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recent.json"]


def test_the_prune_command_says_what_it_did(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.JOBS_DIR = tmp_path
    a_job(status=Job.Status.RUNNING, worker=a_finished_process())
    out = StringIO()
    call_command("prune_jobs", stdout=out)
    assert out.getvalue().startswith("1 jobs whose worker stopped marked failed; 0 jobs older than 7 days removed")
