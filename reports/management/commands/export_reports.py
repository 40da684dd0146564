from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from reports.exporters import write_csv, write_json
from reports.filters import CaseReportFilter
from reports.models import CaseReport


class Command(BaseCommand):
    help = (
        "Export case reports as casebase JSON (every field; re-importable with import_reports) or CSV (one row "
        "per patient and treatment). Filters are those of the public list, e.g. --filter condition=sjogren "
        "--filter year_min=2015."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of to standard output.")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A filter of the public list (q, condition, intervention, outcome, sex, age_min, age_max, year_min, "
            "year_max, journal, keyword, publication_type, sort); repeat for several.",
        )

    def handle(self, *args, format: str, output: str | None, filter: list[str], **options):
        data = QueryDict(mutable=True)
        for item in filter:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter {item!r}: write it as NAME=VALUE, e.g. condition=sjogren")
            data.appendlist(name, value)
        filterset = CaseReportFilter(data, queryset=CaseReport.objects.all())
        unknown = set(data) - set(filterset.filters) - {"age_min", "age_max", "year_min", "year_max"}
        if unknown:
            raise CommandError(f"unknown filters: {', '.join(sorted(unknown))}")
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            raise CommandError(f"the filters cannot be used: {problems}")
        write = write_json if format == "json" else write_csv
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write(filterset.qs, stream)
            self.stderr.write(f"Wrote {filterset.qs.count()} reports to {output}.")
        else:
            write(filterset.qs, _Unterminated(self.stdout))


class _Unterminated:
    """The command's stdout without the newline Django adds to every write: the export is written in pieces."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
