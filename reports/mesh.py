"""MeSH 2021, as casebase ships it (data/mesh/): descriptors, their branches, their synonyms, their hierarchy.

A descriptor's tree numbers say what it is: a disease (C, or F03 mental disorders), a drug or other chemical (D),
a procedure (E02 therapeutics, E04 surgical procedures; E01 diagnosis is not a treatment). A heading is narrower
than another when one of its tree numbers extends one of the other's ("Sjogren's Syndrome" C20.111.199.774 under
"Autoimmune Diseases" C20.111). Read once per process; nothing here touches the database.
"""

import csv
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

TABLE = Path(settings.BASE_DIR) / "data" / "mesh" / "descriptors-2021.tsv.gz"
PROCEDURE_BRANCHES = ("E02", "E04")
DISEASE_BRANCHES = ("C", "F03")
# MeSH's "Disease Attributes" (Recurrence, Chronic Disease, Disease Progression) say how a disease went, not which
# disease it was.
DISEASE_ATTRIBUTES = "C23.550.291"


@dataclass(frozen=True)
class Descriptor:
    ui: str
    name: str
    tree_numbers: tuple[str, ...]
    entry_terms: tuple[str, ...]

    @property
    def is_disease(self) -> bool:
        return any(
            number.startswith(DISEASE_BRANCHES) and not number.startswith(DISEASE_ATTRIBUTES)
            for number in self.tree_numbers
        )

    @property
    def is_drug(self) -> bool:
        return any(number.startswith("D") for number in self.tree_numbers)

    @property
    def is_procedure(self) -> bool:
        return any(number.startswith(PROCEDURE_BRANCHES) for number in self.tree_numbers)

    def is_under(self, other: "Descriptor") -> bool:
        """Whether this descriptor is narrower than `other` (a tree number of this one extends one of `other`'s)."""
        return self.ui != other.ui and any(
            mine.startswith(f"{theirs}.") for mine in self.tree_numbers for theirs in other.tree_numbers
        )


@dataclass(frozen=True)
class Thesaurus:
    by_ui: dict[str, Descriptor]
    by_name: dict[str, tuple[str, ...]]  # a lower-cased name or entry term -> the UIs it names

    def get(self, ui: str) -> Descriptor | None:
        return self.by_ui.get(ui)

    def named(self, text: str) -> list[Descriptor]:
        """The descriptors whose name or an entry term is `text` (ignoring case)."""
        return [self.by_ui[ui] for ui in self.by_name.get(text.lower(), ())]

    def broadest_dropped(self, uis: Iterable[str]) -> list[str]:
        """The UIs, less those that have a narrower one among them: "Autoimmune Diseases" goes when "Sjogren's
        Syndrome" is there. Unknown UIs are kept. Order is kept."""
        uis = list(dict.fromkeys(uis))
        known = [self.by_ui[ui] for ui in uis if ui in self.by_ui]
        broad = {other.ui for other in known for narrow in known if narrow.is_under(other)}
        return [ui for ui in uis if ui not in broad]


@cache
def thesaurus(path: Path = TABLE) -> Thesaurus:
    by_ui: dict[str, Descriptor] = {}
    by_name: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            descriptor = Descriptor(
                ui=row["ui"],
                name=row["name"],
                tree_numbers=tuple(filter(None, row["tree_numbers"].split("|"))),
                entry_terms=tuple(filter(None, row["entry_terms"].split("|"))),
            )
            by_ui[descriptor.ui] = descriptor
            for name in {descriptor.name.lower(), *descriptor.entry_terms}:
                by_name.setdefault(name, []).append(descriptor.ui)
    return Thesaurus(by_ui=by_ui, by_name={name: tuple(uis) for name, uis in by_name.items()})
