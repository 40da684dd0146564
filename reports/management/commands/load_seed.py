from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reports import audit
from reports.models import CaseReport


class Command(BaseCommand):
    help = (
        "Load the seed fixture into an empty database. A database that holds case reports already is left "
        "alone, so curators' edits to the seed survive a restart (use `loaddata seed` to force it)."
    )

    def handle(self, *args, **options):
        count = CaseReport.objects.count()
        if count:
            self.stdout.write(f"The database holds {count} case report(s) already; the seed was not loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", "seed", verbosity=0)
            # loaddata writes without the signals that keep the history: give every seed record its first entry.
            audit.record_initial(reason="Loaded from the seed")
        self.stdout.write(self.style.SUCCESS("Loaded the seed case report."))
