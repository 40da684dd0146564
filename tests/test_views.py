import csv
import html as html_lib
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Citation, Condition, PublicationType
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db

LIST = reverse("reports:list")


def text(response) -> str:
    """The page's visible text with whitespace collapsed, for asserting on what a reader sees."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html_lib.unescape(body).split())


def test_the_list_shows_the_seed_report_with_its_clinical_summary(client, seed_report):
    response = client.get(LIST)
    assert response.status_code == 200
    page = text(response)
    assert "1 report" in page
    assert "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy" in page
    assert "Zashin S · Cureus · 2019 Mar 11" in page
    assert "Case 1 : female, 47 years · Sjogren's syndrome (suspected)" in page
    assert "Standard therapy → failed ; Low-dose naltrexone → improved" in page
    assert f'href="{seed_report.get_absolute_url()}"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "q=naltrexone",
        "condition=sjogren",
        "intervention=LDN",
        "outcome=improved",
        "outcome=failed",
        "sex=female",
        "age_min=40&age_max=60",
        "year_min=2019&year_max=2019",
        "journal=cureus",
        "keyword=low+dose+naltrexone",
        "publication_type={case_reports}",
        "sort=title",
        "sex=female&age_min=47&age_max=47&condition=sjogren&intervention=naltrexone&outcome=improved",
    ],
)
def test_every_filter_finds_the_seed_report(client, seed_report, query):
    case_reports = PublicationType.objects.get(name="Case Reports").pk
    response = client.get(f"{LIST}?{query.format(case_reports=case_reports)}")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [seed_report]


@pytest.mark.parametrize(
    "query",
    [
        "q=methotrexate",
        "condition=lupus",
        "intervention=prednisone",
        "outcome=resolved",
        "sex=male",
        "age_min=48",
        "year_max=2018",
        "journal=lancet",
        "keyword=rash",
        "sex=female&intervention=naltrexone&outcome=failed",
    ],
)
def test_filters_that_do_not_describe_the_seed_exclude_it(client, seed_report, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert "No case reports match these filters." in text(response)


def test_bad_filter_input_is_a_400_page_that_says_what_is_wrong(client, seed_report):
    response = client.get(f"{LIST}?year_min=twenty&age_min=-1&sex=woman")
    assert response.status_code == 400
    page = text(response)
    assert "Some filters could not be used" in page
    assert "Enter a number." in page
    assert "An age cannot be negative." in page
    assert "Select a valid choice. woman is not one of the available choices." in page
    assert list(response.context["object_list"]) == []


def test_every_form_control_has_a_label(client, seed_report):
    html = client.get(LIST).content.decode()
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', html)
    assert len(ids) >= 12
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id


def test_pagination_keeps_the_filters(client, settings):
    for number in range(30):
        make_patient(make_report(title=f"Report {number:02}", pub_year=2000 + number % 5), sex="female")
    make_patient(make_report(title="Male"), sex="male")
    response = client.get(f"{LIST}?sex=female&sort=title")
    assert response.context["page_obj"].paginator.count == 30
    assert "page 1 of 2" in text(response)
    assert 'href="?sex=female&amp;sort=title&amp;page=2"' in response.content.decode()
    second = client.get(f"{LIST}?sex=female&sort=title&page=2")
    assert [r.title for r in second.context["object_list"]] == [f"Report {n:02}" for n in range(25, 30)]


def test_a_page_past_the_end_or_not_a_number_shows_the_nearest_page(client):
    make_report(title="Only")
    assert [r.title for r in client.get(f"{LIST}?page=99").context["object_list"]] == ["Only"]
    assert client.get(f"{LIST}?page=abc").status_code == 200


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def add_curated_reports(count: int):
    for number in range(count):
        report = make_report(title=f"R{number}", keywords=["k"], publication_types=["Case Reports"], journal="J")
        make_patient(
            report,
            sex="female",
            age=(40, "years"),
            conditions={"C": "confirmed"},
            treatments=[("D", ["improved"]), ("E", ["failed"])],
        )
        make_patient(report, sex="male", conditions={"C": "suspected"}, treatments=[("D", ["resolved"])])


def test_the_list_page_costs_the_same_number_of_queries_for_2_or_40_reports(client):
    # 1 count, 2 the page of reports with their journals, 3 authors, 4 publication types, 5 patients,
    # 6 diagnoses with conditions, 7 treatments with interventions, 8 outcomes, 9 the publication-type choices,
    # 10-17 the facets: conditions, interventions, outcomes, sexes, age groups, years, journals, publication types.
    add_curated_reports(2)
    assert list_queries(client) == 17
    add_curated_reports(38)
    assert list_queries(client) == 17


def test_the_detail_page_shows_the_structured_case(client, seed_report):
    response = client.get(seed_report.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    assert "Scott Zashin" in page
    assert "Cureus . 2019 Mar 11;11(3):e4225." in page
    assert 'href="https://doi.org/10.7759/cureus.4225"' in html
    assert "Keywords: autoimmune diseases ; fatigue ; joint pain ; low dose naltrexone ; sjogren syndrome" in page
    assert "Case 1: female, 47 years" in page
    assert "Sjogren's syndrome suspected" in page
    assert "rheumatoid factor: positive (laboratory result)" in page
    assert "dry eyes (symptom, long-standing)" in page
    treatments = re.findall(r"<tr>\s*<td>(\d)</td>\s*<td><a [^>]+>([^<]+)</a>", html)
    assert treatments == [("1", "Standard therapy"), ("2", "Low-dose naltrexone")]
    assert "Failed : She failed standard therapy." in page
    assert "Improved : She improved clinically with low-dose naltrexone therapy." in page
    assert "I prescribe low dose naltrexone to patients in my medical practice" in page


def test_the_detail_page_links_each_citation_to_pubmed_pmc_doi_or_casebase(client, seed_report):
    html = client.get(seed_report.get_absolute_url()).content.decode()
    assert html.count("<li value=") == 5
    assert "Different effects of opioid antagonists on μ-, δ-, and κ-opioid receptors" in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/17222320/"' in html
    assert html.count("find in PubMed") == 4

    cited = make_report(title="Low-dose naltrexone therapy improves active Crohn's disease.", pmid=17222320)
    Citation.objects.filter(pmid=17222320).update(cited_report=cited)
    html = client.get(seed_report.get_absolute_url()).content.decode()
    assert f'<a href="{cited.get_absolute_url()}">in casebase</a>' in html
    cited_page = text(client.get(cited.get_absolute_url()))
    assert "Cited by Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy (2019)" in cited_page


def test_the_detail_page_costs_a_fixed_number_of_queries(client, seed_report, django_assert_num_queries):
    add_curated_reports(3)
    for citation in Citation.objects.all():
        citation.cited_report = make_report(title=f"Cited {citation.position}")
        citation.save()
    # 1 the report with its journal, 2 authors, 3 publication types, 4 patients, 5 diagnoses with conditions,
    # 6 treatments with interventions, 7 outcomes, 8 keywords, 9 MeSH headings, 10 substances, 11 findings,
    # 12 citations with the cited reports, 13 the reports citing this one, 14 other reports with the same condition
    # and intervention, with their journals.
    with django_assert_num_queries(14):
        assert client.get(seed_report.get_absolute_url()).status_code == 200


def test_a_missing_report_is_a_404(client):
    assert client.get(reverse("reports:detail", kwargs={"pk": 999999})).status_code == 404


def test_a_report_without_patients_says_so(client):
    report = make_report(title="Not curated yet")
    assert "No patients have been curated for this report yet." in text(client.get(report.get_absolute_url()))


def test_the_list_offers_the_filtered_reports_as_json_and_csv(client, seed_report):
    html = client.get(f"{LIST}?sex=female&page=1").content.decode()
    assert 'href="/export.json?sex=female">casebase JSON</a>' in html
    assert 'href="/export.csv?sex=female">CSV</a>' in html


def test_the_json_download_holds_the_filtered_reports(client, seed_report):
    make_report(title="Another report", pub_year=2001)
    response = client.get("/export.json?year_min=2019")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="casebase-')
    data = json.loads(b"".join(response.streaming_content))
    assert [r["title"] for r in data["reports"]] == [seed_report.title]


def test_the_csv_download_has_a_row_per_treatment(client, seed_report):
    response = client.get("/export.csv?intervention=naltrexone")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["intervention"] for r in rows] == ["Standard therapy", "Low-dose naltrexone"]


def test_a_download_with_filters_it_cannot_use_is_a_400_that_says_why(client):
    response = client.get("/export.csv?year_min=soon")
    assert response.status_code == 400
    assert response.content.decode() == "The filters cannot be used:\nyear: Enter a number.\n"


def export_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get("/export.json").streaming_content)
    return len(queries)


def test_a_download_costs_the_same_number_of_queries_for_2_or_40_reports(client):
    add_curated_reports(2)
    few = export_queries(client)
    add_curated_reports(38)
    assert export_queries(client) == few


def test_a_search_shows_highlighted_passages_and_facets(client, seed_report):
    response = client.get(f"{LIST}?q=rheumatoid")
    assert response.status_code == 200
    html = response.content.decode()
    assert "a positive <mark>rheumatoid</mark> factor" in html
    assert '<h2 id="facets-heading">Narrow by</h2>' in html
    assert 'Sjogren&#x27;s syndrome</a> <span class="facet-count">1</span>' in html


def test_a_search_with_nothing_to_look_for_is_a_400_that_says_so(client, seed_report):
    response = client.get(f"{LIST}?q=%22%22+the")
    assert response.status_code == 400
    assert "There is nothing to search for in that" in text(response)


@pytest.mark.parametrize(
    "query", ["q=%00", "q=%01%02", 'q="', "q=-", "q=" + "x" * 3000, "q=a%20or%20or%20b", "q=%E2%80%AE"]
)
def test_any_search_text_gives_a_page_not_a_server_error(client, seed_report, query):
    assert client.get(f"{LIST}?{query}").status_code in (200, 400)


def test_an_exact_filter_is_named_above_the_results_with_a_way_to_remove_it(client, seed_report):
    condition = Condition.objects.get()
    response = client.get(f"{LIST}?sex=female&condition_id={condition.pk}&page=1")
    page = text(response)
    assert "Condition: Sjogren's syndrome remove" in page
    assert (
        '<a href="?sex=female" aria-label="Remove condition Sjogren&#x27;s syndrome">remove</a>'
        in response.content.decode()
    )
    assert f'<input type="hidden" name="condition_id" value="{condition.pk}"' in response.content.decode()
