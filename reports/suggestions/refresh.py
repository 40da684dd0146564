"""Suggested cases for reports casebase holds already: the rules read each report again, cases.store keeps them.

A report's case is left alone once a curator has reviewed any of it (cases.store.reviewed). Only a case that is
all suggestion is replaced when the report's abstract changes or the rules improve.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet

import reports.search.index as search_index
from reports.cases.store import replace_suggestions, reviewed, vocabularies, with_patients
from reports.models import CaseReport, MeshHeading, ReportKeyword, ReportPublicationType, ReportSubstance
from reports.suggestions import suggest_for

CHUNK_SIZE = 500


def for_suggestions():
    """Reports with what suggestions are read from."""
    # Each link with its term in one joined query: prefetching the terms in a query of their own names every term
    # of a chunk by id, more than SQLite's expression depth (1,000) once a chunk's reports hold that many.
    return CaseReport.objects.prefetch_related(
        Prefetch("report_keywords", queryset=ReportKeyword.objects.select_related("keyword")),
        Prefetch("mesh_headings", queryset=MeshHeading.objects.select_related("descriptor")),
        Prefetch("report_substances", queryset=ReportSubstance.objects.select_related("substance")),
        Prefetch("report_publication_types", queryset=ReportPublicationType.objects.select_related("publication_type")),
    )


@dataclass
class SuggestResult:
    examined: int = 0
    suggested: int = 0  # reports given suggested patients, or given new ones
    unchanged: int = 0  # reports whose stored suggestions are what the rules suggest now
    curated: int = 0  # reports left alone because a curator entered or confirmed their case
    without: int = 0  # reports from which nothing can be suggested

    def summary(self) -> str:
        return (
            f"{self.examined} reports examined: {self.suggested} given suggested patients, {self.unchanged} "
            f"unchanged, {self.curated} left alone (curated), {self.without} with nothing to suggest"
        )


def suggest_reports(*, reports: QuerySet, only_missing: bool = False, chunk_size: int = CHUNK_SIZE) -> SuggestResult:
    """Suggested cases for stored reports (imported before suggestions existed, or before the rules improved).

    A report whose case a curator entered or confirmed is never touched; one that holds only suggestions gets
    what the rules suggest now (with `only_missing`, it is left alone too). Running it twice changes nothing.
    Each chunk of reports is one transaction, so an interrupted run leaves whole reports done or not done.
    """
    result = SuggestResult()
    terms = vocabularies()
    ids = list(reports.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        result.examined += len(chunk)
        with transaction.atomic(), search_index.deferred(connection):
            keep = reviewed(report_ids=chunk)
            having = with_patients(report_ids=chunk) if only_missing else set()
            result.curated += len(keep)
            todo = [pk for pk in chunk if pk not in keep and pk not in having]
            result.unchanged += len(chunk) - len(keep) - len(todo)
            suggestions = [(report.pk, suggest_for(report)) for report in for_suggestions().filter(pk__in=todo)]
            done = replace_suggestions(suggestions=suggestions, replaceable=todo, terms=terms, reviewed_ids=keep)
            result.suggested += len(done.written)
            result.unchanged += len(done.unchanged)
            result.without += sum(1 for _, patients in suggestions if not patients)
            search_index.refresh(connection, [*done.removed, *(pk for pk in done.written if pk not in done.removed)])
    return result
