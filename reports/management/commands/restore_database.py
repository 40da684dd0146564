from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from reports.backups import BackupError, describe, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by backup_database: reports, users, admin history "
        "and search index alike. All or nothing: a restore that fails leaves the database as it was. "
        "docs/backups.md has the details."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="The backup file to restore.")
        parser.add_argument(
            "--no-input", "--noinput", dest="interactive", action="store_false", help="Do not ask for confirmation."
        )

    def handle(self, *args, path: str, interactive: bool, verbosity: int, **options):
        database = describe(connections[DEFAULT_DB_ALIAS])
        if interactive:
            answer = input(
                f"This replaces everything in {database} (reports, users, admin history) with the backup {path}.\n"
                "Type 'yes' to continue, or anything else to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Restore cancelled; the database was not changed.")
                return
        try:
            summary = restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {database} from {summary.summary()}."))
        if summary.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup was made by an older casebase: run `manage.py migrate` now to apply "
                    f"{len(summary.pending_migrations)} migration(s) ({', '.join(summary.pending_migrations)})."
                )
            )
        if verbosity > 1:
            for table, rows in summary.rows.items():
                self.stdout.write(f"  {table}: {rows:,}")
