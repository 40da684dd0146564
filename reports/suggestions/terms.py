"""What a case report's patients had and were given, read from its MeSH indexing, keywords and abstract.

NLM's indexers read the whole article, so its MeSH headings are the surest source: a heading with a qualifier that
only diseases take ("Arthritis, Rheumatoid/drug therapy") names a condition, and a drug heading qualified
"therapeutic use", "administration & dosage" or "adverse effects" names something a patient was given. The text
adds what MeSH cannot say: a diagnosis that was only suspected or probable, and how the patient did on a drug, when
one sentence says it plainly ("the rash resolved after withdrawal of ...", "... failed", "she died despite ...").
"""

import functools
import re
from dataclasses import dataclass, field

from reports.mesh import thesaurus
from reports.suggestions.lexicon import CONDITION, lexicon
from reports.suggestions.patients import sentences
from reports.suggestions.reading import OUTCOMES

# Qualifiers MeSH allows only on diseases (category C) and mental disorders (F03).
DISEASE_QUALIFIERS = {
    "complications",
    "diagnosis",
    "diagnostic imaging",
    "drug therapy",
    "etiology",
    "therapy",
    "surgery",
    "mortality",
    "prevention & control",
    "radiotherapy",
    "congenital",
    "chemically induced",
    "epidemiology",
    "pathology",
    "physiopathology",
    "rehabilitation",
    "diet therapy",
    "genetics",
    "immunology",
    "microbiology",
    "virology",
    "parasitology",
    "blood",
    "urine",
    "psychology",
    "nursing",
}
# Of those, the ones that also go on organs, cells or organisms: they name a disease only with a disease-like name.
_SHARED_QUALIFIERS = {
    "diagnostic imaging",
    "pathology",
    "physiopathology",
    "surgery",
    "genetics",
    "immunology",
    "microbiology",
    "virology",
    "parasitology",
    "blood",
    "urine",
    "psychology",
}
GIVEN_QUALIFIERS = {"therapeutic use", "administration & dosage", "adverse effects"}
# MeSH check tags and other headings that are never a patient's condition or treatment.
_NOT_TERMS = {
    "humans",
    "animals",
    "female",
    "male",
    "pregnancy",
    "infant",
    "infant, newborn",
    "child",
    "child, preschool",
    "adolescent",
    "young adult",
    "adult",
    "middle aged",
    "aged",
    "aged, 80 and over",
    "case reports",
}
_DISEASE_NAME = re.compile(
    r"(?:itis|osis|oma|omas|emia|aemia|pathy|pathies|plasia|trophy|ectasis|algia|uria|rrhea|rrhoea|cele|iasis"
    r"|\b(?:syndrome|syndromes|disease|diseases|disorder|disorders|neoplasms?|infections?|carcinoma|tumou?rs?"
    r"|cancer|fractures?|cysts?|abnormalities|deficiency|failure|insufficiency|injury|injuries|poisoning"
    r"|hemorrhage|haemorrhage|stenosis|obstruction|aneurysm|anomaly|anomalies|malformations?|palsy|paralysis"
    r"|infarction|embolism|thrombosis|hernia|ulcer|abscess|fistula|shock|sepsis|covid-19))\b",
    re.IGNORECASE,
)
_CERTAINTY = re.compile(r"\b(?P<word>suspected|suspicion\s+of|probable|presumed|presumptive|possible)\s+", re.I)


@dataclass
class MeshTerm:
    descriptor: str
    ui: str = ""
    major: bool = False
    qualifiers: list[str] = field(default_factory=list)  # names, lower case
    major_qualifiers: list[str] = field(default_factory=list)


@dataclass
class SuggestedCondition:
    name: str
    mesh_ui: str = ""
    certainty: str = "confirmed"
    major: bool = False
    evidence: str = ""


@dataclass
class SuggestedOutcome:
    result: str
    evidence: str


@dataclass
class SuggestedIntervention:
    name: str
    mesh_ui: str = ""
    evidence: str = ""
    outcome: SuggestedOutcome | None = None
    position: int = 10**6  # where the text first names it, for the order of treatments


def suggest_conditions(*, text: str, mesh: list[MeshTerm], keywords: list[str]) -> list[SuggestedCondition]:
    """The conditions a report's patients had: MeSH diseases, then disease-named keywords MeSH does not have."""
    parts = sentences(text)
    found: dict[str, SuggestedCondition] = {}
    mesh_terms = thesaurus()
    for term in mesh:
        name = term.descriptor
        if name.lower() in _NOT_TERMS or set(term.qualifiers) & GIVEN_QUALIFIERS:
            continue
        descriptor = mesh_terms.by_ui.get(term.ui)
        if descriptor is not None and descriptor.tree_numbers and not descriptor.is_disease:
            continue  # "Recurrence", "Chronic Disease": MeSH says how a disease went, not which one
        qualifiers = set(term.qualifiers)
        disease_only = qualifiers & (DISEASE_QUALIFIERS - _SHARED_QUALIFIERS)
        disease_named = bool(_DISEASE_NAME.search(name))
        if not disease_only and not (disease_named and (qualifiers & DISEASE_QUALIFIERS or term.major)):
            continue
        qualified = ", ".join(term.qualifiers)
        found[name.lower()] = SuggestedCondition(
            name=name,
            mesh_ui=term.ui,
            major=term.major or bool(term.major_qualifiers),
            evidence=f"MeSH: {name}" + (f" ({qualified})" if qualified else ""),
        )
    for keyword in _keyword_parts(keywords):
        key = keyword.lower()
        if key in found or key in _NOT_TERMS or len(keyword) > 100:
            continue
        known = lexicon().term(keyword)
        if known is not None and known.kind == CONDITION:
            if known.name.lower() not in found:
                found[known.name.lower()] = SuggestedCondition(
                    name=known.name, mesh_ui=known.ui, evidence=f"Keyword: {keyword}"
                )
        elif known is None and _DISEASE_NAME.search(keyword):
            found[key] = SuggestedCondition(name=keyword, evidence=f"Keyword: {keyword}")
    for condition in found.values():
        certainty, sentence = _certainty(condition.name, text, parts)
        if certainty:
            condition.certainty, condition.evidence = certainty, sentence
    return list(found.values())


def _keyword_parts(keywords: list[str]) -> list[str]:
    """Each keyword once; a keyword field that joins several with commas or semicolons ("Atypical HUS (aHUS), End
    Stage Kidney Disease, Complement Alternative Pathway.") gives each of them."""
    parts = []
    for keyword in keywords:
        for part in re.split(r"[;,]\s+", keyword) if len(keyword) > 40 or ";" in keyword else [keyword]:
            part = part.strip().rstrip(".").strip()
            if part:
                parts.append(part)
    return list(dict.fromkeys(parts))


def suggest_interventions(
    *, text: str, mesh: list[MeshTerm], substances: list[tuple[str, str]]
) -> list[SuggestedIntervention]:
    """What a report's patients were given, in the order the text names it, each with its outcome when one
    sentence says it plainly."""
    parts = sentences(text)
    found: dict[str, SuggestedIntervention] = {}
    substance_uis = {ui for _, ui in substances if ui}
    for term in mesh:
        given = [q for q in term.qualifiers if q in GIVEN_QUALIFIERS]
        if not given or term.descriptor.lower() in _NOT_TERMS:
            continue
        if term.ui and substance_uis and term.ui not in substance_uis and not _names(term.descriptor, text):
            # A drug class heading ("Anti-Bacterial Agents") with no substance of its own: too vague to suggest.
            continue
        intervention = SuggestedIntervention(
            name=term.descriptor, mesh_ui=term.ui, evidence=f"MeSH: {term.descriptor} ({', '.join(given)})"
        )
        where = _names(term.descriptor, text)
        if where is not None:
            intervention.position = where
            intervention.outcome = _outcome(term.descriptor, text, parts)
        if intervention.outcome is None and "adverse effects" in given:
            intervention.outcome = SuggestedOutcome("adverse_event", f"MeSH: {term.descriptor} (adverse effects)")
        found[term.descriptor.lower()] = intervention
    return sorted(found.values(), key=lambda intervention: intervention.position)


def _names(name: str, text: str) -> int | None:
    """Where the text first names a MeSH term: its full name, or its name before the comma ("Naltrexone")."""
    candidates = {name, name.split(",")[0]}
    positions = [
        match.start()
        for candidate in candidates
        if len(candidate) >= 4
        for match in [re.search(rf"\b{re.escape(candidate)}\b", text, re.IGNORECASE)]
        if match
    ]
    return min(positions) if positions else None


@functools.lru_cache(maxsize=4096)
def _certainty_before(head: str) -> re.Pattern:
    return re.compile(rf"{_CERTAINTY.pattern}(?:\w+\s+){{0,2}}?{re.escape(head)}\b", re.IGNORECASE)


def _certainty(name: str, text: str, parts: list[tuple[int, str]]) -> tuple[str, str]:
    """ "suspected" or "probable" when the text says so right before the condition's name."""
    head = name.split(",")[0]
    # Most names have no such word before them: looked for first, so the pattern is built only when needed.
    if head.lower() not in text.lower() or not _CERTAINTY.search(text):
        return "", ""
    pattern = _certainty_before(head)
    for _, sentence in parts:
        match = pattern.search(sentence)
        if match:
            word = match.group("word").lower()
            return ("suspected" if word.startswith(("suspect", "possible")) else "probable"), sentence
    return "", ""


def _outcome(name: str, text: str, parts: list[tuple[int, str]]) -> SuggestedOutcome | None:
    """The outcome one sentence gives for this treatment, when it names no other result."""
    head = name.split(",")[0]
    for _, sentence in parts:
        if not re.search(rf"\b{re.escape(head)}\b", sentence, re.IGNORECASE):
            continue
        results = [result for result, pattern in OUTCOMES if pattern.search(sentence)]
        if len(results) == 1:
            return SuggestedOutcome(results[0], sentence)
        if len(results) > 1:
            return None  # "improved at first, then relapsed": not plain
    return None
