"""A job's life: queued, claimed by one worker, beating while it runs, then done or failed, and pruned later.

A worker killed mid-job (kill -9, out of memory, a restarted machine) cannot say so itself. Its job is failed by
`fail_stale`, which the job's page, every worker before each job, and `manage.py prune_jobs` call: a job is stale
when its worker process is known to be gone (same machine, by its process id and start time), or when it has not
beaten for JOBS_STALE_SECONDS and runs elsewhere. The heartbeat is written by a thread with its own database
connection, so that it is seen while the job's own work is inside a transaction (an import is).
"""

import datetime
import logging
import multiprocessing
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from reports.models import Job

logger = logging.getLogger(__name__)


def _process_start(pid: int) -> str:
    """When process `pid` started, in clock ticks since boot (Linux), so that a reused pid is not taken for it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_process() -> str:
    """host:pid:start of the running process, as a job records its worker."""
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid())}"


def worker_alive(worker: str) -> bool | None:
    """Whether the process a job records is still running: None when it ran on another machine (only its heartbeat
    can tell)."""
    host, _, rest = worker.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    if started:
        return _process_start(int(pid)) == started
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Progress:
    """How far a running job has got. The count lives in shared memory, so that a process the work forks (an import
    reads large files in a second process) moves it too; the heartbeat thread writes it to the job's row."""

    def __init__(self, total: int | None = None):
        self._done = multiprocessing.RawValue("q", 0)
        self.total = total

    @property
    def done(self) -> int:
        return self._done.value

    def set(self, done: int) -> None:
        self._done.value = done


class Heartbeat(threading.Thread):
    """Writes the job's heartbeat and progress every JOBS_HEARTBEAT_SECONDS until stopped."""

    def __init__(self, *, job_id, progress: Progress, interval: float):
        super().__init__(name=f"heartbeat {job_id}", daemon=True)
        self.job_id, self.progress, self.interval = job_id, progress, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            Job.objects.filter(id=self.job_id, status=Job.Status.RUNNING).update(
                heartbeat_at=timezone.now(), done=self.progress.done, total=self.progress.total
            )
        except DatabaseError as error:
            # SQLite lets one writer at a time, and an import holds the write for its whole transaction: the beat is
            # missed, and on the same machine the worker's process id shows it is alive.
            logger.debug("Job %s: heartbeat not written (%s)", self.job_id, error)

    def stop(self) -> None:
        self.stopping.set()
        # A beat waiting on a lock (the job's row, or SQLite's one writer) is not worth waiting for: the job's end is
        # written next, and the thread stops by itself.
        self.join(timeout=self.interval)


Work = Callable[..., dict]


def run(*, job_id: str, work: Work) -> None:
    """Run a queued job's work (`work(job=..., progress=...)` returns the result to keep) in this process, and record
    how it ended. A job no longer queued (run already, failed as stale, pruned) is left as it is."""
    fail_stale()
    now = timezone.now()
    claimed = Job.objects.filter(id=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker=this_process()
    )
    if not claimed:
        logger.warning("Job %s is not waiting to run; left as it is", job_id)
        return
    job = Job.objects.get(id=job_id)
    progress = Progress(job.total)
    heartbeat = Heartbeat(job_id=job.id, progress=progress, interval=settings.JOBS_HEARTBEAT_SECONDS)
    heartbeat.start()
    try:
        result = work(job=job, progress=progress)
    except BaseException as error:
        heartbeat.stop()
        _finish(job, progress, status=Job.Status.FAILED, error=_reason(error))
        raise  # the queue keeps the traceback with its own record of the run (admin: Task results)
    else:
        heartbeat.stop()
        _finish(job, progress, status=Job.Status.DONE, result=result)
    finally:
        try:
            prune()
        except DatabaseError:
            logger.exception("Pruning old jobs failed; `manage.py prune_jobs` does it too")


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt | SystemExit):
        return "The worker was stopped while running it; run it again."
    return f"It stopped on an error: {type(error).__name__}: {error}"[:2000]


def _finish(job: Job, progress: Progress, *, status: str, result: dict | None = None, error: str = "") -> None:
    result = dict(result or {})
    Job.objects.filter(id=job.id).update(
        status=status,
        finished_at=timezone.now(),
        done=progress.done,
        total=progress.total,
        result=result or None,
        file=result.get("file", ""),
        error=error,
    )


def _stale_reason(job: Job, alive: bool | None) -> str:
    where = job.worker.rsplit(":", 1)[0] or "a worker"
    if alive is False:
        how = f"The worker running it (process {where.split(':', 1)[-1]} on {where.split(':', 1)[0]}) stopped"
    else:
        silent = int(settings.JOBS_STALE_SECONDS)
        how = f"The worker running it ({where}) has not been heard from for over {silent} seconds"
    what = {
        Job.Kind.EXPORT: "no file was kept",
        Job.Kind.CHECK_IMPORT: "nothing was written",
        Job.Kind.IMPORT: "nothing from the file was written (an import is all or nothing)",
    }[job.kind]
    return f"{how} before it finished: it was killed or its machine restarted; {what}. Run it again."


def fail_stale(*, jobs=None) -> int:
    """Fail the running jobs (of `jobs`, a Job queryset, or all) whose worker is gone; how many were failed."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    silent_since = now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    failed = 0
    for job in (jobs if jobs is not None else Job.objects.all()).filter(status=Job.Status.RUNNING):
        alive = worker_alive(job.worker)
        if alive or (alive is None and (job.heartbeat_at or job.started_at or now) >= silent_since):
            continue
        reason = _stale_reason(job, alive)
        with transaction.atomic():
            if Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, finished_at=now, error=reason
            ):
                failed += 1
                logger.warning("Job %s failed: %s", job.id, reason)
                # The queue's own record of the run says so too, instead of "running" forever.
                DBTaskResult.objects.filter(id=job.task_id or None, status="RUNNING").update(
                    status="FAILED", finished_at=now, exception_class_path="reports.jobs.WorkerLost", traceback=reason
                )
    return failed


def job_file(job: Job) -> Path | None:
    """A finished job's file, when it is still kept."""
    if job.status != Job.Status.DONE or not job.file:
        return None
    found = Path(settings.JOBS_DIR) / job.file
    return found if found.is_file() else None


def prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the jobs older than JOBS_KEEP_DAYS that are not running, their files, the queue's records of runs
    that old, and files a killed export left half-written; how many jobs were removed."""
    from django_tasks_db.models import DBTaskResult

    from reports.importers import uploads

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(created_at__lt=cutoff).exclude(status=Job.Status.RUNNING)
    removed = 0
    for job in old.only("id", "kind", "file", "params"):
        if job.file:
            (Path(settings.JOBS_DIR) / job.file).unlink(missing_ok=True)
        if job.kind != Job.Kind.EXPORT:
            uploads.discard(job.params.get("token", ""))
        removed += Job.objects.filter(id=job.id).delete()[0] and 1
    DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    folder = Path(settings.JOBS_DIR)
    if folder.is_dir():
        a_day_ago = (now - datetime.timedelta(days=1)).timestamp()
        for part in folder.glob(".*.part"):
            if part.stat().st_mtime < a_day_ago:
                part.unlink(missing_ok=True)
    return removed
