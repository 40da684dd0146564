"""Work longer than a request, done by a worker process: an export of many reports, an uploaded file's check and
its import. The job's row is what its page shows: how far it has got, then its result or why it failed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Job(models.Model):
    """One export or import run by a worker (reports/jobs/), from the moment it is asked for until it is pruned."""

    class Kind(models.TextChoices):
        EXPORT = "export", "export"
        CHECK_IMPORT = "check_import", "check of an uploaded file"
        IMPORT = "import", "import of an uploaded file"

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for a worker"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    # The job's page is at its id: an export's page is public, so its address must not be guessable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # An export may be asked for by anyone; an import's job belongs to the curator who uploaded the file.
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # What was asked: an export's format and query string, an upload's token, name, format and skip_refused.
    params = models.JSONField(default=dict)
    task_id = models.CharField(max_length=64, blank=True, help_text="The task queue's id for this job's run.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds while the job runs; a running job whose worker stopped beating is failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid:start of the process running it.")
    done = models.BigIntegerField(default=0, help_text="Reports written (an export) or bytes read (an import).")
    total = models.BigIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the job failed, in words.")
    file = models.CharField(max_length=200, blank=True, help_text="The finished file, under JOBS_DIR.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The stale-job check reads the running jobs; the pruning reads the oldest finished ones.
            models.Index(fields=["status", "heartbeat_at"], name="reports_job_status_beat_idx"),
            models.Index(fields=["created_at"], name="reports_job_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["export", "check_import", "import"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="A job is an export, the check of an uploaded file or its import.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="A job is queued, running, done or failed.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="%(app_label)s_%(class)s_finished_has_time",
                violation_error_message="A finished job says when it finished.",
            ),
            models.CheckConstraint(
                condition=Q(done__gte=0),
                name="%(app_label)s_%(class)s_done_not_negative",
                violation_error_message="A job's progress cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {str(self.id)[:8]} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.EXPORT:
            return reverse("reports:export_job", args=[self.id])
        return reverse("admin:reports_casereport_import_job", args=[self.id])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def waiting_too_long(self) -> bool:
        """Queued for longer than a worker takes to notice a job: probably no worker is running."""
        waited = (timezone.now() - self.created_at).total_seconds()
        return self.status == self.Status.QUEUED and waited > settings.JOBS_STALE_SECONDS

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))
