"""Citations resolve both ways: a reference to a report in casebase links to it, and the references already stored
that point to a report arriving now are linked to it. A report is never linked to itself."""

from django.db.models import Q

from reports import audit
from reports.importers.matching import IDENTIFIER_FIELDS, holding
from reports.models import CaseReport, Citation


def resolve_outgoing(*, citations: list[Citation], hints: list[dict] | None = None) -> int:
    """Point each citation at the report in casebase that has its PMID, DOI or PMCID (or, from casebase JSON, the
    identifiers of the report it was linked to); the citations are not saved here. Returns how many were linked."""
    hints = hints or [{} for _ in citations]
    wanted: dict[str, set] = {name: set() for name in IDENTIFIER_FIELDS}
    for citation, hint in zip(citations, hints, strict=True):
        for name in IDENTIFIER_FIELDS:
            for value in (getattr(citation, name), hint.get(name)):
                if value:
                    wanted[name].add(value)
    if not any(wanted.values()):
        return 0
    by: dict[str, dict] = {name: {} for name in IDENTIFIER_FIELDS}
    for row in CaseReport.objects.filter(holding(**wanted)).order_by().values("pk", "pmid", "doi", "pmcid"):
        for name in IDENTIFIER_FIELDS:
            if row[name]:
                by[name][row[name]] = row["pk"]
    linked = 0
    for citation, hint in zip(citations, hints, strict=True):
        own = [(name, getattr(citation, name)) for name in IDENTIFIER_FIELDS]
        hinted = [(name, hint.get(name)) for name in IDENTIFIER_FIELDS]
        for name, value in own + hinted:
            target = by[name].get(value) if value else None
            if target and target != citation.report_id:
                citation.cited_report_id = target
                linked += 1
                break
    return linked


def link_incoming(*, reports: list[CaseReport]) -> int:
    """Link the stored references that cite these reports (just created, or given new identifiers) and are not
    linked yet. Returns how many were linked."""
    by: dict[str, dict] = {name: {} for name in IDENTIFIER_FIELDS}
    for report in reports:
        for name in IDENTIFIER_FIELDS:
            if getattr(report, name):
                by[name][getattr(report, name)] = report.pk
    if not any(by.values()):
        return 0
    waiting = list(
        Citation.objects.filter(cited_report__isnull=True).filter(
            Q(pmid__in=by["pmid"]) | Q(doi__in=by["doi"]) | Q(pmcid__in=by["pmcid"])
        )
    )
    linked = []
    for citation in waiting:
        for name in IDENTIFIER_FIELDS:
            target = by[name].get(getattr(citation, name)) if getattr(citation, name) else None
            if target and target != citation.report_id:
                citation.cited_report_id = target
                linked.append(citation)
                break
    audit.update(Citation, linked, ["cited_report"])
    return len(linked)
