import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.importers.readers import READERS
from reports.importers.service import import_file

SHOWN = 20  # problems listed per file; the rest are counted


class Command(BaseCommand):
    help = (
        "Import case reports from files: a PubMed abstract page saved as text, MEDLINE/.nbib, PubMed XML "
        "(.xml or .xml.gz), PubMed CSV, or casebase JSON. Each file is all or nothing; the format is detected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--format", choices=list(READERS), help="Read the files as this format instead of detecting it."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; write nothing.")
        parser.add_argument(
            "--skip-refused",
            action="store_true",
            help="Import the records of a file that can be imported and list the refused ones (by default one "
            "refused record keeps the whole file out).",
        )
        parser.add_argument(
            "--no-suggestions",
            dest="suggest",
            action="store_false",
            help="Do not suggest patients, conditions and treatments from the abstracts of new case reports.",
        )

    def handle(self, *args, paths, format, dry_run, skip_refused, suggest, verbosity, **options):
        # The progress bar is for people watching a terminal; logs and pipes get the summaries only.
        show_progress = verbosity > 0 and sys.stderr.isatty()
        refused = []
        for path in paths:
            result = self._import(
                path,
                format=format,
                dry_run=dry_run,
                skip_refused=skip_refused,
                suggest=suggest,
                via="command",
                show_progress=show_progress,
            )
            style = self.style.SUCCESS if result.ok else self.style.ERROR if not result.written else self.style.WARNING
            self.stdout.write(style(result.summary()))
            self._list("refused", result.refused)
            self._list("replaced or not taken", result.conflicts)
            if not result.ok:
                refused.append(path)
        if refused:
            raise CommandError(f"{len(refused)} of {len(paths)} files had refused records: {', '.join(refused)}")

    def _import(self, path: str, *, show_progress: bool, **options):
        if not show_progress:
            return import_file(file=path, **options)
        total = os.path.getsize(path) if os.path.isfile(path) else None
        with tqdm(total=total, unit="B", unit_scale=True, desc=os.path.basename(path), leave=False) as bar:
            return import_file(file=path, on_bytes=lambda done: bar.update(done - bar.n), **options)

    def _list(self, title: str, problems: list) -> None:
        if not problems:
            return
        self.stdout.write(f"  {title}:")
        for problem in problems[:SHOWN]:
            self.stdout.write(f"    {problem}")
        if len(problems) > SHOWN:
            self.stdout.write(f"    ... and {len(problems) - SHOWN} more")
