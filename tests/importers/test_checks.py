"""What the database could not hold is found before anything is written, and named."""

from decimal import Decimal

import pytest

from reports.cases.records import (
    AuthorRecord,
    DiagnosisRecord,
    FindingRecord,
    JournalRecord,
    MeshRecord,
    OutcomeRecord,
    PatientRecord,
    PublicationDate,
    SubstanceRecord,
    TermRecord,
    TreatmentRecord,
)
from reports.importers.checks import field_limits, record_problems, term_problems
from tests.records import article, heading, reference

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
        (
            PatientRecord(age_value=Decimal(3)),
            "patient 1: Give an age together with its unit (years, months, weeks or days).",
        ),
        (PatientRecord(age_value=Decimal(-1), age_unit="years"), "patient 1: An age cannot be negative."),
        (
            PatientRecord(label="Case 2", treatments=[TreatmentRecord("LDN", dose_amount=Decimal(0))]),
            "Case 2: the treatment with LDN: A dose is more than zero.",
        ),
        (
            PatientRecord(diagnoses=[DiagnosisRecord("Sepsis")], treatments=[TreatmentRecord("LDN", target="Lupus")]),
            "patient 1: the treatment with LDN was given for 'Lupus', which is not one of the patient's conditions",
        ),
    ],
)
def test_curated_patients_from_a_file_are_checked_too(patient, message):
    assert problems(patients=[patient]) == [("patients", message)]


def test_the_limits_come_from_the_models():
    assert (LIMITS["report"]["volume"], LIMITS["journal"]["issn"], LIMITS["term"]["name"]) == (50, 9, 500)


# Values a file can hold but no column can. Each was found by the fuzz tests reaching the database (an
# IntegrityError, a DataError on PostgreSQL, an OverflowError on SQLite) before it was checked here.


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": PublicationDate(year=2020, month=13)}, "date", "the month 13 is not between 1 and 12"),
        (
            {"date": PublicationDate(year=2020, month=2**63)},
            "date",
            "the month 9223372036854775808 is not between 1 and 12",
        ),
        ({"date": PublicationDate(year=2020, day=5)}, "date", "the day 5 is not a day of a month"),
        (
            {"date": PublicationDate(year=2020, season="Monsoon")},
            "date",
            "'Monsoon' is not a season (Spring, Summer, Autumn, Fall, Winter)",
        ),
        (
            {"date": PublicationDate(year=2020, text="x" * 101)},
            "date pub_date_text",
            "is 101 characters long; at most 100 fit",
        ),
        ({"pmid_version": 10**30}, "pmid_version", "a number of 31 digits is not between 0 and 32767"),
        ({"journal": JournalRecord(title="J", issn="1234")}, "journal issn", "'1234' is not an ISSN (like 2168-8184)"),
        ({"authors": [AuthorRecord(fore_name="Ann")]}, "authors", "an author has neither a last name nor a group name"),
        ({"references": [reference(year=-1)]}, "references", "a reference's year: -1 is not between 0 and 32767"),
        (
            {"mesh_headings": [heading("")]},
            "terms",
            "a keyword, publication type, MeSH heading or substance has no name",
        ),
        (
            {"mesh_headings": [MeshRecord("Lupus", ui="D" * 11)]},
            "MeSH heading ui",
            "is 11 characters long; at most 10 fit",
        ),
        (
            {"substances": [SubstanceRecord("Naltrexone", registry_number="9" * 51)]},
            "substance registry_number",
            "is 51 characters long; at most 50 fit",
        ),
    ],
)
def test_values_no_column_holds_are_found_before_anything_is_written(fields, field, message):
    assert problems(**fields) == [(field, message)]


@pytest.mark.parametrize(
    ("patient", "message"),
    [
        (PatientRecord(position=0), "patient 0: Patient positions start at 1."),
        (PatientRecord(position=40000), "patient 40000: position 40000 is not between 0 and 32767"),
        (
            PatientRecord(label="Case " + "x" * 96),
            f"Case {'x' * 95}: patient label is 101 characters long; at most 100 fit",
        ),
        (
            PatientRecord(age_value=Decimal("12345.6"), age_unit="years"),
            "patient 1: the age 12345.6 has more than 4 digits before the decimal point",
        ),
        (
            PatientRecord(age_value=Decimal("9999.999"), age_unit="years"),
            "patient 1: the age 9999.999 has more than 4 digits before the decimal point",
        ),
        (
            PatientRecord(diagnoses=[DiagnosisRecord("Lupus"), DiagnosisRecord("lupus")]),
            "patient 1: has the same condition twice",
        ),
        (
            PatientRecord(findings=[FindingRecord("ESR", unit="mm/h")]),
            "patient 1: the finding 'ESR': A unit needs a value.",
        ),
        (
            PatientRecord(findings=[FindingRecord("ESR", value="x" * 101)]),
            "patient 1: finding value is 101 characters long; at most 100 fit",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("LDN", dose_unit="mg")]),
            "patient 1: the treatment with LDN: A dose unit needs a dose amount.",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("LDN", sequence=0)]),
            "patient 1: the treatment with LDN: The sequence starts at 1.",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("LDN", sequence=40000)]),
            "patient 1: a treatment's sequence 40000 is not between 0 and 32767",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("LDN", dose_amount=Decimal("1e999"), dose_unit="mg")]),
            "patient 1: the dose 1E+999 has more than 8 digits before the decimal point",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("x" * 501)]),
            "patient 1: intervention name is 501 characters long; at most 500 fit",
        ),
        (
            PatientRecord(treatments=[TreatmentRecord("LDN", outcomes=[OutcomeRecord("improved", time_value=3)])]),
            "patient 1: an outcome: Give the time after start together with its unit.",
        ),
        (
            PatientRecord(
                treatments=[
                    TreatmentRecord("LDN", outcomes=[OutcomeRecord("improved", time_value=3, time_unit="eons")])
                ]
            ),
            "patient 1: time unit 'eons' is not one of days, weeks, months, years",
        ),
        (
            PatientRecord(
                treatments=[
                    TreatmentRecord("LDN", outcomes=[OutcomeRecord("improved", time_value=2**31, time_unit="days")])
                ]
            ),
            "patient 1: the time after start 2147483648 is not between 0 and 2147483647",
        ),
    ],
)
def test_patient_values_no_column_holds_are_found_before_anything_is_written(patient, message):
    assert problems(patients=[patient]) == [("patients", message)]


def test_two_patients_at_one_position_are_refused():
    assert problems(patients=[PatientRecord(), PatientRecord()]) == [
        ("patients", "two patients have the same position")
    ]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (
            TermRecord("intervention", "LDN", kind="pill"),
            "file, vocabularies: intervention 'LDN': kind 'pill' is not one of drug, procedure, other",
        ),
        (
            TermRecord("mesh_descriptor", "Lupus", ui="D" * 11),
            "file, vocabularies: mesh_descriptor 'Lupus': ui is 11 characters long; at most 10 fit",
        ),
        (TermRecord("condition", ""), "file, vocabularies: condition '': a term has no name"),
    ],
)
def test_a_vocabulary_term_no_table_holds_is_refused_by_its_name(term, message):
    assert [str(problem) for problem in term_problems(term, LIMITS)] == [message]
