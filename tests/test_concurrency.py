"""Two curators edit the same record: the second save is refused with what the first changed; nothing is lost."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from reports.accounts import add_staff
from reports.models import Patient
from tests.admin_forms import open_admin_form

pytestmark = pytest.mark.django_db


def curator(name: str) -> Client:
    add_staff(username=name, role="curator")
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


def test_the_second_of_two_saves_is_refused_with_what_the_first_changed(seed_report):
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    anna, ben = curator("anna"), curator("ben")
    annas_form = open_admin_form(anna, url)
    bens_form = open_admin_form(ben, url)

    bens_form["age_value"] = "48"
    assert bens_form.submit(ben).status_code == 302

    annas_form["history"] = "Anna's notes on the history."
    response = annas_form.submit(anna)
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "patient age: 47.00 → 48.00 (by ben" in page
    assert "Anna&#x27;s notes on the history." in page  # her entry is still on the form
    patient.refresh_from_db()
    assert str(patient.age_value) == "48.00"
    assert "Anna" not in patient.history


def test_a_change_to_a_row_edited_inline_also_counts(seed_report):
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    anna = curator("anna")
    annas_form = open_admin_form(anna, url)
    diagnosis = patient.diagnoses.get()
    diagnosis.certainty = "confirmed"
    diagnosis.save()

    annas_form["age_value"] = "50"
    response = annas_form.submit(anna)
    assert response.status_code == 200
    assert "diagnosis certainty: suspected → confirmed" in response.content.decode()
    patient.refresh_from_db()
    assert str(patient.age_value) == "47.00"


def test_saving_twice_in_a_row_alone_is_not_a_conflict(seed_report):
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    anna = curator("anna")
    form = open_admin_form(anna, url)
    form["age_value"] = "48"
    assert form.submit(anna).status_code == 302
    form = open_admin_form(anna, url)
    form["age_value"] = "49"
    assert form.submit(anna).status_code == 302
    patient.refresh_from_db()
    assert str(patient.age_value) == "49.00"
