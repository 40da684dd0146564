"""reports.paging: the list counts up to a limit, exactly below it, and says "more than" past it."""

import html
import re

import pytest

from reports.models import CaseReport
from reports.paging import CappedPaginator
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
