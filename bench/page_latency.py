"""Latency of the public pages on the database DATABASE_URL names, and of the same queries as raw SQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/page_latency.py [--repeat 20] [--json out.json]

A fixed query set, shaped like what people ask (bench/suite.py runs it at every size): the list and a deep page of
it, common and rare words, a phrase, an exclusion, alternatives, searches with filters, clinical filters (the most
used condition, sex and age group), evidence pages, the patients list and report pages. Each page is requested
once to warm the caches a running site has, then `repeat` times through Django's test client (the whole view:
queries, template); the queries it ran are then run again, as the SQL text Django sent, straight on the database
cursor and fetched to the last row: the ratio page / SQL is what Django, the view and the template add.

Prints a table, and writes the figures as JSON when --json is given.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS_COMMON = ["case", "treatment", "disease", "syndrome", "diagnosis", "cancer"]
WORDS_RARE = ["sarcoidosis", "naltrexone", "pheochromocytoma", "kawasaki", "amyloidosis", "brucellosis"]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def query_set() -> list[tuple[str, str, str]]:
    """(kind, label, url): the pages measured, built from what this database holds."""
    from django.db.models import Count

    from reports.models import CaseReport, Condition, Intervention, Journal, PublicationType
    from reports.search.engine import matching
    from reports.search.query import parse

    def hits(word):
        return matching(CaseReport.objects.all(), query=parse(word)).count()

    common = max(WORDS_COMMON, key=hits)
    rare = min((w for w in WORDS_RARE if hits(w)), key=hits, default=WORDS_RARE[0])
    case_reports = PublicationType.objects.filter(name="Case Reports").values_list("pk", flat=True).first()
    journal = Journal.objects.annotate(n=Count("reports")).order_by("-n").values_list("title", flat=True).first()
    condition = Condition.objects.annotate(n=Count("diagnoses")).order_by("-n").first()
    intervention = Intervention.objects.annotate(n=Count("treatments")).order_by("-n").first()
    pages = [
        ("list", "list, newest first", "/"),
        ("list", "list, page 200", "/?page=200"),
        ("search", f"common word ({common})", f"/?q={common}"),
        ("search", f"common word, page 20 ({common})", f"/?q={common}&page=20"),
        ("search", f"rare word ({rare})", f"/?q={rare}"),
        ("search", "phrase", '/?q="heart failure"'),
        ("search", "exclusion", "/?q=cancer+-breast"),
        ("search", "alternatives", "/?q=diabetes+or+obesity"),
        ("search", "search + year range", f"/?q={common}&year_min=2015&year_max=2020"),
        ("search", "search + filters, by title", "/?q=treatment&full_text=true&sort=title"),
        ("filter", "filter: full text + COI", "/?full_text=true&coi=true"),
        ("filter", "filter: woman, adult", "/?sex=female&age_group=adult"),
    ]
    if case_reports:
        pages.append(("filter", "filter: publication type", f"/?publication_type={case_reports}"))
    if journal:
        pages.append(("filter", "filter: journal", f"/?journal={journal[:40]}"))
    if condition:
        pages += [
            ("filter", "filter: condition", f"/?condition={condition.name}"),
            ("search", "search + condition + sex", f"/?q={common}&condition={condition.name}&sex=female"),
            ("evidence", "evidence: condition", f"/conditions/{condition.pk}/"),
            ("evidence", "patients list", f"/patients/?condition_id={condition.pk}"),
        ]
    if intervention:
        pages.append(("evidence", "evidence: intervention", f"/interventions/{intervention.pk}/"))
    # Report pages spread over the whole table, with and without patients.
    last = CaseReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for n in range(1, 6):
        pk = CaseReport.objects.filter(pk__gte=last * n // 6).order_by("pk").values_list("pk", flat=True).first()
        if pk:
            pages.append(("report", f"report page #{n}", f"/reports/{pk}/"))
    with_patients = CaseReport.objects.filter(patients__isnull=False).order_by("-pk").values_list("pk", flat=True)
    for n, pk in enumerate(with_patients[:2], start=1):
        pages.append(("report", f"report page with patients #{n}", f"/reports/{pk}/"))
    return pages


def raw_sql_ms(connection, statements: list[str]) -> float:
    """The page's own queries, as the SQL text sent, run on the bare DB-API cursor and fetched."""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        started = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def measure(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import CaseReport

    client = Client()
    rows = []
    for kind, label, url in query_set():
        client.get(url)
        page_times, sql_times, query_counts, results = [], [], set(), ""
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                page_times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            statements = [q["sql"] for q in captured.captured_queries]
            query_counts.add(len(statements))
            sql_times.append(raw_sql_ms(connection, statements))
        if response.context and "page_obj" in response.context:
            results = response.context["page_obj"].paginator.count
        rows.append(
            {
                "kind": kind,
                "label": label,
                "url": url,
                "results": results,
                "queries": max(query_counts),
                "p50": statistics.median(page_times),
                "p95": percentile(page_times, 0.95),
                "p99": percentile(page_times, 0.99),
                "sql_p50": statistics.median(sql_times),
                "sql_p95": percentile(sql_times, 0.95),
                "times": page_times,
            }
        )
    everything = [t for row in rows if row["kind"] in ("list", "search", "filter") for t in row["times"]]
    reports = [t for row in rows if row["kind"] == "report" for t in row["times"]]
    return {
        "vendor": connection.vendor,
        "reports": CaseReport.objects.count(),
        "repeat": repeat,
        "pages": rows,
        "search_p50": statistics.median(everything),
        "search_p95": percentile(everything, 0.95),
        "search_p99": percentile(everything, 0.99),
        "report_p95": percentile(reports, 0.95) if reports else None,
    }


def table(figures: dict) -> str:
    lines = [
        "| page | results | queries | p50 ms | p95 ms | p99 ms | raw SQL p50 ms | page / SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in figures["pages"]:
        ratio = row["p50"] / row["sql_p50"] if row["sql_p50"] else 0
        results = f"{row['results']:,}" if row["results"] != "" else ""
        lines.append(
            f"| {row['label']} | {results} | {row['queries']} | {row['p50']:.1f} | {row['p95']:.1f} "
            f"| {row['p99']:.1f} | {row['sql_p50']:.1f} | {ratio:.1f} |"
        )
    lines.append(
        f"\nList, search and filter pages together: p50 {figures['search_p50']:.1f} ms, "
        f"p95 {figures['search_p95']:.1f} ms, p99 {figures['search_p99']:.1f} ms; "
        f"report pages p95 {figures['report_p95'] or 0:.1f} ms."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the client then keeps each response's context (the result counts)
    figures = measure(args.repeat)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
