"""reports.search.listing: the list page decides its order once, ranks a search below the count limit and lists
it newest first past it, and reads the filters and the search once."""

import html
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from reports.models import CaseReport
from reports.search.engine import matching
from reports.search.listing import Selection, page
from reports.search.query import parse
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/"


def text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_search_is_ranked_below_the_count_limit_and_listed_newest_first_past_it(settings):
    make_report(title="Lupus, lupus and lupus", pub_year=2000)
    make_report(title="Lupus nephritis", pub_year=2010)
    make_report(title="Lupus again", pub_year=2020)
    query = parse("lupus")
    searched = Selection(reports=matching(CaseReport.objects.all(), query=query), query=query)

    def listed(selection):
        return page(selection=selection, rows=CaseReport.objects.all(), current=QueryDict(), per_page=25)

    settings.REPORTS_COUNT_LIMIT = 3
    below = listed(searched)
    assert (below.paging.paginator.count, below.ranked, below.too_many_to_rank) == (3, True, False)
    assert below.reports[0].title == "Lupus, lupus and lupus"
    settings.REPORTS_COUNT_LIMIT = 2
    past = listed(searched)
    assert (past.paging.paginator.capped, past.ranked, past.too_many_to_rank) == (True, False, True)  # "more than 2"
    assert [r.pub_year for r in past.reports] == [2020, 2010]
    settings.REPORTS_COUNT_LIMIT = 3
    by_title = listed(Selection(reports=CaseReport.objects.all(), query=query, sort="title"))
    assert by_title.ranked is False
    assert [r.title for r in by_title.reports] == ["Lupus again", "Lupus nephritis", "Lupus, lupus and lupus"]


def test_the_page_carries_each_reports_highlighted_passage():
    report = make_report(title="Naltrexone for itch", abstract="")
    other = make_report(title="Nothing to highlight", abstract="")
    query = parse("itch or highlight -nothing")
    listed = page(
        selection=Selection(reports=CaseReport.objects.filter(pk__in=[report.pk, other.pk]), query=query, sort="title"),
        rows=CaseReport.objects.all(),
        current=QueryDict(),
        per_page=25,
    )
    assert {r.title: str(r.snippet) for r in listed.reports} == {
        "Naltrexone for itch": "Naltrexone for <mark>itch</mark>",
        "Nothing to highlight": "Nothing to <mark>highlight</mark>",
    }


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


def test_a_search_that_matches_nothing_asks_the_search_once(client):
    make_report(title="Lupus nephritis")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + "?q=sarcoidosis")
    assert "0 reports" in text(response)
    searching = [q["sql"] for q in queries if "reports_search" in q["sql"]]
    assert len(searching) == 1
