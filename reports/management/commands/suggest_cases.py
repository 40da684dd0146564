from django.core.management.base import BaseCommand

from reports import audit
from reports.models import CaseReport
from reports.suggestions.refresh import suggest_reports


class Command(BaseCommand):
    help = (
        "Suggest patients (age, sex), conditions, treatments and outcomes from the abstracts of stored case "
        "reports, as machine-suggested records for curators to confirm. Cases a curator entered or confirmed are "
        "never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="Only reports without patients (by default, stored suggestions are also brought up to date).",
        )
        parser.add_argument("--pmid", type=int, action="append", default=[], help="Only this report; repeatable.")

    def handle(self, *args, only_missing: bool, pmid: list[int], **options):
        reports = CaseReport.objects.all()
        if pmid:
            reports = reports.filter(pmid__in=pmid)
        with audit.acting(reason="manage.py suggest_cases"):
            result = suggest_reports(reports=reports, only_missing=only_missing)
        self.stdout.write(self.style.SUCCESS(result.summary()))
