"""The Content-Security-Policy in a real browser: the main public pages and the admin pages a curator uses run
without a single violation (Chromium reports each one on the console)."""

import pytest

from reports.models import Condition, Intervention, Patient
from tests.browser.helpers import csp_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_pages_break_no_rule_of_the_content_security_policy(page, examples):
    violations = csp_violations(page)
    seed = examples.seed
    urls = [
        "/",
        "/?q=naltrexone",
        seed.get_absolute_url(),
        Intervention.objects.get(name="Low-dose naltrexone").get_absolute_url(),
        Condition.objects.get(name="Sjogren's syndrome").get_absolute_url(),
        "/patients/",
    ]
    for url in urls:
        response = page.goto(url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_admin_pages_break_no_rule_of_the_content_security_policy(page, examples, curator):
    violations = csp_violations(page)
    log_in(page)
    patient = Patient.objects.get(report=examples.seed)
    for url in (
        "/admin/",
        "/admin/reports/casereport/",
        f"/admin/reports/casereport/{examples.seed.pk}/change/",
        f"/admin/reports/patient/{patient.pk}/change/",
        f"/admin/reports/patient/{patient.pk}/history/",
        "/admin/reports/casereport/import/",
        "/admin/reports/casereport/deleted/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert violations == []
