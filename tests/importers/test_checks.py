"""What the database could not hold is found before anything is written, and named."""

from decimal import Decimal

import pytest

from reports.importers.checks import field_limits, record_problems
from reports.importers.records import PatientRecord, PublicationDate, TreatmentRecord
from tests.records import article, reference

LIMITS = field_limits()


def problems(**fields) -> list[tuple[str, str]]:
    fields = {"pmid": 5, "number": 7, **fields}
    return [(p.field, p.message) for p in record_problems(article(**fields), LIMITS)]


def test_a_record_the_database_can_hold_has_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "the record has no title"),
        ({"date": PublicationDate(year=1200)}, "date", "the publication year 1200 is not between 1750 and 2100"),
        ({"pmid": 2**31}, "pmid", "2147483648 is not a PMID"),
        ({"epub_date": "2019-02-30"}, "epub_date", "'2019-02-30' is not a date"),
        ({"volume": "v" * 51}, "report volume", "is 51 characters long; at most 50 fit"),
        ({"keywords": ["k" * 501]}, "term name", "is 501 characters long; at most 500 fit"),
        ({"references": [reference("")]}, "references", "a reference has neither text nor an identifier"),
    ],
)
def test_each_problem_names_the_field_and_why(fields, field, message):
    assert problems(**fields) == [(field, message)]


def test_a_problem_names_the_record_by_number_and_pmid():
    [problem] = record_problems(article(pmid=5, number=7, title=""), LIMITS)
    assert str(problem) == "record 7 (PMID 5), title: the record has no title"


@pytest.mark.parametrize(
    ("patient", "message"),
    [
        (PatientRecord(sex="woman"), "patient 1: sex 'woman' is not one of female, male, other, unknown"),
        (PatientRecord(age_value=Decimal(3)), "patient 1: an age needs both a value and a unit"),
        (PatientRecord(age_value=Decimal(-1), age_unit="years"), "patient 1: an age cannot be negative"),
        (
            PatientRecord(label="Case 2", treatments=[TreatmentRecord("LDN", dose_amount=Decimal(0))]),
            "Case 2: a dose is more than zero",
        ),
    ],
)
def test_curated_patients_from_a_file_are_checked_too(patient, message):
    assert problems(patients=[patient]) == [("patients", message)]


def test_the_limits_come_from_the_models():
    assert (LIMITS["report"]["volume"], LIMITS["journal"]["issn"], LIMITS["term"]["name"]) == (50, 9, 500)
