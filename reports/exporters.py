"""What casebase gives back: casebase JSON (every field, re-importable) and CSV (one row per patient and treatment).

docs/export-format.md describes both; EXPORT_VERSION changes when the JSON layout does.
"""

import csv
import datetime
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch, QuerySet

from reports.cases.fields import PATIENT, TREATMENT
from reports.models import (
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Intervention,
    MeshDescriptor,
    MeshHeading,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
    Substance,
    Treatment,
)

EXPORT_FORMAT = "casebase"
EXPORT_VERSION = 1
CHUNK_SIZE = 500


def for_export(reports: QuerySet) -> QuerySet:
    """Everything an export writes, fetched a chunk of reports at a time."""
    return reports.select_related("journal").prefetch_related(
        "authors",
        Prefetch("report_keywords", queryset=ReportKeyword.objects.select_related("keyword")),
        Prefetch("report_publication_types", queryset=ReportPublicationType.objects.select_related("publication_type")),
        Prefetch("mesh_headings", queryset=MeshHeading.objects.select_related("descriptor")),
        Prefetch("report_substances", queryset=ReportSubstance.objects.select_related("substance")),
        Prefetch("citations", queryset=Citation.objects.select_related("cited_report")),
        "patients",
        Prefetch("patients__diagnoses", queryset=Diagnosis.objects.select_related("condition")),
        "patients__findings",
        Prefetch("patients__treatments", queryset=Treatment.objects.select_related("intervention")),
        "patients__treatments__outcomes",
    )


def in_chunks(reports: QuerySet) -> Iterator[CaseReport]:
    """The selected reports in their order, with everything an export writes, CHUNK_SIZE at a time. The ids are
    read first, in one query, and each chunk is fetched by its ids: no cursor stays open for the whole export, which
    on SQLite would keep every writer (a curator's save, a job's heartbeat) waiting until it ends."""
    ids = list(reports.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = {report.pk: report for report in for_export(CaseReport.objects.filter(pk__in=chunk))}
        yield from (found[pk] for pk in chunk if pk in found)


# casebase JSON ----------------------------------------------------------------------------------------------------


def iter_json(
    reports: QuerySet,
    *,
    exported_at: datetime.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The export as pieces of text, a report at a time, so that a large export never sits in memory whole.
    `progress` is called with the number of reports written so far, after each one."""
    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": (exported_at or datetime.datetime.now(datetime.UTC)).isoformat(timespec="seconds"),
        "vocabularies": vocabularies(reports),
    }
    opening = json.dumps(header, ensure_ascii=False, indent=1)
    yield opening[: opening.rindex("}")].rstrip() + ',\n "reports": ['
    for number, report in enumerate(in_chunks(reports)):
        yield ("," if number else "") + "\n  " + json.dumps(report_dict(report), ensure_ascii=False)
        if progress:
            progress(number + 1)
    yield "\n ]\n}\n"


def write_json(reports: QuerySet, stream: io.TextIOBase, **options) -> None:
    for piece in iter_json(reports, **options):
        stream.write(piece)


def vocabularies(reports: QuerySet) -> dict[str, list[dict]]:
    """The terms the selected reports use, with the details that live on the term (synonyms, MeSH UIs)."""
    selected = reports.values("pk")
    conditions = Condition.objects.filter(diagnoses__patient__report__in=selected).distinct()
    interventions = Intervention.objects.filter(treatments__patient__report__in=selected).distinct()
    publication_types = PublicationType.objects.filter(report_publication_types__report__in=selected).distinct()
    descriptors = MeshDescriptor.objects.filter(mesh_headings__report__in=selected).distinct()
    substances = Substance.objects.filter(report_substances__report__in=selected).distinct()
    return {
        "conditions": [
            {"name": c.name, "synonyms": c.synonym_list, "mesh_ui": c.mesh_ui} for c in conditions.order_by("name")
        ],
        "interventions": [
            {"name": i.name, "kind": i.kind, "synonyms": i.synonym_list, "mesh_ui": i.mesh_ui}
            for i in interventions.order_by("name")
        ],
        "publication_types": [{"name": p.name, "ui": p.ui} for p in publication_types.order_by("name")],
        "mesh_descriptors": [{"name": d.name, "ui": d.ui} for d in descriptors.order_by("name")],
        "substances": [
            {"name": s.name, "ui": s.ui, "registry_number": s.registry_number} for s in substances.order_by("name")
        ],
    }


def _identifiers(report: CaseReport | None) -> dict | None:
    if report is None:
        return None
    return {"pmid": report.pmid, "doi": report.doi, "pmcid": report.pmcid, "title": report.title}


def report_dict(report: CaseReport) -> dict:
    """One report, with everything under it, as casebase JSON writes it."""
    journal = report.journal
    return {
        "title": report.title,
        "vernacular_title": report.vernacular_title,
        "abstract": report.abstract,
        "journal": None
        if journal is None
        else {
            "title": journal.title,
            "iso_abbreviation": journal.iso_abbreviation,
            "issn": journal.issn,
            "nlm_unique_id": journal.nlm_unique_id,
        },
        "date": {
            "year": report.pub_year,
            "month": report.pub_month,
            "day": report.pub_day,
            "season": report.pub_season,
            "text": report.pub_date_text,
        },
        "epub_date": report.epub_date.isoformat() if report.epub_date else None,
        "volume": report.volume,
        "issue": report.issue,
        "pages": report.pages,
        "elocation_id": report.elocation_id,
        "doi": report.doi,
        "pmid": report.pmid,
        "pmid_version": report.pmid_version,
        "pmcid": report.pmcid,
        "language": report.language,
        "coi_statement": report.coi_statement,
        "source": {"format": report.source_format, "name": report.source_name},
        "created_at": report.created_at.isoformat(timespec="seconds") if report.created_at else None,
        "updated_at": report.updated_at.isoformat(timespec="seconds") if report.updated_at else None,
        "authors": [
            {
                "last_name": a.last_name,
                "fore_name": a.fore_name,
                "initials": a.initials,
                "collective_name": a.collective_name,
                "affiliation": a.affiliation,
                "orcid": a.orcid,
            }
            for a in report.authors.all()
        ],
        "keywords": [link.keyword.name for link in report.report_keywords.all()],
        "publication_types": [link.publication_type.name for link in report.report_publication_types.all()],
        "mesh_headings": [
            {"descriptor": h.descriptor.name, "ui": h.descriptor.ui, "major": h.is_major, "qualifiers": h.qualifiers}
            for h in report.mesh_headings.all()
        ],
        "substances": [link.substance.name for link in report.report_substances.all()],
        "citations": [
            {
                "raw_text": c.raw_text,
                "title": c.title,
                "authors": c.authors,
                "journal": c.journal,
                "year": c.year,
                "volume": c.volume,
                "issue": c.issue,
                "pages": c.pages,
                "doi": c.doi,
                "pmid": c.pmid,
                "pmcid": c.pmcid,
                "url": c.url,
                "in_pubmed": c.in_pubmed,
                "in_pmc": c.in_pmc,
                "cited_report": _identifiers(c.cited_report),
            }
            for c in report.citations.all()
        ],
        "patients": [PATIENT.json(p) for p in report.patients.all()],
    }


# CSV --------------------------------------------------------------------------------------------------------------

# The report's columns, then the patient's and the treatment's from their field tables, each with the summary of
# what is under it (the patient's conditions, the treatment's outcomes).
REPORT_COLUMNS = ["casebase_id", "pmid", "pmcid", "doi", "title", "journal", "publication_date", "year"]
CSV_COLUMNS = [*REPORT_COLUMNS, *PATIENT.csv_columns(), "conditions", *TREATMENT.csv_columns(), "outcomes"]
# A cell that starts like a formula is run by spreadsheets; a leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def csv_rows(report: CaseReport) -> Iterator[dict]:
    """One row per treatment of each patient; a patient without treatments, or a report without patients, is
    one row with those columns empty."""
    base = {
        "casebase_id": report.pk,
        "pmid": report.pmid,
        "pmcid": report.pmcid,
        "doi": report.doi,
        "title": report.title,
        "journal": report.journal.iso_abbreviation or report.journal.title if report.journal else "",
        "publication_date": report.publication_date,
        "year": report.pub_year,
    }
    patients = list(report.patients.all())
    if not patients:
        yield base
        return
    for patient in patients:
        row = {
            **base,
            **PATIENT.csv_cells(patient),
            "conditions": "; ".join(f"{d.condition.name} ({d.certainty})" for d in patient.diagnoses.all()),
        }
        treatments = list(patient.treatments.all())
        if not treatments:
            yield row
        for treatment in treatments:
            yield {
                **row,
                **TREATMENT.csv_cells(treatment),
                "outcomes": "; ".join(o.result for o in treatment.outcomes.all()),
            }


def iter_csv(reports: QuerySet, *, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="raise")
    writer.writeheader()
    for number, report in enumerate(in_chunks(reports), start=1):
        for row in csv_rows(report):
            writer.writerow({name: _cell(row.get(name)) for name in CSV_COLUMNS})
        if progress:
            progress(number)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def write_csv(reports: QuerySet, stream: io.TextIOBase) -> None:
    for piece in iter_csv(reports):
        stream.write(piece)


# Files ------------------------------------------------------------------------------------------------------------

FORMATS = {"json": iter_json, "csv": iter_csv}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def write_to(stream: io.TextIOBase, *, reports: QuerySet, format: str, progress: Callable[[int], None] | None = None):
    """The whole export into `stream`, which the caller hands on only once this returns: a failure part-way
    raises, and whatever was written is thrown away with the stream."""
    for piece in FORMATS[format](reports, progress=progress):
        stream.write(piece)


def write_file(*, reports: QuerySet, format: str, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the export to `path` whole or not at all, and return its size in bytes. It is written beside `path`
    under a temporary name, flushed to disk, then renamed into place: `path` is absent until the export is complete,
    and a failure (or a killed process) leaves no file that could be taken for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as out:
            write_to(out, reports=reports, format=format, progress=progress)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.stat().st_size
