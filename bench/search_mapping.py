"""What automatic term mapping (words that name a MeSH heading also find its reports) adds and what it costs.

    .venv/bin/python bench/search_mapping.py --file ../shared/data/pubmed/pubmed21n1298.xml.gz [--repeat 5]

Imports one PubMed file (without suggested cases) into a new SQLite database in a temporary directory, then for
each query prints the reports found with the words alone and with the mapped headings too, and the median time of
each count (the first run of each warms the caches and the MeSH table, and is not counted). Nothing is checked.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "children",
    "heart attack",
    "sicca syndrome",
    "neoplasms",
    "pain",
    "covid-19",
    "myocardial infarction",
    "fitbit",
    "naltrexone fatigue",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")

    import django

    django.setup()
    from django.core.management import call_command

    from reports.importers.service import import_file
    from reports.models import CaseReport
    from reports.search import engine, mapping
    from reports.search.query import parse

    started = time.perf_counter()
    mapping.headings("neoplasms")
    print(f"Read the MeSH table for the search (once per process) in {time.perf_counter() - started:.2f} s")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    result = import_file(file=args.file, suggest=False)
    print(f"Imported {result.created} reports from {args.file.name} in {time.perf_counter() - started:.0f} s\n")

    def timed(root) -> tuple[int, float]:
        CaseReport.objects.filter(engine._filter(root)).count()
        times, found = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = CaseReport.objects.filter(engine._filter(root)).count()
            times.append(time.perf_counter() - start)
        return found, statistics.median(times) * 1000

    print("| query | words alone | ms | with headings | ms | headings (UIs) |\n|---|---:|---:|---:|---:|---:|")
    for text in QUERIES:
        root = parse(text).root
        alone, alone_ms = timed(root)
        mapped, mapped_ms = timed(mapping.with_headings(root))
        uis = len(mapping.headings(text)) if mapping.is_heading(text) else 0
        print(f"| `{text}` | {alone} | {alone_ms:.1f} | {mapped} | {mapped_ms:.1f} | {uis} |")


if __name__ == "__main__":
    main()
