"""The search engine: the one place that knows how each database searches (PostgreSQL tsvector, SQLite FTS5).

A Query's tree (reports/search/query.py) becomes a filter on case reports: the words, phrases, truncations and
[ti]/[ab]/[tiab] tags as one PostgreSQL tsquery or one SQLite FTS5 MATCH expression wherever the index can answer
them together, the tags that name structured data as reports/search/fields.py filters, joined by the query's AND,
OR and NOT. Words that name a MeSH heading find its reports too (reports/search/mapping.py). Both databases answer
the same question; the tables read here are kept by reports/search/index.py.
"""

import html
import re
import secrets
from functools import reduce
from operator import and_, or_

from django.db import connection, connections, router
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from reports.models import CaseReport
from reports.search import fields, mapping
from reports.search.query import And, Field, Node, Not, Or, Phrase, Prefix, Query, Term, positive_text

# The database marks the matching words with two private-use code points around a token drawn anew for each call,
# so that the snippet can be escaped as a whole before the marks become <mark> elements. Text holds no such token
# (it cannot guess it); the bare code points it may hold are dropped, so no text can open or close a <mark>.
_PRIVATE = "\ue000\ue001"


def _marks() -> tuple[str, str]:
    token = secrets.token_hex(8)
    return f"\ue000{token}[\ue001", f"\ue000{token}]\ue001"


# Where each text tag looks: PostgreSQL's weights (A title, D abstract; reports/search/index.py) and SQLite's columns.
WEIGHTS = {"ti": "A", "ab": "D", "tiab": "AD"}
COLUMNS = {"ti": "title", "ab": "abstract", "tiab": "{title abstract}"}

# An expression the index answers in one lookup: SQL and its parameters (PostgreSQL), or an FTS5 MATCH text.
Text = tuple[str, list]


# PostgreSQL -------------------------------------------------------------------------------------------------------


def _tsquery_leaf(node: Node, weights: str) -> Text:
    # Each word is \w+ (query.words), so it holds none of tsquery's syntax; to_tsquery stems it and reads the
    # weight and prefix marks that follow it.
    marks = f":{weights}" if weights else ""
    match node:
        case Term(word):
            text = word + marks
        case Phrase(words):
            text = " <-> ".join(word + marks for word in words)
        case Prefix(stem):
            text = f"{stem}:*{weights}"
    return "to_tsquery('casebase', %s)", [text]


def _tsquery(node: Node, weights: str = "") -> Text:
    """Every node of a query has a tsquery: the whole query is one lookup in the index."""
    match node:
        case Term() | Phrase() | Prefix():
            return _tsquery_leaf(node, weights)
        case Field(tag=tag, part=part) if part is not None:
            return _tsquery(part, WEIGHTS[tag])
        case And(parts) | Or(parts):
            compiled = [_tsquery(part, weights) for part in parts]
            joiner = " && " if isinstance(node, And) else " || "
            return "(" + joiner.join(sql for sql, _ in compiled) + ")", [p for _, ps in compiled for p in ps]
        case Not(part):
            sql, params = _tsquery(part, weights)
            return f"(!! {sql})", params
    raise _NotText


# SQLite FTS5 ------------------------------------------------------------------------------------------------------


def _fts_leaf(node: Node, columns: str) -> str:
    # Every word quoted: nothing a user types can be read as FTS5 syntax.
    match node:
        case Term(word):
            text = f'"{word}"'
        case Phrase(words):
            text = '"' + " ".join(words) + '"'
        case Prefix(stem):
            text = f'"{stem}" *'
    return f"{columns} : {text}" if columns else text


def _fts(node: Node, columns: str = "") -> str:
    """The FTS5 expression of `node`; _NotText for what FTS5 cannot say (a NOT with nothing before it)."""
    match node:
        case Term() | Phrase() | Prefix():
            return _fts_leaf(node, columns)
        case Field(tag=tag, part=part) if part is not None:
            return _fts(part, COLUMNS[tag])
        case Or(parts):
            return "(" + " OR ".join(_fts(part, columns) for part in parts) + ")"
        case And(parts):
            positive = [_fts(part, columns) for part in parts if not isinstance(part, Not)]
            if not positive:
                raise _NotText
            expression = "(" + " AND ".join(positive) + ")"
            for part in parts:
                if isinstance(part, Not):
                    expression = f"({expression} NOT {_fts(part.part, columns)})"
            return expression
    raise _NotText


class _NotText(Exception):
    """The node names structured data, or is a NOT FTS5 cannot say alone: it is a filter, not one index lookup."""


# The search itself ------------------------------------------------------------------------------------------------


def _in_index(node: Node) -> Q | None:
    """The reports matching `node` in one lookup in the index, when the index can answer it whole."""
    try:
        if connection.vendor == "postgresql":
            sql, params = _tsquery(node)
            return Q(pk__in=RawSQL(f"SELECT report_id FROM reports_searchindex WHERE document @@ {sql}", params))
        return Q(pk__in=RawSQL("SELECT rowid FROM reports_search WHERE reports_search MATCH %s", [_fts(node)]))
    except _NotText:
        return None


def _filter(node: Node) -> Q:
    """`node` as a filter: one index lookup for as much of it as the index answers, structured tags as
    reports/search/fields.py has them, joined as the query joins them."""
    if (found := _in_index(node)) is not None:
        return found
    match node:
        case And(parts):
            # The parts the index answers go to it together; the rest are filters beside them.
            searched = [part for part in parts if _in_index(part) is not None and not isinstance(part, Not)]
            searched += [part for part in parts if isinstance(part, Not) and _in_index(part.part) is not None]
            lookup = _in_index(And(tuple(searched))) if len(searched) > 1 else None
            rest = [part for part in parts if lookup is None or part not in searched]
            return reduce(and_, [*([lookup] if lookup is not None else []), *(_filter(part) for part in rest)])
        case Or(parts):
            return reduce(or_, (_filter(part) for part in parts))
        case Not(part):
            return ~_filter(part)
        case Field():
            return fields.q(node)
    raise AssertionError(f"no filter for {node!r}")


def matching(reports: QuerySet, *, query: Query) -> QuerySet:
    """The reports of `reports` that match `query`: its words as typed, and the MeSH headings they name."""
    return reports.filter(_filter(mapping.with_headings(query.root)))


def _positive(query: Query) -> Node | None:
    """What a match is ranked and highlighted by: every word outside a NOT, as alternatives."""
    leaves = positive_text(query.root)
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else Or(tuple(dict.fromkeys(leaves)))


def ranks(query: Query) -> bool:
    """Whether by_relevance() orders reports by `query`. FTS5 ranks only by words that match, so a query without
    words to match (exclusions, structured tags) is not ranked there; PostgreSQL ranks it too (every report equal:
    newest first)."""
    return connection.vendor == "postgresql" or _positive(query) is not None


def by_relevance(reports: QuerySet, *, query: Query) -> QuerySet:
    """Best matches first: title and clinical terms weigh more than keywords, authors and journal, and those
    more than the abstract. Reports that match equally stay newest first. Unchanged when not ranks(query)."""
    table = reports.model._meta.db_table
    positive = _positive(query)
    if connection.vendor == "postgresql":
        sql, params = _tsquery(positive) if positive is not None else ("''::tsquery", [])
        # The weights are D, C, B, A (index.py): abstract, keywords with people, clinical terms, title.
        rank = RawSQL(
            f"SELECT ts_rank_cd('{{0.1, 0.3, 1.0, 1.0}}', document, {sql}, 32) FROM reports_searchindex "
            f"WHERE report_id = {table}.id",
            params,
            output_field=FloatField(),
        )
    elif positive is not None:
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
    positive = _positive(query)
    if not report_ids or positive is None:
        return {}
    # A raw query: it goes where the router sends the page's other reads (a replica, for a public page).
    database = connections[router.db_for_read(CaseReport)]
    start, end = _marks()
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            sql, params = _tsquery(positive)
            options = (
                f"StartSel={start}, StopSel={end}, MaxWords={words}, MinWords={words // 2}, "
                'MaxFragments=2, FragmentDelimiter=" … "'
            )
            cursor.execute(
                f"SELECT r.id, ts_headline('casebase', CASE WHEN r.abstract = '' THEN r.title ELSE r.abstract END, "
                f"{sql}, %s) FROM reports_casereport r WHERE r.id = ANY(%s)",
                [*params, options, list(report_ids)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(report_ids))
            cursor.execute(
                "SELECT rowid, CASE WHEN abstract = '' "
                f"THEN snippet(reports_search, 0, %s, %s, ' … ', {words}) "
                f"ELSE snippet(reports_search, 4, %s, %s, ' … ', {words}) END "
                f"FROM reports_search WHERE reports_search MATCH %s AND rowid IN ({placeholders})",
                [start, end, start, end, _fts(positive), *report_ids],
            )
        return {report_id: highlight(passage, start=start, end=end) for report_id, passage in cursor.fetchall()}


def highlight(passage: str, *, start: str, end: str) -> SafeString:
    """Escape the passage first, then turn the marks `start` and `end` the database put in into <mark> elements;
    the private-use code points of the marks, found anywhere else in the text, are dropped."""
    escaped = html.escape(passage.replace(start + end, "").strip())
    marks = {start: "<mark>", end: "</mark>"}
    pattern = f"{re.escape(start)}|{re.escape(end)}|[{_PRIVATE}]"
    return mark_safe(re.sub(pattern, lambda found: marks.get(found.group(), ""), escaped))
