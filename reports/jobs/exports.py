"""Exports as files: a small one is written while the request waits, a large one by a worker as a job.

Either way the download is a finished file (reports.exporters.write_to / write_file): an export that fails
part-way is an error, never a truncated file that looks like a whole one.
"""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

from reports.exporters import write_file, write_to
from reports.filters import CaseReportFilter
from reports.jobs import running
from reports.jobs.tasks import enqueue
from reports.models import CaseReport, Job

# A small export is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


class QueueFull(Exception):
    """Too many exports are waiting for a worker; the caller asks again later."""


def is_small(reports: QuerySet) -> bool:
    """Whether an export of `reports` is small enough to write while the request waits (EXPORT_SYNC_REPORTS).
    Counts at most one past the line, so that asking costs the same for a million reports."""
    limit = settings.EXPORT_SYNC_REPORTS
    return reports.order_by()[: limit + 1].count() <= limit


def write_now(*, reports: QuerySet, format: str):
    """The whole export of a small selection, as an open binary file at its start (memory, then a temporary file
    past SPOOL_BYTES). An error part-way raises before anything is sent."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115 (the response closes it)
    try:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        write_to(text, reports=reports, format=format)
        text.detach()  # leaves the spool open for the response
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def selection(query: str) -> QuerySet:
    """The reports the list's filters select for this query string; ValueError when the filters cannot be used."""
    filterset = CaseReportFilter(QueryDict(query) or None, queryset=CaseReport.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        raise ValueError("; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()))
    return filterset.qs


def start_export(*, query: str, format: str) -> Job:
    """The job that writes this export: one already waiting or running for the same filters and format, or a new
    one. QueueFull when EXPORT_MAX_QUEUED exports are waiting already."""
    waiting = Job.objects.filter(kind=Job.Kind.EXPORT, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    same = waiting.filter(params__format=format, params__query=query).first()
    if same is not None:
        return same
    if waiting.filter(status=Job.Status.QUEUED).count() >= settings.EXPORT_MAX_QUEUED:
        raise QueueFull
    return enqueue(Job.objects.create(kind=Job.Kind.EXPORT, params={"format": format, "query": query}))


def run_export(*, job: Job, progress: running.Progress) -> dict:
    format = job.params["format"]
    reports = selection(job.params["query"])
    progress.total = reports.count()
    name = f"{job.id}.{format}"
    size = write_file(reports=reports, format=format, path=Path(settings.JOBS_DIR) / name, progress=progress.set)
    return {"file": name, "reports": progress.done, "bytes": size, "format": format}
