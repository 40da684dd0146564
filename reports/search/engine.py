"""The search engine: the one place that knows how each database searches (PostgreSQL tsvector, SQLite FTS5).

A Query (reports/search/query.py) compiles to PostgreSQL tsquery expressions and to SQLite FTS5 MATCH expressions,
so both databases answer the same question. The tables read here are kept by reports/search/index.py.
"""

import html
import re
import secrets

from django.db import connection, connections, router
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from reports.models import CaseReport
from reports.search.query import Query, Term

# The database marks the matching words with two private-use code points around a token drawn anew for each call,
# so that the snippet can be escaped as a whole before the marks become <mark> elements. Text holds no such token
# (it cannot guess it); the bare code points it may hold are dropped, so no text can open or close a <mark>.
_PRIVATE = "\ue000\ue001"


def _marks() -> tuple[str, str]:
    token = secrets.token_hex(8)
    return f"\ue000{token}[\ue001", f"\ue000{token}]\ue001"


# PostgreSQL -------------------------------------------------------------------------------------------------------


def _tsquery_term(term: Term) -> tuple[str, list]:
    function = "phraseto_tsquery" if len(term.words) > 1 else "plainto_tsquery"
    return f"{function}('casebase', %s)", [" ".join(term.words)]


def _tsquery(query: Query, *, positive_only: bool = False) -> tuple[str, list]:
    parts, params = [], []
    for group in query.groups:
        alternatives = [_tsquery_term(term) for term in group]
        parts.append("(" + " || ".join(sql for sql, _ in alternatives) + ")")
        params += [p for _, ps in alternatives for p in ps]
    if not positive_only:
        for term in query.excluded:
            sql, ps = _tsquery_term(term)
            parts.append(f"(!! {sql})")
            params += ps
    return " && ".join(parts) or "''::tsquery", params


# SQLite FTS5 ------------------------------------------------------------------------------------------------------


def _fts_term(term: Term) -> str:
    # Every word quoted: nothing a user types can be read as FTS5 syntax.
    return '"' + " ".join(word.replace('"', '""') for word in term.words) + '"'


def _fts(query: Query) -> str:
    groups = ["(" + " OR ".join(_fts_term(term) for term in group) + ")" for group in query.groups]
    expression = " AND ".join(groups)
    for term in query.excluded:
        expression += f" NOT {_fts_term(term)}"
    return expression


# The search itself ------------------------------------------------------------------------------------------------


def matching(reports: QuerySet, *, query: Query) -> QuerySet:
    """The reports of `reports` that match `query`."""
    if connection.vendor == "postgresql":
        sql, params = _tsquery(query)
        return reports.filter(
            pk__in=RawSQL(f"SELECT report_id FROM reports_searchindex WHERE document @@ ({sql})", params)
        )
    if not query.groups:  # only exclusions: FTS5 cannot say "not", so leave out what matches
        excluded = " OR ".join(_fts_term(term) for term in query.excluded)
        return reports.exclude(
            pk__in=RawSQL("SELECT rowid FROM reports_search WHERE reports_search MATCH %s", [excluded])
        )
    return reports.filter(
        pk__in=RawSQL("SELECT rowid FROM reports_search WHERE reports_search MATCH %s", [_fts(query)])
    )


def ranks(query: Query) -> bool:
    """Whether by_relevance() orders reports by `query`. FTS5 ranks only by words that match, so a query of
    exclusions alone is not ranked there; PostgreSQL ranks it too (every report equal: newest first)."""
    return connection.vendor == "postgresql" or bool(query.groups)


def by_relevance(reports: QuerySet, *, query: Query) -> QuerySet:
    """Best matches first: title and clinical terms weigh more than keywords, authors and journal, and those
    more than the abstract. Reports that match equally stay newest first. Unchanged when not ranks(query)."""
    table = reports.model._meta.db_table
    if connection.vendor == "postgresql":
        sql, params = _tsquery(query, positive_only=True)
        rank = RawSQL(
            f"SELECT ts_rank_cd(document, ({sql}), 32) FROM reports_searchindex WHERE report_id = {table}.id",
            params,
            output_field=FloatField(),
        )
    elif query.groups:
        positive = Query(groups=query.groups)
        # bm25() is lower for better matches; the weights follow the columns (title, clinical, terms, people, abstract).
        rank = RawSQL(
            f"SELECT -bm25(reports_search, 10.0, 10.0, 4.0, 2.0, 1.0) FROM reports_search "
            f"WHERE reports_search MATCH %s AND rowid = {table}.id",
            [_fts(positive)],
            output_field=FloatField(),
        )
    else:
        return reports
    return reports.annotate(search_rank=rank).order_by(F("search_rank").desc(nulls_last=True), "-pub_sort", "-id")


def snippets(*, report_ids: list[int], query: Query, words: int = 30) -> dict[int, SafeString]:
    """A highlighted passage of each report's abstract (or title, when it has no abstract), HTML-escaped, with
    the matching words in <mark>. None for a query of exclusions alone: no word of it is in the reports."""
    if not report_ids or not query.groups:
        return {}
    # A raw query: it goes where the router sends the page's other reads (a replica, for a public page).
    database = connections[router.db_for_read(CaseReport)]
    start, end = _marks()
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            sql, params = _tsquery(query, positive_only=True)
            options = (
                f"StartSel={start}, StopSel={end}, MaxWords={words}, MinWords={words // 2}, "
                'MaxFragments=2, FragmentDelimiter=" … "'
            )
            cursor.execute(
                f"SELECT r.id, ts_headline('casebase', CASE WHEN r.abstract = '' THEN r.title ELSE r.abstract END, "
                f"({sql}), %s) FROM reports_casereport r WHERE r.id = ANY(%s)",
                [*params, options, list(report_ids)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(report_ids))
            cursor.execute(
                "SELECT rowid, CASE WHEN abstract = '' "
                f"THEN snippet(reports_search, 0, %s, %s, ' … ', {words}) "
                f"ELSE snippet(reports_search, 4, %s, %s, ' … ', {words}) END "
                f"FROM reports_search WHERE reports_search MATCH %s AND rowid IN ({placeholders})",
                [start, end, start, end, _fts(Query(groups=query.groups)), *report_ids],
            )
        return {report_id: highlight(passage, start=start, end=end) for report_id, passage in cursor.fetchall()}


def highlight(passage: str, *, start: str, end: str) -> SafeString:
    """Escape the passage first, then turn the marks `start` and `end` the database put in into <mark> elements;
    the private-use code points of the marks, found anywhere else in the text, are dropped."""
    escaped = html.escape(passage.replace(start + end, "").strip())
    marks = {start: "<mark>", end: "</mark>"}
    pattern = f"{re.escape(start)}|{re.escape(end)}|[{_PRIVATE}]"
    return mark_safe(re.sub(pattern, lambda found: marks.get(found.group(), ""), escaped))
