"""Backing up and restoring the whole casebase database: reports, users, the admin's history, sessions and the search
index, with each database's own tools. docs/backups.md is the operator's guide.

PostgreSQL: pg_dump's custom format, restored with pg_restore. SQLite: a copy of the database file made with SQLite's
online backup API, which reads a consistent snapshot while the site keeps running. A backup restores only into the
kind of database that made it; the casebase JSON export (reports/exporters.py) is the way from one to the other.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgreSQLClient
from django.db.migrations.executor import MigrationExecutor

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
# Tables every casebase database has: a file without them is some other application's backup.
CASEBASE_TABLES = {"django_migrations", "reports_casereport"}
UNCHANGED = "The database was not changed."


class BackupError(Exception):
    """A backup or restore that could not be done, in words a curator understands."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds: for a backup, the database as it was copied; for a restore, as it was restored."""

    path: Path
    size: int  # bytes
    database: str  # which database was copied or replaced, e.g. "the SQLite database /srv/casebase/db.sqlite3"
    rows: dict[str, int]  # rows in each table, every table in the database
    # After a restore: this casebase's migrations the restored database has not had (a backup of an older version).
    pending_migrations: tuple[str, ...] = ()

    @property
    def tables(self) -> int:
        return len(self.rows)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        return (
            f"{self.path} ({_file_size(self.size)}): {self.tables} tables, {self.total_rows:,} rows "
            f"(case reports: {self.rows.get('reports_casereport', 0):,}, users: {self.rows.get('auth_user', 0):,})"
        )


def backup(*, path: str | os.PathLike, connection: BaseDatabaseWrapper | None = None) -> BackupSummary:
    """Copy the whole database (the configured one unless `connection` is given) to a backup file at `path`.

    The file appears only once it is complete: a backup that fails halfway leaves no file that looks like one.
    Only the user who made it can read it.
    """
    connection = connection or connections[DEFAULT_DB_ALIAS]
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write")
    if not path.parent.is_dir():
        raise BackupError(f"cannot write {path}: the folder {path.parent} does not exist")
    if connection.vendor == "sqlite" and path.resolve() == Path(connection.settings_dict["NAME"]).resolve():
        raise BackupError(f"{path} is the database itself: write the backup to another file")
    partial = path.with_name(f".{path.name}.partial")  # the same folder, so that moving it into place is a rename
    try:
        rows = _vendor_call(connection, sqlite=_sqlite_backup, postgresql=_postgresql_backup)(connection, partial)
        # A backup holds the accounts' password hashes and the session keys: for its owner's eyes only.
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path=path, size=path.stat().st_size, database=describe(connection), rows=rows)


def restore(*, path: str | os.PathLike, connection: BaseDatabaseWrapper | None = None) -> BackupSummary:
    """Replace everything in the database (the configured one unless `connection` is given) with the backup at
    `path`, made by `backup` or by pg_dump --format=custom. All or nothing: when the restore fails, the error says
    so and the database is as it was."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        # pg_restore's own connection would wait forever for this transaction's locks, and SQLite cannot copy
        # into a database that has a transaction open.
        raise RuntimeError("restore() replaces the whole database and cannot run inside a transaction")
    path = Path(path)
    _vendor_call(connection, sqlite=_sqlite_restore, postgresql=_postgresql_restore)(connection, path)
    return BackupSummary(
        path=path,
        size=path.stat().st_size,
        database=describe(connection),
        rows=count_rows(connection),
        pending_migrations=pending_migrations(connection),
    )


def describe(connection: BaseDatabaseWrapper) -> str:
    """The database as an operator names it."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        where = f"on {settings['HOST']}:{settings['PORT'] or 5432}" if settings["HOST"] else "on this machine"
        return f"the PostgreSQL database {settings['NAME']} {where}"
    return f"the SQLite database {settings['NAME']}"


def pending_migrations(connection: BaseDatabaseWrapper) -> tuple[str, ...]:
    """The migrations of this casebase that the database has not had, as "app.name"."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return tuple(f"{migration.app_label}.{migration.name}" for migration, _ in plan)


def count_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in each table of the database, every table the catalogue lists (Django's, casebase's, the search
    index's), not only those Django has models for."""
    if connection.vendor == "postgresql":
        listing = (
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename"
        )
    else:
        # SQLite's own bookkeeping (sqlite_sequence, sqlite_stat1) is copied too, but is not the curators' data.
        listing = (
            "SELECT NULL, name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(listing)
        for schema, table in cursor.fetchall():
            name = table if schema in (None, "public") else f"{schema}.{table}"
            qualified = quote(table) if schema is None else f"{quote(schema)}.{quote(table)}"
            cursor.execute(f"SELECT count(*) FROM {qualified}")
            rows[name] = cursor.fetchone()[0]
    return rows


def _vendor_call(connection: BaseDatabaseWrapper, **functions: Callable) -> Callable:
    if connection.vendor not in functions:
        raise BackupError(f"casebase backs up PostgreSQL and SQLite databases, not {connection.vendor}")
    return functions[connection.vendor]


def _file_size(size: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _read_header(path: Path) -> bytes:
    """The first bytes of the file, which say what kind of file it is; or the reason it cannot be read."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(100)
    except FileNotFoundError:
        raise BackupError(f"there is no backup file at {path}. {UNCHANGED}") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file. {UNCHANGED}") from None
    except PermissionError:
        raise BackupError(f"cannot read {path}: permission denied. {UNCHANGED}") from None
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}. {UNCHANGED}") from None
    if not header:
        raise BackupError(f"{path} is empty: it is not a backup (was the backup interrupted?). {UNCHANGED}")
    return header


def _refuse_other_kinds(path: Path, header: bytes, *, expected: str) -> None:
    if header.startswith(SQLITE_MAGIC) and expected != "sqlite":
        raise BackupError(
            f"{path} is a backup of a SQLite casebase, and this casebase uses PostgreSQL: restore it into a SQLite "
            f"casebase, and move the reports across with export_reports and import_reports. {UNCHANGED}"
        )
    if header.startswith(PG_DUMP_MAGIC) and expected != "postgresql":
        raise BackupError(
            f"{path} is a backup of a PostgreSQL casebase, and this casebase uses SQLite: restore it into a "
            f"PostgreSQL casebase, and move the reports across with export_reports and import_reports. {UNCHANGED}"
        )
    if b"PostgreSQL database dump" in header:
        raise BackupError(
            f"{path} is a plain SQL dump, which restore_database does not read: load it with psql into an empty "
            f"database, or make the backup again with backup_database (or pg_dump --format=custom). {UNCHANGED}"
        )
    magic = SQLITE_MAGIC if expected == "sqlite" else PG_DUMP_MAGIC
    if not header.startswith(magic):
        kind = "SQLite database" if expected == "sqlite" else "PostgreSQL backup (pg_dump --format=custom)"
        raise BackupError(f"{path} is not a casebase backup: it is not a {kind}. {UNCHANGED}")


# SQLite -----------------------------------------------------------------------------------------------------------


def _sqlite_backup(connection: BaseDatabaseWrapper, path: Path) -> dict[str, int]:
    connection.ensure_connection()
    path.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(path)) as target:
            # In one step (pages=-1, the default) the copy is made under one read lock: a consistent snapshot
            # while the site goes on reading and writing (writers wait for the copy, which takes seconds).
            connection.connection.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"could not back up {describe(connection)}: SQLite says {error}") from error
    copy = connection.copy()
    copy.settings_dict["NAME"] = str(path)
    try:
        return count_rows(copy)
    finally:
        copy.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    _check_sqlite_backup(path)
    connection.ensure_connection()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
            # Copying into the open database rather than writing a new file and renaming it over the old one: the
            # site's other connections keep the old file open, and would go on using it (and its journal) after a
            # rename. SQLite's backup API writes the copy in one write transaction on the target, and rolls that
            # back when the copy fails, so a failed restore leaves the database as it was; the site's readers see
            # the old database or the new one, never a mixture.
            source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"{path} could not be restored: SQLite says {error}. {UNCHANGED}") from error


def _check_sqlite_backup(path: Path) -> None:
    """Everything that can be wrong with the file, found before the database is touched."""
    _refuse_other_kinds(path, _read_header(path), expected="sqlite")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
            problems = [row[0] for row in source.execute("PRAGMA quick_check")]
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged or incomplete: SQLite says {error}. {UNCHANGED}") from error
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged or incomplete: SQLite's check found {problems[0]}. {UNCHANGED}")
    if not tables >= CASEBASE_TABLES:
        raise BackupError(
            f"{path} is a SQLite database but not a casebase backup: it has no case reports table. {UNCHANGED}"
        )


# PostgreSQL -------------------------------------------------------------------------------------------------------


def _postgresql_backup(connection: BaseDatabaseWrapper, path: Path) -> dict[str, int]:
    pg_dump = _tool("pg_dump")
    # The rows are counted in a transaction whose snapshot pg_dump shares, so that the summary describes exactly
    # what the file holds even while the site goes on writing.
    snapshot_holder = connection.copy()
    try:
        try:
            snapshot_holder.set_autocommit(False)
            with snapshot_holder.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        except OperationalError as error:
            raise BackupError(_cannot_connect(connection, str(error))) from error
        _run(
            connection,
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}", _dbname(connection)],
            failure=f"could not back up {describe(connection)}",
        )
        rows = count_rows(snapshot_holder)
        snapshot_holder.rollback()
        return rows
    finally:
        snapshot_holder.close()


def _postgresql_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    pg_restore = _tool("pg_restore", afterwards=UNCHANGED)
    _refuse_other_kinds(path, _read_header(path), expected="postgresql")
    listing = _run(
        connection,
        [pg_restore, "--list", str(path)],
        failure=f"{path} is damaged or incomplete",
        afterwards=UNCHANGED,
    )
    if not re.search(r"^\d+; \d+ \d+ TABLE \S+ reports_casereport ", listing, re.MULTILINE):
        raise BackupError(
            f"{path} is a PostgreSQL backup but not of a casebase database: it has no case reports table. {UNCHANGED}"
        )
    # One transaction rather than restoring into a new database and renaming it into place: a rename needs every
    # connection to the old database closed (the running site's too), and the site's user may not be allowed to
    # create databases. In one transaction (--single-transaction, which also stops at the first error) a restore
    # that fails is rolled back whole, and the site sees the old database until the new one is complete.
    # --clean --if-exists drops what the backup holds before re-creating it, so the restore replaces the data;
    # --no-owner --no-privileges make everything belong to the user casebase connects as, whoever made the backup.
    _run(
        connection,
        [
            pg_restore,
            "--single-transaction",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_dbname(connection)}",
            str(path),
        ],
        failure=f"{path} could not be restored into {describe(connection)}",
        afterwards=f"{UNCHANGED} (The restore ran in one transaction, which was rolled back.)",
    )


def _tool(name: str, *, afterwards: str = "") -> str:
    found = shutil.which(name)
    if found is None:
        message = (
            f"{name} is not installed (or not on the PATH): it comes with PostgreSQL's client programs, e.g. "
            f"`apt-get install postgresql-client`, of the same major version as the server or newer. {afterwards}"
        )
        raise BackupError(message.strip())
    return found


def _dbname(connection: BaseDatabaseWrapper) -> str:
    return connection.settings_dict["NAME"] or "postgres"


def _environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Where and how pg_dump and pg_restore connect: the settings Django connects with, passed in the environment
    (as psql gets them from `manage.py dbshell`) so that the password never shows in the process list."""
    settings = connection.settings_dict
    _, client_environment = PostgreSQLClient.settings_to_cmd_args_env(settings, [])
    environment = {**os.environ, **(client_environment or {})}
    for variable, setting in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings.get(setting):
            environment[variable] = str(settings[setting])
    return environment


def _run(connection: BaseDatabaseWrapper, command: list[str], *, failure: str, afterwards: str = "") -> str:
    """Run pg_dump or pg_restore; when it fails, `failure` and what the program said, then `afterwards`."""
    result = subprocess.run(command, env=_environment(connection), capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return result.stdout
    program = Path(command[0]).name
    lines = (line.strip().removeprefix(f"{program}: ").removeprefix("error: ") for line in result.stderr.splitlines())
    said = " ".join(line for line in lines if line).rstrip(".")
    if "could not connect" in said or ("connection to server" in said and "failed" in said):
        message = _cannot_connect(connection, said)
    else:
        message = f"{failure}: {program} says: {said}"
    raise BackupError(f"{message}. {afterwards}".strip())


def _cannot_connect(connection: BaseDatabaseWrapper, said: str) -> str:
    reason = "connection refused: is the server running, and are DATABASE_URL's host and port right?"
    if "Connection refused" not in said:
        reason = said
    return f"cannot connect to {describe(connection)} ({reason.rstrip('.')})"
