"""Reader for casebase JSON, the export written by reports.exporters (docs/export-format.md).

It yields the vocabulary terms first (so their synonyms and MeSH UIs are known before any report uses them),
then one record per report with its patients.
"""

import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers.errors import RecordError
from reports.importers.records import (
    ArticleRecord,
    AuthorRecord,
    DiagnosisRecord,
    FindingRecord,
    JournalRecord,
    MeshRecord,
    OutcomeRecord,
    PatientRecord,
    PublicationDate,
    ReferenceRecord,
    SubstanceRecord,
    TermRecord,
    TreatmentRecord,
)
from reports.importers.text import NotUTF8, clean, clean_line, read_utf8

SUPPORTED_VERSIONS = {1}
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)
VOCABULARIES = {
    "conditions": "condition",
    "interventions": "intervention",
    "publication_types": "publication_type",
    "mesh_descriptors": "mesh_descriptor",
    "substances": "substance",
}


class _Bad(Exception):
    """A value of the wrong shape inside one report: becomes that report's RecordError."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message


def read_casebase_json(stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord | TermRecord | RecordError]:
    try:
        data = json.loads(read_utf8(stream))
    except NotUTF8 as error:
        raise RecordError(f"the file is not UTF-8 text (byte {error.offset})", source=source) from None
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
            f"export version {_shown(version)} is not one this casebase reads "
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
            except _Bad as error:
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
        except _Bad as error:
            yield RecordError(error.message, source=source, record=number, pmid=pmid, field=error.field)


def _shown(value) -> str:
    """A value as a message quotes it: a few dozen characters at most."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**50 else f"a number of {len(str(value))} digits"
    return text if len(text) <= 60 else text[:59] + "…"


def _text(data: dict, name: str, *, line: bool = True) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(name, f"must be text, not {type(value).__name__}")
    return clean_line(value) if line else clean(value)


def _int(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(name, f"must be a whole number, not {_shown(value)}")
    return value


def _list(data: dict, name: str) -> list:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise _Bad(name, "must be a list")
    return value


def _object(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise _Bad(name, "must be an object")
    return value


def _decimal(value, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _Bad(name, f"{_shown(value)} is not a number") from None
    if not number.is_finite():
        raise _Bad(name, f"{_shown(value)} is not a number")
    return number


def _term(vocabulary: str, data) -> TermRecord:
    data = _object(data, "term")
    name = _text(data, "name")
    if not name:
        raise _Bad("name", "a term needs a name")
    synonyms = [clean_line(s) for s in _list(data, "synonyms") if isinstance(s, str) and clean_line(s)]
    return TermRecord(
        vocabulary=vocabulary,
        name=name,
        synonyms=synonyms,
        ui=_text(data, "mesh_ui") or _text(data, "ui"),
        kind=_text(data, "kind"),
        registry_number=_text(data, "registry_number"),
    )


def _report(data, number: int) -> ArticleRecord:
    data = _object(data, "report")
    date = _object(data.get("date") or {}, "date")
    year = _int(date, "year")
    if year is None:
        raise _Bad("date.year", "a report needs its publication year")
    journal = data.get("journal") or {}
    journal = _object(journal, "journal")
    source = _object(data.get("source") or {}, "source")
    return ArticleRecord(
        number=number,
        title=_text(data, "title"),
        vernacular_title=_text(data, "vernacular_title"),
        abstract=_text(data, "abstract", line=False),
        date=PublicationDate(
            year=year,
            month=_int(date, "month"),
            day=_int(date, "day"),
            season=_text(date, "season"),
            text=_text(date, "text"),
        ),
        journal=JournalRecord(
            title=_text(journal, "title"),
            iso_abbreviation=_text(journal, "iso_abbreviation"),
            issn=_text(journal, "issn"),
            nlm_unique_id=_text(journal, "nlm_unique_id"),
        ),
        epub_date=_text(data, "epub_date"),
        volume=_text(data, "volume"),
        issue=_text(data, "issue"),
        pages=_text(data, "pages"),
        elocation_id=_text(data, "elocation_id"),
        doi=normalize_doi(_text(data, "doi")),
        pmid=normalize_pmid(data.get("pmid")),
        pmid_version=_int(data, "pmid_version"),
        pmcid=normalize_pmcid(_text(data, "pmcid")),
        language=_text(data, "language"),
        coi_statement=_text(data, "coi_statement", line=False),
        authors=[_author(_object(a, "authors")) for a in _list(data, "authors")],
        keywords=[clean_line(k) for k in _list(data, "keywords") if isinstance(k, str) and clean_line(k)],
        publication_types=[
            clean_line(p) for p in _list(data, "publication_types") if isinstance(p, str) and clean_line(p)
        ],
        mesh_headings=[_mesh(_object(h, "mesh_headings")) for h in _list(data, "mesh_headings")],
        substances=[
            SubstanceRecord(name=clean_line(s))
            for s in _list(data, "substances")
            if isinstance(s, str) and clean_line(s)
        ],
        references=[_reference(_object(c, "citations")) for c in _list(data, "citations")],
        patients=[_patient(_object(p, "patients")) for p in _list(data, "patients")],
        source_format=_text(source, "format"),
        source_name=_text(source, "name"),
    )


def _author(data: dict) -> AuthorRecord:
    return AuthorRecord(
        last_name=_text(data, "last_name"),
        fore_name=_text(data, "fore_name"),
        initials=_text(data, "initials"),
        collective_name=_text(data, "collective_name"),
        affiliation=_text(data, "affiliation"),
        orcid=_text(data, "orcid"),
    )


def _mesh(data: dict) -> MeshRecord:
    qualifiers = []
    for qualifier in _list(data, "qualifiers"):
        qualifier = _object(qualifier, "qualifiers")
        name = _text(qualifier, "name")
        if not name:
            raise _Bad("mesh_headings.qualifiers", "a qualifier needs a name")
        kept = {"name": name}
        if isinstance(qualifier.get("ui"), str) and qualifier["ui"]:
            kept["ui"] = clean_line(qualifier["ui"])
        if "major" in qualifier:
            kept["major"] = bool(qualifier["major"])
        qualifiers.append(kept)
    return MeshRecord(
        descriptor=_required(data, "descriptor", "mesh_headings"),
        ui=_text(data, "ui"),
        is_major=bool(data.get("major")),
        qualifiers=qualifiers,
    )


def _reference(data: dict) -> ReferenceRecord:
    cited = data.get("cited_report") or {}
    cited = _object(cited, "citations.cited_report")
    links_to = {
        "pmid": normalize_pmid(cited.get("pmid")),
        "doi": normalize_doi(cited.get("doi") if isinstance(cited.get("doi"), str) else ""),
        "pmcid": normalize_pmcid(cited.get("pmcid") if isinstance(cited.get("pmcid"), str) else ""),
    }
    url = _text(data, "url")
    if url and not _WEB_ADDRESS.match(url):
        # Shown as a link on the report's page: a javascript: or data: address would run in the reader's browser.
        raise _Bad("citations.url", f"a reference's link starts with http:// or https://, not '{url[:40]}'")
    reference = ReferenceRecord(
        raw_text=_text(data, "raw_text"),
        title=_text(data, "title"),
        authors=_text(data, "authors"),
        journal=_text(data, "journal"),
        year=_int(data, "year"),
        volume=_text(data, "volume"),
        issue=_text(data, "issue"),
        pages=_text(data, "pages"),
        doi=normalize_doi(_text(data, "doi")),
        pmid=normalize_pmid(data.get("pmid")),
        pmcid=normalize_pmcid(_text(data, "pmcid")),
        url=url,
        in_pubmed=bool(data.get("in_pubmed")),
        in_pmc=bool(data.get("in_pmc")),
        links_to={k: v for k, v in links_to.items() if v},
    )
    if not (reference.raw_text or reference.pmid or reference.doi or reference.pmcid):
        raise _Bad("citations.raw_text", "a reference needs its text as printed, or a PMID, DOI or PMCID")
    return reference


def _patient(data: dict) -> PatientRecord:
    age = data.get("age")
    age = _object(age, "patients.age") if age is not None else None
    position = _int(data, "position") or 1
    return PatientRecord(
        position=position,
        label=_text(data, "label"),
        age_value=_decimal(age.get("value"), "patients.age.value") if age else None,
        age_unit=_text(age, "unit") if age else "",
        sex=_text(data, "sex") or "unknown",
        history=_text(data, "history", line=False),
        **_origin(data, "patients"),
        diagnoses=[
            DiagnosisRecord(
                condition=_required(d, "condition", "patients.diagnoses"),
                certainty=_text(d, "certainty") or "confirmed",
                notes=_text(d, "notes", line=False),
                **_origin(d, "patients.diagnoses"),
            )
            for d in (_object(d, "patients.diagnoses") for d in _list(data, "diagnoses"))
        ],
        findings=[
            FindingRecord(
                name=_required(f, "name", "patients.findings"),
                kind=_text(f, "kind") or "symptom",
                value=_text(f, "value"),
                unit=_text(f, "unit"),
                notes=_text(f, "notes", line=False),
                position=_int(f, "position") or 0,
            )
            for f in (_object(f, "patients.findings") for f in _list(data, "findings"))
        ],
        treatments=[_treatment(_object(t, "patients.treatments")) for t in _list(data, "treatments")],
    )


def _treatment(data: dict) -> TreatmentRecord:
    dose = data.get("dose")
    dose = _object(dose, "treatments.dose") if dose is not None else None
    outcomes = []
    for outcome in _list(data, "outcomes"):
        outcome = _object(outcome, "treatments.outcomes")
        time = outcome.get("time")
        time = _object(time, "outcomes.time") if time is not None else None
        outcomes.append(
            OutcomeRecord(
                result=_required(outcome, "result", "treatments.outcomes"),
                description=_text(outcome, "description", line=False),
                time_value=_int(time, "value") if time else None,
                time_unit=_text(time, "unit") if time else "",
                **_origin(outcome, "treatments.outcomes"),
            )
        )
    return TreatmentRecord(
        intervention=_required(data, "intervention", "patients.treatments"),
        sequence=_int(data, "sequence") or 1,
        dose_amount=_decimal(dose.get("amount"), "treatments.dose.amount") if dose else None,
        dose_unit=_text(dose, "unit") if dose else "",
        frequency=_text(data, "frequency"),
        route=_text(data, "route"),
        duration=_text(data, "duration"),
        notes=_text(data, "notes", line=False),
        outcomes=outcomes,
        **_origin(data, "patients.treatments"),
    )


def _origin(data: dict, where: str) -> dict:
    """Whether a clinical record was curated (the default) or machine-suggested, and the suggestion's sentence."""
    origin = _text(data, "origin") or "curated"
    if origin not in ("curated", "suggested"):
        raise _Bad(f"{where}.origin", f"origin is 'curated' or 'suggested', not {_shown(origin)}")
    return {"origin": origin, "evidence": _text(data, "evidence", line=False)}


def _required(data: dict, name: str, where: str) -> str:
    value = _text(data, name)
    if not value:
        raise _Bad(f"{where}.{name}", f"{name} is required")
    return value
