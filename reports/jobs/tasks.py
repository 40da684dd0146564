"""The task the queue runs: one for every kind of job, so that a job's kind, not the queue, says what it does."""

from django.utils.module_loading import import_string
from django_tasks import task

from reports.jobs import running
from reports.models import Job

# By name: the work imports enqueue from here to queue its jobs.
WORK = {
    Job.Kind.EXPORT: "reports.jobs.exports.run_export",
    Job.Kind.CHECK_IMPORT: "reports.jobs.imports.run_check",
    Job.Kind.IMPORT: "reports.jobs.imports.run_import",
}


@task()
def run_job(job_id: str) -> None:
    kind = Job.objects.filter(id=job_id).values_list("kind", flat=True).first()
    if kind is None:
        return  # pruned before a worker got to it
    running.run(job_id=job_id, work=import_string(WORK[kind]))


def enqueue(job: Job) -> Job:
    """Put a new job on the queue; a worker runs it (run_job)."""
    job.task_id = run_job.enqueue(str(job.id)).id
    job.save(update_fields=["task_id"])
    return job
