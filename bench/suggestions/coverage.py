"""How many real case reports get a suggested case, and what reading one costs, on the PubMed baseline files.

    python bench/suggestions/coverage.py --files var/baseline

Prints, over every case report of the files: how many get a suggested patient, a condition, a treatment, a finding,
an outcome read from the text (not from MeSH's "adverse effects"), and each kind of outcome; then the cost of
reading one case report on this core (mean, 99th centile, worst), and the worst case over made-up hostile
abstracts (100,000 characters of prose, of one repeated word, of odd Unicode).
"""

import argparse
import gzip
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="var/baseline")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from reports.importers.pubmed_xml import read_pubmed_xml
    from reports.suggestions import SuggestionInput, suggest_case

    suggest_case(SuggestionInput(title="Warming up", abstract="A 47-year-old woman."))  # loads MeSH once
    counts: Counter = Counter()
    costs: list[float] = []
    for path in sorted(Path(args.files).glob("*.xml.gz")):
        with gzip.open(path) as stream:
            for record in read_pubmed_xml(stream, source=path.name):
                if "Case Reports" not in getattr(record, "publication_types", []):
                    continue
                counts["case reports"] += 1
                data = SuggestionInput.from_record(record)
                started = time.perf_counter()
                patients = suggest_case(data)
                costs.append(time.perf_counter() - started)
                if not patients:
                    continue
                counts["with a patient"] += 1
                counts["with a condition"] += any(p.diagnoses for p in patients)
                counts["with a finding"] += any(p.findings for p in patients)
                counts["with a treatment"] += any(p.treatments for p in patients)
                outcomes = [o for p in patients for t in p.treatments for o in t.outcomes]
                from_text = [o for o in outcomes if not o.evidence.startswith("MeSH:")]
                counts["with an outcome read from the text"] += bool(from_text)
                for outcome in {o.result for o in from_text}:
                    counts[f"with a '{outcome}' outcome from the text"] += 1
    total = counts["case reports"]
    for name, number in counts.items():
        print(f"{name:45} {number:6} ({number / total:.1%})")
    costs.sort()
    print(
        f"\nreading one case report: mean {statistics.mean(costs) * 1000:.2f} ms, "
        f"99th centile {costs[int(len(costs) * 0.99)] * 1000:.2f} ms, worst {costs[-1] * 1000:.2f} ms"
    )
    worst = 0.0
    generator = random.Random(20261204)
    hostile = {
        "prose": " ".join(
            generator.choice(
                [
                    "She",
                    "was",
                    "treated",
                    "with",
                    "methotrexate",
                    "and",
                    "improved",
                    "but",
                    "not",
                    "suspected",
                    "lupus",
                    "despite",
                    "4.5",
                    "mg",
                    "daily",
                    ".",
                ]
            )
            for _ in range(20_000)
        ),
        "one word": "fatigue " * 12_500,
        "odd unicode": "".join(
            chr(generator.choice([0x202E, 0x0308, 0xFDFD, 0x1F600, 0xE000, 0x0000, 0x3000])) for _ in range(100_000)
        ),
        "no spaces": "a" * 100_000,
    }
    for name, text in hostile.items():
        started = time.perf_counter()
        suggest_case(SuggestionInput(title="A 40-year-old woman with lupus", abstract=text[:100_000]))
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        print(f"hostile abstract ({name}, {len(text[:100_000]):,} characters): {seconds * 1000:.1f} ms")
    print(f"worst hostile abstract: {worst * 1000:.1f} ms")


if __name__ == "__main__":
    main()
