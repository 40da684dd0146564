"""Where a text names a disease, a sign or symptom, a drug or a procedure: MeSH names and entry terms, matched all
at once with an Aho-Corasick automaton (pyahocorasick), plus a short reviewed list of names MeSH lacks
(lexicon_extra.tsv: "low-dose naltrexone", "LDN").

Matching ignores case and accents ("Sjögren" is "sjogren"), takes whole words only, and prefers the longest name
at a place ("low-dose naltrexone" over "naltrexone", "diabetic ketoacidosis" over "ketoacidosis"). Names shorter
than four letters are matched only as written in capitals and only when listed in lexicon_extra.tsv (an
abbreviation such as "LDN"), since MeSH's short entry terms ("aid", "ms") are ordinary words too. A name that is
also a common English word or too vague to be a patient's condition or treatment (_VAGUE) is left out.
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from reports.mesh import Descriptor, Thesaurus, thesaurus

EXTRA = Path(__file__).resolve().parent / "lexicon_extra.tsv"
MIN_LENGTH = 4
SHORT = 5  # entry terms this short are acronyms

# Kinds of mention.
CONDITION = "condition"
FINDING = "finding"  # a sign or symptom (MeSH C23.888)
DRUG = "drug"
PROCEDURE = "procedure"

# Entry terms that are ordinary words, or too vague to say what a patient had or was given.
_VAGUE = {
    "disease",
    "diseases",
    "syndrome",
    "syndromes",
    "disorder",
    "disorders",
    "illness",
    "sickness",
    "lesion",
    "lesions",
    "case",
    "cases",
    "patient",
    "patients",
    "treatment",
    "therapy",
    "therapeutics",
    "drug",
    "drugs",
    "agent",
    "agents",
    "medicine",
    "water",
    "light",
    "gold",
    "lead",
    "salt",
    "salts",
    "sugar",
    "food",
    "diet",
    "blood",
    "plasma",
    "serum",
    "cell",
    "cells",
    "tissue",
    "control",
    "state",
    "signs",
    "symptoms",
    "sign",
    "symptom",
    "death",
    "abnormality",
    "abnormalities",
    "complication",
    "complications",
    "infection",
    "infections",
    "inflammation",
    "tumor",
    "tumour",
    "tumors",
    "tumours",
    "neoplasm",
    "neoplasms",
    "cancer",
    "mass",
    "growth",
    "surgery",
    "operation",
    "procedure",
    "procedures",
    "method",
    "methods",
    "technique",
    "techniques",
    "therapies",
    "care",
    "support",
    "rest",
    "heat",
    "cold",
    "air",
    "vitamin",
    "vitamins",
    "hormone",
    "hormones",
    "protein",
    "proteins",
    "enzyme",
    "enzymes",
    "antibody",
    "antibodies",
    "antigen",
    "antigens",
    "receptor",
    "receptors",
    "gene",
    "genes",
    "virus",
    "viruses",
    "bacteria",
    "fungi",
    "poison",
    "poisons",
    "toxin",
    "toxins",
    "acid",
    "acids",
    "base",
    "bases",
    "fluid",
    "fluids",
    "solution",
    "solutions",
    "placebo",
    "form",
    "forms",
    "weight",
    "aged",
    "pregnancy",
    "birth",
    "labor",
    "labour",
    "recurrence",
    "remission",
    "mutation",
    "carrier",
    "carriers",
    "contrast",
    "media",
    "radiation",
    "diagnosis",
    "imaging",
    "examination",
    "test",
    "tests",
    "screening",
    "monitoring",
    # Named in case reports, but not as something given.
    "puncture",
    "punctures",
    "preoperative period",
    "postoperative period",
    "polypharmacy",
    "phosphates",
    "sulfur",
    "colloids",
    "xylose",
    "carotenoids",
    "immunoglobulins",
    "hexoses",
    "sugar alcohols",
    "biopsy",
    "syndrome x",
    "rare",
    "chronic",
    "acute",
    "primary",
    "secondary",
}
# Branches whose descriptors are a patient's condition or treatment.
_FINDING_BRANCH = "C23.888"


@dataclass(frozen=True)
class Term:
    """What a name stands for: a descriptor (or a reviewed extra term) and the kind of mention."""

    name: str  # as casebase names it: the descriptor's name, or the extra term's
    kind: str
    ui: str = ""
    tree_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str  # as written
    term: Term


_ASCII_FOLD = str.maketrans({"`": "'", "-": " "})


def normalise(text: str) -> tuple[str, list[int]]:
    """The text lower-cased, with its accents taken off and hyphens as spaces, and for each of its characters the
    place it came from."""
    if text.isascii():
        # Most abstracts: one character for one, so the places are the text's own (and this is ten times quicker).
        return text.lower().translate(_ASCII_FOLD), list(range(len(text)))
    chars: list[str] = []
    places: list[int] = []
    for place, char in enumerate(text):
        if char in "’‘`´":
            char = "'"
        elif char in "-‐‑–":
            # "pyridoxal-5-phosphate" is MeSH's "pyridoxal 5-phosphate", "Sjogren-Larsson" its "Sjogren Larsson".
            char = " "
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            chars.append(part.lower())
            places.append(place)
    return "".join(chars), places


_NOT_TREATMENTS = ("E01", "E02.319.267")


def _kinds(descriptor: Descriptor) -> list[str]:
    kinds = []
    if any(number.startswith(_FINDING_BRANCH) for number in descriptor.tree_numbers):
        kinds.append(FINDING)
    elif descriptor.is_disease:
        kinds.append(CONDITION)
    if descriptor.is_drug:
        kinds.append(DRUG)
    elif descriptor.is_procedure and not any(number.startswith(_NOT_TREATMENTS) for number in descriptor.tree_numbers):
        # A procedure that also finds out (biopsy, laparoscopy) is not read as a treatment, nor a way of giving a
        # drug ("Infusions, Intravenous": the route of the drug it gives).
        kinds.append(PROCEDURE)
    return kinds


class Lexicon:
    def __init__(self, mesh: Thesaurus, extra: Path = EXTRA):
        self.automaton = ahocorasick.Automaton()
        self.abbreviations: dict[str, Term] = {}
        names: dict[str, Term] = {}
        for descriptor in mesh.by_ui.values():
            kinds = _kinds(descriptor)
            if not kinds:
                continue
            term = Term(descriptor.name, kinds[0], descriptor.ui, descriptor.tree_numbers)
            for name in (descriptor.name, *descriptor.entry_terms):
                key = normalise(name)[0]
                if len(key) < MIN_LENGTH or key in _VAGUE or "," in key:
                    continue  # "Arthritis, Rheumatoid" is an index form: the text says "rheumatoid arthritis"
                if name != descriptor.name and len(key) <= SHORT and key.isalnum():
                    # A short entry term is mostly an acronym ("aids", "copd"): matched only in capitals.
                    self.abbreviations.setdefault(key.upper(), term)
                    continue
                names.setdefault(key, term)
                # MeSH names its headings in the plural ("Giant Cell Tumors"); a case has one.
                one = key[:-1]
                plural = key.endswith("s") and len(key) > 5 and not key.endswith(("ss", "us", "is", "ics", "ies"))
                if plural and one not in _VAGUE:
                    names.setdefault(one, term)
            # MeSH inverts some names ("Arthritis, Rheumatoid"); texts write them the other way round.
            if "," in descriptor.name and descriptor.name.count(",") == 1:
                head, tail = (part.strip() for part in descriptor.name.split(","))
                key = normalise(f"{tail} {head}")[0]
                if key not in _VAGUE:
                    names.setdefault(key, term)
        with open(extra, encoding="utf-8", newline="") as stream:
            for row in csv.DictReader((line for line in stream if not line.startswith("#")), delimiter="\t"):
                known = mesh.get(row["ui"])
                term = Term(row["name"], row["kind"], row["ui"], known.tree_numbers if known else ())
                for name in [row["name"], *filter(None, row["synonyms"].split("|"))]:
                    if len(name) <= SHORT and name.isupper():
                        self.abbreviations[name] = term
                    else:
                        names[normalise(name)[0]] = term  # a reviewed term wins over MeSH's
        for key, term in names.items():
            self.automaton.add_word(key, (len(key), term))
        self.automaton.make_automaton()

    def term(self, name: str) -> Term | None:
        """The term a name (a keyword, a heading) is, when the whole of it is one name of the lexicon."""
        found = self.mentions(name)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(name.rstrip(" .")):
            return found[0].term
        return None

    def mentions(self, text: str) -> list[Mention]:
        """Every name the text holds, the longest where names overlap, in the order of the text."""
        flat, places = normalise(text)
        found: list[tuple[int, int, Term]] = []  # places in `text`
        for last, (length, term) in self.automaton.iter(flat):
            first = last - length + 1
            if (first > 0 and flat[first - 1].isalnum()) or (last + 1 < len(flat) and flat[last + 1].isalnum()):
                continue
            found.append((places[first], places[last] + 1, term))
        for start, word in _capital_words(text):
            if word in self.abbreviations:
                found.append((start, start + len(word), self.abbreviations[word]))
        chosen: list[Mention] = []
        taken_until = -1
        for start, end, term in sorted(found, key=lambda m: (m[0], m[0] - m[1])):
            if start >= taken_until:
                chosen.append(Mention(start, end, text[start:end], term))
                taken_until = end
        return chosen


def _capital_words(text: str):
    letters = [char for char in text if char.isalpha()]
    if sum(char.isupper() for char in letters) > len(letters) / 2:
        return  # a text in capitals ("A CASE OF ALL") has no abbreviations to tell apart
    start = None
    for place, char in enumerate(text + " "):
        if char.isalnum():
            if start is None:
                start = place
        elif start is not None:
            word = text[start:place]
            if word.isupper() and len(word) >= 2:
                yield start, word
            start = None


@cache
def lexicon() -> Lexicon:
    return Lexicon(thesaurus())
