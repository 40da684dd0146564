"""The list page in one call: page() takes what the filters selected and gives the page the template shows.

CaseReportFilter turns the query string into a Selection: the filtered reports, the search parsed once, the sort
asked for and the patient criteria. page() decides the order once (best match first when searching, unless another
order is asked for), reads the matches once (reports/search/paging.py), and returns a Page: the page's reports with
their highlighted passages, the count, the facets and the filters in force. Downloads read Selection.ordered(): the
same order, every match.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict

from reports.models import CaseReport
from reports.search import engine, facets
from reports.search.facets import Facet, Narrowing
from reports.search.paging import CappedPaginator, Matches
from reports.search.query import Identifier, Query

NEWEST = CaseReport._meta.ordering
# The orders a list can be asked for besides relevance (the sort filter's choices).
SORTS = {
    "newest": NEWEST,
    "oldest": ["pub_sort", "id"],
    "title": [Lower("title"), "id"],
}


@dataclass(frozen=True)
class Selection:
    """What the list's filters selected: `reports` filtered and in no particular order, `query` the search (None
    without one), `sort` a key of SORTS, "relevance" or "" (relevance when searching, else newest), `criteria`
    the patient filters that are set, as Patient.objects.matching takes them (for the facets)."""

    reports: QuerySet
    query: Query | None = None
    sort: str = ""
    criteria: dict[str, object] = field(default_factory=dict)

    @property
    def ranked(self) -> bool:
        """Best match first: a search, unless another order is asked for."""
        return self.query is not None and self.sort in ("", "relevance") and engine.ranks(self.query)

    def ordered(self) -> QuerySet:
        """Every selected report, in the list's order (what a download holds)."""
        if self.ranked:
            return engine.by_relevance(self.reports, query=self.query)
        # Relevance with nothing to rank by (a search of exclusions alone, on SQLite) is newest first.
        return self.reports.order_by(*SORTS.get(self.sort, NEWEST))


@dataclass(frozen=True)
class Page:
    """One page of the list, read in a fixed number of queries whatever the number of matches."""

    reports: list[CaseReport]  # as `rows` reads them, each with .snippet: its highlighted passage, or ""
    paging: PaginatorPage  # the number and its neighbours; paging.paginator has the count (capped at the limit)
    ranked: bool  # best match first
    too_many_to_rank: bool  # a search past the count limit: newest first instead (the page says so)
    facets: list[Facet]
    facet_sample: int | None  # the facets count this many newest matches, when more match
    narrowings: list[Narrowing]  # the exact filters in force, each with the link that removes it


def page(*, selection: Selection, rows: QuerySet, current: QueryDict, per_page: int) -> Page:
    """The page of `selection` that `current` (the query string) asks for, its reports as `rows` reads them
    (with what the page shows of a report). A page number past the end, or not a number, gives the nearest page."""
    matches, ranked = _matches(selection, rows=rows, limit=settings.REPORTS_COUNT_LIMIT)
    paginator = CappedPaginator(matches, per_page)
    shown = paginator.get_page(current.get("page"))
    reports = shown.object_list
    passages = (
        engine.snippets(report_ids=[report.pk for report in reports], query=selection.query)
        if selection.query is not None
        else {}
    )
    for report in reports:
        report.snippet = passages.get(report.pk, "")
    return Page(
        reports=reports,
        paging=shown,
        ranked=ranked,
        too_many_to_rank=selection.ranked and not ranked,
        facets=facets.compute(
            selection.reports,
            criteria=selection.criteria,
            current=current,
            sample=settings.FACET_SAMPLE,
            # The newest ids from the read above when it has them (none is an answer too); else facets reads them.
            newest=matches.first(settings.FACET_SAMPLE, order=NEWEST),
        ),
        facet_sample=settings.FACET_SAMPLE if paginator.count > settings.FACET_SAMPLE else None,
        narrowings=facets.narrowings(current),
    )


def _matches(selection: Selection, *, rows: QuerySet, limit: int) -> tuple[Matches, bool]:
    """The selection's matches in the list's order, and whether that order is best match first."""
    if not selection.ranked:
        return Matches(selection.ordered(), rows=rows, limit=limit), False
    # Ranking every match is the cost: find them first (stopping past the limit), and rank only below it, those
    # matches by id (the filters are not asked again).
    found = list(selection.reports.order_by().values_list("pk", flat=True)[: limit + 1])
    if len(found) <= limit:
        ranked = engine.by_relevance(CaseReport.objects.filter(pk__any_of=found), query=selection.query)
        return Matches(ranked, rows=rows, limit=limit), True
    # Too many matches to rank them all quickly: newest first, and the page says so. Counted already, so only the
    # page's and the facets' newest ids are read.
    newest = selection.reports.order_by(*NEWEST)
    return Matches(newest, rows=rows, limit=limit, counted=limit + 1, at_least=settings.FACET_SAMPLE), False


IDENTIFIER_NAMES = {"pmid": "PMID", "doi": "DOI", "pmcid": "PMCID"}


def identified(*, identifier: Identifier) -> CaseReport | None:
    """The report with this PMID, DOI or PMCID, if casebase has it."""
    value = int(identifier.value) if identifier.kind == "pmid" else identifier.value
    return CaseReport.objects.filter(**{identifier.kind: value}).first()


def missing(*, identifier: Identifier) -> str:
    """What the list says above a search for an identifier no report has."""
    return f"No report has {IDENTIFIER_NAMES[identifier.kind]} {identifier.value}."
