"""The full-text search index and the triggers that keep it (reports/search/index.py says how)."""

from django.db import migrations


def forwards(apps, schema_editor):
    import reports.search.index as search_index

    search_index.install(schema_editor.connection)


def backwards(apps, schema_editor):
    import reports.search.index as search_index

    search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
