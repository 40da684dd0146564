"""Backups of the whole database and restoring them, on whichever database the suite runs on: every row of every
table comes back, and a file that is not a good backup is refused without touching the database."""

import contextlib
import io
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

import reports.search.index as search_index
from reports.backups import PG_DUMP_MAGIC, BackupError, backup, describe, restore
from reports.importers.service import import_file
from reports.models import CaseReport

# pg_dump and pg_restore use connections of their own, which cannot see the rows of a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=True)

METAPUB = Path(__file__).parent / "data" / "pubmed" / "metapub"


@pytest.fixture
def casebase(seed_report, django_user_model, client) -> None:
    """Something in every kind of table: the seed (curated patients), two real PubMed records (a case report with
    keywords and suggested patients; MeSH headings and substances), a curator's account, her session and an entry
    in the admin's history."""
    assert import_file(file=METAPUB / "25364329.xml").created == 1
    assert import_file(file=METAPUB / "pmid_28731372.xml").created == 1
    curator = django_user_model.objects.create_user(username="curator", password="a-long-test-password", is_staff=True)
    client.force_login(curator)
    LogEntry.objects.create(
        user=curator,
        content_type=ContentType.objects.get_for_model(CaseReport),
        object_id=str(seed_report.pk),
        object_repr=str(seed_report)[:200],
        action_flag=CHANGE,
        change_message="Changed the patient's age.",
    )


def every_row(database: BaseDatabaseWrapper) -> dict[str, list[tuple]]:
    """Every row of every table in the database's catalogue, SQLite's own and the search index's included, and on
    PostgreSQL where each sequence stands (so that new rows after a restore get new ids)."""
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        else:
            cursor.execute("SELECT '\"' || name || '\"' FROM sqlite_master WHERE type = 'table'")
        tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            rows[table.replace('"', "").removeprefix("public.")] = sorted(cursor.fetchall(), key=repr)
        if database.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
            rows.update({f"sequence {name}": [(value,)] for name, value in cursor.fetchall()})
    return rows


def search_index_table() -> str:
    return "reports_searchindex" if connection.vendor == "postgresql" else "reports_search"


def assert_every_kind_of_table_has_rows(rows: dict[str, list]) -> None:
    """Otherwise comparing two databases could pass on empty tables."""
    filled = {table for table, table_rows in rows.items() if table_rows}
    assert {
        "auth_user",
        "auth_permission",
        "django_session",
        "django_admin_log",
        "django_content_type",
        "django_migrations",
        "reports_casereport",
        "reports_patient",
        "reports_treatment",
        "reports_meshheading",
        "reports_reportsubstance",
        search_index_table(),
    } <= filled
    assert len(rows["reports_casereport"]) == 3


@contextlib.contextmanager
def new_empty_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A connection to a database with nothing in it, of the suite's kind: a new SQLite file, or a new PostgreSQL
    database, dropped afterwards."""
    scratch = connection.copy()
    if connection.vendor == "sqlite":
        scratch.settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        try:
            yield scratch
        finally:
            scratch.close()
        return
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    scratch.settings_dict["NAME"] = name
    maintenance = {
        "dbname": "postgres",
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "autocommit": True,
    }
    with psycopg.connect(**maintenance) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        # template0: nothing in it that a restore could leave or trip over (template1 may have extensions).
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    try:
        yield scratch
    finally:
        scratch.close()
        with psycopg.connect(**maintenance) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def unreachable_postgresql() -> BaseDatabaseWrapper:
    """A PostgreSQL database where no server listens (port 1), whatever database the suite runs on."""
    # configure_settings fills in the settings Django gives every database (OPTIONS, TIME_ZONE, ...).
    settings = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "casebase",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "1",
            }
        }
    )[DEFAULT_DB_ALIAS]
    return load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "unreachable")


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# Backing up and restoring --------------------------------------------------------------------------------------------


def test_a_backup_restored_into_an_empty_database_has_every_row_of_every_table(casebase, tmp_path):
    original = every_row(connection)
    assert_every_kind_of_table_has_rows(original)
    made = backup(path=tmp_path / "casebase.backup")
    with new_empty_database(tmp_path) as target:
        restored = restore(path=tmp_path / "casebase.backup", connection=target)
        assert every_row(target) == original
        # The restored database keeps its search index up to date, as migrate left the original.
        assert search_index.installed_triggers(target) == search_index.installed_triggers(connection)
        assert search_index.installed_triggers(target) >= search_index.EXPECTED_TRIGGERS
    # The summaries count what the file holds: every table, SQLite's own bookkeeping aside.
    counted = {table: len(rows) for table, rows in original.items() if not table.startswith(("sqlite_", "sequence "))}
    assert made.rows == restored.rows == counted
    assert made.size == (tmp_path / "casebase.backup").stat().st_size > 0
    assert stat.S_IMODE((tmp_path / "casebase.backup").stat().st_mode) == 0o600  # it holds password hashes
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial file left behind


def test_restoring_a_backup_puts_back_what_changed_since(casebase, tmp_path):
    original = every_row(connection)
    backup(path=tmp_path / "casebase.backup")
    CaseReport.objects.filter(pmid=25364329).delete()
    CaseReport.objects.update(title="Edited after the backup")
    LogEntry.objects.all().delete()
    restore(path=tmp_path / "casebase.backup")
    assert every_row(connection) == original


def test_a_backup_replaces_an_older_file_of_the_same_name(casebase, tmp_path):
    (tmp_path / "casebase.backup").write_bytes(b"yesterday's backup")
    backup(path=tmp_path / "casebase.backup")
    CaseReport.objects.all().delete()
    assert restore(path=tmp_path / "casebase.backup").rows["reports_casereport"] == 3


# Files that are not good backups --------------------------------------------------------------------------------------


def missing(path: Path) -> str:
    return "there is no backup file at"


def folder(path: Path) -> str:
    path.mkdir()
    return "is a folder, not a backup file"


def empty(path: Path) -> str:
    path.write_bytes(b"")
    return "is empty"


def text(path: Path) -> str:
    path.write_text("Case reports, 2019\n")
    return "is not a casebase backup"


def plain_sql_dump(path: Path) -> str:
    path.write_text("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n")
    return "is a plain SQL dump"


def other_kind_of_database(path: Path) -> str:
    """A backup of the other kind of database than the one the suite runs on."""
    if connection.vendor == "postgresql":
        with contextlib.closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE reports_casereport (id integer PRIMARY KEY)")
        return "is a backup of a SQLite casebase, and this casebase uses PostgreSQL"
    path.write_bytes(PG_DUMP_MAGIC + b"\x01\x0e\x00\x04\x08\x01\x01" + bytes(200))
    return "is a backup of a PostgreSQL casebase, and this casebase uses SQLite"


def another_application(path: Path) -> str:
    if connection.vendor == "postgresql":
        with new_empty_database(path.parent) as nothing_of_casebase:
            backup(path=path, connection=nothing_of_casebase)
        return "is a PostgreSQL backup but not of a casebase database"
    with contextlib.closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE notes (id integer PRIMARY KEY, text text)")
    return "is a SQLite database but not a casebase backup"


@pytest.mark.parametrize(
    "faulty_file",
    [missing, folder, empty, text, plain_sql_dump, other_kind_of_database, another_application],
    ids=lambda make: make.__name__,
)
def test_a_file_that_is_not_a_casebase_backup_is_refused_with_the_reason_and_changes_nothing(
    casebase, tmp_path, faulty_file
):
    path = tmp_path / "casebase.backup"
    reason = faulty_file(path)
    before = every_row(connection)
    with pytest.raises(BackupError, match=reason) as refused:
        restore(path=path)
    assert str(refused.value).endswith("The database was not changed.")
    assert every_row(connection) == before


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_a_backup_cut_short_is_refused_and_the_database_is_left_as_it_was(casebase, tmp_path, keep):
    backup(path=tmp_path / "casebase.backup")
    whole = (tmp_path / "casebase.backup").read_bytes()
    (tmp_path / "cut.backup").write_bytes(whole[: int(len(whole) * keep)])
    CaseReport.objects.update(title="Edited after the backup")
    before = every_row(connection)
    with pytest.raises(BackupError, match="The database was not changed"):
        restore(path=tmp_path / "cut.backup")
    assert every_row(connection) == before


def test_a_backup_or_restore_without_the_postgresql_client_programs_says_they_are_not_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"^pg_dump is not installed .*apt-get install postgresql-client"):
        backup(path=tmp_path / "casebase.backup", connection=unreachable_postgresql())
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(BackupError, match=r"^pg_restore is not installed .*The database was not changed\.$"):
        restore(path=tmp_path / "casebase.backup", connection=unreachable_postgresql())


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed here")
def test_a_backup_of_a_database_that_refuses_the_connection_says_so_and_writes_no_file(tmp_path):
    with pytest.raises(
        BackupError,
        match=r"cannot connect to the PostgreSQL database casebase on 127.0.0.1:1 \(connection refused: "
        "is the server running",
    ):
        backup(path=tmp_path / "casebase.backup", connection=unreachable_postgresql())
    assert list(tmp_path.iterdir()) == []


def test_a_backup_into_a_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(BackupError, match=r"the folder .*nowhere does not exist"):
        backup(path=tmp_path / "nowhere" / "casebase.backup")


# The commands ---------------------------------------------------------------------------------------------------------


def test_backup_database_and_restore_database_print_the_file_its_size_and_what_it_holds(casebase, tmp_path):
    path = tmp_path / "casebase.backup"
    out = run("backup_database", str(path))
    assert out.startswith(f"Backed up {describe(connection)} to {path} (")
    assert "(case reports: 3, users: 1)" in out
    CaseReport.objects.all().delete()
    out = run("restore_database", str(path), "--no-input")
    assert out.startswith(f"Restored {describe(connection)} from {path} (")
    assert "(case reports: 3, users: 1)" in out
    assert "migrate" not in out
    assert CaseReport.objects.count() == 3


def test_restore_database_asks_first_and_changes_nothing_unless_told_yes(casebase, tmp_path, monkeypatch):
    backup(path=tmp_path / "casebase.backup")
    CaseReport.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run("restore_database", str(tmp_path / "casebase.backup")) == (
        "Restore cancelled; the database was not changed.\n"
    )
    assert CaseReport.objects.count() == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    run("restore_database", str(tmp_path / "casebase.backup"))
    assert CaseReport.objects.count() == 3


def test_restore_database_fails_with_the_reason_for_a_file_that_is_not_a_backup(tmp_path):
    (tmp_path / "reports.json").write_text('{"format": "casebase"}')
    with pytest.raises(CommandError, match=r"reports\.json is not a casebase backup"):
        run("restore_database", str(tmp_path / "reports.json"), "--no-input")


def test_restore_database_says_to_migrate_after_restoring_a_backup_of_an_older_casebase(casebase, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, applied FROM django_migrations WHERE app = 'reports' ORDER BY name DESC")
        latest = cursor.fetchone()

    def forget_the_latest_migration():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", latest[:2])

    def remember_it():
        # The test database outlives this test, and its migrations table is not emptied between tests.
        forget_the_latest_migration()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", latest)

    # A backup made before the latest migration, restored into a database that has had it.
    forget_the_latest_migration()
    try:
        backup(path=tmp_path / "older.backup")
    finally:
        remember_it()
    try:
        out = run("restore_database", str(tmp_path / "older.backup"), "--no-input")
    finally:
        remember_it()
    assert f"run `manage.py migrate` now to apply 1 migration(s) (reports.{latest[1]})" in out
