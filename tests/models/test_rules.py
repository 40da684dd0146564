"""reports.models.rules: the models' check constraints, evaluated in Python as the database evaluates them."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models import Q

from reports.cases.records import PatientRecord, TreatmentRecord
from reports.models import Patient, Treatment, rules
from reports.models.rules import UnknownLookup, broken, holds

CLINICAL = [m for m in apps.get_app_config("reports").get_models() if m.__module__ == "reports.models.clinical"]


@pytest.mark.parametrize("model", [m for m in CLINICAL if rules.checks(m)])
def test_every_check_constraint_of_the_clinical_models_can_be_evaluated(model):
    # Each constraint is evaluated on an object holding None for every field: an unknown lookup would raise here.
    blank = SimpleNamespace(**{field.attname: None for field in model._meta.concrete_fields})
    blank.__dict__.update({field.name: None for field in model._meta.concrete_fields})
    for constraint in rules.checks(model):
        holds(constraint.condition, blank)


def test_a_record_that_keeps_the_rules_breaks_none():
    patient = PatientRecord(age_value=Decimal(47), age_unit="years", sex="female")
    assert list(broken(Patient, patient)) == []
    assert list(broken(Treatment, TreatmentRecord("LDN", dose_amount=Decimal("4.5"), dose_unit="mg"))) == []


def test_each_broken_rule_gives_the_models_own_message():
    assert list(broken(Treatment, TreatmentRecord("LDN", dose_amount=Decimal(0), dose_unit="mg"))) == [
        "A dose is more than zero."
    ]
    assert list(broken(Patient, PatientRecord(age_value=Decimal(-2), age_unit="years"))) == [
        "An age cannot be negative."
    ]


def test_rules_reading_only_skipped_fields_are_left_out():
    assert "Sex is female, male, other or unknown." in broken(Patient, PatientRecord(sex="woman"))
    assert list(broken(Patient, PatientRecord(sex="woman"), skip={"sex", "age_unit", "origin"})) == []


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (Q(a__gt=0) | Q(a__isnull=True), {"a": None}, True),
        (Q(a__gt=0) | Q(a__isnull=True), {"a": 0}, False),
        (~Q(a=""), {"a": ""}, False),
        (Q(a__in=["x", "y"]) & Q(b__gte=1), {"a": "x", "b": 1}, True),
        (Q(a__in=["x", "y"]) & Q(b__gte=1), {"a": "x", "b": 0}, False),
        (Q(a__lt=3) & Q(a__lte=3), {"a": 2}, True),
    ],
)
def test_conditions_are_evaluated_as_sql_would(condition, values, expected):
    assert holds(condition, SimpleNamespace(**values)) is expected


def test_a_lookup_the_evaluator_does_not_know_is_refused_loudly():
    with pytest.raises(UnknownLookup, match="icontains"):
        holds(Q(name__icontains="x"), SimpleNamespace(name="x"))
