"""One test per filter of the patients list (reports/patient_filters.py), counting the patients it lets through."""

import pytest

from reports.models import Condition, Diagnosis, Intervention, Patient
from reports.patient_filters import PatientFilter
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


def labels(params: dict) -> list[str]:
    filterset = PatientFilter(params, queryset=Patient.objects.all())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("label", flat=True))


def test_condition_id_lists_the_patients_who_have_it_or_none_recorded():
    report = make_report()
    make_patient(report, label="Lupus", conditions={"Lupus": "confirmed"})
    make_patient(report, label="Lupus suspected, gout", conditions={"Lupus": "suspected", "Gout": "confirmed"})
    make_patient(report, label="Lupus ruled out", conditions={"Lupus": "ruled_out"})
    make_patient(report, label="Nothing recorded")
    lupus = Condition.objects.get(name="Lupus")
    assert labels({"condition_id": str(lupus.pk)}) == ["Lupus", "Lupus suspected, gout"]
    assert labels({"condition_id": "none"}) == ["Lupus ruled out", "Nothing recorded"]


def test_intervention_id_lists_the_patients_given_it_or_given_nothing():
    report = make_report()
    make_patient(report, label="LDN", treatments=[("LDN", ["improved"])])
    make_patient(report, label="Prednisone, then LDN", treatments=[("Prednisone", ["failed"]), ("LDN", [])])
    make_patient(report, label="Prednisone", treatments=[("Prednisone", ["improved"])])
    make_patient(report, label="Untreated")
    ldn = Intervention.objects.get(name="LDN")
    assert labels({"intervention_id": str(ldn.pk)}) == ["LDN", "Prednisone, then LDN"]
    assert labels({"intervention_id": "none"}) == ["Untreated"]


def test_outcome_belongs_to_the_treatment_with_the_intervention():
    report = make_report()
    make_patient(report, label="Improved on LDN", treatments=[("LDN", ["improved"])])
    make_patient(
        report,
        label="Failed LDN, improved on prednisone",
        treatments=[("LDN", ["failed"]), ("Prednisone", ["improved"])],
    )
    make_patient(report, label="LDN, no outcome", treatments=[("LDN", [])])
    make_patient(report, label="Untreated")
    ldn = Intervention.objects.get(name="LDN")
    assert labels({"outcome": "improved"}) == ["Failed LDN, improved on prednisone", "Improved on LDN"]
    assert labels({"intervention_id": str(ldn.pk), "outcome": "improved"}) == ["Improved on LDN"]
    assert labels({"intervention_id": str(ldn.pk), "outcome": "none"}) == ["LDN, no outcome"]
    assert labels({"outcome": "none"}) == ["LDN, no outcome", "Untreated"]


def test_curated_cases_only_leaves_out_patients_with_anything_suggested():
    report = make_report()
    make_patient(report, label="Curated", conditions={"Gout": "confirmed"})
    make_patient(report, label="Suggested", conditions={"Gout": "confirmed"}, origin="suggested")
    half = make_patient(report, label="Curated, with a suggested diagnosis", conditions={"Gout": "confirmed"})
    Diagnosis.objects.filter(patient=half).update(origin="suggested")
    assert labels({}) == ["Curated", "Curated, with a suggested diagnosis", "Suggested"]
    assert labels({"curated": "true"}) == ["Curated"]
    assert labels({"curated": "false"}) == ["Curated", "Curated, with a suggested diagnosis", "Suggested"]
