"""Learns the shape of real case reports from PubMed XML files: what bench/synth/generate.py reproduces.

    python -m bench.synth.profile --files var/baseline --out bench/synth/profile.json
    python -m bench.synth.profile --files var/synth --out /tmp/generated.json --compare bench/synth/profile.json

Records are read with the project's own reader (reports.importers.pubmed_xml) and counted in four strata: case
reports ("Case Reports" among the publication types) and the other records, each published before 2000 or from
2000 on, because the two baseline files are two eras (nearly all 1977-1979 and 2020-2021) that differ in nearly
everything (abstracts, DOIs, keywords, references). For each stratum: years, journals, publication types, languages, how
many authors, keywords, MeSH headings, substances and references a record has, title and abstract lengths, and
the share with a DOI, a PMCID, a conflict-of-interest statement. For case reports and for the others: the words
of abstracts and titles, keywords, MeSH descriptors (each with the qualifiers it takes), substances, COI
statements and structured-abstract labels. Open vocabularies (words, keywords, names, journals) keep their top
terms and a Zipf tail fitted so that drawing as many terms as the files have gives as many distinct ones.

The clinical shape of the case reports (patients per report, their age and sex, conditions, treatments and
outcomes per patient) is what reports.suggestions reads from each one, as an import would suggest it.

--compare prints a table of the main figures of this profile beside another (e.g. generated vs real).
"""

import argparse
import gzip
import json
import math
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from reports.cases.records import ArticleRecord
from reports.importers.pubmed_xml import read_pubmed_xml
from reports.suggestions import SuggestionInput, suggest_case
from reports.suggestions.terms import GIVEN_QUALIFIERS

COUNTED = ("authors", "keywords", "mesh_headings", "substances", "references", "abstract_words", "title_words")
FLAGS = ("doi", "pmcid", "coi", "abstract", "structured_abstract", "epub_date", "volume", "issue", "pages", "elocation")
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
LABELLED = re.compile(r"^([A-Z][A-Z0-9 &/,()'-]{1,60}): (.*)$", re.DOTALL)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
# How many terms of each vocabulary the profile keeps by name (the rest is the tail), and how often a kept one
# must occur at least; sized so that profile.json stays at a few MB.
LIMITS = {
    "words": (25_000, 3),
    "title_words": (8_000, 3),
    "keywords": (6_000, 2),
    "last_names": (8_000, 2),
    "fore_names": (5_000, 2),
    "journals": (3_000, 2),
    "coi_statements": (100, 2),
}
MAX_RANK = 10**9  # an open vocabulary (words, keywords, names) has no end in sight
# PubMed holds articles of the order of 30,000 journals: millions of records must not make up more than that.
MAX_JOURNALS = 30_000


def group_of(record: ArticleRecord) -> str:
    return "case_reports" if "Case Reports" in record.publication_types else "other"


def era_of(record: ArticleRecord) -> str:
    return "before_2000" if record.date.year < 2000 else "since_2000"


class StratumCounts:
    """What the records of one stratum (case reports or others, of one era) look like."""

    def __init__(self):
        self.records = 0
        self.years = Counter()
        self.month = self.day = 0
        self.counts = {name: Counter() for name in COUNTED}
        self.flags = Counter()
        self.authors = self.affiliations = self.orcids = 0
        self.languages = Counter()
        self.publication_types = Counter()
        self.journals = Counter()
        self.references = Counter()

    def add(self, record: ArticleRecord, *, abstract_words: int, title_words: int, structured: bool) -> None:
        self.records += 1
        self.years[record.date.year] += 1
        if record.date.month:
            self.month += 1
            self.day += bool(record.date.day)
        counts = {
            "authors": len(record.authors),
            "keywords": len(record.keywords),
            "mesh_headings": len(record.mesh_headings),
            "substances": len(record.substances),
            "references": len(record.references),
            "title_words": title_words,
        }
        if record.abstract:
            counts["abstract_words"] = abstract_words
        for name, value in counts.items():
            self.counts[name][value] += 1
        flags = {
            "doi": record.doi,
            "pmcid": record.pmcid,
            "coi": record.coi_statement,
            "abstract": record.abstract,
            "structured_abstract": structured,
            "epub_date": record.epub_date,
            "volume": record.volume,
            "issue": record.issue,
            "pages": record.pages,
            "elocation": record.elocation_id,
        }
        self.flags.update(name for name, value in flags.items() if value)
        for author in record.authors:
            self.authors += 1
            self.affiliations += bool(author.affiliation)
            self.orcids += bool(author.orcid)
        self.languages[(record.language or "eng").split(";")[0].strip()] += 1
        self.publication_types[tuple(record.publication_types)] += 1
        journal = record.journal
        self.journals[(journal.title, journal.iso_abbreviation, journal.issn, journal.nlm_unique_id)] += 1
        for reference in record.references:
            self.references["total"] += 1
            self.references["pmid"] += reference.pmid is not None
            self.references["doi"] += bool(reference.doi)
            self.references["pmcid"] += bool(reference.pmcid)

    def profile(self, total: int) -> dict:
        flags = {name: _share(self.flags[name], self.records) for name in FLAGS}
        journals = [[list(key), count] for key, count in self.journals.items()]
        return {
            "records": self.records,
            "share": _share(self.records, total),
            "years": _histogram(self.years),
            "counts": {name: _histogram(counter) for name, counter in self.counts.items()},
            "shares": {
                **flags,
                "month": _share(self.month, self.records),
                "day": _share(self.day, self.month),
                "affiliation": _share(self.affiliations, self.authors),
                "orcid": _share(self.orcids, self.authors),
            },
            "languages": dict(sorted(self.languages.items())),
            "publication_types": [[list(types), count] for types, count in _ranked(self.publication_types.items())],
            "journals": vocabulary(
                journals, *LIMITS["journals"], key=lambda entry: "|".join(entry[0]), max_rank=MAX_JOURNALS
            ),
            "references": {
                name: _share(self.references[name], self.references["total"]) for name in ("pmid", "doi", "pmcid")
            },
        }


class GroupCounts:
    """The vocabularies of case reports, or of the other records: words, keywords, MeSH, substances."""

    def __init__(self):
        self.surface = Counter()  # abstract words as written
        self.documents = Counter()  # abstracts each word (lower case) is in
        self.abstracts = 0
        self.title_surface = Counter()
        self.keywords = Counter()
        self.mesh: dict[str, list] = {}
        self.qualifiers_per_heading = Counter()
        self.substances: dict[str, list] = {}
        self.coi = Counter()
        self.labels = Counter()
        self.sentence_words = Counter()
        self.commas = self.tokens = 0
        self.given = self.given_listed = 0

    def add(self, record: ArticleRecord, qualifier_index: dict[str, int]) -> tuple[int, int, bool]:
        """Counts the record; returns its abstract words, title words and whether the abstract is structured."""
        words, labels = [], []
        for paragraph in record.abstract.split("\n\n") if record.abstract else []:
            labelled = LABELLED.match(paragraph)
            label, text = (labelled.group(1), labelled.group(2)) if labelled else ("", paragraph)
            labels.append(label)
            found = WORD.findall(text)
            words += found
            self.commas += text.count(",")
            for sentence in SENTENCE_END.split(text):
                length = len(WORD.findall(sentence))
                if length:
                    self.sentence_words[min(length, 80)] += 1
        if record.abstract:
            self.abstracts += 1
            self.tokens += len(words)
            self.surface.update(words)
            distinct = {word.lower() for word in words}
            self.documents.update(distinct)
        structured = any(labels)
        if structured:
            self.labels[tuple(labels)] += 1
        title = record.title.strip().removeprefix("[").removesuffix(".").removesuffix("]")
        title_words = WORD.findall(title)
        self.title_surface.update(title_words)
        self.keywords.update(record.keywords)
        for heading in record.mesh_headings:
            entry = self.mesh.setdefault(heading.descriptor, [0, heading.ui, 0, 0, Counter(), Counter()])
            entry[0] += 1
            entry[2] += heading.is_major
            entry[3] += not heading.qualifiers
            if heading.qualifiers:
                self.qualifiers_per_heading[len(heading.qualifiers)] += 1
            for qualifier in heading.qualifiers:
                index = qualifier_index.setdefault(qualifier["name"], len(qualifier_index))
                entry[4][index] += 1
                entry[5][index] += bool(qualifier.get("major"))
        for substance in record.substances:
            entry = self.substances.setdefault(substance.name, [0, substance.ui, substance.registry_number])
            entry[0] += 1
        if record.substances:
            listed = {substance.ui for substance in record.substances}
            for heading in record.mesh_headings:
                if {q["name"] for q in heading.qualifiers} & GIVEN_QUALIFIERS:
                    self.given += 1
                    self.given_listed += heading.ui in listed
        if record.coi_statement:
            self.coi[record.coi_statement] += 1
        return len(words), len(title_words), structured

    def profile(self) -> dict:
        mesh = [
            [
                name,
                count,
                ui,
                major,
                bare,
                [[index, qualifiers[index], majors[index]] for index in sorted(qualifiers)],
            ]
            for name, (count, ui, major, bare, qualifiers, majors) in self.mesh.items()
        ]
        words = _by_lower(self.surface, self.documents)
        vocabulary_words = vocabulary(words, *LIMITS["words"])
        # How often a rare word (one of the tail) occurs in an abstract that has it.
        tail = _ranked(words)[len(vocabulary_words["top"]) :]
        tail_occurrences = _share(sum(w[1] for w in tail), sum(w[2] for w in tail)) or 1.0
        spec = {
            # The tail's exponent is fitted on its word types: a rare word in an abstract is one type.
            "words": vocabulary(words, *LIMITS["words"], occurrences=tail_occurrences),
            "title_words": vocabulary(_by_lower(self.title_surface), *LIMITS["title_words"]),
            "keywords": vocabulary(list(self.keywords.items()), *LIMITS["keywords"]),
            "mesh": {
                "descriptors": _ranked(mesh),
                "qualifiers_per_heading": _histogram(self.qualifiers_per_heading),
            },
            "substances": {
                "top": _ranked(
                    [[name, count, ui, registry] for name, (count, ui, registry) in self.substances.items()]
                ),
                "given_headings_listed": _share(self.given_listed, self.given),
            },
            "coi_statements": vocabulary(list(self.coi.items()), *LIMITS["coi_statements"]),
            "abstract_labels": [[list(labels), count] for labels, count in _ranked(self.labels.items())[:60]],
            "text": {
                "abstracts": self.abstracts,
                "mean_words": _share(self.tokens, self.abstracts),
                "tail_occurrences": tail_occurrences,
                "comma_share": _share(self.commas, self.tokens),
                "sentence_words": _histogram(self.sentence_words),
            },
        }
        return spec


class ClinicalCounts:
    """What reports.suggestions reads from case reports, with an abstract or with a title only."""

    def __init__(self):
        self.reports = 0
        self.patients = Counter()
        self.single_sex = Counter()
        self.single_age = Counter()
        self.case_in_title = 0
        self.groups = Counter()
        self.diagnoses = Counter()
        self.treatments = Counter()
        self.outcomes = Counter()
        self.certainty = Counter()
        self.single_treatments = 0
        self.text_outcomes = Counter()
        # MeSH headings per report by era and patients ("none", "single", "multi"): a report about several
        # patients is indexed with more headings, and a recent one with one patient more often with none yet.
        self.mesh_headings: dict[str, Counter] = defaultdict(Counter)

    def add(self, record: ArticleRecord) -> None:
        patients = suggest_case(SuggestionInput.from_record(record))
        self.reports += 1
        self.patients[len(patients)] += 1
        described = "none" if not patients else "single" if len(patients) == 1 else "multi"
        self.mesh_headings[f"{era_of(record)}/{described}"][len(record.mesh_headings)] += 1
        if len(patients) == 1:
            patient = patients[0]
            self.single_sex[patient.sex] += 1
            self.single_age[_age_key(patient.age_value, patient.age_unit)] += 1
            self.case_in_title += bool(re.search(r"\bcase\b", record.title, re.IGNORECASE))
        elif patients:
            self.groups["reports"] += 1
            self.groups["with_ages"] += all(p.age_unit == "years" for p in patients)
            sexes = {p.sex for p in patients}
            if len(sexes) == 1 and "unknown" not in sexes:
                self.groups["one_sex"] += 1
                self.groups["female"] += sexes == {"female"}
        for patient in patients:
            self.diagnoses[len(patient.diagnoses)] += 1
            self.treatments[len(patient.treatments)] += 1
            self.certainty.update(diagnosis.certainty for diagnosis in patient.diagnoses)
            for treatment in patient.treatments:
                self.outcomes.update(outcome.result for outcome in treatment.outcomes)
                self.outcomes["none"] += not treatment.outcomes
                if len(patients) == 1:
                    self.single_treatments += 1
                    for outcome in treatment.outcomes:
                        if not outcome.evidence.startswith("MeSH"):
                            self.text_outcomes[outcome.result] += 1

    def profile(self) -> dict:
        singles = self.patients[1]
        return {
            "reports": self.reports,
            "patients": _histogram(self.patients),
            "single": {
                "sex": dict(sorted(self.single_sex.items())),
                "age": dict(sorted(self.single_age.items())),
                "case_in_title": _share(self.case_in_title, singles),
            },
            "groups": {name: self.groups[name] for name in ("reports", "with_ages", "one_sex", "female")},
            "mesh_headings": {key: _histogram(counts) for key, counts in sorted(self.mesh_headings.items())},
            "diagnoses_per_patient": _histogram(self.diagnoses),
            "treatments_per_patient": _histogram(self.treatments),
            "outcomes": dict(sorted(self.outcomes.items())),
            "certainty": dict(sorted(self.certainty.items())),
            "text_outcomes": {
                "share": _share(sum(self.text_outcomes.values()), self.single_treatments),
                "results": dict(sorted(self.text_outcomes.items())),
            },
        }


def _age_key(value: Decimal | None, unit: str) -> str:
    """'years:47'; 'none' when there is no age, or one the generator's sentences cannot write ('0.04 days')."""
    if value is None or not unit:
        return "none"
    text = format(value.normalize(), "f")
    if not re.fullmatch(r"\d{1,3}(?:\.\d)?", text):
        return "none"
    return f"{unit}:{text}"


def collect(paths: list[Path]) -> dict:
    """The profile of the records in these PubMed XML files."""
    strata: dict[str, StratumCounts] = defaultdict(StratumCounts)
    groups: dict[str, GroupCounts] = defaultdict(GroupCounts)
    clinical: dict[str, ClinicalCounts] = defaultdict(ClinicalCounts)
    qualifier_index: dict[str, int] = {}
    qualifier_uis: dict[str, str] = {}
    last_names, fore_names = Counter(), Counter()
    pmids: set[int] = set()
    cited: list[int] = []
    records = unreadable = 0
    for path in paths:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as stream:
            for record in read_pubmed_xml(stream, source=path.name):
                if not isinstance(record, ArticleRecord):
                    unreadable += 1
                    continue
                records += 1
                group = group_of(record)
                abstract_words, title_words, structured = groups[group].add(record, qualifier_index)
                strata[f"{group}/{era_of(record)}"].add(
                    record, abstract_words=abstract_words, title_words=title_words, structured=structured
                )
                for heading in record.mesh_headings:
                    for qualifier in heading.qualifiers:
                        qualifier_uis.setdefault(qualifier["name"], qualifier.get("ui", ""))
                for author in record.authors:
                    if author.last_name:
                        last_names[author.last_name] += 1
                    if author.fore_name:
                        fore_names[author.fore_name] += 1
                if record.pmid:
                    pmids.add(record.pmid)
                cited += [reference.pmid for reference in record.references if reference.pmid]
                if group == "case_reports":
                    clinical["abstract" if record.abstract else "title_only"].add(record)
        print(f"read {path.name}: {records:,} records so far", file=sys.stderr)
    return {
        "version": 1,
        "source": {"files": [path.name for path in paths], "records": records, "unreadable": unreadable},
        "strata": {name: strata[name].profile(records) for name in sorted(strata)},
        "groups": {name: groups[name].profile() for name in sorted(groups)},
        "qualifiers": [[name, qualifier_uis.get(name, "")] for name in qualifier_index],
        "authors": {
            "last_names": vocabulary(list(last_names.items()), *LIMITS["last_names"]),
            "fore_names": vocabulary(list(fore_names.items()), *LIMITS["fore_names"]),
        },
        "references": {
            "collection_records": records,
            # Of the references with a PMID, the share that cite a record of these files.
            "internal_share": _share(sum(1 for pmid in cited if pmid in pmids), len(cited)),
        },
        "clinical": {kind: clinical[kind].profile() for kind in ("abstract", "title_only")},
    }


# Vocabularies and their tails.


def vocabulary(
    entries: list, limit: int, min_count: int, *, occurrences: float = 1.0, key=None, max_rank: int = MAX_RANK
) -> dict:
    """The top terms ([term, count, ...], most frequent first) and a Zipf tail standing for the rest: its
    exponent is the one with which drawing the tail's number of terms gives as many distinct ones as the files
    have (words are drawn by type, each `occurrences` times on average, so fewer draws)."""
    ranked = _ranked(entries, key=key)
    top = [entry for entry in ranked[:limit] if entry[1] >= min_count]
    total = sum(entry[1] for entry in ranked)
    tail_tokens = total - sum(entry[1] for entry in top)
    tail_distinct = len(ranked) - len(top)
    first_rank = len(top) + 1
    return {
        "top": [list(entry) for entry in top],
        "tail": {
            "first_rank": first_rank,
            "tokens": tail_tokens,
            "distinct": tail_distinct,
            "max_rank": max_rank,
            "exponent": round(fit_exponent(first_rank, tail_tokens / occurrences, tail_distinct, max_rank), 4),
        },
    }


def expected_distinct(exponent: float, first_rank: int, draws: float, max_rank: int = MAX_RANK) -> float:
    """How many distinct ranks `draws` draws from the tail give: a power law, rank r drawn with a probability
    proportional to r^-exponent, on [first_rank, max_rank]."""
    a = exponent - 1
    norm = a * first_rank**a / (1 - (first_rank / max_rank) ** a)
    low, high, steps = math.log(first_rank), math.log(max_rank), 3000
    width = (high - low) / steps
    total = 0.0
    for step in range(steps):
        x = math.exp(low + (step + 0.5) * width)
        total += -math.expm1(-draws * norm * x ** -(a + 1)) * x * width
    return total


def fit_exponent(first_rank: int, draws: float, distinct: int, max_rank: int = MAX_RANK) -> float:
    """The exponent with which `draws` draws from the tail give `distinct` distinct terms (the flattest allowed
    when even that gives fewer)."""
    if not distinct or draws <= 0 or first_rank >= max_rank:
        return 2.0
    low, high = 0.05, 8.0
    if expected_distinct(low, first_rank, draws, max_rank) <= distinct:
        return low
    for _ in range(50):
        middle = (low + high) / 2
        if abs(middle - 1) < 1e-3:  # 1 itself divides by zero; its neighbours draw the same
            middle += 2e-3
        if expected_distinct(middle, first_rank, draws, max_rank) > distinct:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _by_lower(surface: Counter, documents: Counter | None = None) -> list[list]:
    """Words counted whatever their case, each written in its most frequent form: [form, count(, documents)]."""
    forms: dict[str, tuple[int, str]] = {}
    counts: Counter = Counter()
    for form, count in surface.items():
        key = form.lower()
        counts[key] += count
        if key not in forms or (count, form) > forms[key]:
            forms[key] = (count, form)
    if documents is None:
        return [[forms[key][1], count] for key, count in counts.items()]
    return [[forms[key][1], count, documents[key]] for key, count in counts.items()]


def _ranked(entries, key=None) -> list:
    """Most frequent first, ties by name, so that the profile is the same on every run."""
    key = key or (lambda entry: str(entry[0]))
    return sorted(entries, key=lambda entry: (-entry[1], key(entry)))


def _histogram(counter: Counter) -> dict[str, int]:
    return {str(value): counter[value] for value in sorted(counter)}


def _share(part: float, whole: float) -> float:
    return round(part / whole, 5) if whole else 0.0


# Figures, for the report and --compare.


def _mean(histogram: dict[str, int]) -> float:
    total = sum(histogram.values())
    return sum(int(value) * count for value, count in histogram.items()) / total if total else 0.0


def summarize(profile: dict, probes: list[str] | None = None) -> dict[str, dict[str, float]]:
    """The main figures for all records and for the case reports; `probes` are words whose share of abstracts
    is given (by default words of rank 1, 10, 100, 1,000 and 10,000 among all abstracts)."""
    words: Counter = Counter()
    documents: Counter = Counter()
    for group in profile["groups"].values():
        for form, count, docs in group["words"]["top"]:
            words[form.lower()] += count
            documents[form.lower()] += docs
    if probes is None:
        ranked = [word for word, _ in _ranked(list(words.items()))]
        probes = [ranked[rank - 1] for rank in (1, 10, 100, 1000, 10000) if rank <= len(ranked)]
    figures = {}
    for name, prefix in (("all", ""), ("case reports", "case_reports/")):
        strata = [s for n, s in profile["strata"].items() if n.startswith(prefix)]
        records = sum(s["records"] for s in strata)

        def weighted(get, strata=strata, records=records) -> float:
            return sum(get(s) * s["records"] for s in strata) / records if records else 0.0

        def weighted_by(get, weight, strata=strata) -> float:
            total = sum(weight(s) for s in strata)
            return sum(get(s) * weight(s) for s in strata) / total if total else 0.0

        def references(s) -> float:
            return _mean(s["counts"]["references"]) * s["records"]

        def with_abstract(s) -> float:
            return s["shares"]["abstract"] * s["records"]

        groups = [g for n, g in profile["groups"].items() if n.startswith(prefix.rstrip("/"))]
        abstracts = sum(g["text"]["abstracts"] for g in groups)
        if prefix:
            group_documents: Counter = Counter()
            for form, _count, docs in profile["groups"]["case_reports"]["words"]["top"]:
                group_documents[form.lower()] += docs
        else:
            group_documents = documents
        row = {
            "records": records,
            "case report share": sum(s["records"] for n, s in profile["strata"].items() if n.startswith("case"))
            / max(sum(s["records"] for s in profile["strata"].values()), 1),
            "authors per report": weighted(lambda s: _mean(s["counts"]["authors"])),
            "keywords per report": weighted(lambda s: _mean(s["counts"]["keywords"])),
            "MeSH headings per report": weighted(lambda s: _mean(s["counts"]["mesh_headings"])),
            "substances per report": weighted(lambda s: _mean(s["counts"]["substances"])),
            "references per report": weighted(lambda s: _mean(s["counts"]["references"])),
            "references with a PMID": weighted_by(lambda s: s["references"]["pmid"], references),
            "references with a DOI": weighted_by(lambda s: s["references"]["doi"], references),
            "with an abstract": weighted(lambda s: s["shares"]["abstract"]),
            "abstract words (mean)": weighted_by(lambda s: _mean(s["counts"]["abstract_words"]), with_abstract),
            "title words (mean)": weighted(lambda s: _mean(s["counts"]["title_words"])),
            "with a DOI": weighted(lambda s: s["shares"]["doi"]),
            "with a PMCID": weighted(lambda s: s["shares"]["pmcid"]),
            "with a COI statement": weighted(lambda s: s["shares"]["coi"]),
            "published before 2000": sum(
                s["records"] for n, s in profile["strata"].items() if n.startswith(prefix) and n.endswith("before_2000")
            )
            / max(records, 1),
            "distinct journals": sum(len(s["journals"]["top"]) + s["journals"]["tail"]["distinct"] for s in strata),
            "distinct keywords": sum(len(g["keywords"]["top"]) + g["keywords"]["tail"]["distinct"] for g in groups),
            "distinct abstract words": sum(len(g["words"]["top"]) + g["words"]["tail"]["distinct"] for g in groups),
            "distinct MeSH descriptors": sum(len(g["mesh"]["descriptors"]) for g in groups),
        }
        for probe in probes:
            row[f"abstracts with '{probe}'"] = group_documents.get(probe, 0) / max(abstracts, 1)
        if prefix:
            row.update(_clinical_figures(profile["clinical"]))
        figures[name] = row
    figures["probes"] = probes
    return figures


def _clinical_figures(clinical: dict) -> dict[str, float]:
    patients: Counter = Counter()
    diagnoses: Counter = Counter()
    treatments: Counter = Counter()
    outcomes: Counter = Counter()
    for kind in clinical.values():
        patients.update({int(k): v for k, v in kind["patients"].items()})
        diagnoses.update({int(k): v for k, v in kind["diagnoses_per_patient"].items()})
        treatments.update({int(k): v for k, v in kind["treatments_per_patient"].items()})
        outcomes.update(kind["outcomes"])
    reports = sum(patients.values())
    people = sum(diagnoses.values())
    treated = sum(outcomes.values())
    return {
        "case reports with a suggested patient": 1 - patients[0] / reports if reports else 0.0,
        "patients per case report": sum(k * v for k, v in patients.items()) / reports if reports else 0.0,
        "conditions per patient": sum(k * v for k, v in diagnoses.items()) / people if people else 0.0,
        "treatments per patient": sum(k * v for k, v in treatments.items()) / people if people else 0.0,
        "treatments with an outcome": 1 - outcomes["none"] / treated if treated else 0.0,
    }


def compare(this: dict, other: dict, *, this_name: str, other_name: str) -> str:
    """A Markdown table of the main figures of two profiles, the words probed being the other's."""
    reference = summarize(other)
    mine = summarize(this, probes=reference["probes"])
    lines = [f"| figure | {other_name} | {this_name} |", "|---|---:|---:|"]
    for group in ("all", "case reports"):
        for name, value in reference[group].items():
            lines.append(f"| {group}: {name} | {_format(value)} | {_format(mine[group].get(name, 0))} |")
    return "\n".join(lines)


def _format(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=Path, required=True, help="a PubMed XML file (.xml or .xml.gz) or a folder")
    parser.add_argument("--out", type=Path, help="where to write the profile (JSON)")
    parser.add_argument("--compare", type=Path, help="a profile to compare with (e.g. the real one)")
    args = parser.parse_args()
    if args.files.is_dir():
        paths = sorted(p for p in args.files.iterdir() if p.name.endswith((".xml", ".xml.gz")))
    else:
        paths = [args.files]
    if not paths:
        sys.exit(f"No PubMed XML files in {args.files}")
    profile = collect(paths)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(profile, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    if args.compare:
        other = json.loads(args.compare.read_text(encoding="utf-8"))
        print(compare(profile, other, this_name=str(args.files), other_name=args.compare.name))


if __name__ == "__main__":
    main()
