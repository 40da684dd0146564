from django.core.management.base import BaseCommand, CommandError

from reports.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (reports, users, admin history, search index) to one file: pg_dump's custom "
        "format on PostgreSQL, a copy of the database file on SQLite. Safe while the site is running. "
        "restore_database reads it back; docs/backups.md has the details."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="The backup file to write (replaced if it exists).")

    def handle(self, *args, path: str, verbosity: int, **options):
        try:
            summary = backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up {summary.database} to {summary.summary()}."))
        if verbosity > 1:
            for table, rows in summary.rows.items():
                self.stdout.write(f"  {table}: {rows:,}")
