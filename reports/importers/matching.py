"""Which stored report an incoming record is: the one with its PMID, else its DOI, else its PMCID, else (for a
record with none of them) the one with the same title, year and first author."""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q

from reports.cases.records import ArticleRecord
from reports.models import CaseReport

IDENTIFIER_FIELDS = ("pmid", "doi", "pmcid")


@dataclass(frozen=True)
class Matches:
    """What a batch's records were found to be, and which stored report holds each identifier they named."""

    reports: dict[int, int | None]  # id(record) -> the stored report's pk, or None for a new report
    holders: dict[str, dict[object, int]]  # "pmid", "doi", "pmcid" -> value -> pk of the report holding it

    def report_of(self, record: ArticleRecord) -> int | None:
        return self.reports[id(record)]

    def is_held(self, name: str, value: object) -> bool:
        return value in self.holders[name]


def match_records(*, records: list[ArticleRecord]) -> Matches:
    """The stored report each record is, or None. Identifiers are tried in order (PMID, DOI, PMCID), and a
    report found by a later one is another article when an earlier one differs: two PubMed records that share a
    DOI (it happens with old records) stay two reports. Records of one batch never share an identifier."""
    pmids = {r.pmid for r in records if r.pmid}
    dois = {r.doi for r in records if r.doi}
    pmcids = {r.pmcid for r in records if r.pmcid}
    holders: dict[str, dict[object, int]] = {name: {} for name in IDENTIFIER_FIELDS}
    stored = {}
    if pmids or dois or pmcids:
        for row in (
            CaseReport.objects.filter(holding(pmid=pmids, doi=dois, pmcid=pmcids))
            .order_by()
            .values("pk", "pmid", "doi", "pmcid")
        ):
            stored[row["pk"]] = row
            for name in IDENTIFIER_FIELDS:
                if row[name]:
                    holders[name][row[name]] = row["pk"]
    reports = {}
    for record in records:
        pk = None
        for position, name in enumerate(IDENTIFIER_FIELDS):
            value = getattr(record, name)
            candidate = holders[name].get(value) if value else None
            if candidate is None:
                continue
            earlier = IDENTIFIER_FIELDS[:position]
            if any(
                getattr(record, e) and stored[candidate][e] and getattr(record, e) != stored[candidate][e]
                for e in earlier
            ):
                continue
            pk = candidate
            break
        if pk is None and not (record.pmid or record.doi or record.pmcid):
            pk = _match_by_title(record)
        reports[id(record)] = pk
    return Matches(reports=reports, holders=holders)


def _match_by_title(record: ArticleRecord) -> int | None:
    """A record without identifiers is the report of the same title, year and first author."""
    title = normalised_title(record.title)
    first_author = _first_author(record.authors)
    candidates = CaseReport.objects.filter(pub_year=record.date.year).prefetch_related("authors")
    words = title.split()
    if words:
        longest = max(words, key=len)
        candidates = candidates.filter(title__icontains=longest)
    for report in candidates[:50]:
        if normalised_title(report.title) == title and _first_author(list(report.authors.all())) == first_author:
            return report.pk
    return None


def held_by_another(*, name: str, value: object, report_id: int) -> bool:
    """Whether a report other than this one holds this PMID, DOI or PMCID."""
    return CaseReport.objects.filter(**{name: value}).exclude(pk=report_id).exists()


def holding(*, pmid: Iterable, doi: Iterable, pmcid: Iterable) -> Q:
    """Case reports that hold one of these PMIDs, DOIs or PMCIDs. DOIs and PMCIDs are unique through partial
    indexes (where not empty); PostgreSQL uses such an index for "doi IN (...)" only when it can prove the index's
    condition from the query, which it does not try past 100 values, and then reads every report: a batch's
    references ask for thousands. So the condition is spelled out."""
    return Q(pmid__in=pmid) | (Q(doi__in=doi) & ~Q(doi="")) | (Q(pmcid__in=pmcid) & ~Q(pmcid=""))


def identity_keys(record: ArticleRecord) -> Iterator[tuple[str, object]]:
    """What makes two records of one file the same article: their identifiers, or title and year without any."""
    for name in IDENTIFIER_FIELDS:
        if getattr(record, name):
            yield name, getattr(record, name)
    if not (record.pmid or record.doi or record.pmcid):
        yield "title", (normalised_title(record.title), record.date.year)


def normalised_title(title: str) -> str:
    """Title as compared between sources: no accents, case, punctuation or brackets ("[Title]." == "title")."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _first_author(authors: list) -> str:
    for author in authors:
        name = getattr(author, "last_name", "") or getattr(author, "collective_name", "")
        if name:
            return normalised_title(name)
    return ""
