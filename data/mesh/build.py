"""Build data/mesh/descriptors-2021.tsv.gz, the MeSH table casebase ships, from NLM's data.

    .venv/bin/python data/mesh/build.py --mesh ../shared/data/mesh/mesh-descriptors-2021.tsv.gz --pubmed var/baseline

The source table gives every MeSH 2021 descriptor with its tree numbers and entry terms, but its names are lower
case ("hiv infections"), and casebase shows a descriptor's name as MeSH writes it ("HIV Infections"). PubMed
records write the names of the descriptors they are indexed with; the names of the others are rebuilt word by word
from the casing those records use for each word ("hiv" -> "HIV", "of" -> "of"), a word never seen getting a capital
first letter as MeSH gives its main words. Same inputs, same file, byte for byte.
"""

import argparse
import collections
import csv
import gzip
import io
import re
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
OUT = HERE / "descriptors-2021.tsv.gz"
WORD = re.compile(r"([A-Za-z0-9']+)")


def cased_names(pubmed: Path) -> dict[str, str]:
    """Descriptor UI -> its name as PubMed records write it."""
    found: dict[str, str] = {}
    for path in sorted(pubmed.glob("*.xml.gz")):
        with gzip.open(path) as stream:
            for _, element in etree.iterparse(stream, tag="DescriptorName"):
                ui, name = element.get("UI"), element.text
                if ui and name:
                    found[ui] = name
                element.clear()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mesh", type=Path, required=True, help="the lower-cased MeSH table")
    parser.add_argument("--pubmed", type=Path, required=True, help="a folder of PubMed XML files (.xml.gz)")
    args = parser.parse_args()
    with gzip.open(args.mesh, "rt", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    known = cased_names(args.pubmed)
    casing: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        name = known.get(row["ui"])
        if name and name.lower() == row["name"]:
            for word in WORD.findall(name):
                casing[word.lower()][word] += 1

    def rebuilt(name: str) -> str:
        def word(match: re.Match) -> str:
            seen = casing.get(match.group(1))
            return seen.most_common(1)[0][0] if seen else match.group(1)[:1].upper() + match.group(1)[1:]

        return WORD.sub(word, name)

    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(["ui", "name", "tree_numbers", "entry_terms"])
    from_records = 0
    for row in sorted(rows, key=lambda r: r["ui"]):
        name = known.get(row["ui"])
        if name and name.lower() == row["name"]:
            from_records += 1
        else:
            name = rebuilt(row["name"])
        writer.writerow([row["ui"], name, row["tree_numbers"], row["entry_terms"]])
    # mtime=0: the same table gives the same bytes.
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write(text.getvalue().encode("utf-8"))
    print(f"{len(rows)} descriptors, {from_records} named as PubMed records write them, to {OUT}")


if __name__ == "__main__":
    main()
