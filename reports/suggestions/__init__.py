"""Suggested cases: the patients, conditions, treatments and outcomes a case report's abstract and indexing state,
stored as machine-suggested records until a curator confirms or corrects them.

`suggest_case` reads, with no database; reports.cases.store keeps what it reads (reports.suggestions.refresh for
reports stored already). Only case reports are read ("Case Reports" among the publication types, or no
publication types at all, as in a PubMed abstract page), and a report gets conditions and treatments only through
a patient: they are given to the one patient a report describes, and for several patients only the main
conditions (MeSH major topics) are given to each, never the treatments.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reports.cases.records import ArticleRecord, DiagnosisRecord, OutcomeRecord, PatientRecord, TreatmentRecord
from reports.suggestions.patients import suggest_patients
from reports.suggestions.terms import MeshTerm, suggest_conditions, suggest_interventions

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
    conditions = suggest_conditions(text=text, mesh=data.mesh, keywords=data.keywords)
    interventions = suggest_interventions(text=text, mesh=data.mesh, substances=data.substances)
    single = found.count == 1
    if not single:
        conditions = [condition for condition in conditions if condition.major]
        interventions = []
    patients = []
    for position, suggested in enumerate(found.patients, start=1):
        age = suggested.age
        patients.append(
            PatientRecord(
                position=position,
                age_value=age.value if age else None,
                age_unit=age.unit if age else "",
                sex=suggested.sex or "unknown",
                origin=SUGGESTED,
                evidence=_approximate(suggested.evidence, age),
                diagnoses=[
                    DiagnosisRecord(
                        condition=condition.name,
                        certainty=condition.certainty,
                        origin=SUGGESTED,
                        evidence=condition.evidence,
                    )
                    for condition in conditions
                ],
                treatments=[
                    TreatmentRecord(
                        intervention=intervention.name,
                        sequence=sequence,
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
                    )
                    for sequence, intervention in enumerate(interventions, start=1)
                ],
            )
        )
    return patients


def condition_terms(patients: list[PatientRecord], data: SuggestionInput) -> dict[str, dict]:
    """The vocabulary entries the suggested diagnoses need: name -> MeSH UI, for the writer to create."""
    uis = {term.descriptor.lower(): term.ui for term in data.mesh}
    return {d.condition: {"mesh_ui": uis.get(d.condition.lower(), "")} for p in patients for d in p.diagnoses}


def _approximate(evidence: str, age) -> str:
    if age is not None and age.approximate:
        return f"{evidence} (age approximate: the decade)"
    return evidence
