"""Time the public pages on the real baseline data: search, filters, facets and report pages.

    .venv/bin/python bench/pages.py --database sqlite|postgres [--files var/baseline] [--repeat 5]

Builds a new database, imports the two PubMed baseline files (50,788 records; `make bench-import` fetches them),
then requests each page of a fixed set through Django's test client (the whole view: queries and template) and
prints the median and the 95th percentile of the time per page, and the number of queries each page ran.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("list, newest first", "/"),
    ("list, page 200", "/?page=200"),
    ("search: common word", "/?q=patients"),
    ("search: rare word", "/?q=sarcoidosis"),
    ("search: phrase", '/?q="heart failure"'),
    ("search: exclusion", "/?q=cancer+-breast"),
    ("search: alternatives", "/?q=diabetes+or+obesity"),
    ("search + year range", "/?q=case&year_min=2019&year_max=2021"),
    ("search, page 20", "/?q=patients&page=20"),
    ("filter: case reports", "/?publication_type={case_reports}"),
    ("filter: full text + COI", "/?full_text=true&coi=true"),
    ("filter: journal", "/?journal=cureus"),
    ("search + filters, by title", "/?q=treatment&full_text=true&sort=title"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--files", type=Path, default=ROOT / "var" / "baseline")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(args.files.glob("pubmed*.xml.gz"))
    if not files:
        sys.exit(f"No baseline files in {args.files}: run ../shared/data/get-pubmed-baseline {args.files}")

    scratch = tempfile.TemporaryDirectory()
    name = f"casebase_pages_{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{scratch.name}/pages.sqlite3" if args.database == "sqlite" else f"{args.postgres_url}/{name}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # so that the client records each response's context (the result counts)

    if args.database == "postgres":
        import psycopg

        with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("migrate", verbosity=0)
        from django.db.models import Count

        from reports.importers.service import import_file
        from reports.models import CaseReport, Condition, Intervention, PublicationType

        for path in files:
            result = import_file(file=path, skip_refused=True)
            print(result.summary(), file=sys.stderr)
        if args.database == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        case_reports = PublicationType.objects.get(name="Case Reports").pk
        report_ids = list(CaseReport.objects.order_by("?").values_list("pk", flat=True)[:20])
        pages = [(label, url.format(case_reports=case_reports)) for label, url in PAGES]
        pages += [(f"report page #{n + 1}", f"/reports/{pk}/") for n, pk in enumerate(report_ids[:5])]
        # The clinical pages, on the cases suggested from the abstracts at import: the most used terms.
        condition = Condition.objects.annotate(n=Count("diagnoses")).order_by("-n").first()
        intervention = Intervention.objects.annotate(n=Count("treatments")).order_by("-n").first()
        with_patients = list(
            CaseReport.objects.filter(patients__isnull=False).distinct().order_by("?").values_list("pk", flat=True)[:2]
        )
        if condition and intervention:
            pages += [
                ("filter: condition", f"/?condition={condition.name}"),
                ("filter: woman, adult", "/?sex=female&age_group=adult"),
                ("filter: curated cases only", "/?curated=true"),
                (f"evidence: {intervention.name}", f"/interventions/{intervention.pk}/"),
                (f"evidence: {condition.name}", f"/conditions/{condition.pk}/"),
                ("patients list", f"/patients/?condition_id={condition.pk}"),
            ]
        pages += [(f"report page with patients #{n + 1}", f"/reports/{pk}/") for n, pk in enumerate(with_patients)]

        client = Client()
        rows = []
        for label, url in pages:
            client.get(url)  # warm the caches the way a running site has them
            times = []
            for _ in range(args.repeat):
                reset_queries()
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            count = response.context["page_obj"].paginator.count if "page_obj" in response.context else ""
            rows.append((label, url, count, statistics.median(times), max(times), len(queries)))

        print(f"\n## Page times on the baseline data ({connection.vendor}, {CaseReport.objects.count():,} reports)\n")
        print(f"Each page requested {args.repeat} times after one warm-up; milliseconds for the whole view.\n")
        print("| page | URL | results | median ms | slowest ms | queries |")
        print("|---|---|---:|---:|---:|---:|")
        for label, url, count, median, slowest, queries in rows:
            shown = f"{count:,}" if count != "" else ""
            print(f"| {label} | `{url}` | {shown} | {median:.0f} | {slowest:.0f} | {queries} |")
    finally:
        connection.close()
        if args.database == "postgres":
            import psycopg

            with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        scratch.cleanup()


if __name__ == "__main__":
    main()
