"""Field values of casebase rows, read from plain records (shared by every writer)."""

import datetime
from collections.abc import Iterable

from reports.cases.records import ArticleRecord, AuthorRecord, MeshRecord, ReferenceRecord


def case_report_fields(record: ArticleRecord) -> dict:
    """The CaseReport columns a record gives (journal and the related rows are handled by the writer)."""
    return {
        "title": record.title,
        "vernacular_title": record.vernacular_title,
        "abstract": record.abstract,
        "pub_year": record.date.year,
        "pub_month": record.date.month,
        "pub_day": record.date.day,
        "pub_season": record.date.season,
        "pub_date_text": record.date.text,
        "epub_date": datetime.date.fromisoformat(record.epub_date) if record.epub_date else None,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "elocation_id": record.elocation_id,
        "doi": record.doi,
        "pmid": record.pmid,
        "pmid_version": record.pmid_version,
        "pmcid": record.pmcid,
        "language": record.language,
        "coi_statement": record.coi_statement,
    }


def author_fields(author: AuthorRecord, *, position: int) -> dict:
    return {
        "position": position,
        "last_name": author.last_name,
        "fore_name": author.fore_name,
        "initials": author.initials,
        "collective_name": author.collective_name,
        "affiliation": author.affiliation,
        "orcid": author.orcid,
    }


def mesh_heading_fields(heading: MeshRecord, *, position: int) -> dict:
    return {"position": position, "is_major": heading.is_major, "qualifiers": heading.qualifiers}


def unique_headings(headings: Iterable[MeshRecord]) -> list[MeshRecord]:
    """A descriptor once per report (its first heading), as the database keeps it."""
    first: dict[str, MeshRecord] = {}
    for heading in headings:
        first.setdefault(heading.descriptor.lower(), heading)
    return list(first.values())


def citation_fields(reference: ReferenceRecord, *, position: int) -> dict:
    return {
        "position": position,
        "raw_text": reference.raw_text,
        "title": reference.title,
        "authors": reference.authors,
        "journal": reference.journal,
        "year": reference.year,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
        "url": reference.url,
        "in_pubmed": reference.in_pubmed,
        "in_pmc": reference.in_pmc,
    }
