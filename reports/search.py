"""Full-text search over case reports: the one place that knows how each database searches.

Users type what they would type into a web search engine: words (all must match), "an exact phrase", -excluded
words, and `or` between alternatives. parse() turns any text into that structure (it never fails); the two
compilers turn the structure into PostgreSQL tsquery expressions and SQLite FTS5 MATCH expressions, so both
databases answer the same question. The index itself is reports/search_index.py.
"""

import html
import re
from dataclasses import dataclass, field

from django.db import connection, connections, router
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
# Highlight marks from private-use code points, which no PubMed text contains, so that the snippet can be escaped
# as a whole before the marks become <mark> elements.
_MARK_START, _MARK_END = "\ue000", "\ue001"
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# PostgreSQL's English stop words (tsearch_data/english.stop): dropped from plain words on both databases, since
# PostgreSQL's index has none of them.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both
    but by can did do does doing don down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when
    where which while who whom why will with you your yours yourself yourselves""".split()  # noqa: SIM905 (a word list reads better as text)
)


class SearchError(ValueError):
    """The text holds nothing to search for; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # several words are a phrase
    negated: bool = False


@dataclass
class Query:
    """Groups that must all match; a group matches when any of its terms does. Negated terms must not match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [word for group in self.groups for term in group for word in term.words]


def parse(text: str) -> Query:
    """The structure of what someone typed; raises SearchError when it has no word to look for."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUERY_LENGTH]
    query = Query()
    join_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, plain = match.groups()
        if plain is not None and plain.lower() == "or":
            join_next = bool(query.groups)
            continue
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            negated = bool(negated_phrase)
        else:
            negated = plain.startswith("-") and len(plain) > 1
            words = tuple(w.lower() for w in _WORD.findall(plain[1:] if negated else plain))
            if len(words) == 1 and words[0] in STOP_WORDS:
                words = ()
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        term = Term(words=words, negated=negated)
        if negated:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    if not query.groups and not query.excluded:
        raise SearchError(
            'There is nothing to search for in that: type a word, "a phrase in quotes", or -word to leave '
            "reports out (common words like 'the' and 'of' are not searched)."
        )
    return query


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


def search_reports(queryset: QuerySet, text: str) -> QuerySet:
    """The reports of `queryset` that match `text`. Raises SearchError when the text has nothing to search for."""
    query = parse(text)
    if connection.vendor == "postgresql":
        sql, params = _tsquery(query)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT report_id FROM reports_searchindex WHERE document @@ ({sql})", params)
        )
    if not query.groups:  # only exclusions: FTS5 cannot say "not", so leave out what matches
        excluded = " OR ".join(_fts_term(term) for term in query.excluded)
        return queryset.exclude(
            pk__in=RawSQL("SELECT rowid FROM reports_search WHERE reports_search MATCH %s", [excluded])
        )
    return queryset.filter(
        pk__in=RawSQL("SELECT rowid FROM reports_search WHERE reports_search MATCH %s", [_fts(query)])
    )


def order_by_relevance(queryset: QuerySet, text: str) -> QuerySet:
    """Best matches first: title and clinical terms weigh more than keywords, authors and journal, and those
    more than the abstract. Reports that match equally stay newest first."""
    query = parse(text)
    table = queryset.model._meta.db_table
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
        return queryset
    return queryset.annotate(search_rank=rank).order_by(F("search_rank").desc(nulls_last=True), "-pub_sort", "-id")


def ranked(queryset: QuerySet) -> bool:
    """Whether the queryset is ordered by relevance (order_by_relevance)."""
    return "search_rank" in queryset.query.annotations


def snippets(report_ids: list[int], text: str, *, words: int = 30) -> dict[int, SafeString]:
    """A highlighted passage of each report's abstract (or title, when it has no abstract), HTML-escaped, with
    the matching words in <mark>."""
    if not report_ids:
        return {}
    try:
        query = parse(text)
    except SearchError:
        return {}
    if not query.groups:
        return {}
    from reports.models import CaseReport

    # A raw query: it goes where the router sends the page's other reads (a replica, for a public page).
    database = connections[router.db_for_read(CaseReport)]
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            sql, params = _tsquery(query, positive_only=True)
            options = (
                f"StartSel={_MARK_START}, StopSel={_MARK_END}, MaxWords={words}, MinWords={words // 2}, "
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
                [_MARK_START, _MARK_END, _MARK_START, _MARK_END, _fts(Query(groups=query.groups)), *report_ids],
            )
        return {report_id: highlight(passage) for report_id, passage in cursor.fetchall()}


def highlight(passage: str) -> SafeString:
    """Escape the passage first, then turn the marks the database put in into <mark> elements."""
    escaped = html.escape(passage.replace(_MARK_START + _MARK_END, "").strip())
    return mark_safe(escaped.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>"))
