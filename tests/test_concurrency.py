"""Two curators edit the same record: the second save is refused with what the first changed; nothing is lost."""

import io
import sqlite3
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections
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


def test_a_form_sent_without_its_version_is_refused(seed_report):
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    anna = curator("anna")
    form = open_admin_form(anna, url)
    del form.data["seen_version"]
    form["age_value"] = "48"
    response = form.submit(anna)
    assert response.status_code == 200
    assert "This form came without the version of the record it was opened at" in response.content.decode()
    patient.refresh_from_db()
    assert str(patient.age_value) == "47.00"


# Two saves at the same moment -------------------------------------------------------------------------------------


@pytest.fixture
def database_for_threads(transactional_db, tmp_path):
    """The test database, open to every thread. PostgreSQL's already is. SQLite's is in memory, where threads
    share one cache whose locks never wait: it is copied to a file, as a deployment has, for the test."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "casebase.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    # The wrappers of every thread read the same settings; the in-memory one stays open, to come back to.
    settings_dict = connections.settings["default"]
    in_memory, name = connections["default"], settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connections["default"] = on_file = connections.create_connection("default")
    try:
        yield
    finally:
        on_file.close()
        settings_dict["NAME"] = name
        connections["default"] = in_memory


def save_together(forms: list, clients: list[Client]) -> list:
    """Submit each form from its own thread, all released at the same instant; the responses in order."""
    barrier = threading.Barrier(len(forms))
    responses: list = [None] * len(forms)
    errors: list[BaseException] = []

    def save(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[number] = forms[number].submit(clients[number])
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(number,)) for number in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


# Slow (20 s): 20 rounds of four admin pages each, two of them at once.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_of_two_saves_sent_at_the_same_moment_exactly_one_wins(database_for_threads):
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    anna, ben = curator("anna"), curator("ben")
    for trial in range(20):
        changes_before = patient.changes.count()
        annas_form, bens_form = open_admin_form(anna, url), open_admin_form(ben, url)
        assert annas_form["seen_version"] == bens_form["seen_version"]
        annas_form["age_value"], bens_form["age_value"] = str(20 + trial), str(60 + trial)

        annas, bens = save_together([annas_form, bens_form], [anna, ben])

        assert sorted([annas.status_code, bens.status_code]) == [200, 302], (trial, annas, bens)
        winner, loser = (annas_form, bens) if annas.status_code == 302 else (bens_form, annas)
        assert "Someone else saved this record while you were editing it" in loser.content.decode()
        patient.refresh_from_db()
        assert patient.age_value == Decimal(winner["age_value"])
        assert patient.changes.count() == changes_before + 1, trial
