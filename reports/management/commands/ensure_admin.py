from django.core.management.base import BaseCommand, CommandError

from reports.accounts import AccountError, ensure_admin


class Command(BaseCommand):
    help = (
        "Make sure an admin account exists. When none does, create one with a generated password and print the "
        "password once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Name of the account to create (default: admin).")

    def handle(self, *args, username: str, **options):
        try:
            result = ensure_admin(username=username)
        except AccountError as error:
            raise CommandError(str(error)) from error
        if result.password is None:
            self.stdout.write(
                f"An admin account exists already ({result.username}); "
                f"`manage.py changepassword {result.username}` sets a new password."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Created the admin account '{result.username}' with the password: {result.password}")
        )
        self.stdout.write("It is shown only this once: keep it, or change it at /admin/password_change/.")
