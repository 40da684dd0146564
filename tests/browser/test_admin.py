"""The curators' admin in a real browser: logging in, and changing a treatment's outcome, which the public report
page and the intervention's evidence summary then show."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CURATOR, evidence_cell, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_curator_logs_in_with_a_username_and_password(page, curator):
    page.goto("/admin/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(CURATOR["username"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_contain_text("Please enter the correct username and password")

    log_in(page)

    expect(page).to_have_url(re.compile("/admin/$"))
    expect(page.get_by_role("heading", name="Case reports and their clinical data")).to_be_visible()


def test_changing_a_treatments_outcome_in_the_admin_shows_on_the_report_page_and_in_the_evidence(
    page, curator, examples
):
    report = examples.fibromyalgia
    page.goto(report.get_absolute_url())
    page.get_by_role("region", name="The case").get_by_role("link", name="Low-dose naltrexone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Low-dose naltrexone")
    evidence = page.url
    expect(evidence_cell(page, "Fibromyalgia", "Improved").get_by_role("link")).to_have_text("1 patient / 1 report")
    expect(evidence_cell(page, "Fibromyalgia", "Failed")).to_have_text("0")
    expect(evidence_cell(page, "Total", "Improved").get_by_role("link")).to_have_text("3 patients / 3 reports")

    log_in(page, next_url=f"/admin/reports/casereport/{report.pk}/change/")
    # The curator's path: the report, its patient, then the treatment whose outcome changes.
    page.get_by_role("row").filter(has_text="Case 1").get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", name=re.compile("^Change patient"))).to_be_visible()
    page.get_by_role("row").filter(has_text="Low-dose naltrexone").get_by_role("link", name="Improved").click()
    expect(page.get_by_role("heading", name=re.compile("^Change treatment"))).to_be_visible()
    result = page.locator('select[name="outcomes-0-result"]')
    expect(result).to_have_value("improved")
    result.select_option(label="Failed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(report.get_absolute_url())
    row = page.get_by_role("region", name="The case").locator("tbody tr").filter(has_text="Low-dose naltrexone")
    expect(row.get_by_role("cell").last).to_have_text("Failed")
    page.goto(evidence)
    expect(evidence_cell(page, "Fibromyalgia", "Improved")).to_have_text("0")
    expect(evidence_cell(page, "Fibromyalgia", "Failed").get_by_role("link")).to_have_text("1 patient / 1 report")
    expect(evidence_cell(page, "Total", "Improved").get_by_role("link")).to_have_text("2 patients / 2 reports")
