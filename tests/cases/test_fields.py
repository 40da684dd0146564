"""The field tables: a case goes row -> record -> row, and row -> JSON -> record, without losing or adding anything."""

import dataclasses
import json
from decimal import Decimal

import pytest

from reports.cases.fields import PATIENT, PATIENT_PREFETCHES, TREATMENT
from reports.cases.records import DiagnosisRecord, FindingRecord, OutcomeRecord, PatientRecord, TreatmentRecord
from reports.cases.store import stored_cases, vocabularies, write_cases
from reports.cases.values import Bad
from reports.models import Patient
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def full_case() -> PatientRecord:
    """A patient with a value in every field the tables know, suggested parts among them."""
    return PatientRecord(
        position=2,
        label="Case 2",
        age_value=Decimal("4.5"),
        age_unit="months",
        sex="female",
        history="Born at term.\n\nNo family history.",
        origin="suggested",
        evidence="A 4.5-month-old girl ...",
        diagnoses=[
            DiagnosisRecord("Kawasaki disease", "probable", "atypical", origin="suggested", evidence="probable KD"),
            DiagnosisRecord("Sepsis", "ruled_out"),
        ],
        findings=[FindingRecord("CRP", "lab", "120", "mg/L", "on admission", 1)],
        treatments=[
            TreatmentRecord(
                intervention="Immunoglobulins, Intravenous",
                sequence=1,
                target="Kawasaki disease",
                dose_amount=Decimal("2"),
                dose_unit="g/kg",
                frequency="once",
                route="intravenous",
                duration="12 hours",
                notes="first line",
                outcomes=[OutcomeRecord("failed", "fever went on", 2, "days")],
            ),
            TreatmentRecord(
                intervention="Infliximab",
                sequence=2,
                outcomes=[OutcomeRecord("resolved", origin="suggested", evidence="she recovered")],
                origin="suggested",
                evidence="infliximab was given",
            ),
        ],
    )


def test_a_case_written_and_read_back_is_the_same_record():
    report = make_report()
    write_cases([(report.pk, [full_case()])], terms=vocabularies())
    assert stored_cases(report_ids=[report.pk]) == {report.pk: [full_case()]}


def test_a_case_through_casebase_json_is_the_same_record():
    report = make_report()
    write_cases([(report.pk, [full_case()])], terms=vocabularies())
    patient = Patient.objects.prefetch_related(*PATIENT_PREFETCHES).get()
    written = json.loads(json.dumps(PATIENT.json(patient)))
    assert PATIENT.from_json(written) == full_case()
    # Curated parts carry no origin in JSON; suggested ones say so, with their sentence.
    assert "origin" not in written["diagnoses"][1]
    assert written["diagnoses"][0]["origin"] == "suggested"
    assert written["age"] == {"value": "4.5", "unit": "months"}
    assert written["treatments"][0]["dose"] == {"amount": "2", "unit": "g/kg"}
    assert written["treatments"][0]["outcomes"][0]["time"] == {"value": 2, "unit": "days"}
    assert [t["target"] for t in written["treatments"]] == ["Kawasaki disease", None]


def test_a_treatment_points_to_the_diagnosis_of_its_own_patient():
    report = make_report()
    write_cases([(report.pk, [full_case(), dataclasses.replace(full_case(), position=3)])], terms=vocabularies())
    for patient in Patient.objects.all():
        first = patient.treatments.get(sequence=1)
        assert first.target == patient.diagnoses.get(condition__name="Kawasaki disease")
        assert patient.treatments.get(sequence=2).target is None


def test_reading_the_stored_cases_of_many_reports_costs_five_queries(django_assert_num_queries):
    reports = [make_report() for _ in range(3)]
    write_cases([(report.pk, [full_case()]) for report in reports], terms=vocabularies())
    # patients, diagnoses with their conditions, findings, treatments with their interventions, outcomes
    with django_assert_num_queries(5):
        stored = stored_cases(report_ids=[report.pk for report in reports])
    assert len(stored) == 3


def test_the_csv_columns_come_from_the_tables_in_order():
    assert PATIENT.csv_columns() == ["patient", "patient_label", "age", "age_unit", "sex"]
    assert TREATMENT.csv_columns() == [
        "treatment_sequence",
        "intervention",
        "intervention_kind",
        "target",
        "dose",
        "dose_unit",
        "frequency",
        "route",
        "duration",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"age": 4}, "patients.age"),
        ({"age": {"value": "four"}}, "patients.age.value"),
        ({"diagnoses": [{"certainty": "confirmed"}]}, "patients.diagnoses.condition"),
        ({"treatments": [{"intervention": "X", "dose": {"amount": "x"}}]}, "treatments.dose.amount"),
        ({"treatments": [{"intervention": "X", "outcomes": [{}]}]}, "treatments.outcomes.result"),
        ({"treatments": [{"intervention": "X", "origin": "guessed"}]}, "patients.treatments.origin"),
        ({"findings": "none"}, "findings"),
        ({"label": 3}, "label"),
    ],
)
def test_a_value_of_the_wrong_shape_names_its_place(data, field):
    with pytest.raises(Bad) as raised:
        PATIENT.from_json(data)
    assert raised.value.field == field
