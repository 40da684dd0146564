import csv
import html as html_lib
import io
import json
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.filters import CaseReportFilter
from reports.importers.service import import_file
from reports.models import CaseReport, Citation, Condition, Intervention, PublicationType
from reports.patient_filters import PatientFilter
from tests.factories import make_patient, make_report
from tests.importers.fuzzing import rows, time_limit
from tests.markup import (
    HOSTILE_ABSTRACT,
    HOSTILE_REFERENCE,
    HOSTILE_TITLE,
    IMAGE,
    SCRIPT,
    hostile_pubmed_file,
    live_markup,
)

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
    # 1 the matching reports' ids, newest first (at most the count limit + 1: the count, the page's ids and the
    # facets' sample of the newest), 2 the page of reports with their journals, 3 authors, 4 publication types,
    # 5 patients, 6 diagnoses with conditions, 7 treatments with interventions, 8 outcomes, 9 the
    # publication-type choices, 10-17 the facets: conditions, interventions, outcomes, sexes, age groups, years,
    # journals, publication types.
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


def test_the_highlight_marks_cannot_be_forged_by_the_text_of_a_report(client):
    # U+E000 and U+E001 are private-use characters that the highlighting once used as its marks.
    make_report(
        title="Itch \ue000after\ue001 naltrexone", abstract="A \ue000forged\ue001 mark and a stray \ue001 itch."
    )
    html = client.get(f"{LIST}?q=itch").content.decode()
    assert html.count("<mark>") == html.count("</mark>") == 1
    assert "forged mark and a stray  <mark>itch</mark>" in html


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


# Hostile query strings: whatever the address says, a page (200) or a 400 that says what cannot be used, never a
# server error. The test client raises any exception a view lets out, so a 500 fails these tests too.

LIST_PARAMETERS = [
    *(name for name in CaseReportFilter.base_filters if name not in ("age", "year")),
    *("age_min", "age_max", "year_min", "year_max", "page"),
]
PATIENT_PARAMETERS = [*PatientFilter.base_filters, "page"]
INJECTIONS = [
    "' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE reports_casereport",
    "1) OR (1=1",
    "' UNION SELECT username, password FROM auth_user --",
    "%' OR title LIKE '%",
    "title:naltrexone OR NEAR(a b) * ^",
    "naltrexone & !fatigue | (a <-> b):*",
]
HOSTILE_VALUES = [
    *INJECTIONS,
    "'",
    '"',
    "\\",
    "%",
    "_",
    "*",
    "-",
    "--",
    "or",
    "\x00",
    "a\x00b",
    "\x01\x1b[2J",
    "\u202e",
    "99999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "-1",
    "0",
    "1e999",
    "1.5",
    "NaN",
    "Infinity",
    "١٢٣",
    "²",
    "İstanbul ß ﬁ",
    "😀",
    "<script>alert(1)</script>",
    "true",
    "none",
    "relevance",
    "x" * 5000,
]
query_value = st.sampled_from(HOSTILE_VALUES) | st.text(max_size=30) | st.integers().map(str)


def query_strings(names: list[str]):
    """Some of the page's own parameters (and unknown ones), each once or twice, with hostile values; or bytes
    that are not a query string at all, as a web server would hand them on."""
    pairs = st.lists(st.tuples(st.sampled_from(names) | st.text(max_size=8), query_value), max_size=6)
    return pairs.map(lambda pairs: urlencode(pairs)) | st.binary(max_size=120).map(lambda raw: raw.decode("latin-1"))


def fetch(client, path: str, query: str):
    with time_limit():  # a request that takes this long is stuck
        return client.get(path, QUERY_STRING=query)


def assert_a_page_or_a_clear_400(response, *, form_errors=True) -> None:
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if form_errors:
            errors = response.context["filter"].errors
            assert errors
            page = body.decode()
            for messages in errors.values():
                for message in messages:
                    assert escape(message) in page, f"{message!r} is not on the page"
        else:
            assert body.startswith(b"The filters cannot be used:\n")
    elif response.streaming:
        b"".join(response.streaming_content)  # an export runs its queries as it streams


@pytest.fixture
def reports_to_filter(seed_report):
    """The seed (a curated patient), and a report that cites it."""
    citing = make_report(title="A report that cites the seed", journal="Cureus", keywords=["fatigue"])
    Citation.objects.create(report=citing, position=1, raw_text="Zashin S. Cureus. 2019.", cited_report=seed_report)
    return seed_report


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_strings(LIST_PARAMETERS))
def test_any_query_string_gives_the_list_or_a_400_that_says_why(client, reports_to_filter, query):
    assert_a_page_or_a_clear_400(fetch(client, LIST, query))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_strings(LIST_PARAMETERS), st.sampled_from(["reports:export_json", "reports:export_csv"]))
def test_any_query_string_gives_a_download_or_a_400_that_says_why(client, reports_to_filter, query, export):
    assert_a_page_or_a_clear_400(fetch(client, reverse(export), query), form_errors=False)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_strings(PATIENT_PARAMETERS))
def test_any_query_string_gives_the_patients_or_a_400_that_says_why(client, reports_to_filter, query):
    assert_a_page_or_a_clear_400(fetch(client, reverse("reports:patients"), query))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_strings(["curated", "page"]), st.sampled_from([None, 0, 2**31, 2**63, 10**30]))
def test_any_query_string_gives_the_evidence_page_or_a_404(client, reports_to_filter, query, pk):
    intervention = Intervention.objects.get(name="Low-dose naltrexone")
    response = fetch(client, reverse("reports:intervention", args=[intervention.pk if pk is None else pk]), query)
    assert response.status_code == (200 if pk is None else 404)


TEXT_FILTERS = {
    "q": "naltrexone",
    "condition": "sjogren",
    "intervention": "naltrexone",
    "journal": "Cureus",
    "keyword": "fatigue",
}


@pytest.mark.parametrize("name", TEXT_FILTERS)
def test_injection_strings_change_nothing_and_find_nothing(client, reports_to_filter, name):
    found = client.get(LIST, {name: TEXT_FILTERS[name]})
    assert reports_to_filter in found.context["object_list"]  # the filter works: what follows is not vacuous
    before = rows()

    for injection in INJECTIONS:
        # Appended to a search, "' OR 1=1" means "or 1 1" in the query language (docs/searching.md), so the search
        # is given the injection alone; the other filters take text as it is, so the injection after the value too.
        for value in (injection,) if name == "q" else (injection, TEXT_FILTERS[name] + injection):
            response = client.get(LIST, {name: value})
            assert_a_page_or_a_clear_400(response)
            # "' OR 1=1" that reached the SQL would list every report; as text, it is in none.
            assert list(response.context["object_list"]) == [], value
            download = client.get(reverse("reports:export_json"), {name: value})
            if download.status_code == 200:
                assert json.loads(b"".join(download.streaming_content))["reports"] == [], value

    assert rows() == before


# Stored cross-site scripting: markup in an imported file is shown as text, never run (tests/markup.py).


def test_markup_in_an_imported_file_is_text_on_the_report_page_and_in_the_searched_list(client):
    assert import_file(file=io.BytesIO(hostile_pubmed_file()), name="hostile.xml").ok
    report = CaseReport.objects.get()
    assert (report.title, report.abstract) == (HOSTILE_TITLE, HOSTILE_ABSTRACT)  # kept as the article's text

    page = client.get(report.get_absolute_url()).content.decode()
    assert live_markup(page) == []
    for shown in (HOSTILE_TITLE, HOSTILE_ABSTRACT, HOSTILE_REFERENCE, f"Santiago{SCRIPT}"):
        assert escape(shown) in page

    listing = client.get(LIST, {"q": "spondylectomy"})
    html = listing.content.decode()
    assert live_markup(html) == []
    assert "<mark>spondylectomy</mark>" in str(listing.context["object_list"][0].snippet)
    assert escape(SCRIPT) in html
    assert escape(IMAGE) in html


def test_a_javascript_link_in_a_reference_is_refused_so_no_page_links_to_it(client):
    export = {
        "format": "casebase",
        "version": 1,
        "reports": [
            {
                "title": "A case",
                "date": {"year": 2020},
                "citations": [{"raw_text": "Smith A. A cited case.", "url": "javascript:alert(1)"}],
            }
        ],
    }
    result = import_file(file=io.BytesIO(json.dumps(export).encode()), name="export.json")
    assert [problem.field for problem in result.refused] == ["citations.url"]
    assert CaseReport.objects.count() == 0


# Production headers and the health check ------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy_and_refuse_framing(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_has_an_inline_script_or_style(client, seed_report):
    from reports.models import Condition, Intervention

    pages = [
        "/",
        "/?q=naltrexone",
        seed_report.get_absolute_url(),
        Intervention.objects.first().get_absolute_url(),
        Condition.objects.first().get_absolute_url(),
        "/patients/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), url
        assert not re.search(r"<style[\s>]|\sstyle=\"|\son[a-z]+=", html), url


@pytest.mark.django_db
def test_the_health_check_answers_when_the_database_does(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_a_stored_reference_url_that_is_not_a_web_address_is_never_a_link(client):
    from reports.models import Citation

    report = make_report(title="Hostile reference")
    Citation.objects.create(report=report, position=1, raw_text="A reference.", url="javascript:alert(1)")
    Citation.objects.create(report=report, position=2, raw_text="Another.", url="https://example.org/paper")
    html = client.get(report.get_absolute_url()).content.decode()
    assert "javascript:" not in html
    assert 'href="https://example.org/paper"' in html


def test_the_report_page_says_what_a_treatment_was_given_for(client, seed_report):
    patient = seed_report.patients.get()
    naltrexone = patient.treatments.get(intervention__name="Low-dose naltrexone")
    naltrexone.target = patient.diagnoses.get()
    naltrexone.save()
    page = client.get(seed_report.get_absolute_url()).content.decode()
    assert "for Sjogren's syndrome</span>" in html_lib.unescape(page)


# Identifiers and the query language on the list -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["25364329", "10.1007/s00586-014-3574-2", "https://doi.org/10.1007/S00586-014-3574-2", "PMC4321"]
)
def test_a_pasted_pmid_doi_or_pmcid_opens_its_report(client, typed):
    report = make_report(title="L4 and L5 spondylectomy", pmid=25364329, doi="10.1007/s00586-014-3574-2")
    CaseReport.objects.filter(pk=report.pk).update(pmcid="PMC4321")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert len(queries) == 1  # the report with that identifier


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25364329", "No report has PMID 25364329."),
        ("10.7759/cureus.4225", "No report has DOI 10.7759/cureus.4225."),
        ("pmc6510571", "No report has PMCID PMC6510571."),
    ],
)
def test_an_identifier_casebase_does_not_have_is_searched_and_said_so(client, typed, message):
    make_report(title="Another report", pmid=1)
    response = client.get(LIST, {"q": typed})
    assert response.status_code == 200
    assert message in text(response)
    assert "0 reports" in text(response)


def test_a_bare_number_no_report_has_as_its_pmid_still_finds_the_reports_that_mention_it(client):
    make_report(title="The 2019 outbreak")
    response = client.get(LIST, {"q": "2019"})
    assert "No report has PMID 2019." in text(response)
    assert [r.title for r in response.context["object_list"]] == ["The 2019 outbreak"]


def test_a_missing_identifier_costs_one_query_more_than_the_same_search_by_tag(client):
    make_report(title="Another report", pmid=1)
    with CaptureQueriesContext(connection) as tagged:
        client.get(LIST, {"q": "10.7759/cureus.4225[doi]"})
    with CaptureQueriesContext(connection) as bare:
        client.get(LIST, {"q": "10.7759/cureus.4225"})
    # The one more: the report with that DOI, looked for before the list is read.
    assert len(bare) == len(tagged) + 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("schwannoma[xyz]", "casebase does not know the tag [xyz]."),
        ("(fitbit OR chatbot", "An opening parenthesis ( is not closed"),
        ("fitbit NOT", "NOT needs something after it"),
    ],
)
def test_a_query_it_cannot_read_shows_the_syntax_and_the_page_still_works(client, seed_report, typed, message):
    response = client.get(LIST, {"q": typed, "sex": "female"})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "How to search:" in page
    assert "fitbit NOT chatbot or fitbit -chatbot" in page
    assert "schwannoma[ti]" in page
    # Nothing is listed, but the other filters and their facets are there.
    assert "Nothing is listed until the search can be read" in page
    assert response.context["object_list"] == []
    assert "Patient sex" in page
    assert '<h2 id="facets-heading">Narrow by</h2>' in response.content.decode()
    assert f'value="{escape(typed)}"' in response.content.decode()  # what was typed stays in the box


def test_another_filter_that_cannot_be_used_shows_no_list(client, seed_report):
    response = client.get(LIST, {"q": "fitbit NOT", "year_min": "abc"})
    assert response.status_code == 400
    assert "Some filters could not be used" in text(response)
    assert response.context["object_list"] == []


def test_fitbit_not_chatbot_lists_what_fitbit_minus_chatbot_lists(client):
    make_report(title="Fitbit steps")
    make_report(title="Fitbit and a chatbot")
    listed = {
        typed: [r.title for r in client.get(LIST, {"q": typed}).context["object_list"]]
        for typed in ("fitbit NOT chatbot", "fitbit -chatbot")
    }
    assert listed == {"fitbit NOT chatbot": ["Fitbit steps"], "fitbit -chatbot": ["Fitbit steps"]}
