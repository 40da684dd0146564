"""The record of every import that wrote to the database: which file, who or what ran it, and what it did."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportRun(models.Model):
    """One file imported into casebase (a dry run or a refused file writes nothing, so it is not recorded)."""

    class Via(models.TextChoices):
        COMMAND = "command", "manage.py import_reports"
        ADMIN = "admin", "the admin's Import files page"
        OTHER = "other", "other code"

    source = models.CharField(max_length=255, help_text="The file's name.")
    format = models.CharField(max_length=20)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.OTHER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The record of an import outlives the account that ran it.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    records = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="Records left out (with --skip-refused).")
    suggested = models.PositiveIntegerField(default=0, help_text="Reports given suggested patients.")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(via__in=["command", "admin", "other"]),
                name="%(app_label)s_%(class)s_via_valid",
                violation_error_message="An import ran through the command, the admin, or other code.",
            ),
        ]

    def __str__(self):
        return f"Import {self.pk}: {self.source}"

    @property
    def reason(self) -> str:
        """What the history of every record this import wrote says about it."""
        return f"Import {self.pk} of {self.source}"[:100]
