"""Writes synthetic case reports as a gzipped PubMed XML file, in the shape bench/synth/profile.json learned.

    python -m bench.synth.generate --reports 100000 --seed 1 --out var/synth/synth-100k.xml.gz
        [--profile bench/synth/profile.json] [--case-share 1.0]

The file has the structure of a PubMed baseline file (PubmedArticleSet/PubmedArticle/MedlineCitation/Article ...)
and imports like one (`manage.py import_reports FILE`). What it holds follows the profile: how many records are
case reports (or `--case-share`), and for each kind of record and era its years, journals, authors, title and
abstract lengths, words, keywords, MeSH headings (each descriptor with the qualifiers it really takes), substances,
publication types, references and the share with a DOI, a PMCID or a conflict-of-interest statement.

Case reports also say, in plain sentences, who their patients were ("A 47-year-old woman presented with ...",
"We report three men, aged 34, 51 and 60."), and sometimes how a drug worked, as often as the real case reports
do as far as reports.suggestions reads them; their MeSH check tags agree with the patient. So an import with
suggestions gives the generated reports patients, conditions, treatments and outcomes in the real proportions.
Other words that would make the suggestions find patients (pronouns, "patient", "woman" ...) are kept out of the
rest of a case report's text.

Deterministic: the same profile, seed and number of reports give a byte-identical file. Record i is drawn from
its own random stream (seed, i) and cites only records before it, so the first 10,000 records of a 100k file are
the 10k file's records. Streaming: one record is in memory at a time, so 2 million reports take no more memory
than 2,000.
"""

import argparse
import gzip
import json
import math
import os
import random
import re
import resource
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from bench.synth import DOI_PREFIX, EXTERNAL_ID_BASE, PMCID_BASE, PMID_BASE, PROFILE

# Of the references with a PMID, the real files have a share r that cite a record of the files. A collection twice
# as large holds twice as many of the articles a report cites, so in N records that share is r * N / N_real. Here a
# record cites only records generated before it, so record i does with probability 2 * r * i / N_real (the average
# over the file is then r * N / N_real), up to this share.
MAX_INTERNAL_SHARE = 0.5
_BATCH = 200  # records written to the compressor at once
# A case report's number of MeSH headings follows how many patients it describes when the profile saw at least this
# many reports of its kind, era and number of patients; else its stratum's.
MIN_REPORTS = 30

HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
    "<PubmedArticleSet>\n"
)
FOOTER = "</PubmedArticleSet>\n"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make reports.suggestions.patients find a patient, a group of patients, a sex or an animal. A case
# report's text is drawn without them, and its patient sentences put in exactly the ones its patients need.
PATIENT_WORDS = _words(
    """woman women female females girl girls lady ladies mother wife daughter daughters sister sisters primigravida
    multigravida primipara multipara gravida man men male males boy boys gentleman gentlemen father husband son sons
    brother brothers patient patients child children infant infants neonate neonates newborn newborns baby babies
    adolescent adolescents person persons individual individuals subject subjects case cases sibling siblings sibs
    toddler student athlete recipient smoker worker twin twins adults adult members instance family parents parent
    she her hers herself he him himself his old"""  # "old": a "19-year-old" of the vocabulary is a patient
)
ANIMAL_WORDS = _words(
    """dog dogs canine cat cats feline horse horses equine foal foals mare mares stallion stallions cow cows cattle
    bovine calf calves heifer heifers sheep ovine lamb lambs goat goats pig pigs swine porcine piglet piglets monkey
    monkeys macaque macaques baboon baboons primate primates rat rats mice mouse rabbit rabbits hamster hamsters
    guinea ferret ferrets bird birds chicken chickens parrot parrots turtle turtles snake snakes lizard lizards fish
    camel camels llama llamas alpaca alpacas deer elephant elephants dolphin dolphins whale whales seal seals bear
    bears tiger tigers lion lions veterinary"""
)
# Words that make a sentence read as what is generally done rather than the case (reports.suggestions.patients).
GENERAL_WORDS = _words("if should may might can could must indicated when whenever every any")
# Words that make a sentence about a group of patients read as a cohort or the literature.
LITERATURE_WORDS = _words(
    """literature previously reported published review reviewed systematic retrospective retrospectively chart
    record records series cohort prospective randomized randomised trial survey registry database among total out
    so far date"""
)
NUMBER_WORDS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
# Words that count patients ("nine in three patients" is read as nine).
COUNTING_WORDS = frozenset(NUMBER_WORDS[1:]) | _words(
    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety twin"
)
# MeSH check tags for a patient's age (years from, years to) and the qualifiers that make a heading a treatment.
AGE_TAGS = [
    ("Infant, Newborn", 0, 1 / 12),
    ("Infant", 1 / 12, 2),
    ("Child, Preschool", 2, 6),
    ("Child", 6, 13),
    ("Adolescent", 13, 19),
    ("Young Adult", 19, 25),
    ("Adult", 19, 45),
    ("Middle Aged", 45, 65),
    ("Aged", 65, 200),
    ("Aged, 80 and over", 80, 200),
]
GIVEN_QUALIFIERS = frozenset({"therapeutic use", "administration & dosage", "adverse effects"})
OUTCOME_CLAUSES = {
    "improved": "the symptoms improved",
    "resolved": "the lesions resolved",
    "worsened": "the condition worsened",
    "failed": "the condition did not respond",
}
DEPARTMENTS = [
    "Internal Medicine",
    "Pediatrics",
    "Neurology",
    "Surgery",
    "Dermatology",
    "Cardiology",
    "Radiology",
    "Pathology",
    "Oncology",
    "Psychiatry",
    "Obstetrics and Gynecology",
    "Infectious Diseases",
]

# Made-up words: consonant-vowel syllables and a final consonant, so that each rank gives its own word.
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
_FINALS = "nlxsrm"


def pseudo_word(rank: int) -> str:
    """A made-up word for a rank of a vocabulary's tail: 'kalimon'. Different ranks give different words, and
    none is a word that reports.suggestions reads (every one ends in a consonant after a vowel)."""
    syllables = []
    n = rank
    while True:
        n, digit = divmod(n, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
        if n == 0:
            break
        n -= 1
    return "".join(syllables) + _FINALS[rank % len(_FINALS)]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


# Drawing from the profile.


class Histogram:
    """Draws a value with the frequency the profile counted: {"3": 120, "4": 80} gives 3 three times in five."""

    def __init__(self, counts: dict[str, int]):
        items = sorted(((int(value), count) for value, count in counts.items() if count > 0))
        self.values = [value for value, _ in items] or [0]
        self.cumulative = list(accumulate(count for _, count in items)) or [1]

    def draw(self, rng: random.Random) -> int:
        return self.values[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


class Choice:
    """Draws one of a list of [item, count] pairs by count."""

    def __init__(self, pairs: list):
        self.items = [item for item, _ in pairs]
        self.cumulative = list(accumulate(count for _, count in pairs))

    def draw(self, rng: random.Random):
        return self.items[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def excluded(word: str, words: frozenset[str]) -> bool:
    """Whether a word is, or has a part that is, one of `words`: "patient's" and "mother-to-child" are read as
    "patient" and "mother" by the suggestions' word boundaries."""
    key = word.lower()
    return key in words or any(part in words for part in re.split(r"[-'’./]", key))


class Vocabulary:
    """Draws terms with the frequencies the profile gives: the real top terms by their counts and, beyond them, a
    Zipf tail of made-up terms (rank r with probability proportional to r^-exponent), so that the number of
    distinct terms grows with the amount generated as a real vocabulary's does (Heaps' law).

    `item` turns a top entry of the profile into what draw() returns, `tail` a rank of the tail."""

    def __init__(
        self,
        spec: dict,
        *,
        item: Callable[[list], object] = lambda entry: entry[0],
        tail: Callable[[int], object] = pseudo_word,
        exclude: frozenset[str] = frozenset(),
    ):
        top = [entry for entry in spec["top"] if not (exclude and excluded(str(entry[0]), exclude))]
        self.items = [item(entry) for entry in top]
        self.cumulative = list(accumulate(entry[1] for entry in top))
        self.top_total = self.cumulative[-1] if top else 0
        tail_spec = spec.get("tail") or {}
        tail_tokens = tail_spec.get("tokens", 0)
        self.tail_share = tail_tokens / (self.top_total + tail_tokens) if tail_tokens else 0.0
        self.tail = tail
        self.first_rank = max(tail_spec.get("first_rank", 1), 1)
        max_rank = max(tail_spec.get("max_rank", 10**9), self.first_rank + 1)
        a = tail_spec.get("exponent", 2.0) - 1
        a = a if abs(a) >= 1e-3 else 1e-3
        # The tail is a power law on [first_rank, max_rank], drawn by inverting its distribution function.
        self._power = -1 / a
        self._span = 1 - (self.first_rank / max_rank) ** a

    def draw(self, rng: random.Random):
        u = rng.random()
        if u < self.tail_share or not self.items:
            return self.tail(self.tail_rank(u / self.tail_share if self.tail_share else u))
        position = bisect_right(self.cumulative, (u - self.tail_share) / (1 - self.tail_share) * self.top_total)
        return self.items[min(position, len(self.items) - 1)]

    def tail_rank(self, u: float) -> int:
        return int(self.first_rank * (1 - u * self._span) ** self._power)

    def distinct(self, rng: random.Random, count: int, key: Callable = str.lower) -> list:
        """`count` different terms (fewer when the vocabulary runs out)."""
        chosen, seen = [], set()
        for _ in range(count * 4):
            if len(chosen) == count:
                break
            term = self.draw(rng)
            name = key(term)
            if name not in seen:
                seen.add(name)
                chosen.append(term)
        return chosen


COMMON_WORDS = 100  # "the", "of", "were": words nearly every abstract has, modelled by their presence


class Text:
    """Abstract text in sentences of real lengths, whose words have their real frequencies and their real document
    frequencies (how many abstracts have the word), which is what a full-text search sees.

    Words come in bursts: an abstract that names "myocardial" once tends to name it again, so a word is in fewer
    abstracts than its frequency alone would give, and how much fewer differs from word to word. So an abstract is
    built from word types rather than words: each of the most frequent words is in it with its document frequency
    (less often in a short abstract), as many times as its share of the length; the others are drawn by document
    frequency, each as many times as it occurs, on average, in an abstract that has it (made-up rare words, the
    tail, as often as the real rare words). The words are then shuffled."""

    def __init__(self, spec: dict, *, exclude: frozenset[str] = frozenset()):
        words, text = spec["words"], spec["text"]
        top = [entry for entry in words["top"] if not (exclude and excluded(entry[0], exclude))]
        documents = max(text["abstracts"], 1)
        self.mean_words = max(text["mean_words"], 1.0)
        # (word, log of the share of abstracts without it, how its presence follows the length, occurrences per
        # abstract of average length). A word in nearly every abstract stays in short ones: in the baseline files
        # "the" is in 85 % of the abstracts of under 50 words, "were" in 19 % (58 % of all); 1 - df^2 / 2 as the
        # power of the length ratio gives both.
        self.common = [
            (word, math.log(max(1 - docs / documents, 1e-6)), 1 - (docs / documents) ** 2 / 2, count / documents)
            for word, count, docs in top[:COMMON_WORDS]
            if docs
        ]
        tail_occurrences = max(text["tail_occurrences"], 1.0)
        tail = dict(words["tail"])
        tail["tokens"] = tail["tokens"] / tail_occurrences  # the tail's word types
        self.content = Vocabulary(
            {"top": [[word, docs, count / docs] for word, count, docs in top[COMMON_WORDS:] if docs], "tail": tail},
            item=lambda entry: (entry[0], _repeats(entry[2])),
            tail=lambda rank: (pseudo_word(rank), _repeats(tail_occurrences)),
        )
        self.comma = text["comma_share"]
        self.sentence_words = Histogram(text["sentence_words"])

    def document(self, rng: random.Random, length: int) -> list[str]:
        """The words of an abstract of `length` words, in no particular order."""
        scale = length / self.mean_words
        tokens: list[str] = []
        for word, log_absent, power, per_abstract in self.common:
            present = 1 - math.exp(log_absent * scale**power)
            if rng.random() < present:
                extra = per_abstract * scale / present - 1
                tokens += [word] * (1 + (int(extra + rng.random()) if extra > 0 else 0))
        if len(tokens) > length:
            rng.shuffle(tokens)
            del tokens[length:]
        draw = self.content.draw
        while len(tokens) < length:
            word, repeats = draw(rng)
            copies = 1 + (int(math.log(1 - rng.random()) / repeats) if repeats else 0)
            tokens += [word] * copies
        del tokens[length:]
        rng.shuffle(tokens)
        return tokens

    def sentences(self, rng: random.Random, words: list[str]) -> str:
        """The words as sentences: capitalised, with commas and a full stop."""
        sentences, start = [], 0
        while start < len(words):
            length = max(self.sentence_words.draw(rng), 3)
            sentences.append(self.sentence(rng, words[start : start + length]))
            start += length
        return " ".join(sentences)

    def sentence(self, rng: random.Random, words: list[str]) -> str:
        pieces = [word + "," if rng.random() < self.comma else word for word in words[:-1]]
        pieces.append(words[-1])
        return capitalised(" ".join(pieces)) + "."


def _repeats(occurrences: float) -> float:
    """The log of a geometric distribution's ratio whose mean, plus one, is `occurrences` (0: no repeats)."""
    if occurrences <= 1.0001:
        return 0.0
    return math.log((occurrences - 1) / occurrences)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


# One record.


@dataclass
class Patient:
    age: tuple[str, str] | None = None  # (value, unit): ("47", "years")
    sex: str = "unknown"


@dataclass
class Case:
    """Who a case report describes: the patients its text will introduce."""

    patients: list[Patient] = field(default_factory=list)
    grouped: bool = False  # introduced together: "We report three women, aged 34, 51 and 60."


class Stratum:
    """One kind of record (case report or other) of one era: how often it comes and the shape of its records."""

    def __init__(self, name: str, spec: dict, group: "Group"):
        self.name = name
        self.group = group
        self.years = Histogram(spec["years"])
        self.shares = spec["shares"]
        self.counts = {name: Histogram(counts) for name, counts in spec["counts"].items()}
        self.languages = Choice(sorted(spec["languages"].items()))
        self.publication_types = Choice(spec["publication_types"])
        self.journals = Vocabulary(spec["journals"], item=lambda entry: tuple(entry[0]), tail=synthetic_journal)
        self.references = spec["references"]


class Group:
    """Case reports, or the other records: their words, keywords, MeSH headings and substances."""

    def __init__(self, name: str, spec: dict, qualifiers: list[list[str]]):
        self.case_report = name == "case_reports"
        exclude = PATIENT_WORDS | ANIMAL_WORDS if self.case_report else frozenset()
        self.text = Text(spec, exclude=exclude)
        # Words for a sentence that introduces a group of patients, which must not read as a cohort.
        self.plain_words = Vocabulary(
            spec["words"],
            exclude=exclude
            | LITERATURE_WORDS
            | GENERAL_WORDS
            | COUNTING_WORDS
            | {entry[0].lower() for entry in spec["words"]["top"] if any(c.isdigit() for c in entry[0])},
        )
        self.title_words = Vocabulary(spec["title_words"], exclude=exclude)
        # Rare keywords are mostly new combinations of ordinary words ("solar urticaria"), not new words.
        content = [word for word, _repeats in self.text.content.items[:20_000]] or ["keyword"]
        self.keywords = Vocabulary(spec["keywords"], tail=lambda rank: _keyword_phrase(rank, content))
        self.mesh = Vocabulary({"top": spec["mesh"]["descriptors"]}, item=tuple)
        self.mesh_by_name = {entry[0]: tuple(entry) for entry in spec["mesh"]["descriptors"]}
        self.qualifiers = qualifiers
        self.qualifier_counts = Histogram(spec["mesh"]["qualifiers_per_heading"])
        self.substances = Vocabulary({"top": spec["substances"]["top"]}, item=tuple)
        self.substance_by_ui = {entry[2]: tuple(entry) for entry in spec["substances"]["top"] if entry[2]}
        self.drug_listed = spec["substances"]["given_headings_listed"]
        self.coi = Vocabulary(spec["coi_statements"], tail=_coi_statement)
        self.labels = Choice([[tuple(labels), count] for labels, count in spec["abstract_labels"]])


def _keyword_phrase(rank: int, words: list[str]) -> str:
    """The keyword of a rank of the tail: one to three content words, always the same for the same rank."""
    rng = random.Random(rank)
    length = rng.choices((1, 2, 3), (1, 6, 3))[0]
    return " ".join(rng.choice(words) for _ in range(length))


def _coi_statement(rank: int) -> str:
    return f"Dr {pseudo_word(rank).capitalize()} has received fees from {pseudo_word(rank + 7).capitalize()}."


def synthetic_journal(rank: int) -> tuple:
    """A journal of a vocabulary's tail: title, ISO abbreviation, ISSN and NLM ID of its own, none a real one's."""
    word = pseudo_word(rank).capitalize()
    title, iso = [
        (f"Journal of {word}", f"J {word}"),
        (f"{word} medicine", f"{word} Med"),
        (f"Acta {word}", f"Acta {word}"),
        (f"{word} reports", f"{word} Rep"),
    ][rank % 4]
    return title, iso, f"9{rank // 10000 % 1000:03}-{rank % 10000:04}", f"99{rank:09}"


class Generator:
    """Draws records from a profile: `article(i)` is the i-th record (from 0) as PubMed XML."""

    def __init__(self, profile: dict, *, seed: int, case_share: float | None = None):
        if seed < 0:
            raise ValueError("the seed is a whole number from 0")
        self.seed = seed
        qualifiers = profile["qualifiers"]
        self.groups = {name: Group(name, spec, qualifiers) for name, spec in profile["groups"].items()}
        self.strata = []
        weights = []
        real_case_share = sum(s["records"] for n, s in profile["strata"].items() if n.startswith("case_reports/"))
        real_case_share /= sum(s["records"] for s in profile["strata"].values())
        self.case_share = real_case_share if case_share is None else case_share
        for name, spec in sorted(profile["strata"].items()):
            group_name = name.split("/")[0]
            in_group = sum(s["records"] for n, s in profile["strata"].items() if n.startswith(group_name + "/"))
            share = self.case_share if group_name == "case_reports" else 1 - self.case_share
            if share > 0 and spec["records"]:
                self.strata.append(Stratum(name, spec, self.groups[group_name]))
                weights.append(share * spec["records"] / in_group)
        self.stratum_choice = Choice(list(zip(self.strata, weights, strict=True)))
        self.clinical = profile["clinical"]
        self.patient_counts = {kind: Histogram(spec["patients"]) for kind, spec in self.clinical.items()}
        self.single_sex = {kind: Choice(sorted(spec["single"]["sex"].items())) for kind, spec in self.clinical.items()}
        self.single_age = {kind: Choice(sorted(spec["single"]["age"].items())) for kind, spec in self.clinical.items()}
        self.case_mesh = {
            f"{kind}/{key}": Histogram(counts)
            for kind, spec in self.clinical.items()
            for key, counts in spec["mesh_headings"].items()
            if sum(counts.values()) >= MIN_REPORTS
        }
        references = profile["references"]
        self.internal_rate = 2 * references["internal_share"] / max(references["collection_records"], 1)
        self.age_tag_names = [name for name, _, _ in AGE_TAGS]
        self.qualifier_uis = dict(map(tuple, qualifiers))
        self.last_names = Vocabulary(profile["authors"]["last_names"], tail=lambda rank: pseudo_word(rank).capitalize())
        self.fore_names = Vocabulary(profile["authors"]["fore_names"], tail=lambda rank: pseudo_word(rank).capitalize())

    def articles(self, count: int) -> Iterator[str]:
        for index in range(count):
            yield self.article(index)

    def article(self, index: int) -> str:
        rng = random.Random(self.seed << 32 | index)
        stratum = self.stratum_choice.draw(rng)
        group = stratum.group
        pmid = PMID_BASE + index
        year = stratum.years.draw(rng)
        language = stratum.languages.draw(rng)
        has_abstract = rng.random() < stratum.shares["abstract"]
        case = self._case(rng, has_abstract) if group.case_report else None
        mesh = self._mesh(rng, stratum, case, has_abstract)
        title = self._title(rng, stratum, case, has_abstract)
        if language != "eng":
            title = f"[{title[:-1]}]."  # PubMed's way of printing a translated title
        abstract = self._abstract(rng, stratum, case, mesh) if has_abstract else []
        journal = stratum.journals.draw(rng)
        parts = [
            '  <PubmedArticle>\n    <MedlineCitation Status="MEDLINE" Owner="NLM">\n',
            f'      <PMID Version="1">{pmid}</PMID>\n      <Article PubModel="Print">\n',
            self._journal(rng, stratum, journal, year),
            f"        <ArticleTitle>{escape(title)}</ArticleTitle>\n",
            self._pagination(rng, stratum, index),
            self._abstract_xml(abstract),
            self._authors(rng, stratum),
            f"        <Language>{escape(language)}</Language>\n        <PublicationTypeList>\n",
            *(
                f"          <PublicationType>{escape(name)}</PublicationType>\n"
                for name in stratum.publication_types.draw(rng)
            ),
            "        </PublicationTypeList>\n",
            self._article_date(rng, stratum, year),
            "      </Article>\n      <MedlineJournalInfo>\n",
            f"        <MedlineTA>{escape(journal[1])}</MedlineTA>\n" if journal[1] else "",
            f"        <NlmUniqueID>{escape(journal[3])}</NlmUniqueID>\n" if journal[3] else "",
            f"        <ISSNLinking>{escape(journal[2])}</ISSNLinking>\n" if journal[2] else "",
            "      </MedlineJournalInfo>\n",
            self._substances(rng, stratum, mesh),
            self._mesh_xml(mesh),
            self._keywords(rng, stratum),
            self._coi(rng, stratum),
            "    </MedlineCitation>\n    <PubmedData>\n      <PublicationStatus>ppublish</PublicationStatus>\n",
            "      <ArticleIdList>\n",
            f'        <ArticleId IdType="pubmed">{pmid}</ArticleId>\n',
            f'        <ArticleId IdType="doi">{DOI_PREFIX}/synth.{pmid}</ArticleId>\n'
            if rng.random() < stratum.shares["doi"]
            else "",
            f'        <ArticleId IdType="pmc">PMC{PMCID_BASE + index}</ArticleId>\n'
            if rng.random() < stratum.shares["pmcid"]
            else "",
            "      </ArticleIdList>\n",
            self._references(rng, stratum, index, year),
            "    </PubmedData>\n  </PubmedArticle>\n",
        ]
        return "".join(parts)

    # Who the case report describes.

    def _case(self, rng: random.Random, has_abstract: bool) -> Case:
        kind = "abstract" if has_abstract else "title_only"
        count = self.patient_counts[kind].draw(rng)
        if count == 0:
            return Case()
        if count == 1:
            age = self.single_age[kind].draw(rng)
            return Case([Patient(age=_age(age), sex=self.single_sex[kind].draw(rng))])
        group = self.clinical[kind]["groups"]
        reports = max(group["reports"], 1)
        sex = "unknown"
        if rng.random() < group["one_sex"] / reports:
            sex = "female" if rng.random() < group["female"] / max(group["one_sex"], 1) else "male"
        patients = [Patient(sex=sex) for _ in range(count)]
        if rng.random() < group["with_ages"] / reports:
            for patient in patients:
                patient.age = (str(rng.randint(18, 85) if sex != "unknown" else rng.randint(1, 85)), "years")
        return Case(patients, grouped=True)

    def _title(self, rng: random.Random, stratum: Stratum, case: Case | None, has_abstract: bool) -> str:
        group = stratum.group
        # A title that introduces a group of patients must not read as a cohort: it is drawn from plain words.
        vocabulary = group.plain_words if case and case.grouped and not has_abstract else group.title_words
        length = stratum.counts["title_words"].draw(rng)
        ending = ""
        if case and case.patients and not has_abstract:
            # With no abstract, the title is where a case report says who the patient was.
            if case.grouped:
                plain = " ".join(group.plain_words.draw(rng) for _ in range(3))
                ending = f" in {_group_phrase(case)} with {plain}"
            else:
                ending = f" in {_patient_phrase(case.patients[0])}"
        elif case and len(case.patients) == 1:
            kind = "abstract" if has_abstract else "title_only"
            if rng.random() < self.clinical[kind]["single"]["case_in_title"]:
                ending = ": a case report"
        words = [vocabulary.draw(rng) for _ in range(max(length - ending.count(" "), 1))]
        return capitalised(" ".join(words)) + ending + "."

    def _abstract(self, rng: random.Random, stratum: Stratum, case: Case | None, mesh: list) -> list[tuple[str, str]]:
        """[(label, text)]: one unlabelled paragraph, or a structured abstract's labelled parts."""
        group = stratum.group
        words = max(stratum.counts["abstract_words"].draw(rng), 5)
        labels = group.labels.draw(rng) if rng.random() < stratum.shares["structured_abstract"] else ("",)
        clinical = self._case_sentences(rng, group, case, mesh) if case else []
        words = max(words - sum(s.count(" ") + 1 for s in clinical), 5)
        tokens = group.text.document(rng, words)
        weights = list(accumulate(rng.random() + 0.5 for _ in labels))
        cuts = [0, *(round(len(tokens) * weight / weights[-1]) for weight in weights)]
        parts = []
        for label, start, end in zip(labels, cuts, cuts[1:], strict=False):
            parts.append([label, group.text.sentences(rng, tokens[start:end] or tokens[:3])])
        if clinical:
            where = next((i for i, (label, _) in enumerate(parts) if "CASE" in label or "REPORT" in label), 0)
            parts[where][1] = " ".join([*clinical, parts[where][1]])
        return [(label, text) for label, text in parts]

    def _case_sentences(self, rng: random.Random, group: Group, case: Case, mesh: list) -> list[str]:
        """The sentences that introduce the patients and, for one patient, say how a drug worked."""
        if not case.patients:
            return []
        plain = " ".join(group.plain_words.draw(rng) for _ in range(rng.randint(3, 8)))
        if case.grouped:
            return [f"We report {_group_phrase(case)}.", capitalised(plain) + "."]
        patient = case.patients[0]
        phrase = _patient_phrase(patient)
        sentences = [
            rng.choice(
                [
                    f"{capitalised(phrase)} presented with {plain}.",
                    f"We report the case of {phrase} with {plain}.",
                    f"We describe {phrase} who developed {plain}.",
                ]
            )
        ]
        if patient.sex != "unknown" and rng.random() < 0.7:
            pronoun = "She" if patient.sex == "female" else "He"
            sentences.append(f"{pronoun} " + " ".join(group.plain_words.draw(rng) for _ in range(rng.randint(4, 9))))
            sentences[-1] += "."
        outcomes = self.clinical["abstract"]["text_outcomes"]
        for heading in mesh:
            if set(heading[1]) & GIVEN_QUALIFIERS and rng.random() < outcomes["share"]:
                result = rng.choices(
                    list(OUTCOME_CLAUSES), [outcomes["results"].get(r, 0) + 0.01 for r in OUTCOME_CLAUSES]
                )
                name = heading[0][0].split(",")[0]
                sentences.append(f"Treatment with {name} was started, and {OUTCOME_CLAUSES[result[0]]}.")
        return sentences

    # MeSH, substances and the other index terms.

    def _mesh(self, rng: random.Random, stratum: Stratum, case: Case | None, has_abstract: bool) -> list:
        """[(descriptor entry, [qualifier names], [major qualifier names], descriptor is major)], by name."""
        group = stratum.group
        counts = stratum.counts["mesh_headings"]
        if case is not None:
            described = "none" if not case.patients else "single" if len(case.patients) == 1 else "multi"
            era = stratum.name.split("/")[1]
            kind = "abstract" if has_abstract else "title_only"
            counts = self.case_mesh.get(f"{kind}/{era}/{described}", counts)
        headings = []
        for entry in group.mesh.distinct(rng, counts.draw(rng), key=lambda e: e[0]):
            headings.append(self._heading(rng, group, entry))
        if case is not None and case.patients and headings:
            headings = self._agree_with_case(group, case, headings)
        return sorted(headings, key=lambda heading: heading[0][0])

    def _heading(self, rng: random.Random, group: Group, entry: tuple) -> tuple:
        # entry: name, count, UI, times major, times without qualifiers, [[qualifier index, count, times major]]
        _name, count, _ui, major, bare, qualifiers = entry
        chosen: list[list[int]] = []
        if qualifiers and rng.random() >= bare / count:
            wanted = group.qualifier_counts.draw(rng)
            pool = list(qualifiers)
            while pool and len(chosen) < wanted:
                pick = Choice([[q, q[1]] for q in pool]).draw(rng)
                pool.remove(pick)
                chosen.append(pick)
        names = [group.qualifiers[q[0]][0] for q in chosen]
        majors = [group.qualifiers[q[0]][0] for q in chosen if rng.random() < q[2] / max(q[1], 1)]
        return entry, names, majors, rng.random() < major / count

    def _agree_with_case(self, group: Group, case: Case, headings: list) -> list:
        """A report about people is indexed Humans, not Animals; one patient's sex and age are its check tags."""
        names = {heading[0][0] for heading in headings}
        drop = {"Animals"}
        add = ["Humans"]
        if len(case.patients) == 1:
            patient = case.patients[0]
            drop |= {"Female", "Male", *self.age_tag_names}
            if patient.sex != "unknown":
                add.append(patient.sex.capitalize())
            if patient.age:
                years = _years(patient.age)
                add += [name for name, start, end in AGE_TAGS if start <= years < end]
        headings = [heading for heading in headings if heading[0][0] not in drop]
        for name in add:
            if name not in names or name in drop:
                entry = group.mesh_by_name.get(name)
                if entry:
                    headings.append((entry, [], [], False))
        return headings

    def _substances(self, rng: random.Random, stratum: Stratum, mesh: list) -> str:
        count = stratum.counts["substances"].draw(rng)
        if not count:
            return ""
        group = stratum.group
        # A drug the report is indexed as given is, as in PubMed, usually in its list of substances too.
        chosen = [
            group.substance_by_ui[heading[0][2]]
            for heading in mesh
            if set(heading[1]) & GIVEN_QUALIFIERS
            and heading[0][2] in group.substance_by_ui
            and rng.random() < group.drug_listed
        ]
        seen = {entry[0].lower() for entry in chosen}
        for entry in group.substances.distinct(rng, max(count - len(chosen), 0), key=lambda e: e[0].lower()):
            if entry[0].lower() not in seen:
                seen.add(entry[0].lower())
                chosen.append(entry)
        lines = ["      <ChemicalList>\n"]
        for name, _count, ui, registry in chosen:
            lines.append(
                f"        <Chemical>\n          <RegistryNumber>{escape(registry or '0')}</RegistryNumber>\n"
                f'          <NameOfSubstance UI="{attribute(ui)}">{escape(name)}</NameOfSubstance>\n'
                "        </Chemical>\n"
            )
        lines.append("      </ChemicalList>\n")
        return "".join(lines)

    def _mesh_xml(self, mesh: list) -> str:
        if not mesh:
            return ""
        lines = ["      <MeshHeadingList>\n"]
        for entry, qualifiers, majors, major in mesh:
            lines.append(
                f'        <MeshHeading>\n          <DescriptorName UI="{attribute(entry[2])}" '
                f'MajorTopicYN="{"Y" if major else "N"}">{escape(entry[0])}</DescriptorName>\n'
            )
            for name in qualifiers:
                ui = self.qualifier_uis.get(name, "")
                lines.append(
                    f'          <QualifierName UI="{attribute(ui)}" MajorTopicYN="{"Y" if name in majors else "N"}">'
                    f"{escape(name)}</QualifierName>\n"
                )
            lines.append("        </MeshHeading>\n")
        lines.append("      </MeshHeadingList>\n")
        return "".join(lines)

    def _keywords(self, rng: random.Random, stratum: Stratum) -> str:
        keywords = stratum.group.keywords.distinct(rng, stratum.counts["keywords"].draw(rng))
        if not keywords:
            return ""
        lines = ['      <KeywordList Owner="NOTNLM">\n']
        lines += [f'        <Keyword MajorTopicYN="N">{escape(keyword)}</Keyword>\n' for keyword in keywords]
        lines.append("      </KeywordList>\n")
        return "".join(lines)

    def _coi(self, rng: random.Random, stratum: Stratum) -> str:
        if rng.random() >= stratum.shares["coi"]:
            return ""
        return f"      <CoiStatement>{escape(stratum.group.coi.draw(rng))}</CoiStatement>\n"

    # Bibliographic details.

    def _journal(self, rng: random.Random, stratum: Stratum, journal: tuple, year: int) -> str:
        title, _iso, issn, _nlm = journal
        lines = ["        <Journal>\n"]
        if issn:
            lines.append(f'          <ISSN IssnType="Print">{escape(issn)}</ISSN>\n')
        lines.append('          <JournalIssue CitedMedium="Print">\n')
        if rng.random() < stratum.shares["volume"]:
            lines.append(f"            <Volume>{rng.randint(1, 120)}</Volume>\n")
        if rng.random() < stratum.shares["issue"]:
            lines.append(f"            <Issue>{rng.randint(1, 12)}</Issue>\n")
        lines.append(f"            <PubDate>\n              <Year>{year}</Year>\n")
        if rng.random() < stratum.shares["month"]:
            lines.append(f"              <Month>{MONTHS[rng.randrange(12)]}</Month>\n")
            if rng.random() < stratum.shares["day"]:
                lines.append(f"              <Day>{rng.randint(1, 28):02}</Day>\n")
        lines.append("            </PubDate>\n          </JournalIssue>\n")
        if title:
            lines.append(f"          <Title>{escape(title)}</Title>\n")
        if journal[1]:
            lines.append(f"          <ISOAbbreviation>{escape(journal[1])}</ISOAbbreviation>\n")
        lines.append("        </Journal>\n")
        return "".join(lines)

    def _pagination(self, rng: random.Random, stratum: Stratum, index: int) -> str:
        lines = []
        if rng.random() < stratum.shares["pages"]:
            start = rng.randint(1, 2000)
            end = start + rng.randint(0, 12)
            pages = f"{start}-{end}" if end > start else str(start)
            lines.append(f"        <Pagination>\n          <MedlinePgn>{pages}</MedlinePgn>\n        </Pagination>\n")
        if rng.random() < stratum.shares["elocation"]:
            lines.append(f'        <ELocationID EIdType="pii" ValidYN="Y">e{index % 100000 + 1}</ELocationID>\n')
        return "".join(lines)

    def _abstract_xml(self, parts: list[tuple[str, str]]) -> str:
        if not parts:
            return ""
        lines = ["        <Abstract>\n"]
        for label, text in parts:
            attributes = f' Label="{attribute(label)}"' if label else ""
            lines.append(f"          <AbstractText{attributes}>{escape(text)}</AbstractText>\n")
        lines.append("        </Abstract>\n")
        return "".join(lines)

    def _authors(self, rng: random.Random, stratum: Stratum) -> str:
        count = stratum.counts["authors"].draw(rng)
        if not count:
            return ""
        lines = ['        <AuthorList CompleteYN="Y">\n']
        for _ in range(count):
            fore = self.fore_names.draw(rng)
            initials = "".join(part[:1].upper() for part in fore.replace("-", " ").split())
            lines.append(
                '          <Author ValidYN="Y">\n'
                f"            <LastName>{escape(self.last_names.draw(rng))}</LastName>\n"
                f"            <ForeName>{escape(fore)}</ForeName>\n"
                f"            <Initials>{escape(initials)}</Initials>\n"
            )
            if rng.random() < stratum.shares["orcid"]:
                # 0009-9...: a block ORCID does not issue, so no generated iD is a real person's.
                digits = f"{rng.randrange(10**11):011}"
                lines.append(
                    f'            <Identifier Source="ORCID">0009-9{digits[:3]}-{digits[3:7]}-{digits[7:]}'
                    "</Identifier>\n"
                )
            if rng.random() < stratum.shares["affiliation"]:
                place = pseudo_word(rng.randint(200, 20000)).capitalize()
                department = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
                lines.append(
                    "            <AffiliationInfo>\n              <Affiliation>"
                    f"Department of {department}, {place} University Hospital, {place}.</Affiliation>\n"
                    "            </AffiliationInfo>\n"
                )
            lines.append("          </Author>\n")
        lines.append("        </AuthorList>\n")
        return "".join(lines)

    def _article_date(self, rng: random.Random, stratum: Stratum, year: int) -> str:
        if rng.random() >= stratum.shares["epub_date"]:
            return ""
        return (
            f'        <ArticleDate DateType="Electronic">\n          <Year>{year}</Year>\n'
            f"          <Month>{rng.randint(1, 12):02}</Month>\n          <Day>{rng.randint(1, 28):02}</Day>\n"
            "        </ArticleDate>\n"
        )

    def _references(self, rng: random.Random, stratum: Stratum, index: int, year: int) -> str:
        count = stratum.counts["references"].draw(rng)
        if not count:
            return ""
        shares = stratum.references
        internal = min(MAX_INTERNAL_SHARE, self.internal_rate * index)
        lines = ["      <ReferenceList>\n"]
        for _ in range(count):
            journal = stratum.journals.draw(rng)
            cited_year = max(year - int(rng.expovariate(1 / 8)), 1900)
            name = (journal[1] or journal[0]).rstrip(".")
            citation = f"{name}. {cited_year};{rng.randint(1, 120)}({rng.randint(1, 12)}):"
            start = rng.randint(1, 2000)
            citation += f"{start}-{start + rng.randint(1, 15)}"
            ids = []
            if rng.random() < shares["pmid"]:
                if index and rng.random() < internal:
                    pmid = PMID_BASE + rng.randrange(index)
                    doi = f"{DOI_PREFIX}/synth.{pmid}"
                else:
                    pmid = EXTERNAL_ID_BASE + rng.randrange(400_000_000)
                    doi = f"{DOI_PREFIX}/ref.{pmid}"
                ids.append(f'            <ArticleId IdType="pubmed">{pmid}</ArticleId>\n')
            else:
                doi = f"{DOI_PREFIX}/ref.x{rng.randrange(10**9)}"
            if rng.random() < shares["doi"]:
                ids.append(f'            <ArticleId IdType="doi">{doi}</ArticleId>\n')
            if rng.random() < shares["pmcid"]:
                ids.append(
                    f'            <ArticleId IdType="pmc">PMC{EXTERNAL_ID_BASE + rng.randrange(10**8)}</ArticleId>\n'
                )
            lines.append(f"        <Reference>\n          <Citation>{escape(citation)}</Citation>\n")
            if ids:
                lines += ["          <ArticleIdList>\n", *ids, "          </ArticleIdList>\n"]
            lines.append("        </Reference>\n")
        lines.append("      </ReferenceList>\n")
        return "".join(lines)


def _age(drawn: str) -> tuple[str, str] | None:
    """'years:47' -> ('47', 'years'); 'none' -> None."""
    if ":" not in drawn:
        return None
    unit, value = drawn.split(":", 1)
    return value, unit


_UNIT_YEARS = {"years": 1, "months": 12, "weeks": 52.18, "days": 365.25}


def _years(age: tuple[str, str]) -> float:
    value, unit = age
    return float(value) / _UNIT_YEARS[unit]


def _patient_phrase(patient: Patient) -> str:
    """'a 47-year-old woman', 'an 8-month-old boy', 'a patient'."""
    child = patient.age is not None and _years(patient.age) < 18
    noun = {
        "female": "girl" if child else "woman",
        "male": "boy" if child else "man",
    }.get(patient.sex, "patient")
    if patient.age is None:
        return f"a {noun}"
    value, unit = patient.age
    article = "an" if value.startswith("8") or value.split(".")[0] in ("11", "18") else "a"
    return f"{article} {value}-{unit.rstrip('s')}-old {noun}"


def _group_phrase(case: Case) -> str:
    """'three women, aged 34, 51 and 60', '14 patients'."""
    count = len(case.patients)
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    sex = case.patients[0].sex
    ages = [patient.age[0] for patient in case.patients if patient.age]
    child = len(ages) == count and all(int(age) < 18 for age in ages)
    noun = {"female": "girls" if child else "women", "male": "boys" if child else "men"}.get(sex, "patients")
    if len(ages) == count:
        return f"{number} {noun}, aged {', '.join(ages[:-1])} and {ages[-1]}"
    return f"{number} {noun}"


# The file.


@dataclass
class Written:
    reports: int
    seconds: float
    size: int

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


def load_profile(path: str | os.PathLike = PROFILE) -> dict:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def write(
    *, reports: int, seed: int, out: str | os.PathLike, profile: dict, case_share: float | None = None
) -> Written:
    """Writes `reports` generated records to `out` (gzipped PubMed XML), one batch at a time."""
    generator = Generator(profile, seed=seed, case_share=case_share)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    started = time.perf_counter()
    # No file name and no time in the gzip header, so that the same input gives the same bytes.
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as compressed,
    ):
        compressed.write(HEADER.encode())
        batch = []
        for article in generator.articles(reports):
            batch.append(article)
            if len(batch) == _BATCH:
                compressed.write("".join(batch).encode())
                batch = []
        compressed.write(("".join(batch) + FOOTER).encode())
    os.replace(partial, out)
    return Written(reports=reports, seconds=time.perf_counter() - started, size=out.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, required=True, help="how many records to write")
    parser.add_argument("--seed", type=int, default=1, help="a whole number from 0; the same seed, the same file")
    parser.add_argument("--out", type=Path, required=True, help="the .xml.gz file to write")
    parser.add_argument("--profile", type=Path, default=PROFILE)
    parser.add_argument(
        "--case-share",
        type=float,
        help="share of records that are case reports (default: the real files' share; 1 for case reports only)",
    )
    args = parser.parse_args()
    if args.reports < 0 or args.seed < 0:
        parser.error("--reports and --seed are whole numbers from 0")
    if args.case_share is not None and not 0 <= args.case_share <= 1:
        parser.error("--case-share is between 0 and 1")
    written = write(
        reports=args.reports,
        seed=args.seed,
        out=args.out,
        profile=load_profile(args.profile),
        case_share=args.case_share,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Wrote {written.reports:,} reports to {args.out} ({written.size / 1e6:.1f} MB) in {written.seconds:.1f} s: "
        f"{written.per_second:,.0f} reports/s, peak memory {peak:.0f} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
