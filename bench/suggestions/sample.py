"""Draw the evaluation sample for patient suggestions from the PubMed baseline files.

    python bench/suggestions/sample.py --files var/baseline

Picks SIZE case reports with an abstract at random (fixed seed, so the same files always give the same sample),
and writes what a reader needs to label them to bench/suggestions/cases.jsonl, one report per line in PMID order.
The last HELD_OUT reports drawn are the held-out part: they are scored only for the final figures, never looked at
while the extraction rules are written.
"""

import argparse
import gzip
import json
import os
import random
import sys
from pathlib import Path

SEED = 20261126
SIZE = 240
HELD_OUT = 80
HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="var/baseline", help="directory holding the baseline .xml.gz files")
    parser.add_argument("--out", default=str(HERE / "cases.jsonl"))
    args = parser.parse_args()

    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from reports.importers.pubmed_xml import read_pubmed_xml

    candidates = []
    for name in sorted(os.listdir(args.files)):
        if not name.endswith(".xml.gz"):
            continue
        with gzip.open(Path(args.files) / name) as stream:
            for record in read_pubmed_xml(stream, source=name):
                if getattr(record, "abstract", "") and "Case Reports" in record.publication_types:
                    candidates.append(record)
    candidates.sort(key=lambda record: record.pmid)
    drawn = random.Random(SEED).sample(candidates, SIZE)
    held_out = {record.pmid for record in drawn[SIZE - HELD_OUT :]}
    with open(args.out, "w", encoding="utf-8") as out:
        for record in sorted(drawn, key=lambda record: record.pmid):
            case = {
                "pmid": record.pmid,
                "split": "held_out" if record.pmid in held_out else "tuning",
                "title": record.title,
                "abstract": record.abstract,
                "keywords": record.keywords,
                "mesh": [heading.descriptor for heading in record.mesh_headings],
                "substances": [substance.name for substance in record.substances],
            }
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"{len(candidates)} case reports with an abstract; wrote {SIZE} ({HELD_OUT} held out) to {args.out}")


if __name__ == "__main__":
    main()
