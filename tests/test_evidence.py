"""Evidence summaries: the intervention and condition pages, their counts and chart, the patients list behind every
cell, and the report page's "other reports with the same condition and intervention"."""

import html as html_lib
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import evidence
from reports.models import CaseReport, Condition, Intervention, Outcome, Patient
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db

PATIENTS = reverse("reports:patients")
COLUMNS = ["resolved", "improved", "unchanged", "worsened", "failed", "adverse_event", "none"]


def text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html_lib.unescape(body).split())


@pytest.fixture
def cases():
    """Hand-built reports covering the counting rules; names of patients say what each one tests."""
    two_patients = make_report(title="Two patients", pub_year=2021)
    make_patient(
        two_patients,
        label="Two outcomes on one treatment",
        conditions={"Sjogren's syndrome": "confirmed"},
        treatments=[("Low-dose naltrexone", ["improved", "adverse_event"])],
    )
    make_patient(
        two_patients,
        label="Suspected and improved",
        conditions={"Sjogren's syndrome": "suspected"},
        treatments=[("Low-dose naltrexone", ["improved"])],
    )
    make_patient(
        make_report(title="Given twice", pub_year=2020),
        label="Given it twice",
        conditions={"Fibromyalgia": "probable"},
        treatments=[("Low-dose naltrexone", ["failed"]), ("Low-dose naltrexone", ["improved"])],
    )
    make_patient(
        make_report(title="Two conditions", pub_year=2019),
        label="Two conditions",
        conditions={"Sjogren's syndrome": "confirmed", "Fibromyalgia": "confirmed"},
        treatments=[("Standard therapy", ["failed"]), ("Low-dose naltrexone", [])],
    )
    make_patient(
        make_report(title="No diagnosis", pub_year=2018),
        label="No diagnosis",
        treatments=[("Low-dose naltrexone", ["resolved"])],
    )
    untreated = make_report(title="Untreated and unrelated", pub_year=2017)
    make_patient(untreated, label="Untreated", conditions={"Sjogren's syndrome": "suspected"})
    make_patient(
        untreated,
        label="Other drug",
        conditions={"Crohn's disease": "confirmed"},
        treatments=[("Prednisone", ["worsened"])],
    )
    return {
        "ldn": Intervention.objects.get(name="Low-dose naltrexone"),
        "sjogren": Condition.objects.get(name="Sjogren's syndrome"),
    }


def grid(table: evidence.EvidenceTable) -> dict:
    """{row label: [(patients, reports) per column..., total]}, and "Total" for the footer."""
    rows = {row.label: [(c.patients, c.reports) for c in (*row.cells, row.total)] for row in table.rows}
    rows["Total"] = [(c.patients, c.reports) for c in (*table.totals, table.total)]
    return rows


def every_cell(table: evidence.EvidenceTable):
    for row in table.rows:
        yield from row.cells
        yield row.total
    yield from table.totals
    yield table.total


def test_the_intervention_table_counts_patients_and_reports_by_condition_and_outcome(cases):
    table = evidence.for_intervention(intervention=cases["ldn"])
    assert [column.key for column in table.columns] == COLUMNS
    #                       resolved  improved  unchanged worsened  failed   adverse   none      total
    assert grid(table) == {
        "Sjogren's syndrome": [(0, 0), (2, 1), (0, 0), (0, 0), (0, 0), (1, 1), (1, 1), (3, 2)],
        "Fibromyalgia": [(0, 0), (1, 1), (0, 0), (0, 0), (1, 1), (0, 0), (1, 1), (2, 2)],
        "Condition not recorded": [(1, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1)],
        "Total": [(1, 1), (3, 2), (0, 0), (0, 0), (1, 1), (1, 1), (1, 1), (5, 4)],
    }


def test_the_condition_table_counts_patients_and_reports_by_intervention_and_outcome(cases):
    table = evidence.for_condition(condition=cases["sjogren"])
    assert grid(table) == {
        "Low-dose naltrexone": [(0, 0), (2, 1), (0, 0), (0, 0), (0, 0), (1, 1), (1, 1), (3, 2)],
        "Standard therapy": [(0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (0, 0), (0, 0), (1, 1)],
        "No intervention recorded": [(0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (1, 1)],
        "Total": [(0, 0), (2, 1), (0, 0), (0, 0), (1, 1), (1, 1), (2, 2), (4, 3)],
    }


def test_a_table_shows_the_rows_with_the_most_patients_and_counts_the_rest(cases):
    whole = evidence.for_intervention(intervention=cases["ldn"], rows=None)
    first = evidence.for_intervention(intervention=cases["ldn"], rows=1)
    assert [row.label for row in whole.rows] == ["Sjogren's syndrome", "Fibromyalgia", "Condition not recorded"]
    # The row with fewer patients is left out; "not recorded" stays; the totals still count every patient.
    assert [row.label for row in first.rows] == ["Sjogren's syndrome", "Condition not recorded"]
    assert (first.more, first.all_rows, whole.more) == (1, 3, 0)
    assert first.total == whole.total
    assert first.totals == whole.totals
    assert len(evidence.chart(table=first).bars) == 2


def test_an_evidence_page_says_how_many_rows_it_left_out_and_links_to_all(client, cases, monkeypatch):
    monkeypatch.setattr(evidence, "EVIDENCE_ROWS", 1)
    url = cases["sjogren"].get_absolute_url()
    page = text(client.get(url))
    assert "Standard therapy" not in page
    assert (
        "1 more intervention, with fewer patients than those above, is left out of the table and the chart "
        "(the totals count its patients). Show all 3 rows" in page
    )
    assert 'href="?rows=all"' in client.get(url).content.decode()
    assert 'href="?curated=true&amp;rows=all"' in client.get(url + "?curated=true").content.decode()
    everything = text(client.get(url + "?rows=all"))
    assert "Standard therapy" in everything
    assert "left out" not in everything


def test_a_cell_splits_its_patients_by_diagnostic_certainty(cases):
    sjogren = evidence.for_intervention(intervention=cases["ldn"]).rows[0]
    assert sjogren.cells[COLUMNS.index("improved")].certainty_note == "1 suspected, 1 confirmed"
    assert sjogren.total.certainty_note == "1 suspected, 2 confirmed"


@pytest.mark.parametrize("page", ["intervention", "condition"])
def test_every_count_equals_the_number_of_patients_its_link_lists(client, cases, page):
    if page == "intervention":
        table = evidence.for_intervention(intervention=cases["ldn"])
        response = client.get(cases["ldn"].get_absolute_url())
    else:
        table = evidence.for_condition(condition=cases["sjogren"])
        response = client.get(cases["sjogren"].get_absolute_url())
    html = response.content.decode()
    checked = 0
    for cell in every_cell(table):
        if not cell.patients:
            assert not cell.url
            continue
        assert f'<a href="{html_lib.escape(cell.url)}">{cell.label}</a>' in html
        listed = client.get(cell.url)
        assert listed.status_code == 200, cell.url
        patients = list(listed.context["paginator"].object_list)
        assert len(patients) == cell.patients, cell.url
        assert len({patient.report_id for patient in patients}) == cell.reports, cell.url
        checked += 1
    assert checked == (16 if page == "intervention" else 13)


def test_a_cell_link_lists_exactly_the_patients_behind_it(client, cases):
    sjogren, ldn = cases["sjogren"].pk, cases["ldn"].pk

    def labels(**params) -> list[str]:
        response = client.get(f"{PATIENTS}?{urlencode(params)}")
        return sorted(patient.label for patient in response.context["paginator"].object_list)

    assert labels(condition_id=sjogren, intervention_id=ldn, outcome="improved") == [
        "Suspected and improved",
        "Two outcomes on one treatment",
    ]
    assert labels(intervention_id=ldn, outcome="none") == ["Two conditions"]
    assert labels(condition_id="none", intervention_id=ldn) == ["No diagnosis"]
    assert labels(condition_id=sjogren, intervention_id="none") == ["Untreated"]
    assert labels(condition_id=sjogren, outcome="none") == ["Two conditions", "Untreated"]
    assert labels(intervention_id=ldn, outcome="failed") == ["Given it twice"]


def test_the_patients_list_says_what_it_shows_and_describes_each_patient(client, cases):
    params = urlencode({"condition_id": cases["sjogren"].pk, "intervention_id": cases["ldn"].pk, "outcome": "none"})
    response = client.get(f"{PATIENTS}?{params}")
    page = text(response)
    assert "Patients with Sjogren's syndrome given Low-dose naltrexone whose outcome was not recorded: 1" in page
    assert "Two conditions : sex not stated, age not stated" in page
    assert "Conditions: Sjogren's syndrome confirmed ; Fibromyalgia confirmed" in page
    assert "Standard therapy → failed" in page
    assert "Low-dose naltrexone → no outcome recorded" in page
    assert "In Two conditions · 2019" in page


def test_the_intervention_page_shows_its_name_kind_and_synonyms(client, seed_report):
    intervention = Intervention.objects.get(name="Low-dose naltrexone")
    page = text(client.get(intervention.get_absolute_url()))
    assert "Drug Low-dose naltrexone Also called: LDN, low dose naltrexone" in page


def test_the_seed_shows_sjogren_improved_on_the_naltrexone_page(client, seed_report):
    intervention = Intervention.objects.get(name="Low-dose naltrexone")
    assert intervention.get_absolute_url() == f"/interventions/{intervention.pk}/"
    response = client.get(intervention.get_absolute_url())
    assert response.status_code == 200
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", response.content.decode(), re.S).group(0)
    cells = [" ".join(text_of(cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert "Sjogren&#x27;s syndrome" in row
    assert cells[COLUMNS.index("improved")] == "1 patient / 1 report 1 suspected"
    assert cells[-1] == "1 patient / 1 report 1 suspected"
    assert [cell for cell in cells[:-1] if cell != "0"] == ["1 patient / 1 report 1 suspected"]


def text_of(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_the_seed_shows_standard_therapy_failed_on_the_sjogren_page(client, seed_report):
    condition = Condition.objects.get(name="Sjogren's syndrome")
    table = evidence.for_condition(condition=condition)
    assert grid(table)["Standard therapy"][COLUMNS.index("failed")] == (1, 1)
    assert grid(table)["Low-dose naltrexone"][COLUMNS.index("improved")] == (1, 1)
    page = text(client.get(condition.get_absolute_url()))
    assert "Patients with Sjogren's syndrome, by intervention and outcome" in page
    assert "Standard therapy 0 0 0 0 1 patient / 1 report 1 suspected 0 0 1 patient / 1 report 1 suspected" in page


def test_the_seed_patient_is_listed_with_the_heading_the_brief_gives(client, seed_report):
    condition = Condition.objects.get(name="Sjogren's syndrome")
    intervention = Intervention.objects.get(name="Low-dose naltrexone")
    url = f"{PATIENTS}?condition_id={condition.pk}&intervention_id={intervention.pk}&outcome=improved"
    page = text(client.get(url))
    assert "Patients with Sjogren's syndrome given Low-dose naltrexone whose outcome was improved: 1" in page
    assert "Case 1 : female, 47 years" in page
    assert "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy · Cureus · 2019" in page


def test_the_report_page_links_its_conditions_and_interventions_to_their_evidence(client, seed_report):
    html = client.get(seed_report.get_absolute_url()).content.decode()
    condition = Condition.objects.get(name="Sjogren's syndrome")
    intervention = Intervention.objects.get(name="Low-dose naltrexone")
    assert f'<a href="/conditions/{condition.pk}/">Sjogren&#x27;s syndrome</a>' in html
    assert f'<a href="/interventions/{intervention.pk}/">Low-dose naltrexone</a>' in html


def bars(html: str) -> list[list[tuple[str, float]]]:
    """The chart's bars, each a list of (outcome, width in percent) segments."""
    svg = re.search(r"<svg class=\"evidence-chart\".*?</svg>", html, re.S).group(0)
    return [
        [(result, float(width)) for result, width in re.findall(r'segment-(\w+)"[^>]* width="([\d.]+)%"', group)]
        for group in re.findall(r'<g class="bar">(.*?)</g>', svg, re.S)
    ]


def test_the_chart_has_a_bar_per_row_with_segments_proportional_to_the_counts(client, cases):
    response = client.get(cases["ldn"].get_absolute_url())
    html = response.content.decode()
    assert re.search(r'<svg class="evidence-chart"[^>]* role="img" aria-label="Bar chart of patients given', html)
    # Longest bar: Sjogren's syndrome with 2 + 1 + 1 = 4 patient counts fills the width; one patient is 25%.
    assert bars(html) == [
        [("improved", 50.0), ("adverse_event", 25.0), ("none", 25.0)],
        [("improved", 25.0), ("failed", 25.0), ("none", 25.0)],
        [("resolved", 25.0)],
    ]
    assert "<title>Sjogren&#x27;s syndrome, improved: 2 patients / 1 report (1 suspected, 1 confirmed)</title>" in html
    assert "<script" not in html


def test_the_chart_geometry_scales_every_segment_by_the_same_factor(cases):
    table = evidence.for_condition(condition=cases["sjogren"])
    chart = evidence.chart(table=table)
    assert len(chart.bars) == len(table.rows) == 3
    for bar, row in zip(chart.bars, table.rows, strict=True):
        counts = [cell.patients for cell in row.cells if cell.patients]
        assert [segment.width / count for segment, count in zip(bar.segments, counts, strict=True)] == [25.0] * len(
            counts
        )
        ends = [segment.x + segment.width for segment in bar.segments]
        assert [segment.x for segment in bar.segments[1:]] == ends[:-1]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y


def test_user_text_is_escaped_in_the_table_and_the_chart(client):
    make_patient(make_report(), conditions={"<b>bold</b>": "confirmed"}, treatments=[("Drug", ["improved"])])
    html = client.get(Intervention.objects.get(name="Drug").get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in html
    assert html.count("&lt;b&gt;bold&lt;/b&gt;") >= 3  # the row, the bar's label and its segment's title


def test_an_intervention_nobody_was_given_says_so(client):
    intervention = Intervention.objects.create(name="Unused")
    assert "No patients in casebase yet." in text(client.get(intervention.get_absolute_url()))


@pytest.mark.parametrize("name", ["reports:intervention", "reports:condition"])
def test_an_unknown_id_is_a_404(client, name):
    assert client.get(reverse(name, kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("condition_id=abc", 'Condition: Give the number of a condition, or "none"; "abc" is neither.'),
        ("intervention_id=999999", "Intervention: There is no intervention number 999999."),
        ("condition_id=99999999999999999999", "Condition: There is no condition number 99999999999999999999."),
        ("outcome=better", "Outcome: Select a valid choice. better is not one of the available choices."),
        (
            "intervention_id=none&outcome=improved",
            "Outcome: A patient with no intervention recorded has no outcome to filter by.",
        ),
    ],
)
def test_bad_filter_values_give_a_400_page_that_says_what_is_wrong(client, seed_report, query, message):
    response = client.get(f"{PATIENTS}?{query}")
    assert response.status_code == 400
    page = text(response)
    assert "These filters cannot be used:" in page
    assert message in page
    assert list(response.context["object_list"]) == []


def test_the_patients_list_without_filters_shows_every_patient(client, cases):
    response = client.get(PATIENTS)
    assert response.status_code == 200
    assert f"All patients: {Patient.objects.count()}" in text(response)


def test_the_patients_list_form_labels_its_controls(client, cases):
    html = client.get(f"{PATIENTS}?intervention_id={cases['ldn'].pk}").content.decode()
    ids = re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', html)
    assert ids == ["id_outcome", "id_curated"]
    assert 'for="id_outcome"' in html
    assert 'for="id_curated"' in html
    assert f'<input type="hidden" name="intervention_id" value="{cases["ldn"].pk}">' in html


def test_the_report_page_lists_other_reports_with_the_same_condition_and_intervention(client, cases):
    base = make_report(title="Base", pub_year=2022)
    make_patient(
        base, conditions={"Sjogren's syndrome": "confirmed"}, treatments=[("Low-dose naltrexone", ["improved"])]
    )
    # Condition and intervention in two different patients of one report: not the same patient, not listed.
    split = make_report(title="Split across patients", pub_year=2023)
    make_patient(split, conditions={"Sjogren's syndrome": "confirmed"})
    make_patient(split, treatments=[("Low-dose naltrexone", ["improved"])])
    related = [report.title for report in evidence.related_reports(report=base)]
    # "Given twice" has Fibromyalgia only; "No diagnosis" has no condition; "Untreated" was given nothing.
    assert related == ["Two patients", "Two conditions"]
    page = text(client.get(base.get_absolute_url()))
    assert "Other reports with the same condition and intervention Two patients · 2021 Two conditions · 2019" in page


def test_the_report_page_shows_at_most_ten_other_reports_newest_first():
    for year in range(2000, 2012):
        make_patient(
            make_report(title=f"Y{year}", pub_year=year), conditions={"C": "confirmed"}, treatments=[("D", [])]
        )
    base = make_report(title="Base", pub_year=1999)
    make_patient(base, conditions={"C": "confirmed"}, treatments=[("D", ["improved"])])
    assert [r.title for r in evidence.related_reports(report=base)] == [f"Y{year}" for year in range(2011, 2001, -1)]


def test_related_reports_are_the_same_when_too_many_match_to_read_them_first(monkeypatch):
    for year in range(2000, 2012):
        make_patient(
            make_report(title=f"Y{year}", pub_year=year), conditions={"C": "confirmed"}, treatments=[("D", [])]
        )
    base = make_report(title="Base", pub_year=1999)
    make_patient(base, conditions={"C": "confirmed"}, treatments=[("D", ["improved"])])
    read_first = [r.pk for r in evidence.related_reports(report=base, limit=5)]
    monkeypatch.setattr(evidence, "RELATED_CANDIDATES", 3)
    with CaptureQueriesContext(connection) as queries:
        walked = [r.pk for r in evidence.related_reports(report=base, limit=5)]
    assert walked == read_first
    assert [CaseReport.objects.get(pk=pk).title for pk in walked] == ["Y2011", "Y2010", "Y2009", "Y2008", "Y2007"]
    # The second query takes the matching reports as a subquery, not as the list read first.
    assert "IN (SELECT" in queries[-1]["sql"].upper().replace("(\n", "(")


def add_curated_reports(count: int):
    for number in range(count):
        report = make_report(title=f"R{number}", journal="J", pub_year=2000 + number % 20)
        make_patient(
            report,
            sex="female",
            age=(40, "years"),
            conditions={"C": "confirmed", f"Other {number}": "suspected"},
            treatments=[("D", ["improved"]), ("E", ["failed", "adverse_event"]), (f"Drug {number}", [])],
        )
        make_patient(report, sex="male", conditions={"C": "suspected"}, treatments=[("D", ["resolved"])])
        make_patient(report, treatments=[("D", [])])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_intervention_page_costs_three_queries_for_2_or_20_reports(client):
    # 1 the intervention, 2 the counts grouped by condition, 3 the column and grand totals.
    add_curated_reports(2)
    url = Intervention.objects.get(name="D").get_absolute_url()
    assert count_queries(client, url) == 3
    add_curated_reports(18)
    assert count_queries(client, url) == 3


def test_the_condition_page_costs_three_queries_for_2_or_20_reports(client):
    # 1 the condition, 2 the counts grouped by intervention, 3 the column and grand totals.
    add_curated_reports(2)
    url = Condition.objects.get(name="C").get_absolute_url()
    assert count_queries(client, url) == 3
    add_curated_reports(18)
    assert count_queries(client, url) == 3


def test_the_patients_list_costs_seven_queries_for_2_or_20_reports(client):
    # 1 the condition, 2 the intervention, 3 count, 4 the page of patients with their reports and journals,
    # 5 diagnoses with conditions, 6 treatments with interventions, 7 outcomes.
    add_curated_reports(2)
    condition, intervention = Condition.objects.get(name="C"), Intervention.objects.get(name="D")
    url = f"{PATIENTS}?condition_id={condition.pk}&intervention_id={intervention.pk}&outcome=improved"
    assert count_queries(client, url) == 7
    add_curated_reports(18)
    assert count_queries(client, url) == 7
    assert count_queries(client, f"{PATIENTS}?intervention_id={intervention.pk}&outcome=none") == 6


def test_the_patients_list_is_paginated(client, settings):
    add_curated_reports(10)
    intervention = Intervention.objects.get(name="D")
    response = client.get(f"{PATIENTS}?intervention_id={intervention.pk}")
    assert response.context["paginator"].count == 30
    assert "page 1 of 2" in text(response)
    assert f'href="?intervention_id={intervention.pk}&amp;page=2"' in response.content.decode()
    assert len(client.get(f"{PATIENTS}?intervention_id={intervention.pk}&page=2").context["object_list"]) == 5


@pytest.mark.parametrize(
    ("criteria", "words"),
    [
        ({}, "All patients"),
        (
            {"condition": "none", "intervention": "none"},
            "Patients with no condition recorded and no intervention recorded",
        ),
        ({"outcome": "adverse_event"}, "Patients whose outcome was an adverse event"),
        ({"outcome": "none"}, "Patients whose outcome was not recorded"),
        ({"outcome": "resolved"}, "Patients whose outcome was resolved"),
    ],
)
def test_a_patients_list_describes_its_selection_in_words(criteria, words):
    assert evidence.describe(**criteria) == words


def detail_queries(client, report) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(report.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_report_page_costs_the_same_with_2_or_20_other_reports_sharing_its_condition_and_intervention(client):
    add_curated_reports(3)
    report = make_report(title="Base", journal="J", pub_year=1990)
    make_patient(report, conditions={"C": "confirmed"}, treatments=[("D", ["improved"])])
    few = detail_queries(client, report)
    add_curated_reports(17)
    assert detail_queries(client, report) == few
    assert len(client.get(report.get_absolute_url()).context["related_reports"]) == 10


def test_a_diagnosis_that_was_ruled_out_does_not_count_as_having_the_condition(client):
    report = make_report(title="Ruled out")
    make_patient(report, conditions={"Lupus": "ruled_out"}, treatments=[("LDN", ["improved"])])
    make_patient(report, conditions={"Lupus": "suspected"}, treatments=[("LDN", ["failed"])])
    table = evidence.for_intervention(intervention=Intervention.objects.get(name="LDN"))
    counts = {
        row.label: {col.key: cell.patients for col, cell in zip(table.columns, row.cells, strict=True)}
        for row in table.rows
    }
    assert counts["Lupus"]["improved"] == 0
    assert counts["Lupus"]["failed"] == 1
    # The patient whose lupus was ruled out has no condition that counts.
    assert counts["Condition not recorded"]["improved"] == 1
    condition_table = evidence.for_condition(condition=Condition.objects.get(name="Lupus"))
    assert condition_table.total.patients == 1
    lupus = Condition.objects.get(name="Lupus").pk
    listed = client.get(reverse("reports:patients"), {"condition_id": lupus})
    assert listed.context["page_obj"].paginator.count == 1


@pytest.fixture
def suggested_and_curated():
    """One patient a curator entered and one casebase suggested, both given naltrexone for Sjogren's syndrome."""
    curated = make_patient(
        make_report(title="Curated", pub_year=2021),
        label="Curated",
        conditions={"Sjogren's syndrome": "confirmed"},
        treatments=[("Low-dose naltrexone", ["improved"])],
    )
    suggested = make_patient(
        make_report(title="Suggested", pub_year=2022),
        label="Suggested",
        origin="suggested",
        evidence="A 47-year-old woman with Sjogren's syndrome.",
        conditions={"Sjogren's syndrome": "confirmed"},
        treatments=[("Low-dose naltrexone", ["improved"])],
    )
    suggested.diagnoses.update(origin="suggested")
    suggested.treatments.update(origin="suggested")
    Outcome.objects.filter(treatment__patient=suggested).update(origin="suggested")
    return curated, suggested


def test_evidence_counts_suggested_patients_and_says_how_many(client, suggested_and_curated):
    ldn = Intervention.objects.get(name="Low-dose naltrexone")
    response = client.get(ldn.get_absolute_url())
    table = response.context["table"]
    assert (table.total.patients, table.suggested, table.curated) == (2, 1, False)
    assert "1 of these patients were suggested by casebase from their abstract" in text(response)


def test_evidence_restricted_to_curated_cases_counts_and_lists_only_them(client, suggested_and_curated):
    curated, _ = suggested_and_curated
    ldn = Intervention.objects.get(name="Low-dose naltrexone")
    sjogren = Condition.objects.get(name="Sjogren's syndrome")
    for page in (ldn.get_absolute_url(), sjogren.get_absolute_url()):
        table = client.get(page, {"curated": "true"}).context["table"]
        assert (table.total.patients, table.suggested, table.curated) == (1, 0, True)
        cell = table.rows[0].cells[COLUMNS.index("improved")]
        assert "curated=true" in cell.url
        listed = client.get(cell.url).context["object_list"]
        assert [p.pk for p in listed] == [curated.pk]


def test_the_patients_list_marks_suggested_patients(client, suggested_and_curated):
    html = client.get(PATIENTS).content.decode()
    assert html.count('class="suggested"') == 4  # the suggested patient, its diagnosis, treatment and outcome
    assert "A 47-year-old woman with Sjogren&#x27;s syndrome." in html
    curated_only = client.get(PATIENTS, {"curated": "true"})
    assert 'class="suggested"' not in curated_only.content.decode()
    assert "(curated cases only): 1" in text(curated_only)
