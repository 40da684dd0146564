from django.core.management.base import BaseCommand, CommandError

from reports.accounts import AccountError, add_staff


class Command(BaseCommand):
    help = (
        "Give someone access to the admin as a curator (edits clinical data, imports files) or a viewer (reads "
        "only). A new account gets a generated password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=["curator", "viewer"], required=True)

    def handle(self, *args, username: str, role: str, **options):
        try:
            result = add_staff(username=username, role=role)
        except AccountError as error:
            raise CommandError(str(error)) from error
        if result.password:
            self.stdout.write(self.style.SUCCESS(f"Created {role} '{username}' with the password: {result.password}"))
            self.stdout.write("It is shown only this once: keep it, or change it at /admin/password_change/.")
        else:
            self.stdout.write(self.style.SUCCESS(f"'{username}' is now a {role}."))
