"""reports.search.paging: the list counts up to a limit, exactly below it, and says "more than" past it."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import CaseReport
from reports.search.paging import CappedPaginator, Matches
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
