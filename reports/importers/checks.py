"""What the database cannot hold, found before anything is written, so a refusal names the record and field.

Every column's length, every whole number's range and every rule the database enforces (reports/models) that a
file's values could break is checked here. Lengths, ranges and choices are read from the model fields, and the
clinical models' check constraints are evaluated as the models state them (reports.models.rules). A value that got
past these checks and failed in the database would stop the import with an error that names no record. Ranges are
PostgreSQL's, narrower than SQLite's, so that a file is refused the same way on both.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.backends.base.operations import BaseDatabaseOperations

from reports.cases.records import ArticleRecord, PatientRecord, TermRecord
from reports.importers.results import Problem
from reports.models import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    Journal,
    Keyword,
    MeshDescriptor,
    Outcome,
    Patient,
    Substance,
    Treatment,
    rules,
)

MAX_PMID = 2_147_483_647  # the PMID column is a 32-bit integer
ISSN_LENGTH = 9  # "2168-8184"; the journal table's rule


def record_problems(record: ArticleRecord, limits: dict[str, dict[str, int]]) -> list[Problem]:
    """Why the database could not hold this record, if it could not; [] when it can."""
    problems = []

    def refuse(name: str, message: str):
        problems.append(Problem(record.number, record.pmid, name, message))

    if not record.title:
        refuse("title", "the record has no title")
    year = record.date.year if record.date else None
    if not year or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        refuse("date", f"the publication year {_number(year)} is not between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if record.date:
        for message in _date_problems(record.date.month, record.date.day, record.date.season):
            refuse("date", message)
    if record.pmid is not None and not 0 < record.pmid <= MAX_PMID:
        refuse("pmid", f"{_number(record.pmid)} is not a PMID")
    if record.epub_date:
        try:
            datetime.date.fromisoformat(record.epub_date)
        except ValueError:
            refuse("epub_date", f"'{_short(record.epub_date)}' is not a date")
    if message := _range_problem(CaseReport, "pmid_version", record.pmid_version):
        refuse("pmid_version", message)
    if record.journal.issn and len(record.journal.issn) != ISSN_LENGTH:
        refuse("journal issn", f"'{_short(record.journal.issn)}' is not an ISSN (like 2168-8184)")
    checks = [("report", name, getattr(record, name)) for name in limits["report"]]
    checks += [("date", "pub_date_text", record.date.text if record.date else "")]
    checks += [("journal", name, getattr(record.journal, name)) for name in limits["journal"]]
    for author in record.authors:
        checks += [("author", name, getattr(author, name)) for name in limits["author"]]
        if not (author.last_name or author.collective_name):
            refuse("authors", "an author has neither a last name nor a group name")
    for reference in record.references:
        checks += [("citation", name, getattr(reference, name)) for name in limits["citation"]]
        if not (reference.raw_text or reference.pmid or reference.doi or reference.pmcid):
            refuse("references", "a reference has neither text nor an identifier")
        if message := _range_problem(Citation, "year", reference.year):
            refuse("references", f"a reference's year: {message}")
    names = [*record.keywords, *record.publication_types]
    names += [heading.descriptor for heading in record.mesh_headings]
    names += [substance.name for substance in record.substances]
    checks += [("term", "name", name) for name in names]
    if not all(names):
        refuse("terms", "a keyword, publication type, MeSH heading or substance has no name")
    checks += [("MeSH heading", "ui", heading.ui) for heading in record.mesh_headings]
    checks += [("substance", name, getattr(s, name)) for s in record.substances for name in ("ui", "registry_number")]
    for kind, name, value in checks:
        limit = limits[kind].get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            refuse(f"{kind} {name}", f"is {len(value)} characters long; at most {limit} fit")
    if len({patient.position for patient in record.patients}) < len(record.patients):
        refuse("patients", "two patients have the same position")
    for patient in record.patients:
        problems.extend(Problem(record.number, record.pmid, "patients", m) for m in _patient_problems(patient, limits))
    return problems


def term_problems(term: TermRecord, limits: dict[str, dict[str, int]]) -> list[Problem]:
    """Why the database could not hold this vocabulary term (from casebase JSON), if it could not."""
    where = f"vocabularies: {term.vocabulary} '{_short(term.name)}'"
    messages = []
    if not term.name:
        messages.append("a term has no name")
    if len(term.name) > limits["term"]["name"]:
        messages.append(f"the name is {len(term.name)} characters long; at most {limits['term']['name']} fit")
    for name, value in (("ui", term.ui), ("registry_number", term.registry_number)):
        if len(value) > limits["term"][name]:
            messages.append(f"{name} is {len(value)} characters long; at most {limits['term'][name]} fit")
    if term.vocabulary == "intervention" and term.kind and term.kind not in Intervention.Kind.values:
        messages.append(f"kind '{_short(term.kind)}' is not one of {', '.join(Intervention.Kind.values)}")
    return [Problem(None, None, where, message) for message in messages]


def field_limits() -> dict[str, dict[str, int]]:
    """The longest text each column takes, read from the models."""

    def limits(model, names):
        return {name: model._meta.get_field(name).max_length for name in names}

    return {
        "report": limits(CaseReport, ["volume", "issue", "pages", "elocation_id", "doi", "pmcid", "language"]),
        "date": limits(CaseReport, ["pub_date_text"]),
        "journal": limits(Journal, ["title", "iso_abbreviation", "issn", "nlm_unique_id"]),
        "author": limits(Author, ["last_name", "fore_name", "initials", "collective_name", "orcid"]),
        "citation": limits(Citation, ["journal", "volume", "issue", "pages", "doi", "pmcid", "url"]),
        # Every vocabulary's names and codes have the same limits.
        "term": {"name": Keyword._meta.get_field("name").max_length}
        | {"ui": MeshDescriptor._meta.get_field("ui").max_length}
        | limits(Substance, ["registry_number"]),
        "MeSH heading": limits(MeshDescriptor, ["ui"]),
        "substance": limits(Substance, ["ui", "registry_number"]),
        "patient": limits(Patient, ["label"]),
        "finding": limits(Finding, ["name", "value", "unit"]),
        "treatment": limits(Treatment, ["dose_unit", "frequency", "duration"]),
        "condition": limits(Condition, ["name"]),
        "intervention": limits(Intervention, ["name"]),
    }


def _date_problems(month: int | None, day: int | None, season: str) -> Iterator[str]:
    if month is not None and not 1 <= month <= 12:
        yield f"the month {_number(month)} is not between 1 and 12"
    if day is not None and not (1 <= day <= 31 and month):
        yield f"the day {_number(day)} is not a day of a month"
    if season and season not in CaseReport.Season.values:
        yield f"'{_short(season)}' is not a season ({', '.join(CaseReport.Season.values)})"


def _patient_problems(patient: PatientRecord, limits: dict[str, dict[str, int]]) -> Iterator[str]:
    label = patient.label[:100] or f"patient {patient.position}"
    texts = [("patient", "label", patient.label)]
    if message := _range_problem(Patient, "position", patient.position):
        yield f"{label}: position {message}"
    yield from _broken(Patient, patient, label)
    if patient.sex not in Patient.Sex.values:
        yield f"{label}: sex '{_short(patient.sex)}' is not one of {', '.join(Patient.Sex.values)}"
    if patient.age_unit and patient.age_unit not in Patient.AgeUnit.values:
        yield f"{label}: age unit '{_short(patient.age_unit)}' is not one of {', '.join(Patient.AgeUnit.values)}"
    if message := _decimal_problem(Patient, "age_value", patient.age_value):
        yield f"{label}: the age {message}"
    conditions = [diagnosis.condition.lower() for diagnosis in patient.diagnoses]
    if len(set(conditions)) < len(conditions):
        yield f"{label}: has the same condition twice"
    for diagnosis in patient.diagnoses:
        texts.append(("condition", "name", diagnosis.condition))
        if diagnosis.certainty not in Diagnosis.Certainty.values:
            certainty = _short(diagnosis.certainty)
            yield f"{label}: certainty '{certainty}' is not one of {', '.join(Diagnosis.Certainty.values)}"
        yield from _broken(Diagnosis, diagnosis, label)
    for finding in patient.findings:
        texts += [("finding", name, getattr(finding, name)) for name in ("name", "value", "unit")]
        if finding.kind not in Finding.Kind.values:
            yield f"{label}: finding kind '{_short(finding.kind)}' is not one of {', '.join(Finding.Kind.values)}"
        yield from _broken(Finding, finding, f"{label}: the finding '{_short(finding.name)}'")
        if message := _range_problem(Finding, "position", finding.position):
            yield f"{label}: a finding's position {message}"
    for treatment in patient.treatments:
        texts.append(("intervention", "name", treatment.intervention))
        texts += [("treatment", name, getattr(treatment, name)) for name in ("dose_unit", "frequency", "duration")]
        if message := _range_problem(Treatment, "sequence", treatment.sequence):
            yield f"{label}: a treatment's sequence {message}"
        yield from _broken(Treatment, treatment, f"{label}: the treatment with {_short(treatment.intervention)}")
        if treatment.route and treatment.route not in Treatment.Route.values:
            yield f"{label}: route '{_short(treatment.route)}' is not one of {', '.join(Treatment.Route.values)}"
        if message := _decimal_problem(Treatment, "dose_amount", treatment.dose_amount):
            yield f"{label}: the dose {message}"
        if treatment.target and treatment.target.lower() not in conditions:
            yield (
                f"{label}: the treatment with {_short(treatment.intervention)} was given for "
                f"'{_short(treatment.target)}', which is not one of the patient's conditions"
            )
        for outcome in treatment.outcomes:
            if outcome.result not in Outcome.Result.values:
                yield f"{label}: outcome '{_short(outcome.result)}' is not one of {', '.join(Outcome.Result.values)}"
            yield from _broken(Outcome, outcome, f"{label}: an outcome")
            if outcome.time_unit and outcome.time_unit not in Outcome.TimeUnit.values:
                units = ", ".join(Outcome.TimeUnit.values)
                yield f"{label}: time unit '{_short(outcome.time_unit)}' is not one of {units}"
            if message := _range_problem(Outcome, "time_value", outcome.time_value):
                yield f"{label}: the time after start {message}"
    for kind, name, value in texts:
        limit = limits[kind][name]
        if len(value) > limit:
            yield f"{label}: {kind} {name} is {len(value)} characters long; at most {limit} fit"


def _broken(model, record, label: str) -> Iterator[str]:
    """The model's own check constraints the record breaks. A value outside a field's choices is left to the checks
    above, whose message names the value."""
    with_choices = {field.name for field in model._meta.concrete_fields if field.choices}
    for message in rules.broken(model, record, skip=with_choices):
        yield f"{label}: {message}"


def _range_problem(model, name: str, value: int | None) -> str:
    """'' when the column holds the whole number, else why it does not."""
    if value is None:
        return ""
    lowest, highest = BaseDatabaseOperations.integer_field_ranges[model._meta.get_field(name).get_internal_type()]
    return "" if lowest <= value <= highest else f"{_number(value)} is not between {lowest} and {highest}"


def _decimal_problem(model, name: str, value: Decimal | None) -> str:
    """'' when the column holds the number once rounded to its decimal places, else why it does not."""
    if value is None:
        return ""
    field = model._meta.get_field(name)
    whole_digits = field.max_digits - field.decimal_places
    if value.copy_abs() < Decimal(10) ** whole_digits - Decimal(10) ** -field.decimal_places / 2:
        return ""
    return f"{_short(str(value))} has more than {whole_digits} digits before the decimal point"


def _number(value) -> str:
    text = str(value)
    return text if len(text) <= 20 else f"a number of {len(text)} digits"


def _short(value, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
