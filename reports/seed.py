"""The seed fixture (fixtures/seed.json), built from a PubMed abstract page and a curation file.

The page gives the publication; the curation file (TOML, next to the page) gives the clinical facts a curator
read from the abstract. The builder makes unsaved model instances with fixed primary keys and serialises
them, so the same inputs always give the same fixture, byte for byte.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models

from reports.cases.fields import PATIENT, Table, Term
from reports.cases.values import Bad
from reports.importers.errors import RecordError
from reports.importers.mapping import author_fields, case_report_fields, citation_fields
from reports.importers.pubmed_page import parse_pubmed_page
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Intervention,
    Journal,
    Keyword,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    Treatment,
)

SOURCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "source"
SEED_PAGE = SOURCE_DIR / "000_8d3d7cb61a81a9c9.txt"
SEED_CURATION = SOURCE_DIR / "000_8d3d7cb61a81a9c9.curation.toml"
SEED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


@dataclass
class _Keys:
    """Primary keys handed out in build order, one counter per model."""

    counters: dict

    def next(self, model: type[models.Model]) -> int:
        self.counters[model] = self.counters.get(model, 0) + 1
        return self.counters[model]


def build_seed_objects(*, page_text: str, curation: dict, page_name: str, curation_name: str) -> list[models.Model]:
    """Unsaved instances, in an order loaddata can insert them, for one page and its curation."""
    record = parse_pubmed_page(page_text, source=page_name)
    keys = _Keys({})
    objects: list[models.Model] = []

    def add(instance: models.Model, *, where: str) -> models.Model:
        instance.pk = keys.next(type(instance))
        _validate(instance, source=curation_name if where else page_name, where=where)
        objects.append(instance)
        return instance

    journal = add(
        Journal(
            title=record.journal.title or record.journal.iso_abbreviation,
            iso_abbreviation=record.journal.iso_abbreviation,
            issn=record.journal.issn,
            nlm_unique_id=record.journal.nlm_unique_id,
        ),
        where="",
    )
    recorded_at = curation.get("recorded_at")
    if recorded_at is None:
        raise RecordError(
            "the curation file needs recorded_at (when the seed entered casebase)",
            source=curation_name,
            field="recorded_at",
        )
    report = add(
        CaseReport(
            **case_report_fields(record),
            journal=journal,
            source_format=CaseReport.SourceFormat.PUBMED_PAGE,
            source_name=f"fixtures/source/{page_name}",
            created_at=recorded_at,
            updated_at=recorded_at,
        ),
        where="",
    )
    for position, author in enumerate(record.authors, start=1):
        add(Author(report=report, **author_fields(author, position=position)), where="")
    for position, name in enumerate(record.keywords, start=1):
        keyword = add(Keyword(name=name), where="")
        add(ReportKeyword(report=report, keyword=keyword, position=position), where="")
    for position, name in enumerate(record.publication_types, start=1):
        publication_type = add(PublicationType(name=name), where="")
        add(ReportPublicationType(report=report, publication_type=publication_type, position=position), where="")
    for position, reference in enumerate(record.references, start=1):
        add(Citation(report=report, **citation_fields(reference, position=position)), where="")

    conditions = {
        term["name"]: add(
            Condition(name=term["name"], synonyms="\n".join(term.get("synonyms", []))),
            where=f"conditions: {term['name']}",
        )
        for term in curation.get("conditions", [])
    }
    interventions = {
        term["name"]: add(
            Intervention(
                name=term["name"],
                kind=term.get("kind", Intervention.Kind.DRUG),
                synonyms="\n".join(term.get("synonyms", [])),
            ),
            where=f"interventions: {term['name']}",
        )
        for term in curation.get("interventions", [])
    }
    ids = {
        Condition: {name.lower(): term.pk for name, term in conditions.items()},
        Intervention: {name.lower(): term.pk for name, term in interventions.items()},
    }
    for position, case in enumerate(curation.get("patients", []), start=1):
        where = f"patients[{position}]"
        # The order of the file is the order of the patients and of each patient's findings.
        case = {"position": position, **case}
        if isinstance(case.get("findings"), list):
            case["findings"] = [{"position": n, **f} for n, f in enumerate(case["findings"], start=1)]
        try:
            record = PATIENT.from_json(case)
        except Bad as error:
            raise RecordError(error.message, source=curation_name, field=f"{where}.{error.field}") from None
        for model, names in PATIENT.terms(record).items():
            for name in names:
                if name.lower() not in ids[model]:
                    raise RecordError(
                        f"'{name}' is not among the terms listed at the top of the file",
                        source=curation_name,
                        field=where,
                    )
        _add_rows(
            PATIENT, record, parent_id=report.pk, ids=ids, add=add, built=objects, source=curation_name, where=where
        )
    return objects


def _add_rows(table: Table, record, *, parent_id: int, ids: dict, add, built: list, source: str, where: str) -> None:
    """A record's row and the rows under it, depth first (a patient, its diagnoses, its findings, then each
    treatment followed by its outcomes), made by the case's field table as every other writer of a case makes
    them; `built` is what `add` has added so far."""
    target = getattr(record, "target", "")
    if target and (parent_id, ids[Condition].get(target.lower())) not in ids.get(Diagnosis, {}):
        raise RecordError(f"the target '{target}' is not one of this patient's diagnoses", source=source, field=where)
    row = table.row(record, parent_id=parent_id, ids=ids)
    if table.model is Treatment and row.target_id:
        # The target is not saved yet: the row points to the instance so that its checks need no database.
        row.target = next(o for o in built if isinstance(o, Diagnosis) and o.pk == row.target_id)
    add(row, where=where)
    # A treatment names its target by the condition of one of its patient's diagnoses.
    for term in (field for field in table.fields if isinstance(field, Term)):
        ids.setdefault(table.model, {})[(parent_id, getattr(row, f"{term.name}_id"))] = row.pk
    for child in table.children:
        for item in getattr(record, child.related_name):
            _add_rows(
                child,
                item,
                parent_id=row.pk,
                ids=ids,
                add=add,
                built=built,
                source=source,
                where=f"{where}.{child.related_name}",
            )


def _validate(instance: models.Model, *, source: str, where: str) -> None:
    """Field-level checks (choices, lengths, formats) with the curator's wording; the database checks the rest
    when the fixture is loaded."""
    exclude = [f.name for f in instance._meta.fields if f.is_relation or getattr(f, "generated", False)]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise RecordError(f"{instance._meta.verbose_name}: {details}", source=source, field=where) from error


def serialise(objects: list[models.Model]) -> str:
    """Django fixture JSON for unsaved instances (the generated columns are the database's to fill)."""
    names = {
        field.name
        for instance in objects
        for field in instance._meta.concrete_fields
        if not getattr(field, "generated", False)
    }
    return serializers.serialize("json", objects, indent=2, fields=sorted(names), ensure_ascii=False) + "\n"


def build_seed_fixture(*, page: Path = SEED_PAGE, curation: Path = SEED_CURATION) -> str:
    """The seed fixture's text, built from the page and its curation file."""
    try:
        curation_data = tomllib.loads(curation.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RecordError(f"not valid TOML: {error}", source=curation.name) from error
    objects = build_seed_objects(
        page_text=page.read_text(encoding="utf-8"),
        curation=curation_data,
        page_name=page.name,
        curation_name=curation.name,
    )
    return serialise(objects)
