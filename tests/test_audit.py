"""Nothing lost: every change is in the history with who made it and why, an earlier version can be restored, and
a deleted record can be brought back, all through the admin; imports are recorded and leave history too."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from reports import audit
from reports.accounts import add_staff
from reports.importers.service import import_file
from reports.models import CaseReport, Citation, Diagnosis, Finding, ImportRun, Patient, Treatment
from tests.admin_forms import open_admin_form

pytestmark = pytest.mark.django_db

SPINE_XML = Path(__file__).resolve().parent / "data" / "pubmed" / "metapub" / "25364329.xml"


@pytest.fixture
def curator(client):
    add_staff(username="anna", role="curator")
    client.force_login(get_user_model().objects.get(username="anna"))
    return client


def test_an_import_is_recorded_and_every_record_it_wrote_names_it():
    result = import_file(file=SPINE_XML, via="command")
    run = ImportRun.objects.get()
    assert (run.pk, run.source, run.via, run.user, run.created, run.suggested) == (
        result.import_run,
        "25364329.xml",
        "command",
        None,
        1,
        1,
    )
    report = CaseReport.objects.get()
    for model in (CaseReport, Patient, Diagnosis, Finding, Treatment):
        records = model.changes.all()
        assert records.count() == model.objects.count() > 0, model
        assert {(r.history_type, r.history_change_reason) for r in records} == {
            ("+", f"Import {run.pk} of 25364329.xml")
        }
    assert report.changes.get().history_user is None
    assert report.authors.count() == report.authors.model.changes.count() == 6


def test_an_import_through_the_admin_names_the_curator(curator):
    user = get_user_model().objects.get(username="anna")
    import_file(file=SPINE_XML, user=user, via="admin")
    assert ImportRun.objects.get().user == user
    assert CaseReport.changes.get().history_user == user


def test_a_dry_run_or_a_refused_file_records_nothing(tmp_path):
    import_file(file=SPINE_XML, dry_run=True)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(SPINE_XML.read_bytes()[:2000])
    assert not import_file(file=broken).written
    assert not ImportRun.objects.exists()
    assert not CaseReport.changes.exists()


def test_reimporting_the_same_file_adds_no_history():
    import_file(file=SPINE_XML)
    counts = [model.changes.count() for model in (CaseReport, Patient, Diagnosis, Citation)]
    import_file(file=SPINE_XML)
    assert [model.changes.count() for model in (CaseReport, Patient, Diagnosis, Citation)] == counts


def test_an_edit_in_the_admin_is_recorded_with_the_curator(curator, seed_report):
    patient = Patient.objects.get()
    form = open_admin_form(curator, f"/admin/reports/patient/{patient.pk}/change/")
    form["age_value"] = "48"
    assert form.submit(curator).status_code == 302
    latest = patient.changes.first()
    assert (latest.history_type, str(latest.age_value), latest.history_user.username) == ("~", "48.00", "anna")
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, str(c.old), str(c.new)) for c in delta.changes] == [("age_value", "47.00", "48.00")]
    history_page = curator.get(f"/admin/reports/patient/{patient.pk}/history/")
    assert history_page.status_code == 200
    assert b"anna" in history_page.content


def test_reverting_brings_back_an_earlier_version(curator, seed_report):
    treatment = Treatment.objects.get(intervention__name="Low-dose naltrexone")
    original = treatment.dose_amount
    treatment.dose_amount = 9
    treatment.save()
    first = treatment.changes.order_by("history_id").first()
    url = f"/admin/reports/treatment/{treatment.pk}/history/{first.history_id}/"
    form = open_admin_form(curator, url)
    assert form.submit(curator).status_code == 302
    treatment.refresh_from_db()
    assert treatment.dose_amount == original


def test_a_deleted_record_is_listed_and_can_be_restored(curator, seed_report):
    citation = Citation.objects.order_by("position").first()
    values = {f.attname: getattr(citation, f.attname) for f in Citation._meta.concrete_fields}
    with audit.acting(reason="a slip"):
        citation.delete()
    page = curator.get("/admin/reports/casereport/deleted/")
    assert page.status_code == 200
    (deleted,) = page.context["deleted"]
    assert (deleted.kind, deleted.record.history_change_reason) == ("citation", "a slip")
    form = open_admin_form(curator, deleted.restore_url)
    assert form.submit(curator).status_code == 302
    restored = Citation.objects.get(pk=values["id"])
    assert {f.attname: getattr(restored, f.attname) for f in Citation._meta.concrete_fields} == values
    assert curator.get("/admin/reports/casereport/deleted/").context["deleted"] == []


def test_accepting_a_suggested_case_is_recorded():
    import_file(file=SPINE_XML)
    from reports.cases.store import accept

    with audit.acting(reason="accepted in the admin"):
        accept(patients=Patient.objects.all())
    latest = Patient.objects.get().changes.first()
    assert (latest.history_type, latest.origin, latest.history_change_reason) == (
        "~",
        "curated",
        "accepted in the admin",
    )
