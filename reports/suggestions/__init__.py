"""Suggested cases: the patients, conditions, treatments and outcomes a case report's abstract and indexing state,
stored as machine-suggested records until a curator confirms or corrects them.

`suggest_case` reads, with no database; reports.cases.store keeps what it reads (reports.suggestions.refresh for
reports stored already). Only case reports are read ("Case Reports" among the publication types, or no
publication types at all, as in a PubMed abstract page), and a report gets conditions and treatments only through
a patient: they are given to the one patient a report describes, and for several patients only the main
conditions (MeSH major topics) are given to each, never the treatments.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reports.cases.records import (
    ArticleRecord,
    DiagnosisRecord,
    FindingRecord,
    OutcomeRecord,
    PatientRecord,
    TreatmentRecord,
)
from reports.mesh import thesaurus
from reports.suggestions.lexicon import lexicon
from reports.suggestions.passages import passages
from reports.suggestions.patients import PatientSuggestion, suggest_patients
from reports.suggestions.reading import ReadCase, read_case
from reports.suggestions.terms import (
    MeshTerm,
    SuggestedCondition,
    SuggestedIntervention,
    suggest_conditions,
    suggest_interventions,
)

if TYPE_CHECKING:
    from reports.models import CaseReport

SUGGESTED = "suggested"
MAX_TITLE = 2_000
MAX_ABSTRACT = 20_000
CASE_REPORT_TYPES = {"case reports"}


@dataclass
class SuggestionInput:
    """What suggestions are read from, whether it comes from a file's record or from a stored report."""

    title: str
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    mesh: list[MeshTerm] = field(default_factory=list)
    substances: list[tuple[str, str]] = field(default_factory=list)  # (name, MeSH UI)
    publication_types: list[str] = field(default_factory=list)

    @classmethod
    def from_record(cls, record: ArticleRecord) -> "SuggestionInput":
        return cls(
            title=record.title,
            abstract=record.abstract,
            keywords=list(record.keywords),
            mesh=[
                MeshTerm(
                    descriptor=heading.descriptor,
                    ui=heading.ui,
                    major=heading.is_major,
                    qualifiers=[q.get("name", "").lower() for q in heading.qualifiers],
                    major_qualifiers=[q.get("name", "").lower() for q in heading.qualifiers if q.get("major")],
                )
                for heading in record.mesh_headings
            ],
            substances=[(substance.name, substance.ui) for substance in record.substances],
            publication_types=list(record.publication_types),
        )

    @classmethod
    def from_report(cls, report) -> "SuggestionInput":
        """From a stored CaseReport whose index terms are prefetched (refresh.for_suggestions())."""
        return cls(
            title=report.title,
            abstract=report.abstract,
            keywords=[link.keyword.name for link in report.report_keywords.all()],
            mesh=[
                MeshTerm(
                    descriptor=heading.descriptor.name,
                    ui=heading.descriptor.ui,
                    major=heading.is_major,
                    qualifiers=[q.get("name", "").lower() for q in heading.qualifiers or []],
                    major_qualifiers=[q.get("name", "").lower() for q in heading.qualifiers or [] if q.get("major")],
                )
                for heading in report.mesh_headings.all()
            ],
            substances=[(link.substance.name, link.substance.ui) for link in report.report_substances.all()],
            publication_types=[link.publication_type.name for link in report.report_publication_types.all()],
        )

    @property
    def is_case_report(self) -> bool:
        types = {name.lower() for name in self.publication_types}
        return not types or bool(types & CASE_REPORT_TYPES)


def suggest_for(source: "ArticleRecord | CaseReport") -> list[PatientRecord]:
    """The case a file's record or a stored report suggests: what the import, the reading process of a large
    import and suggest_cases all ask. A record's case read beforehand (ArticleRecord.suggested, by
    reports.importers.readahead) is not read again; a report needs its index terms prefetched."""
    if isinstance(source, ArticleRecord):
        if source.suggested is not None:
            return source.suggested
        return suggest_case(SuggestionInput.from_record(source))
    return suggest_case(SuggestionInput.from_report(source))


def suggest_case(data: SuggestionInput) -> list[PatientRecord]:
    """The patients the report describes, with what they had and were given, all marked as suggested."""
    if not data.is_case_report or not data.title:
        return []
    # Real abstracts are a few thousand characters; the rest of a longer text (a file's mistake, or an attack) is
    # not read, so that reading stays linear and quick.
    data = dataclasses.replace(data, title=data.title[:MAX_TITLE], abstract=data.abstract[:MAX_ABSTRACT])
    descriptors = [term.descriptor for term in data.mesh]
    found = suggest_patients(title=data.title, abstract=data.abstract, mesh=descriptors)
    if not found.count:
        return []
    text = f"{data.title} {data.abstract}"
    indexed = suggest_conditions(text=text, mesh=data.mesh, keywords=data.keywords)
    given = suggest_interventions(text=text, mesh=data.mesh, substances=data.substances)
    if found.count == 1:
        read = read_case(title=data.title, abstract=data.abstract)
        diagnoses = _diagnoses(_told(indexed, text, has_abstract=bool(data.abstract.strip())), read)
        cases = [
            (diagnoses, _findings(read), _treatments(given, read, diagnoses, has_abstract=bool(data.abstract.strip())))
        ]
    else:
        cases = _each_patient(data, found, indexed)
    patients = []
    for position, suggested in enumerate(found.patients, start=1):
        diagnoses, findings, treatments = cases[min(position, len(cases)) - 1]
        age = suggested.age
        patients.append(
            PatientRecord(
                position=position,
                age_value=age.value if age else None,
                age_unit=age.unit if age else "",
                sex=suggested.sex or "unknown",
                origin=SUGGESTED,
                evidence=_approximate(suggested.evidence, age),
                diagnoses=[dataclasses.replace(d) for d in diagnoses],
                findings=[dataclasses.replace(f) for f in findings],
                treatments=[
                    dataclasses.replace(t, outcomes=[dataclasses.replace(o) for o in t.outcomes]) for t in treatments
                ],
            )
        )
    return patients


def _findings(read: ReadCase) -> list[FindingRecord]:
    return [
        FindingRecord(
            name=finding.name[:255],
            kind=finding.kind,
            value=finding.value,
            notes=finding.notes,
            position=position,
            origin=SUGGESTED,
            evidence=finding.evidence,
        )
        for position, finding in enumerate(read.findings, start=1)
    ]


def _each_patient(
    data: SuggestionInput, found: PatientSuggestion, indexed: list[SuggestedCondition]
) -> list[tuple[list[DiagnosisRecord], list[FindingRecord], list[TreatmentRecord]]]:
    """What each of several patients had and was given, from the passage of the abstract about that patient
    (reports/suggestions/passages.py). Without passages every patient gets the report's main conditions only:
    who was given what cannot be told."""
    majors = [c for c in _broadest_dropped(indexed) if c.major]
    told = passages(
        abstract=data.abstract,
        count=len(found.patients),
        starts=found.starts(title=data.title, abstract=data.abstract),
        together=found.patients[-1].evidence,
    )
    if told is None:
        diagnoses = [
            DiagnosisRecord(condition=c.name, certainty=c.certainty, origin=SUGGESTED, evidence=c.evidence)
            for c in majors
        ]
        return [(diagnoses, [], [])]
    reads = [read_case(title=data.title, abstract=passage) for passage in told]
    named = [{c.ui for c in read.conditions if c.ui} for read in reads]
    cases = []
    for number, read in enumerate(reads):
        # A main condition named in another patient's passage but not in this one's is that other patient's.
        elsewhere = set().union(*(uis for other, uis in enumerate(named) if other != number)) - named[number]
        own = [c for c in majors if not c.mesh_ui or c.mesh_ui not in elsewhere]
        diagnoses = _diagnoses(own, read)
        cases.append((diagnoses, _findings(read), _treatments([], read, diagnoses, has_abstract=True)))
    return cases


def _broadest_dropped(conditions: list[SuggestedCondition]) -> list[SuggestedCondition]:
    """A category goes when a narrower heading is there ("Autoimmune Diseases" beside "Sjogren's Syndrome")."""
    kept = set(thesaurus().broadest_dropped([c.mesh_ui for c in conditions if c.mesh_ui]))
    return [c for c in conditions if not c.mesh_ui or c.mesh_ui in kept]


def _told(conditions: list[SuggestedCondition], text: str, *, has_abstract: bool) -> list[SuggestedCondition]:
    """MeSH's conditions that the title or abstract speaks of too: the heading itself, one of its names, or a
    heading just above or below it. NLM's indexers read the whole article, and a minor heading the abstract never
    names is as often a differential or a topic as the patient's disease. A major heading stays, and without an
    abstract every one does: the indexers are then all there is."""
    if not has_abstract:
        return conditions
    mesh = thesaurus()
    named = {m.term.ui for m in lexicon().mentions(text) if m.term.ui}
    near = {d for ui in named if (d := mesh.by_ui.get(ui))}
    kept = []
    for condition in conditions:
        this = mesh.by_ui.get(condition.mesh_ui) if condition.mesh_ui else None
        if (
            this is None
            or condition.major
            or condition.mesh_ui in named
            or any(this.is_under(other) or other.is_under(this) for other in near)
        ):
            kept.append(condition)
    return kept


def _diagnoses(indexed: list[SuggestedCondition], read: ReadCase) -> list[DiagnosisRecord]:
    """MeSH's conditions and the text's, one per descriptor: the text says how certain, MeSH's name is kept."""
    mesh = thesaurus()
    by_key: dict[str, DiagnosisRecord] = {}
    uis: dict[str, str] = {}
    for condition in indexed:
        term = None if condition.mesh_ui else lexicon().term(condition.name)
        ui = condition.mesh_ui or (term.ui if term else "")
        key = ui or condition.name.lower()
        uis[key] = ui
        by_key[key] = DiagnosisRecord(
            condition=condition.name,
            certainty=condition.certainty,
            origin=SUGGESTED,
            evidence=condition.evidence,
        )
    for condition in read.conditions:
        key = condition.ui or condition.name.lower()
        if key in by_key:
            if by_key[key].evidence.startswith("Keyword: "):
                by_key[key].condition = condition.name  # a keyword is written as it comes; the lexicon's name is cased
            if condition.certainty != "confirmed" or "confirm" in condition.evidence.lower():
                by_key[key].certainty, by_key[key].evidence = condition.certainty, condition.evidence
            continue
        uis[key] = condition.ui
        by_key[key] = DiagnosisRecord(
            condition=condition.name, certainty=condition.certainty, origin=SUGGESTED, evidence=condition.evidence
        )
    # What the text itself says the patient had stays, broad or not ("in a subject with diabetes" beside its
    # diabetic retinopathy); a broader heading only MeSH or a keyword gives goes when a narrower one is there.
    stated = {key for key, d in by_key.items() if not d.evidence.startswith(("MeSH: ", "Keyword: "))}
    kept = set(mesh.broadest_dropped([ui for ui in uis.values() if ui]))
    chosen = [d for key, d in by_key.items() if not uis[key] or uis[key] in kept or key in stated]
    # A heading that names a group of diseases by organ ("Duodenal Diseases", "Mental Disorders", "Eye
    # Abnormalities") is how MeSH files a report, not a diagnosis, when the report names a disease as well.
    # The text's own "postoperative complications" gives way to the wound infection under it all the same.
    under = {key: mesh.by_ui.get(ui) for key, ui in uis.items() if ui}
    chosen_keys = [key for key, d in by_key.items() if d in chosen]

    def narrower_there(key: str) -> bool:
        this = under.get(key)
        return this is not None and any(
            other != key and under.get(other) is not None and under[other].is_under(this) for other in chosen_keys
        )

    specific = [
        d
        for key, d in by_key.items()
        if d in chosen
        and not (
            _CATEGORY.search(d.condition)
            and (
                d.evidence.startswith(("MeSH: ", "Keyword: "))
                or _NEVER_ALONE.search(d.condition)
                or (key in stated and narrower_there(key))
            )
        )
    ] or chosen
    # Two names may be one term of the vocabulary ("Giant Cell Tumors", "giant cell tumors"): one diagnosis each.
    return list({d.condition.lower(): d for d in reversed(specific)}.values())[::-1]


_CATEGORY = re.compile(r"\b(?:Diseases|Disorders|Abnormalities|Conditions|Manifestations|Complications)\b")
# Headings that say what kind of trouble it was, never which: "Postoperative Complications", "Skin Manifestations".
_NEVER_ALONE = re.compile(r"\b(?:Conditions|Manifestations|Complications)\b")


def _treatments(
    given: list[SuggestedIntervention], read: ReadCase, diagnoses: list[DiagnosisRecord], *, has_abstract: bool
) -> list[TreatmentRecord]:
    """The text's treatments in the order it gives them, with MeSH's where the text names none of its own."""
    mesh = thesaurus()
    conditions = {d.condition.lower(): d.condition for d in diagnoses}
    by_ui = {t.ui: t for t in read.treatments if t.ui}
    chosen: list[tuple[int, TreatmentRecord]] = []
    seen: set[str] = set()
    for treatment in read.treatments:
        key = treatment.ui or treatment.name.lower()
        seen.add(key)
        target = _target_name(treatment.target, conditions, mesh)
        chosen.append(
            (
                treatment.position,
                TreatmentRecord(
                    intervention=treatment.name,
                    dose_amount=treatment.dose_amount,
                    dose_unit=treatment.dose_unit[:50],
                    frequency=treatment.frequency[:100],
                    route=treatment.route,
                    target=target,
                    origin=SUGGESTED,
                    evidence=treatment.evidence,
                    outcomes=[
                        OutcomeRecord(result=o.result, origin=SUGGESTED, evidence=o.evidence)
                        for o in treatment.outcomes
                    ],
                ),
            )
        )
    for intervention in given:
        ui = intervention.mesh_ui or next((d.ui for d in mesh.named(intervention.name)), "")
        if (ui and (ui in seen or ui in by_ui)) or intervention.name.lower() in seen:
            continue
        if intervention.position >= 10**6 and has_abstract:
            # Indexed by MeSH but named nowhere in an abstract that tells the case: nothing says it was given to
            # the patient. Without an abstract, MeSH's indexers (who read the article) are all there is.
            continue
        chosen.append(
            (
                intervention.position,
                TreatmentRecord(
                    intervention=intervention.name,
                    target=next(iter(conditions.values())) if len(conditions) == 1 else "",
                    origin=SUGGESTED,
                    evidence=intervention.evidence,
                    outcomes=(
                        [
                            OutcomeRecord(
                                result=intervention.outcome.result,
                                origin=SUGGESTED,
                                evidence=intervention.outcome.evidence,
                            )
                        ]
                        if intervention.outcome
                        else []
                    ),
                ),
            )
        )
    chosen.sort(key=lambda item: item[0])
    return [dataclasses.replace(t, sequence=n) for n, (_, t) in enumerate(chosen, start=1)]


def _target_name(target: str, conditions: dict[str, str], mesh) -> str:
    """The diagnosis a read treatment was given for, by the name it has among the patient's diagnoses."""
    if not target:
        return ""
    if target.lower() in conditions:
        return conditions[target.lower()]
    wanted = {d.ui for d in mesh.named(target)}
    for name in conditions.values():
        if wanted & {d.ui for d in mesh.named(name)}:
            return name
    return ""


def condition_terms(patients: list[PatientRecord], data: SuggestionInput) -> dict[str, dict]:
    """The vocabulary entries the suggested diagnoses need: name -> MeSH UI, for the writer to create."""
    uis = {term.descriptor.lower(): term.ui for term in data.mesh}
    return {d.condition: {"mesh_ui": uis.get(d.condition.lower(), "")} for p in patients for d in p.diagnoses}


def _approximate(evidence: str, age) -> str:
    if age is not None and age.approximate:
        return f"{evidence} (age approximate: the decade)"
    return evidence
