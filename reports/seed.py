"""The seed fixture (fixtures/seed.json), built from a PubMed abstract page and a curation file.

The page gives the publication; the curation file (TOML, next to the page) gives the clinical facts a curator
read from the abstract. The builder makes unsaved model instances with fixed primary keys and serialises
them, so the same inputs always give the same fixture, byte for byte.
"""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models

from reports.importers.errors import RecordError
from reports.importers.mapping import author_fields, case_report_fields, citation_fields
from reports.importers.pubmed_page import parse_pubmed_page
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    Journal,
    Keyword,
    Outcome,
    Patient,
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
    for position, case in enumerate(curation.get("patients", []), start=1):
        where = f"patients[{position}]"
        patient = add(
            Patient(
                report=report,
                position=position,
                label=case.get("label", ""),
                age_value=Decimal(str(case["age"])) if "age" in case else None,
                age_unit=case.get("age_unit", ""),
                sex=case.get("sex", Patient.Sex.UNKNOWN),
                history=case.get("history", ""),
            ),
            where=where,
        )
        for diagnosis in case.get("diagnoses", []):
            add(
                Diagnosis(
                    patient=patient,
                    condition=_term(conditions, diagnosis["condition"], source=curation_name, where=where),
                    certainty=diagnosis.get("certainty", Diagnosis.Certainty.CONFIRMED),
                    notes=diagnosis.get("notes", ""),
                ),
                where=f"{where}.diagnoses",
            )
        for finding_position, finding in enumerate(case.get("findings", []), start=1):
            add(
                Finding(
                    patient=patient,
                    position=finding_position,
                    kind=finding.get("kind", Finding.Kind.SYMPTOM),
                    name=finding["name"],
                    value=finding.get("value", ""),
                    unit=finding.get("unit", ""),
                    notes=finding.get("notes", ""),
                ),
                where=f"{where}.findings",
            )
        for treatment_data in case.get("treatments", []):
            treatment = add(
                Treatment(
                    patient=patient,
                    intervention=_term(
                        interventions, treatment_data["intervention"], source=curation_name, where=where
                    ),
                    sequence=treatment_data.get("sequence", 1),
                    dose_amount=Decimal(str(treatment_data["dose"])) if "dose" in treatment_data else None,
                    dose_unit=treatment_data.get("dose_unit", ""),
                    frequency=treatment_data.get("frequency", ""),
                    route=treatment_data.get("route", ""),
                    duration=treatment_data.get("duration", ""),
                    notes=treatment_data.get("notes", ""),
                ),
                where=f"{where}.treatments",
            )
            for outcome in treatment_data.get("outcomes", []):
                add(
                    Outcome(
                        treatment=treatment,
                        result=outcome["result"],
                        description=outcome.get("description", ""),
                        time_value=outcome.get("time"),
                        time_unit=outcome.get("time_unit", ""),
                    ),
                    where=f"{where}.treatments.outcomes",
                )
    return objects


def _term(terms: dict, name: str, *, source: str, where: str):
    if name not in terms:
        raise RecordError(f"'{name}' is not among the terms listed at the top of the file", source=source, field=where)
    return terms[name]


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
