from django.apps import AppConfig
from django.db.models.signals import post_migrate


def keep_search_index(sender, using, **kwargs):
    """After every migrate: SQLite drops a table's triggers when a migration rebuilds it; put them back."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    import reports.search.index as search_index

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("reports", "0002_search_index") in applied:
        search_index.install(connection)


def keep_roles(sender, using, **kwargs):
    """After every migrate: the curator and viewer groups, with the permissions of every model there is now."""
    from reports.roles import ensure_roles

    ensure_roles()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Case reports"

    def ready(self):
        post_migrate.connect(keep_search_index, sender=self)
        # Django creates permissions in its own post_migrate handler (auth app); ours runs after it, since the
        # reports app comes later in INSTALLED_APPS.
        post_migrate.connect(keep_roles, sender=self)
