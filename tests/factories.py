"""Small builders for test data: a report, and a patient with what they had, were given and how they did."""

from decimal import Decimal
from itertools import count

from reports.models import (
    CaseReport,
    Condition,
    Diagnosis,
    Intervention,
    Journal,
    Keyword,
    Outcome,
    Patient,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    Treatment,
)

_numbers = count(1)


def make_report(*, keywords=(), publication_types=(), journal: str | None = None, **fields) -> CaseReport:
    fields.setdefault("title", f"Case report {next(_numbers)}")
    fields.setdefault("pub_year", 2020)
    if journal:
        fields["journal"], _ = Journal.objects.get_or_create(title=journal, defaults={"iso_abbreviation": journal})
    report = CaseReport.objects.create(**fields)
    for position, name in enumerate(keywords, start=1):
        keyword, _ = Keyword.objects.get_or_create(name=name)
        ReportKeyword.objects.create(report=report, keyword=keyword, position=position)
    for position, name in enumerate(publication_types, start=1):
        publication_type, _ = PublicationType.objects.get_or_create(name=name)
        ReportPublicationType.objects.create(report=report, publication_type=publication_type, position=position)
    return report


def make_patient(
    report: CaseReport,
    *,
    sex: str = Patient.Sex.UNKNOWN,
    age: tuple[float, str] | None = None,
    conditions: dict[str, str] | None = None,
    treatments: list[tuple[str, list[str]]] = (),
    **fields,
) -> Patient:
    """`conditions` maps a condition name to its certainty; `treatments` lists (intervention, [outcome results])
    in sequence."""
    fields.setdefault("position", report.patients.count() + 1)
    if age is not None:
        fields["age_value"], fields["age_unit"] = Decimal(str(age[0])), age[1]
    patient = Patient.objects.create(report=report, sex=sex, **fields)
    for name, certainty in (conditions or {}).items():
        condition, _ = Condition.objects.get_or_create(name=name)
        Diagnosis.objects.create(patient=patient, condition=condition, certainty=certainty)
    for sequence, (name, results) in enumerate(treatments, start=1):
        intervention, _ = Intervention.objects.get_or_create(name=name)
        treatment = Treatment.objects.create(patient=patient, intervention=intervention, sequence=sequence)
        for result in results:
            Outcome.objects.create(treatment=treatment, result=result)
    return patient
