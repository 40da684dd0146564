"""The public pages in a real browser: searching, filtering, the keyboard, a report's page, citations, the layout on
a phone and on a desktop, and an automated accessibility check."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import Intervention
from tests.browser.helpers import axe_violations, evidence_cell, results_count, search, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


# Searching and filtering -----------------------------------------------------------------------------------------


def test_typing_words_and_pressing_enter_shows_the_count_and_highlights_the_words(page, examples):
    page.goto("/")
    expect(results_count(page)).to_contain_text("5 reports")

    search(page, "naltrexone")

    expect(results_count(page)).to_contain_text("4 reports")
    results = page.locator("li.report")
    expect(results).to_have_count(4)
    # Every result shows a passage with the word marked, and only the word.
    expect(results.filter(has=page.locator(".snippet mark"))).to_have_count(4)
    assert {word.lower() for word in page.locator(".snippet mark").all_inner_texts()} == {"naltrexone"}
    expect(page).to_have_title(re.compile("^naltrexone · Case reports"))


def test_choosing_a_filter_narrows_the_results_and_keeps_the_search(page, examples):
    page.goto("/")
    search(page, "naltrexone")
    expect(results_count(page)).to_contain_text("4 reports")

    page.get_by_label("Patient sex").select_option(label="Female")
    page.get_by_role("button", name="Apply filters").click()

    expect(results_count(page)).to_contain_text("3 reports")
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("naltrexone")
    expect(page.get_by_label("Patient sex")).to_have_value("female")
    expect(page.get_by_role("link", name=examples.crohns.title)).to_have_count(0)


def test_a_facet_link_leads_to_the_count_it_showed(page, examples):
    page.goto("/?q=naltrexone&sex=female")
    expect(results_count(page)).to_contain_text("3 reports")
    outcomes = page.get_by_role("complementary", name="Narrow by").get_by_role("region", name="Outcome")
    improved = outcomes.get_by_role("listitem").filter(has=page.get_by_role("link", name="Improved", exact=True))
    shown = improved.locator(".facet-count").inner_text()
    assert shown == "2"

    improved.get_by_role("link").click()

    expect(results_count(page)).to_contain_text(f"{shown} reports")
    expect(page.locator("li.report")).to_have_count(int(shown))
    expect(page.get_by_role("link", name="Improved", exact=True)).to_have_attribute("aria-current", "true")


def test_a_search_is_a_link_that_opens_the_same_results(page, examples):
    page.goto("/")
    search(page, "naltrexone")
    page.get_by_label("Patient sex").select_option("female")
    page.get_by_role("button", name="Apply filters").click()
    expect(results_count(page)).to_contain_text("3 reports")
    assert "q=naltrexone" in page.url
    assert "sex=female" in page.url

    # Sent to someone else: a new tab with no history or cookies of its own.
    other = page.context.browser.new_context().new_page()
    other.goto(page.url)
    expect(results_count(other)).to_contain_text("3 reports")
    expect(other.get_by_role("searchbox", name="Search")).to_have_value("naltrexone")
    other.context.close()


# The keyboard ----------------------------------------------------------------------------------------------------


def test_the_skip_link_is_the_first_tab_stop_and_leads_past_the_header_to_the_search_box(page, examples):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()


def test_the_search_box_and_the_filters_are_reached_with_tab_and_submitted_with_enter(page, examples):
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search")
    tab_to(page, box)
    page.keyboard.type("naltrexone")
    page.keyboard.press("Enter")
    expect(results_count(page)).to_contain_text("4 reports")

    sex = page.get_by_label("Patient sex")
    tab_to(page, sex)
    page.keyboard.press("ArrowDown")  # the first choice after the blank one: Female
    expect(sex).to_have_value("female")
    tab_to(page, page.get_by_role("textbox", name="Condition", exact=True), key="Shift+Tab")
    page.keyboard.type("fibromyalgia")
    page.keyboard.press("Enter")

    expect(results_count(page)).to_contain_text("1 report")
    expect(page.get_by_role("link", name=examples.fibromyalgia.title)).to_be_visible()
    assert "sex=female" in page.url
    assert "condition=fibromyalgia" in page.url


# A report's page -------------------------------------------------------------------------------------------------


def test_opening_a_report_from_the_results_shows_its_structured_case(page, examples):
    page.goto("/")
    search(page, "fibromyalgia")
    expect(results_count(page)).to_contain_text("1 report")
    page.get_by_role("link", name=examples.fibromyalgia.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(examples.fibromyalgia.title)
    case = page.get_by_role("region", name="The case")
    expect(case.get_by_role("heading", level=3)).to_have_text("Case 1: female, 52 years")
    expect(case.get_by_role("listitem").filter(has_text="Fibromyalgia")).to_have_text("Fibromyalgia confirmed")
    expect(case.get_by_role("listitem").filter(has_text="widespread pain")).to_contain_text("symptom")
    rows = case.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["1", re.compile("^Duloxetine"), "60 mg", "once daily, oral", "Unchanged"]
    )
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        ["2", "Low-dose naltrexone", "4.5 mg", "once daily at bedtime, oral", "Improved"]
    )


def test_following_a_citation_in_casebase_opens_the_cited_report_which_lists_the_citing_one(page, examples):
    page.goto(examples.sclerosis.get_absolute_url())
    references = page.get_by_role("region", name="References")
    reference = references.get_by_role("listitem").filter(has_text="fibromyalgia")

    reference.get_by_role("link", name="in casebase").click()

    expect(page).to_have_url(re.compile(re.escape(examples.fibromyalgia.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(examples.fibromyalgia.title)
    references = page.get_by_role("region", name="References")
    expect(references.get_by_role("heading", name="Cited by")).to_be_visible()
    citing = references.get_by_role("link", name=examples.sclerosis.title)
    expect(citing).to_be_visible()
    citing.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(examples.sclerosis.title)


# Evidence summaries ----------------------------------------------------------------------------------------------


def test_a_cell_of_an_interventions_evidence_table_lists_exactly_the_patients_it_counts(page, examples):
    page.goto(examples.fibromyalgia.get_absolute_url())
    page.get_by_role("region", name="The case").get_by_role("link", name="Low-dose naltrexone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Low-dose naltrexone")
    expect(evidence_cell(page, "Fibromyalgia", "Improved").get_by_role("link")).to_have_text("1 patient / 1 report")
    expect(evidence_cell(page, "Multiple sclerosis", "Worsened").get_by_role("link")).to_have_text(
        "1 patient / 1 report"
    )
    improved = evidence_cell(page, "Total", "Improved").get_by_role("link")
    expect(improved).to_have_text("3 patients / 3 reports")

    improved.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Low-dose naltrexone.*improved: 3$"))
    patients = page.locator(".patient-list > li")
    expect(patients).to_have_count(3)
    expect(patients.get_by_role("heading", level=2)).to_have_text(
        ["Patient 1: male, 24 years", "Case 1: female, 52 years", "Case 1: female, 47 years"]
    )
    expect(patients.locator(".byline").get_by_role("link")).to_have_text(
        [examples.crohns.title, examples.fibromyalgia.title, examples.seed.title]
    )


# Layout and accessibility ----------------------------------------------------------------------------------------


def naltrexone() -> Intervention:
    return Intervention.objects.get(name="Low-dose naltrexone")


# Each page as a reader reaches it, with the status it answers with.
PAGES = {
    "the list": (lambda examples: "/", 200),
    "a search with results": (lambda examples: "/?q=naltrexone&sex=female", 200),
    "filters that cannot be used": (lambda examples: "/?year_min=1066&age_min=60&age_max=40", 400),
    "a report": (lambda examples: examples.fibromyalgia.get_absolute_url(), 200),
    "a report with references in casebase": (lambda examples: examples.sclerosis.get_absolute_url(), 200),
    "the seed report": (lambda examples: examples.seed.get_absolute_url(), 200),
    "an intervention's evidence": (lambda examples: naltrexone().get_absolute_url(), 200),
    "a condition's evidence": (
        lambda examples: examples.seed.patients.get().diagnoses.get().condition.get_absolute_url(),
        200,
    ),
    "the patients of an evidence cell": (
        lambda examples: f"/patients/?intervention_id={naltrexone().pk}&outcome=improved",
        200,
    ),
}
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_list_fits_the_screen_without_scrolling_sideways_and_shows_the_search_box(page, examples, screen):
    page.set_viewport_size(SCREENS[screen])
    page.goto("/?q=naltrexone")
    expect(results_count(page)).to_contain_text("4 reports")

    assert not scrolls_sideways(page)
    box = page.get_by_role("searchbox", name="Search")
    expect(box).to_be_visible()
    expect(box).to_be_in_viewport()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", ["a report with references in casebase", "an intervention's evidence"])
def test_the_page_fits_the_screen_without_scrolling_sideways(page, examples, name, screen):
    page.set_viewport_size(SCREENS[screen])
    url, status = PAGES[name]
    assert page.goto(url(examples)).status == status
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert not scrolls_sideways(page)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_serious_or_critical_accessibility_violations(page, examples, name):
    url, status = PAGES[name]
    assert page.goto(url(examples)).status == status  # axe on an error page would prove nothing
    expect(page.get_by_role("main")).to_be_visible()

    assert axe_violations(page) == []
