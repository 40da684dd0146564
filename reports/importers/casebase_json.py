"""Reader for casebase JSON, the export written by reports.exporters (docs/export-format.md).

It yields the vocabulary terms first (so their synonyms and MeSH UIs are known before any report uses them),
then one record per report with its patients.
"""

import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from reports.cases.fields import PATIENT
from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    PublicationDate,
    ReferenceRecord,
    SubstanceRecord,
    TermRecord,
)
from reports.cases.values import (
    Bad,
    int_value,
    list_value,
    object_value,
    required_text,
    shown,
    text_value,
)
from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers import limits
from reports.importers.errors import RecordError
from reports.text import NotUTF8, clean_line, read_utf8

SUPPORTED_VERSIONS = {1}
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)
VOCABULARIES = {
    "conditions": "condition",
    "interventions": "intervention",
    "publication_types": "publication_type",
    "mesh_descriptors": "mesh_descriptor",
    "substances": "substance",
}


def read_casebase_json(stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord | TermRecord | RecordError]:
    try:
        data = json.loads(
            read_utf8(limits.Bounded(stream, limit=limits.JSON_BYTES, source=source, what="casebase exports"))
        )
    except NotUTF8 as error:
        raise RecordError(f"the file is not UTF-8 text (byte {error.offset})", source=source) from None
    except RecordError:  # larger than casebase reads (a ValueError too, so it comes before the number check)
        raise
    except json.JSONDecodeError as error:
        raise RecordError(f"not valid JSON: {error.msg} at line {error.lineno}", source=source) from error
    except ValueError:  # Python reads whole numbers of at most 4300 digits
        raise RecordError("not a casebase export: it has a number of more than 4300 digits", source=source) from None
    except RecursionError:
        raise RecordError("not a casebase export: its lists and objects are nested too deep", source=source) from None
    if not isinstance(data, dict) or data.get("format") != "casebase":
        raise RecordError(
            'not a casebase export: the file must be a JSON object with "format": "casebase"', source=source
        )
    version = data.get("version")
    if type(version) is not int or version not in SUPPORTED_VERSIONS:  # not a list (unhashable), nor true for 1
        raise RecordError(
            f"export version {shown(version)} is not one this casebase reads "
            f"({', '.join(map(str, SUPPORTED_VERSIONS))})",
            source=source,
        )
    vocabularies = data.get("vocabularies") or {}
    if not isinstance(vocabularies, dict):
        raise RecordError('"vocabularies" must be an object', source=source)
    for key, vocabulary in VOCABULARIES.items():
        terms = vocabularies.get(key) or []
        if not isinstance(terms, list):
            raise RecordError(f'"vocabularies.{key}" must be a list', source=source)
        for number, term in enumerate(terms, start=1):
            try:
                yield _term(vocabulary, term)
            except Bad as error:
                raise RecordError(
                    error.message, source=source, field=f"vocabularies.{key}[{number}].{error.field}"
                ) from None
    reports = data.get("reports")
    if not isinstance(reports, list):
        raise RecordError('"reports" must be a list', source=source)
    for number, item in enumerate(reports, start=1):
        pmid = normalize_pmid(item.get("pmid")) if isinstance(item, dict) else None
        try:
            yield _report(item, number)
        except Bad as error:
            yield RecordError(error.message, source=source, record=number, pmid=pmid, field=error.field)


def _term(vocabulary: str, data) -> TermRecord:
    data = object_value(data, "term")
    name = text_value(data, "name")
    if not name:
        raise Bad("name", "a term needs a name")
    synonyms = [clean_line(s) for s in list_value(data, "synonyms") if isinstance(s, str) and clean_line(s)]
    return TermRecord(
        vocabulary=vocabulary,
        name=name,
        synonyms=synonyms,
        ui=text_value(data, "mesh_ui") or text_value(data, "ui"),
        kind=text_value(data, "kind"),
        registry_number=text_value(data, "registry_number"),
    )


def _report(data, number: int) -> ArticleRecord:
    data = object_value(data, "report")
    date = object_value(data.get("date") or {}, "date")
    year = int_value(date, "year")
    if year is None:
        raise Bad("date.year", "a report needs its publication year")
    journal = data.get("journal") or {}
    journal = object_value(journal, "journal")
    source = object_value(data.get("source") or {}, "source")
    return ArticleRecord(
        number=number,
        title=text_value(data, "title"),
        vernacular_title=text_value(data, "vernacular_title"),
        abstract=text_value(data, "abstract", line=False),
        date=PublicationDate(
            year=year,
            month=int_value(date, "month"),
            day=int_value(date, "day"),
            season=text_value(date, "season"),
            text=text_value(date, "text"),
        ),
        journal=JournalRecord(
            title=text_value(journal, "title"),
            iso_abbreviation=text_value(journal, "iso_abbreviation"),
            issn=text_value(journal, "issn"),
            nlm_unique_id=text_value(journal, "nlm_unique_id"),
        ),
        epub_date=text_value(data, "epub_date"),
        volume=text_value(data, "volume"),
        issue=text_value(data, "issue"),
        pages=text_value(data, "pages"),
        elocation_id=text_value(data, "elocation_id"),
        doi=normalize_doi(text_value(data, "doi")),
        pmid=normalize_pmid(data.get("pmid")),
        pmid_version=int_value(data, "pmid_version"),
        pmcid=normalize_pmcid(text_value(data, "pmcid")),
        language=text_value(data, "language"),
        coi_statement=text_value(data, "coi_statement", line=False),
        authors=[_author(object_value(a, "authors")) for a in list_value(data, "authors")],
        keywords=[clean_line(k) for k in list_value(data, "keywords") if isinstance(k, str) and clean_line(k)],
        publication_types=[
            clean_line(p) for p in list_value(data, "publication_types") if isinstance(p, str) and clean_line(p)
        ],
        mesh_headings=[_mesh(object_value(h, "mesh_headings")) for h in list_value(data, "mesh_headings")],
        substances=[
            SubstanceRecord(name=clean_line(s))
            for s in list_value(data, "substances")
            if isinstance(s, str) and clean_line(s)
        ],
        references=[_reference(object_value(c, "citations")) for c in list_value(data, "citations")],
        patients=[PATIENT.from_json(p) for p in list_value(data, "patients")],
        source_format=text_value(source, "format"),
        source_name=text_value(source, "name"),
    )


def _author(data: dict) -> AuthorRecord:
    return AuthorRecord(
        last_name=text_value(data, "last_name"),
        fore_name=text_value(data, "fore_name"),
        initials=text_value(data, "initials"),
        collective_name=text_value(data, "collective_name"),
        affiliation=text_value(data, "affiliation"),
        orcid=text_value(data, "orcid"),
    )


def _mesh(data: dict) -> MeshRecord:
    qualifiers = []
    for qualifier in list_value(data, "qualifiers"):
        qualifier = object_value(qualifier, "qualifiers")
        name = text_value(qualifier, "name")
        if not name:
            raise Bad("mesh_headings.qualifiers", "a qualifier needs a name")
        kept = {"name": name}
        if isinstance(qualifier.get("ui"), str) and qualifier["ui"]:
            kept["ui"] = clean_line(qualifier["ui"])
        if "major" in qualifier:
            kept["major"] = bool(qualifier["major"])
        qualifiers.append(kept)
    return MeshRecord(
        descriptor=required_text(data, "descriptor", "mesh_headings"),
        ui=text_value(data, "ui"),
        is_major=bool(data.get("major")),
        qualifiers=qualifiers,
    )


def _reference(data: dict) -> ReferenceRecord:
    cited = data.get("cited_report") or {}
    cited = object_value(cited, "citations.cited_report")
    links_to = {
        "pmid": normalize_pmid(cited.get("pmid")),
        "doi": normalize_doi(cited.get("doi") if isinstance(cited.get("doi"), str) else ""),
        "pmcid": normalize_pmcid(cited.get("pmcid") if isinstance(cited.get("pmcid"), str) else ""),
    }
    url = text_value(data, "url")
    if url and not _WEB_ADDRESS.match(url):
        # Shown as a link on the report's page: a javascript: or data: address would run in the reader's browser.
        raise Bad("citations.url", f"a reference's link starts with http:// or https://, not '{url[:40]}'")
    reference = ReferenceRecord(
        raw_text=text_value(data, "raw_text"),
        title=text_value(data, "title"),
        authors=text_value(data, "authors"),
        journal=text_value(data, "journal"),
        year=int_value(data, "year"),
        volume=text_value(data, "volume"),
        issue=text_value(data, "issue"),
        pages=text_value(data, "pages"),
        doi=normalize_doi(text_value(data, "doi")),
        pmid=normalize_pmid(data.get("pmid")),
        pmcid=normalize_pmcid(text_value(data, "pmcid")),
        url=url,
        in_pubmed=bool(data.get("in_pubmed")),
        in_pmc=bool(data.get("in_pmc")),
        links_to={k: v for k, v in links_to.items() if v},
    )
    if not (reference.raw_text or reference.pmid or reference.doi or reference.pmcid):
        raise Bad("citations.raw_text", "a reference needs its text as printed, or a PMID, DOI or PMCID")
    return reference
