from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from reports.models import Condition, Diagnosis, Finding, Intervention, Outcome, Patient, Treatment
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "unit", "years"),
    [
        (47, "years", 47.0),
        (3, "months", 0.25),
        (26, "weeks", 26 * 7 / 365.25),
        (10, "days", 10 / 365.25),
        (1.5, "years", 1.5),
    ],
)
def test_the_database_keeps_every_age_in_years(value, unit, years):
    patient = make_patient(make_report(), age=(value, unit))
    patient.refresh_from_db()
    assert patient.age_years == pytest.approx(years)


def test_a_patient_without_an_age_has_no_age_in_years():
    patient = make_patient(make_report())
    patient.refresh_from_db()
    assert patient.age_years is None
    assert patient.summary == "sex not stated, age not stated"


def test_an_age_cannot_be_negative_or_lack_its_unit():
    report = make_report()
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(report=report, age_value=Decimal("-1"), age_unit="years")
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(report=report, age_value=Decimal("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(report=report, age_unit="years")


def test_sex_must_be_one_of_the_choices():
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(report=make_report(), sex="f")


def test_a_patient_reads_as_a_curator_would_say_it():
    patient = make_patient(make_report(), sex="female", age=(1, "years"), label="Case 1")
    assert str(patient) == "Case 1: female, 1 year"
    assert make_patient(patient.report, age=(3, "months")).age_display == "3 months"


def test_deleting_a_report_deletes_its_patients_and_everything_under_them():
    report = make_report()
    patient = make_patient(report, conditions={"Lupus": "confirmed"}, treatments=[("Prednisone", ["improved"])])
    Finding.objects.create(patient=patient, name="rash")
    report.delete()
    assert not Patient.objects.exists()
    assert not Diagnosis.objects.exists()
    assert not Finding.objects.exists()
    assert not Treatment.objects.exists()
    assert not Outcome.objects.exists()
    assert Condition.objects.filter(name="Lupus").exists()
    assert Intervention.objects.filter(name="Prednisone").exists()


def test_deleting_a_condition_or_intervention_in_use_is_refused():
    make_patient(make_report(), conditions={"Lupus": "confirmed"}, treatments=[("Prednisone", ["improved"])])
    with pytest.raises(ProtectedError):
        Condition.objects.get(name="Lupus").delete()
    with pytest.raises(ProtectedError):
        Intervention.objects.get(name="Prednisone").delete()


def test_vocabulary_names_are_unique_whatever_their_case():
    Condition.objects.create(name="Lupus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Condition.objects.create(name="LUPUS")


def test_a_patient_has_a_condition_once():
    patient = make_patient(make_report(), conditions={"Lupus": "suspected"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Diagnosis.objects.create(patient=patient, condition=Condition.objects.get(name="Lupus"))


def test_doses_and_times_need_their_units_and_sensible_values():
    patient = make_patient(make_report(), treatments=[("Naltrexone", [])])
    treatment = patient.treatments.get()
    intervention = treatment.intervention
    with pytest.raises(IntegrityError), transaction.atomic():
        Treatment.objects.create(patient=patient, intervention=intervention, dose_amount=Decimal("0"), dose_unit="mg")
    with pytest.raises(IntegrityError), transaction.atomic():
        Treatment.objects.create(patient=patient, intervention=intervention, dose_unit="mg")
    with pytest.raises(IntegrityError), transaction.atomic():
        Treatment.objects.create(patient=patient, intervention=intervention, sequence=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(treatment=treatment, result="improved", time_value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(treatment=treatment, result="better")


def test_a_treatment_shows_its_dose_without_trailing_zeros():
    patient = make_patient(make_report(), treatments=[("Naltrexone", [])])
    treatment = patient.treatments.get()
    treatment.dose_amount, treatment.dose_unit = Decimal("4.5000"), "mg"
    treatment.save()
    treatment.refresh_from_db()
    assert treatment.dose_display == "4.5 mg"
    assert str(treatment) == "1. Naltrexone 4.5 mg"


def test_matching_needs_one_patient_to_meet_every_criterion():
    report = make_report()
    # Each patient meets half of "female, 40-60, given LDN, improved".
    make_patient(report, sex="female", age=(47, "years"), treatments=[("LDN", ["failed"])])
    make_patient(report, sex="male", age=(70, "years"), treatments=[("LDN", ["improved"])])
    criteria = {"sex": "female", "age_min": 40, "age_max": 60, "intervention": "LDN", "outcome": "improved"}
    assert not Patient.objects.matching(**criteria).exists()
    make_patient(report, sex="female", age=(50, "years"), treatments=[("LDN", ["improved"])])
    assert Patient.objects.matching(**criteria).count() == 1


def test_matching_ties_the_outcome_to_the_intervention_it_followed():
    # Failed on LDN, improved on something else: not "improved on LDN".
    make_patient(make_report(), treatments=[("LDN", ["failed"]), ("Prednisone", ["improved"])])
    assert not Patient.objects.matching(intervention="LDN", outcome="improved").exists()
    assert Patient.objects.matching(intervention="LDN", outcome="failed").count() == 1


def test_matching_finds_terms_by_synonym_and_ignores_case():
    make_patient(
        make_report(), conditions={"Sjogren's syndrome": "suspected"}, treatments=[("Low-dose naltrexone", [])]
    )
    Intervention.objects.filter(name="Low-dose naltrexone").update(synonyms="LDN\nlow dose naltrexone")
    assert Patient.objects.matching(intervention="ldn").count() == 1
    assert Patient.objects.matching(condition="SJOGREN").count() == 1
    assert not Patient.objects.matching(condition="lupus").exists()


def test_a_case_counts_as_curated_only_when_every_part_of_it_is():
    report = make_report(title="Curation")
    whole = make_patient(report, conditions={"Gout": "confirmed"}, treatments=[("Colchicine", ["improved"])])
    partly = make_patient(report, conditions={"Gout": "confirmed"}, treatments=[("Colchicine", ["improved"])])
    suggested = make_patient(report, origin="suggested")
    Outcome.objects.filter(treatment__patient=partly).update(origin="suggested")
    assert list(Patient.objects.curated()) == [whole]
    assert {p.pk for p in Patient.objects.exclude(pk__in=Patient.objects.curated())} == {partly.pk, suggested.pk}


def test_origin_must_be_curated_or_suggested():
    patient = make_patient(make_report())
    with transaction.atomic(), pytest.raises(IntegrityError):
        Patient.objects.filter(pk=patient.pk).update(origin="guessed")
