"""The references an import is measured against: the same rows written by loaddata, by bulk_create and by COPY.

    .venv/bin/python bench/references.py --source URL --target URL --kind loaddata|bulk_create|copy [--work DIR]

The source is a database an import has filled; the target a new, migrated, empty database of the same kind. Each
reference writes the source's rows of every casebase table (reports, their parts, the vocabularies, the history and,
for COPY, the search documents) into the target in one transaction, and prints one JSON line: rows and seconds.
Only the writing is timed: reading the fixture (loaddata reads its own file, as a user's loaddata would),
building the objects (bulk_create) and reading the source tables (COPY) are not.

- loaddata: Django's `loaddata` of a `dumpdata reports` fixture (JSON).
- bulk_create: the fixture's objects, Model.objects.bulk_create per model.
  Both with the search triggers switched off and every search document written once at the end, as the import
  does (with the triggers on, loaddata rewrites a report's document for each of its rows: hours at 10k reports).
- copy (PostgreSQL): `COPY table FROM STDIN` of the source's table contents, table by table, search triggers off;
  the ceiling of what the database takes.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def casebase_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name LIKE 'reports\\_%' "
        "ORDER BY table_name"
    )
    return [row[0] for row in cursor.fetchall()]


def written_columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_reference(source: str, target: str, work: Path) -> dict:
    import psycopg
    from django.db import connection, transaction

    import reports.search.index as search_index

    dumps = []
    with psycopg.connect(source) as conn, conn.cursor() as cursor:
        for table in casebase_tables(cursor):
            columns = written_columns(cursor, table)
            quoted = ", ".join(f'"{c}"' for c in columns)
            path = work / f"{table}.copy"
            with path.open("wb") as out, cursor.copy(f'COPY "{table}" ({quoted}) TO STDOUT') as copy:
                for data in copy:
                    out.write(data)
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            dumps.append((table, quoted, path, cursor.fetchone()[0]))
    # The target's own rows (from migrate: none in these tables) are left as they are.
    started = time.perf_counter()
    with transaction.atomic(), search_index.deferred(connection), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY DEFERRED), so order is free.
        for table, quoted, path, _ in dumps:
            with path.open("rb") as data, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                while chunk := data.read(1 << 20):
                    copy.write(chunk)
    return {"rows": sum(d[3] for d in dumps), "seconds": time.perf_counter() - started}


def dump_fixture(source: str, path: Path) -> None:
    """`dumpdata reports` of the source, run as its own process (Django here is set up on the target)."""
    import subprocess

    env = {**os.environ, "DATABASE_URL": source}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "dumpdata", "reports", "--output", str(path)], env=env, check=True
    )


def loaddata_reference(source: str, work: Path) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    import reports.search.index as search_index
    from reports.models import CaseReport

    fixture = work / "source.json"
    dump_fixture(source, fixture)
    rows = len(json.loads(fixture.read_text()))
    started = time.perf_counter()
    with transaction.atomic(), search_index.deferred(connection):
        call_command("loaddata", str(fixture), verbosity=0)
        search_index.refresh(connection, CaseReport.objects.values_list("pk", flat=True))
    seconds = time.perf_counter() - started
    return {"rows": rows + _search_documents(), "seconds": seconds}


def bulk_create_reference(source: str, work: Path) -> dict:
    from django.core import serializers
    from django.db import connection, transaction

    import reports.search.index as search_index
    from reports.models import CaseReport

    fixture = work / "source.json"
    dump_fixture(source, fixture)
    by_model: dict = {}
    with fixture.open() as data:
        for item in serializers.deserialize("json", data):
            by_model.setdefault(type(item.object), []).append(item.object)
    rows = sum(len(objs) for objs in by_model.values())
    started = time.perf_counter()
    with transaction.atomic(), search_index.deferred(connection):
        for model, objs in by_model.items():
            model.objects.bulk_create(objs, batch_size=2000)
        search_index.refresh(connection, CaseReport.objects.values_list("pk", flat=True))
    return {"rows": rows + _search_documents(), "seconds": time.perf_counter() - started}


def _search_documents() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_searchindex" if connection.vendor == "postgresql" else "SELECT 0")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="database URL of the filled database")
    parser.add_argument("--target", required=True, help="database URL of a new, migrated, empty database")
    parser.add_argument("--kind", choices=["loaddata", "bulk_create", "copy"], required=True)
    parser.add_argument("--work", type=Path, help="folder for the dumps (default: a temporary one)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.target
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    import django

    django.setup()
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        if args.kind == "copy":
            figures = copy_reference(args.source, args.target, Path(work))
        elif args.kind == "loaddata":
            figures = loaddata_reference(args.source, Path(work))
        else:
            figures = bulk_create_reference(args.source, Path(work))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
