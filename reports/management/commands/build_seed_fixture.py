from django.core.management.base import BaseCommand, CommandError

from reports.importers.errors import RecordError
from reports.seed import SEED_FIXTURE, build_seed_fixture


class Command(BaseCommand):
    help = "Build fixtures/seed.json from the seed PubMed page and its curation file (fixtures/source/)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only say whether fixtures/seed.json is up to date; change nothing."
        )

    def handle(self, *args, check: bool, **options):
        try:
            text = build_seed_fixture()
        except RecordError as error:
            raise CommandError(str(error)) from error
        current = SEED_FIXTURE.read_text(encoding="utf-8") if SEED_FIXTURE.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{SEED_FIXTURE} is out of date: run `manage.py build_seed_fixture`.")
            self.stdout.write(f"{SEED_FIXTURE} is up to date.")
            return
        if current == text:
            self.stdout.write(f"{SEED_FIXTURE} is up to date; nothing written.")
            return
        SEED_FIXTURE.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {SEED_FIXTURE}."))
