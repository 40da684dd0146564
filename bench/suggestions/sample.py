"""Draw the evaluation sample for patient suggestions from the PubMed baseline files.

    python bench/suggestions/sample.py --files var/baseline

Picks case reports with an abstract at random (fixed seed, so the same files always give the same sample), and
writes what a reader needs to label them to bench/suggestions/cases.jsonl, one report per line in PMID order, each
with its part ("split"):

- tuning: the first 160 drawn; the extraction rules are written against these;
- held_out_1: the next 80; held out for the first figures, scored once, then used for tuning too;
- held_out: 120 more, drawn afterwards from the rest and labelled before the rules were looked at again; scored
  only for the final figures of the patient rules;
- held_out_2: 200 more, drawn from the rest when the whole case (conditions, findings, treatments, outcomes) came
  to be read; labelled in full (case_labels.jsonl) before the case rules were written, scored once at the end.
  The case rules are tuned on tuning and held_out_1, labelled in full as well.
"""

import argparse
import gzip
import json
import os
import random
import sys
from pathlib import Path

SEED = 20261126
PARTS = (("tuning", 160), ("held_out_1", 80), ("held_out", 120), ("held_out_2", 200))  # as drawn in main()
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
    generator = random.Random(SEED)
    # The first draw was 240 reports in one sample (160 tuning, then 80 held out); the second draws from the rest.
    first = generator.sample(candidates, 240)
    split_of = {record.pmid: "tuning" for record in first[:160]}
    split_of.update((record.pmid, "held_out_1") for record in first[160:])
    rest = [record for record in candidates if record.pmid not in split_of]
    split_of.update((record.pmid, "held_out") for record in generator.sample(rest, 120))
    rest = [record for record in candidates if record.pmid not in split_of]
    split_of.update((record.pmid, "held_out_2") for record in generator.sample(rest, 200))
    chosen = sorted((record for record in candidates if record.pmid in split_of), key=lambda record: record.pmid)
    with open(args.out, "w", encoding="utf-8") as out:
        for record in chosen:
            case = {
                "pmid": record.pmid,
                "split": split_of[record.pmid],
                "title": record.title,
                "abstract": record.abstract,
                "keywords": record.keywords,
                "mesh": [heading.descriptor for heading in record.mesh_headings],
                "substances": [substance.name for substance in record.substances],
            }
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    sizes = ", ".join(f"{size} {name}" for name, size in PARTS)
    print(f"{len(candidates)} case reports with an abstract; wrote {len(chosen)} ({sizes}) to {args.out}")


if __name__ == "__main__":
    main()
