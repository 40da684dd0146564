"""Look a term up in MeSH 2021, as a labeller does: the descriptors whose name or entry terms hold every word given.

    python bench/suggestions/mesh.py sjogren            # Sjogren's Syndrome  D012859  C05.550.114.154.774 ...
    python bench/suggestions/mesh.py --exact "low dose naltrexone"

An exact match of the name or an entry term comes first. Prints at most 15 descriptors.
"""

import argparse
import csv
import gzip
import re
import sys
from pathlib import Path

MESH = Path(__file__).resolve().parents[2] / "data" / "mesh" / "descriptors-2021.tsv.gz"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("term", nargs="+")
    parser.add_argument("--exact", action="store_true", help="only a name or entry term equal to the term")
    args = parser.parse_args()
    wanted = words(" ".join(args.term))
    found = []
    with gzip.open(MESH, "rt", encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            names = [row["name"], *filter(None, row["entry_terms"].split("|"))]
            exact = any(words(name) == wanted for name in names)  # names of the table are as MeSH writes them
            if exact or (not args.exact and any(all(w in words(name) for w in wanted) for name in names)):
                found.append((not exact, len(row["name"]), row))
    for _, _, row in sorted(found, key=lambda item: item[:2])[:15]:
        trees = row["tree_numbers"].split("|")
        print(f"{row['ui']}\t{row['name']}\t{' '.join(trees[:3])}")
    if not found:
        sys.exit("no descriptor")


if __name__ == "__main__":
    main()
