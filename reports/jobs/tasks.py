"""The task the queue runs: one for every kind of job, so that a job's kind, not the queue, says what it does."""

from django_tasks import task

from reports.jobs import exports, imports, running
from reports.models import Job

WORK = {
    Job.Kind.EXPORT: exports.run_export,
    Job.Kind.CHECK_IMPORT: imports.run_check,
    Job.Kind.IMPORT: imports.run_import,
}


@task()
def run_job(job_id: str) -> None:
    kind = Job.objects.filter(id=job_id).values_list("kind", flat=True).first()
    if kind is None:
        return  # pruned before a worker got to it
    running.run(job_id=job_id, work=WORK[kind])
