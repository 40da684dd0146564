"""Facet counts: right (compared with direct queries), narrowing exactly, and a fixed number of queries."""

import pytest
from django.http import QueryDict

from reports.filters import CaseReportFilter
from reports.models import CaseReport, Patient
from reports.search import facets
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


def compute(query: str = ""):
    filterset = CaseReportFilter(QueryDict(query), queryset=CaseReport.objects.all())
    assert filterset.is_valid(), filterset.errors
    return {
        facet.name: {value.label: value for value in facet.values}
        for facet in facets.compute(filterset.qs, criteria=filterset.patient_criteria(), current=QueryDict(query))
    }


@pytest.fixture
def reports():
    a = make_report(title="A", pub_year=2020, journal="Cureus", publication_types=["Case Reports"])
    make_patient(
        a,
        sex="female",
        age=(47, "years"),
        conditions={"Lupus": "confirmed"},
        treatments=[("LDN", ["improved"]), ("Prednisone", ["failed"])],
    )
    make_patient(
        a,
        sex="male",
        age=(3, "months"),
        conditions={"Kawasaki disease": "suspected"},
        treatments=[("IVIG", ["resolved"])],
    )
    b = make_report(title="B", pub_year=2021, journal="BMJ Case Rep", publication_types=["Case Reports", "Review"])
    make_patient(
        b, sex="female", age=(70, "years"), conditions={"Lupus": "suspected"}, treatments=[("LDN", ["failed"])]
    )
    make_report(title="C", pub_year=2021)
    return a, b


def test_counts_are_reports_and_match_direct_queries(reports):
    found = compute()
    assert {k: v.count for k, v in found["condition"].items()} == {"Lupus": 2, "Kawasaki disease": 1}
    assert (
        found["condition"]["Lupus"].count
        == CaseReport.objects.filter(patients__diagnoses__condition__name="Lupus").distinct().count()
    )
    assert {k: v.count for k, v in found["intervention"].items()} == {"LDN": 2, "IVIG": 1, "Prednisone": 1}
    assert {k: v.count for k, v in found["outcome"].items()} == {"Failed": 2, "Improved": 1, "Resolved": 1}
    assert {k: v.count for k, v in found["sex"].items()} == {"Female": 2, "Male": 1}
    assert {k: v.count for k, v in found["age_group"].items()} == {
        "Infant (1 to 23 months)": 1,
        "Middle aged (45 to 64 years)": 1,
        "Aged (65 and over)": 1,
    }
    assert {k: v.count for k, v in found["year"].items()} == {"2021": 2, "2020": 1}
    assert {k: v.count for k, v in found["journal"].items()} == {"Cureus": 1, "BMJ Case Rep": 1}
    assert {k: v.count for k, v in found["publication_type"].items()} == {"Case Reports": 2, "Review": 1}


def test_patient_facets_count_only_patients_who_meet_the_patient_filters(reports):
    found = compute("sex=female")
    assert {k: v.count for k, v in found["condition"].items()} == {"Lupus": 2}
    assert "Kawasaki disease" not in found["condition"]
    after_ldn = compute("intervention=LDN")
    # On LDN the outcomes are those of the LDN treatments, not of the patients' other treatments.
    assert {k: v.count for k, v in after_ldn["outcome"].items()} == {"Improved": 1, "Failed": 1}


def test_following_a_facet_link_gives_the_count_it_showed(reports, client):
    for facet in compute("sex=female").values():
        for value in facet.values():
            response = client.get("/" + value.url)
            assert response.status_code == 200, value.url
            assert response.context["page_obj"].paginator.count == value.count, value.url


def test_the_current_value_is_marked_and_the_page_is_dropped(reports):
    found = compute("sex=female&page=2")
    assert found["sex"]["Female"].selected
    assert "page=" not in found["sex"]["Female"].url
    assert found["year"]["2021"].url == "?sex=female&year_min=2021&year_max=2021"


def test_facets_cost_eight_queries_whatever_the_data(reports, django_assert_num_queries):
    filterset = CaseReportFilter(QueryDict("condition=lupus&q=lupus"), queryset=CaseReport.objects.all())
    assert filterset.is_valid()
    with django_assert_num_queries(8):
        facets.compute(filterset.qs, criteria=filterset.patient_criteria(), current=QueryDict(""))
    for number in range(10):
        make_patient(make_report(title=f"More {number}"), sex="male", conditions={f"C{number}": "confirmed"})
    with django_assert_num_queries(8):
        facets.compute(filterset.qs, criteria=filterset.patient_criteria(), current=QueryDict(""))
    assert Patient.objects.count() == 13


def test_a_ruled_out_diagnosis_never_counts_but_another_patients_diagnosis_of_it_does(reports):
    report = make_report(title="D", pub_year=2019)
    make_patient(report, conditions={"Lupus": "ruled_out"})
    only_ruled_out = make_report(title="E", pub_year=2019)
    make_patient(only_ruled_out, conditions={"Sarcoidosis": "ruled_out"})
    counts = compute()["condition"]
    assert counts["Lupus"].count == 2  # A and B; D's patient was ruled out
    assert "Sarcoidosis" not in counts


def test_a_sample_counts_the_newest_reports_only(reports, django_assert_num_queries):
    filterset = CaseReportFilter(QueryDict(""), queryset=CaseReport.objects.all())
    assert filterset.is_valid()
    with django_assert_num_queries(9):  # the sample's ids, then the eight facets over them
        sampled = {
            facet.name: {value.label: value.count for value in facet.values}
            for facet in facets.compute(filterset.qs, criteria={}, current=QueryDict(""), sample=2)
        }
    # The two newest are B and C (2021): A's patients (2020) are left out.
    assert sampled["year"] == {"2021": 2}
    assert sampled["condition"] == {"Lupus": 1}
    assert sampled["sex"] == {"Female": 1}
    assert sampled["publication_type"] == {"Case Reports": 1, "Review": 1}


def test_newest_ids_read_by_the_caller_are_counted_without_reading_them_again(reports, django_assert_num_queries):
    a, b = reports
    with django_assert_num_queries(8):  # the eight facets only
        counted = {
            facet.name: {value.label: value.count for value in facet.values}
            for facet in facets.compute(
                CaseReport.objects.all(), criteria={}, current=QueryDict(""), sample=2, newest=[b.pk, a.pk]
            )
        }
    assert counted["year"] == {"2021": 1, "2020": 1}
    assert counted["condition"] == {"Lupus": 2, "Kawasaki disease": 1}


def test_the_list_says_when_its_facets_count_a_sample(reports, client, settings):
    settings.FACET_SAMPLE = 2
    page = client.get("/").content.decode()
    assert "Counts among the 2 newest of these reports." in page
    settings.FACET_SAMPLE = 3
    assert "Counts among" not in client.get("/").content.decode()
