"""Import the two real PubMed baseline files into a fresh database and print what it took.

    .venv/bin/python bench/import_baseline.py --database sqlite [--files DIR]
    .venv/bin/python bench/import_baseline.py --database postgres [--postgres-url postgres://postgres@127.0.0.1:5432]

The files come from ../shared/data/get-pubmed-baseline (50,788 records); `make bench-import` fetches them into
var/baseline and runs both databases. Figures: records per second and peak memory of the first import, seconds
of the second (unchanged) import, and what ended up in the database. Each run uses its own new database and
removes it afterwards.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--files", type=Path, default=ROOT / "var" / "baseline")
    parser.add_argument(
        "--no-suggestions", dest="suggest", action="store_false", help="import without suggesting cases"
    )
    args = parser.parse_args()
    files = sorted(args.files.glob("pubmed*.xml.gz"))
    if not files:
        sys.exit(f"No baseline files in {args.files}: run ../shared/data/get-pubmed-baseline {args.files}")

    scratch = tempfile.TemporaryDirectory()
    name = f"casebase_bench_{uuid.uuid4().hex[:8]}"
    if args.database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    else:
        os.environ["DATABASE_URL"] = f"{args.postgres_url}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.database == "postgres":
        _create_postgres(args.postgres_url, name)
    try:
        call_command("migrate", verbosity=0)
        rows = run(files, suggest=args.suggest)
        suggestions = "with suggested cases" if args.suggest else "without suggestions"
        print(
            f"\n## Import of the PubMed baseline files into {connection.vendor}, {suggestions} "
            f"({connection.settings_dict['NAME']})\n"
        )
        print("| file | records | refused | first import s | records/s | second import s | second: unchanged |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print(
                f"| {row['file']} | {row['records']:,} | {len(row['refused'])} | {row['first']:.1f} "
                f"| {row['records'] / row['first']:,.0f} | {row['second']:.1f} | {row['unchanged']:,} |"
            )
        for row in rows:
            for problem in row["refused"]:
                print(f"\nRefused in {row['file']}: {problem}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nPeak memory of the whole run: {peak:.0f} MB")
        print_counts()
    finally:
        connection.close()
        if args.database == "postgres":
            _drop_postgres(args.postgres_url, name)
        scratch.cleanup()


def run(files: list[Path], *, suggest: bool = True) -> list[dict]:
    from reports.importers.service import import_file

    rows = []
    for path in files:
        started = time.perf_counter()
        # A baseline file holds a few records that cannot be imported (an erratum without any title); the rest go in.
        first = import_file(file=path, skip_refused=True, suggest=suggest)
        first_seconds = time.perf_counter() - started
        if not first.written:
            sys.exit(f"{path.name} was refused: {[str(p) for p in first.refused[:5]]}")
        started = time.perf_counter()
        second = import_file(file=path, skip_refused=True, suggest=suggest)
        rows.append(
            {
                "file": path.name,
                "records": first.records,
                "first": first_seconds,
                "second": time.perf_counter() - started,
                "unchanged": second.unchanged,
                "refused": [str(problem) for problem in first.refused],
            }
        )
        print(f"{first.summary()}\n{second.summary()}", file=sys.stderr)
    return rows


def print_counts() -> None:
    from reports.models import CaseReport, Citation, Origin, Patient

    reports = CaseReport.objects.count()
    case_reports = CaseReport.objects.filter(publication_types__name="Case Reports").count()
    citations = Citation.objects.count()
    resolved = Citation.objects.filter(cited_report__isnull=False).count()
    print(f"Reports: {reports:,} ({case_reports:,} of them Case Reports)")
    print(
        f"Suggested patients: {Patient.objects.filter(origin=Origin.SUGGESTED).count():,} in "
        f"{CaseReport.objects.filter(patients__origin=Origin.SUGGESTED).distinct().count():,} reports"
    )
    print(f"References: {citations:,}, of which resolved to a report in casebase: {resolved:,}")


def _create_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
