"""reports.paging: the list counts up to a limit, exactly below it, and says "more than" past it."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import search
from reports.models import CaseReport
from reports.paging import CappedPaginator, Matches, read_matches
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/"


def text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_count_is_exact_up_to_the_limit_and_stops_past_it():
    for number in range(5):
        make_report(title=f"Report {number}")
    reports = CaseReport.objects.order_by("pk")
    exact = CappedPaginator(reports, 2, limit=5)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)
    capped = CappedPaginator(reports, 2, limit=3)
    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)


def test_counting_asks_for_one_more_than_the_limit_at_most(django_assert_num_queries):
    for number in range(4):
        make_report(title=f"Report {number}")
    paginator = CappedPaginator(CaseReport.objects.order_by("pk"), 2, limit=2)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 2
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]


def test_the_list_says_more_than_the_limit_and_pages_up_to_it(client, settings):
    settings.REPORTS_COUNT_LIMIT = 30
    for number in range(35):
        make_report(title=f"Report {number:02}")
    response = client.get(LIST + "?sort=title")
    page = text(response)
    assert "More than 30 reports, page 1 of 2" in page
    assert "Download them all" in page
    last = client.get(LIST + "?sort=title&page=9")
    assert [r.title for r in last.context["object_list"]] == [f"Report {n:02}" for n in range(25, 30)]


def test_below_the_limit_the_list_gives_the_exact_count(client, settings):
    settings.REPORTS_COUNT_LIMIT = 30
    for number in range(3):
        make_report(title=f"Report {number}")
    page = text(client.get(LIST))
    assert "3 reports" in page
    assert "More than" not in page
    assert "Download all 3" in page


def test_a_search_with_more_matches_than_the_limit_lists_the_newest_first_and_says_so(client, settings):
    settings.REPORTS_COUNT_LIMIT = 2
    make_report(title="Lupus lupus lupus in the title", pub_year=2001)  # the best match, and the oldest
    make_report(title="Notes on lupus", pub_year=2010)
    make_report(title="Lupus again", pub_year=2020)
    response = client.get(LIST + "?q=lupus")
    assert "More than 2 reports (too many to rank by relevance: newest first" in text(response)
    assert [r.pub_year for r in response.context["object_list"]] == [2020, 2010]
    settings.REPORTS_COUNT_LIMIT = 3
    ranked = client.get(LIST + "?q=lupus")
    assert "too many to rank" not in text(ranked)
    assert ranked.context["object_list"][0].pub_year == 2001


def test_matches_are_read_once_and_give_pages_of_reports_in_their_order(django_assert_num_queries):
    reports = [make_report(title=f"Report {number}", pub_year=2000 + number) for number in range(5)]
    with django_assert_num_queries(1):
        matches = Matches(CaseReport.objects.order_by("-pub_sort", "-id"), rows=CaseReport.objects.all(), limit=3)
    assert len(matches) == 4  # the limit and one more, to know that more match
    assert matches.first(2, order=CaseReport._meta.ordering) == [reports[4].pk, reports[3].pk]
    assert matches.first(2, order=("pub_sort", "id")) is None  # not in that order: the caller reads its own
    with django_assert_num_queries(1):
        assert [r.title for r in matches[1:3]] == ["Report 3", "Report 2"]


def test_a_report_deleted_after_the_matches_were_read_is_left_out_of_its_page():
    first, second = make_report(title="First", pub_year=2001), make_report(title="Second", pub_year=2002)
    matches = Matches(CaseReport.objects.order_by("-pub_sort"), rows=CaseReport.objects.all(), limit=10)
    second.delete()
    assert [r.title for r in matches[0:2]] == [first.title]


def test_matches_are_read_a_page_at_a_time():
    matches = Matches(CaseReport.objects.all(), rows=CaseReport.objects.all(), limit=10)
    with pytest.raises(TypeError, match="give a slice"):
        matches[0]


def test_a_filtered_list_asks_for_its_matches_once(client):
    # The journal filter's condition joins every match: the ids are read with it once, the page and the facets
    # then name those ids (the facets' patient and journal queries reach the matching reports by id).
    for number in range(3):
        make_report(title=f"Report {number}", journal="Cureus")
    make_report(title="Elsewhere", journal="BMJ Case Reports")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + "?journal=cureus")
    assert [r.title for r in response.context["object_list"]] == ["Report 2", "Report 1", "Report 0"]
    filtering = [q["sql"] for q in queries if "LIKE" in q["sql"] and "reports_journal" in q["sql"]]
    assert len(filtering) == 1


def test_counted_matches_read_only_the_ids_a_page_and_the_sample_need(django_assert_num_queries):
    reports = [make_report(title=f"Report {number}", pub_year=2000 + number) for number in range(8)]
    newest = [report.pk for report in reversed(reports)]
    with django_assert_num_queries(0):
        matches = Matches(
            CaseReport.objects.order_by("-pub_sort", "-id"),
            rows=CaseReport.objects.all(),
            limit=5,
            counted=6,
            at_least=3,
        )
        assert len(matches) == 6
    with django_assert_num_queries(2) as captured:  # the first three ids (the sample), then the page's reports
        assert [r.title for r in matches[0:2]] == ["Report 7", "Report 6"]
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]
    with django_assert_num_queries(0):
        assert matches.first(3, order=CaseReport._meta.ordering) == newest[:3]
    with django_assert_num_queries(2):  # a page past the ids read so far: read up to its end
        assert [r.title for r in matches[3:5]] == ["Report 4", "Report 3"]


def test_a_ranked_search_asks_its_filters_once_and_ranks_the_matches_it_found(client):
    make_report(title="Lupus nephritis", journal="Cureus", pub_year=2001)
    make_report(title="Lupus, lupus and lupus", journal="Cureus", pub_year=2000)  # the best match, the oldest
    make_report(title="Lupus elsewhere", journal="BMJ Case Reports", pub_year=2002)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + "?q=lupus&journal=cureus")
    assert [r.title for r in response.context["object_list"]] == ["Lupus, lupus and lupus", "Lupus nephritis"]
    assert "2 reports" in text(response)
    filtering = [q["sql"] for q in queries if "LIKE" in q["sql"] and "reports_journal" in q["sql"]]
    assert len(filtering) == 1
    years = next(facet for facet in response.context["facets"] if facet.name == "year")
    assert {value.label: value.count for value in years.values} == {"2001": 1, "2000": 1}


def test_read_matches_ranks_a_search_below_the_limit_and_lists_it_newest_first_past_it():
    make_report(title="Lupus, lupus and lupus", pub_year=2000)
    make_report(title="Lupus nephritis", pub_year=2010)
    make_report(title="Lupus again", pub_year=2020)
    searched = search.order_by_relevance(search.search_reports(CaseReport.objects.all(), "lupus"), "lupus")
    below = read_matches(searched, rows=CaseReport.objects.all(), text="lupus", limit=3)
    assert (len(below), below.unranked) == (3, False)
    assert below[0:1][0].title == "Lupus, lupus and lupus"
    past = read_matches(searched, rows=CaseReport.objects.all(), text="lupus", limit=2)
    assert (len(past), past.unranked) == (3, True)  # "more than 2"
    assert [r.pub_year for r in past[0:2]] == [2020, 2010]
    by_title = read_matches(CaseReport.objects.order_by("title"), rows=CaseReport.objects.all(), limit=2)
    assert [r.title for r in by_title[0:3]] == ["Lupus again", "Lupus nephritis", "Lupus, lupus and lupus"]


def test_a_search_that_matches_nothing_asks_the_search_once(client):
    make_report(title="Lupus nephritis")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + "?q=sarcoidosis")
    assert "0 reports" in text(response)
    searching = [q["sql"] for q in queries if "reports_search" in q["sql"]]
    assert len(searching) == 1
