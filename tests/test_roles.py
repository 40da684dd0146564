"""Who may do what: the public pages are read-only, the admin needs staff, curators edit and import, viewers only
read. Every check goes through the real views."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from reports.accounts import add_staff
from reports.models import Condition, Patient
from reports.roles import CURATORS, VIEWERS, ensure_roles
from tests.admin_forms import open_admin_form

pytestmark = pytest.mark.django_db

CONDITION_CHANGE = "/admin/reports/condition/{pk}/change/"


@pytest.fixture
def condition():
    return Condition.objects.create(name="Gout")


def client_for(client, role: str):
    add_staff(username=role, role=role)
    client.force_login(get_user_model().objects.get(username=role))
    return client


@pytest.fixture
def curator(client):
    return client_for(client, "curator")


@pytest.fixture
def viewer(client):
    return client_for(client, "viewer")


def test_curators_may_do_everything_to_casebase_records_and_viewers_only_look():
    groups = ensure_roles()
    reports_permissions = set(Permission.objects.filter(content_type__app_label="reports"))
    assert set(groups[CURATORS].permissions.all()) == reports_permissions
    viewer_codenames = set(groups[VIEWERS].permissions.values_list("codename", flat=True))
    assert viewer_codenames
    assert all(name.startswith("view_") for name in viewer_codenames)
    assert "import_reports" in set(groups[CURATORS].permissions.values_list("codename", flat=True))
    assert not groups[CURATORS].permissions.filter(content_type__app_label="auth").exists()


def test_a_viewer_reads_the_admin(viewer, condition, seed_report):
    assert viewer.get("/admin/").status_code == 200
    assert viewer.get("/admin/reports/casereport/").status_code == 200
    page = viewer.get(CONDITION_CHANGE.format(pk=condition.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only
    assert viewer.get(f"/admin/reports/patient/{Patient.objects.get().pk}/change/").status_code == 200


def test_a_viewer_changes_nothing(viewer, condition):
    response = viewer.post(CONDITION_CHANGE.format(pk=condition.pk), {"name": "Changed", "synonyms": ""})
    assert response.status_code == 403
    assert viewer.get("/admin/reports/condition/add/").status_code == 403
    assert viewer.post(f"/admin/reports/condition/{condition.pk}/delete/", {"post": "yes"}).status_code == 403
    assert viewer.get("/admin/reports/casereport/import/").status_code == 403
    condition.refresh_from_db()
    assert condition.name == "Gout"


def test_a_viewer_cannot_accept_suggestions(viewer, seed_report):
    Patient.objects.update(origin="suggested")
    viewer.post(
        "/admin/reports/patient/", {"action": "accept_suggestions", "_selected_action": [Patient.objects.get().pk]}
    )
    assert Patient.objects.get().origin == "suggested"


def test_a_curator_edits_deletes_and_imports(curator, condition):
    form = open_admin_form(curator, CONDITION_CHANGE.format(pk=condition.pk))
    form["name"] = "Gouty arthritis"
    assert form.submit(curator).status_code == 302
    condition.refresh_from_db()
    assert condition.name == "Gouty arthritis"
    assert curator.get("/admin/reports/casereport/import/").status_code == 200
    assert b"Import files" in curator.get("/admin/reports/casereport/").content
    assert curator.post(f"/admin/reports/condition/{condition.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Condition.objects.exists()


def test_a_curator_cannot_manage_accounts(curator):
    assert curator.get("/admin/auth/user/").status_code == 403
    assert curator.get("/admin/auth/group/").status_code == 403


def test_the_import_button_shows_only_to_those_who_may_import(viewer):
    assert b"Import files" not in viewer.get("/admin/reports/casereport/").content


def test_someone_who_is_not_staff_is_sent_to_the_login_page(client, condition):
    user = get_user_model().objects.create_user(username="reader", password="a-long-password-123")
    client.force_login(user)
    response = client.get(CONDITION_CHANGE.format(pk=condition.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_public_pages_accept_no_writes(client, seed_report):
    for url in ("/", seed_report.get_absolute_url(), "/patients/", "/export.json"):
        assert client.post(url, {"title": "x"}).status_code == 405, url


def test_a_viewer_can_read_the_history_but_not_revert_or_restore_from_it(viewer, seed_report):
    patient = Patient.objects.get()
    version = patient.changes.first()
    url = f"/admin/reports/patient/{patient.pk}/history/{version.history_id}/"
    assert viewer.get(f"/admin/reports/patient/{patient.pk}/history/").status_code == 200
    response = viewer.post(url, {"report": patient.report_id, "position": 1, "age_value": "99", "age_unit": "years"})
    assert response.status_code == 403
    patient.refresh_from_db()
    assert str(patient.age_value) == "47.00"
