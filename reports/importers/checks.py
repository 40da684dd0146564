"""What the database cannot hold, found before anything is written, so a refusal names the record and field."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from reports.importers.records import ArticleRecord, PatientRecord
from reports.importers.results import Problem
from reports.models import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Author,
    CaseReport,
    Citation,
    Diagnosis,
    Finding,
    Journal,
    Keyword,
    Outcome,
    Patient,
    Treatment,
)

MAX_PMID = 2_147_483_647  # the PMID column is a 32-bit integer


def record_problems(record: ArticleRecord, limits: dict[str, dict[str, int]]) -> list[Problem]:
    """Why the database could not hold this record, if it could not; [] when it can."""
    problems = []

    def refuse(name: str, message: str):
        problems.append(Problem(record.number, record.pmid, name, message))

    if not record.title:
        refuse("title", "the record has no title")
    year = record.date.year if record.date else None
    if not year or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        refuse("date", f"the publication year {year} is not between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if record.pmid is not None and not 0 < record.pmid <= MAX_PMID:
        refuse("pmid", f"{record.pmid} is not a PMID")
    if record.epub_date:
        try:
            datetime.date.fromisoformat(record.epub_date)
        except ValueError:
            refuse("epub_date", f"'{record.epub_date}' is not a date")
    checks = [("report", name, getattr(record, name)) for name in limits["report"]]
    checks += [("journal", name, getattr(record.journal, name)) for name in limits["journal"]]
    for author in record.authors:
        checks += [("author", name, getattr(author, name)) for name in limits["author"]]
    for reference in record.references:
        checks += [("citation", name, getattr(reference, name)) for name in limits["citation"]]
        if not (reference.raw_text or reference.pmid or reference.doi or reference.pmcid):
            refuse("references", "a reference has neither text nor an identifier")
    names = [*record.keywords, *record.publication_types]
    names += [heading.descriptor for heading in record.mesh_headings]
    names += [substance.name for substance in record.substances]
    checks += [("term", "name", name) for name in names]
    for kind, name, value in checks:
        limit = limits[kind].get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            refuse(f"{kind} {name}", f"is {len(value)} characters long; at most {limit} fit")
    for patient in record.patients:
        problems.extend(Problem(record.number, record.pmid, "patients", m) for m in _patient_problems(patient))
    return problems


def field_limits() -> dict[str, dict[str, int]]:
    """The longest text each column takes, read from the models."""

    def limits(model, names):
        return {name: model._meta.get_field(name).max_length for name in names}

    return {
        "report": limits(CaseReport, ["volume", "issue", "pages", "elocation_id", "doi", "pmcid", "language"]),
        "journal": limits(Journal, ["title", "iso_abbreviation", "issn", "nlm_unique_id"]),
        "author": limits(Author, ["last_name", "fore_name", "initials", "collective_name", "orcid"]),
        "citation": limits(Citation, ["journal", "volume", "issue", "pages", "doi", "pmcid", "url"]),
        "term": {"name": Keyword._meta.get_field("name").max_length},
    }


def _patient_problems(patient: PatientRecord) -> Iterator[str]:
    label = patient.label or f"patient {patient.position}"
    if patient.sex not in Patient.Sex.values:
        yield f"{label}: sex '{patient.sex}' is not one of {', '.join(Patient.Sex.values)}"
    if (patient.age_value is None) != (not patient.age_unit):
        yield f"{label}: an age needs both a value and a unit"
    if patient.age_unit and patient.age_unit not in Patient.AgeUnit.values:
        yield f"{label}: age unit '{patient.age_unit}' is not one of {', '.join(Patient.AgeUnit.values)}"
    if patient.age_value is not None and patient.age_value < 0:
        yield f"{label}: an age cannot be negative"
    for diagnosis in patient.diagnoses:
        if diagnosis.certainty not in Diagnosis.Certainty.values:
            yield f"{label}: certainty '{diagnosis.certainty}' is not one of {', '.join(Diagnosis.Certainty.values)}"
    for finding in patient.findings:
        if finding.kind not in Finding.Kind.values:
            yield f"{label}: finding kind '{finding.kind}' is not one of {', '.join(Finding.Kind.values)}"
    for treatment in patient.treatments:
        if treatment.route and treatment.route not in Treatment.Route.values:
            yield f"{label}: route '{treatment.route}' is not one of {', '.join(Treatment.Route.values)}"
        if treatment.dose_amount is not None and treatment.dose_amount <= Decimal(0):
            yield f"{label}: a dose is more than zero"
        for outcome in treatment.outcomes:
            if outcome.result not in Outcome.Result.values:
                yield f"{label}: outcome '{outcome.result}' is not one of {', '.join(Outcome.Result.values)}"
