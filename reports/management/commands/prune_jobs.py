"""Fail the jobs whose worker died, and remove those older than JOBS_KEEP_DAYS with their files (cron, daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.jobs import running


class Command(BaseCommand):
    help = __doc__

    def handle(self, **options):
        failed = running.fail_stale()
        removed = running.prune()
        self.stdout.write(
            f"{failed} jobs whose worker stopped marked failed; "
            f"{removed} jobs older than {settings.JOBS_KEEP_DAYS} days removed with their files."
        )
