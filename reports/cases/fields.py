"""One field table per clinical model: what a patient, diagnosis, finding, treatment and outcome hold, said once.

Each table drives every way the case moves:
- row -> record (`Table.record`): the stored case, to compare with what a file brings or the rules suggest;
- record -> row (`Table.row`): what cases.store writes;
- row -> casebase JSON (`Table.json`) and JSON -> record (`Table.from_json`), key order included;
- the CSV columns (`Table.csv_columns`, `Table.csv_cells`).

A field added to a clinical model is added to its table here (and to the record in records.py); the comparison
that makes a re-import change nothing follows from the record, so it cannot be forgotten.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch

from reports.cases import records
from reports.cases.values import (
    Bad,
    decimal_text,
    decimal_value,
    int_value,
    list_value,
    object_value,
    required_text,
    shown,
    text_value,
)
from reports.models import Condition, Diagnosis, Finding, Intervention, Origin, Outcome, Patient, Treatment

# Ids by model, as cases.store finds them while it writes: a vocabulary term's by its lower-cased name, a row
# with a term (a diagnosis) by its parent's id and the term's id.
TermIds = Mapping[type[models.Model], Mapping]


@dataclass(frozen=True)
class Field:
    """A value that has the same name in the record, the row and casebase JSON."""

    name: str
    kind: str = "line"  # "line" (one line of text), "text" (paragraphs) or "int"
    default: object = ""  # what an empty or missing JSON value reads as
    required: bool = False
    csv: str = ""  # the CSV column, when CSV has one

    def record_values(self, row) -> dict:
        return {self.name: getattr(row, self.name)}

    def row_values(self, record, ids: TermIds, parent_id: int) -> dict:
        return {self.name: getattr(record, self.name)}

    def json(self, row) -> dict:
        return {self.name: getattr(row, self.name)}

    def from_json(self, data: dict, where: str) -> dict:
        if self.kind == "int":
            value = int_value(data, self.name)
        elif self.required:
            value = required_text(data, self.name, where)
        else:
            value = text_value(data, self.name, line=self.kind == "line")
        return {self.name: value or self.default}

    def csv_cells(self, row) -> dict:
        return {self.csv: getattr(row, self.name)} if self.csv else {}

    def csv_columns(self) -> list[str]:
        return [self.csv] if self.csv else []

    def related(self) -> list[str]:
        return []


@dataclass(frozen=True)
class Quantity:
    """A number and its unit: two columns, two record values, one JSON object ({"value": ..., "unit": ...} or null)."""

    key: str  # the JSON key: "age"
    value: str  # the column and record value: "age_value"
    unit: str  # "age_unit"
    value_key: str = "value"  # the number's key inside the JSON object ("amount" for doses)
    decimal: bool = True  # False: a whole number
    csv: tuple[str, str] | None = None

    def record_values(self, row) -> dict:
        return {self.value: getattr(row, self.value), self.unit: getattr(row, self.unit)}

    def row_values(self, record, ids: TermIds, parent_id: int) -> dict:
        return {self.value: getattr(record, self.value), self.unit: getattr(record, self.unit)}

    def json(self, row) -> dict:
        value = getattr(row, self.value)
        if value is None:
            return {self.key: None}
        return {
            self.key: {self.value_key: decimal_text(value) if self.decimal else value, "unit": getattr(row, self.unit)}
        }

    def from_json(self, data: dict, where: str) -> dict:
        given = data.get(self.key)
        if given is None:
            return {self.value: None, self.unit: ""}
        place = f"{where.rsplit('.', 1)[-1]}.{self.key}"  # "patients.age", "treatments.dose", "outcomes.time"
        given = object_value(given, place)
        if self.decimal:
            value = decimal_value(given.get(self.value_key), f"{place}.{self.value_key}")
        else:
            value = int_value(given, self.value_key)
        return {self.value: value, self.unit: text_value(given, "unit")}

    def csv_cells(self, row) -> dict:
        if not self.csv:
            return {}
        value = getattr(row, self.value)
        return {self.csv[0]: decimal_text(value) if self.decimal else value, self.csv[1]: getattr(row, self.unit)}

    def csv_columns(self) -> list[str]:
        return list(self.csv or ())

    def related(self) -> list[str]:
        return []


@dataclass(frozen=True)
class Term:
    """A vocabulary term the row points to and the record and JSON name ("condition": "Sjogren's syndrome")."""

    name: str  # the foreign key: "condition"
    model: type[models.Model]  # the vocabulary: Condition
    csv: str = ""
    csv_details: tuple[tuple[str, str], ...] = ()  # more CSV columns from the term: (("intervention_kind", "kind"),)

    def record_values(self, row) -> dict:
        return {self.name: getattr(row, self.name).name}

    def row_values(self, record, ids: TermIds, parent_id: int) -> dict:
        return {f"{self.name}_id": ids[self.model][getattr(record, self.name).lower()]}

    def json(self, row) -> dict:
        return {self.name: getattr(row, self.name).name}

    def from_json(self, data: dict, where: str) -> dict:
        return {self.name: required_text(data, self.name, where)}

    def csv_cells(self, row) -> dict:
        term = getattr(row, self.name)
        cells = {self.csv: term.name} if self.csv else {}
        return cells | {column: getattr(term, attribute) for column, attribute in self.csv_details}

    def csv_columns(self) -> list[str]:
        return ([self.csv] if self.csv else []) + [column for column, _ in self.csv_details]

    def related(self) -> list[str]:
        return [self.name]


@dataclass(frozen=True)
class Target:
    """A diagnosis of the same patient, named by its condition: what a treatment was given for ("" or null: not
    stated). The record names a condition among the patient's diagnoses; the row points to that diagnosis."""

    name: str  # the foreign key: "target"
    csv: str = ""

    def record_values(self, row) -> dict:
        target = getattr(row, self.name)
        return {self.name: target.condition.name if target else ""}

    def row_values(self, record, ids: TermIds, parent_id: int) -> dict:
        condition = getattr(record, self.name)
        if not condition:
            return {f"{self.name}_id": None}
        return {f"{self.name}_id": ids[Diagnosis][(parent_id, ids[Condition][condition.lower()])]}

    def json(self, row) -> dict:
        target = getattr(row, self.name)
        return {self.name: target.condition.name if target else None}

    def from_json(self, data: dict, where: str) -> dict:
        return {self.name: text_value(data, self.name)}

    def csv_cells(self, row) -> dict:
        target = getattr(row, self.name)
        return {self.csv: target.condition.name if target else ""} if self.csv else {}

    def csv_columns(self) -> list[str]:
        return [self.csv] if self.csv else []

    def related(self) -> list[str]:
        return [f"{self.name}__condition"]


@dataclass(frozen=True)
class Provenance:
    """Curated or machine-suggested, and the sentence a suggestion was read from. JSON marks suggestions only."""

    def record_values(self, row) -> dict:
        return {"origin": row.origin, "evidence": row.evidence}

    def row_values(self, record, ids: TermIds, parent_id: int) -> dict:
        return {"origin": record.origin, "evidence": record.evidence}

    def json(self, row) -> dict:
        if row.origin == Origin.SUGGESTED:
            return {"origin": row.origin, "evidence": row.evidence}
        return {}

    def from_json(self, data: dict, where: str) -> dict:
        origin = text_value(data, "origin") or Origin.CURATED
        if origin not in Origin.values:
            raise Bad(f"{where}.origin", f"origin is 'curated' or 'suggested', not {shown(origin)}")
        return {"origin": origin, "evidence": text_value(data, "evidence", line=False)}

    def csv_cells(self, row) -> dict:
        return {}

    def csv_columns(self) -> list[str]:
        return []

    def related(self) -> list[str]:
        return []


PROVENANCE = Provenance()


@dataclass(frozen=True)
class Table:
    """One clinical model: its fields in casebase JSON's order, and the tables under it."""

    model: type[models.Model]
    record_class: type
    parent: str  # the foreign key to the row above: "report", "patient", "treatment"
    related_name: str  # the relation from the row above, and the record's list: "patients", "diagnoses"
    where: str  # how a refusal names a value of this table: "patients.diagnoses"
    fields: tuple
    children: tuple["Table", ...] = ()

    def record(self, row):
        """A stored row, and everything under it (prefetched), as a record."""
        values = {}
        for field in self.fields:
            values |= field.record_values(row)
        for child in self.children:
            values[child.related_name] = [child.record(r) for r in getattr(row, child.related_name).all()]
        return self.record_class(**values)

    def row(self, record, *, parent_id: int, ids: TermIds):
        """A new, unsaved row of this table from a record (the tables under it are written separately)."""
        values = {f"{self.parent}_id": parent_id}
        for field in self.fields:
            values |= field.row_values(record, ids, parent_id)
        return self.model(**values)

    def json(self, row) -> dict:
        data = {}
        for field in self.fields:
            data |= field.json(row)
        for child in self.children:
            data[child.related_name] = [child.json(r) for r in getattr(row, child.related_name).all()]
        return data

    def from_json(self, data) -> object:
        data = object_value(data, self.where)
        values = {}
        for field in self.fields:
            values |= field.from_json(data, self.where)
        for child in self.children:
            values[child.related_name] = [child.from_json(item) for item in list_value(data, child.related_name)]
        return self.record_class(**values)

    def csv_columns(self) -> list[str]:
        return [column for field in self.fields for column in field.csv_columns()]

    def csv_cells(self, row) -> dict:
        cells = {}
        for field in self.fields:
            cells |= field.csv_cells(row)
        return cells

    def prefetches(self, prefix: str = "") -> list:
        """What `record` and `json` read under a row of this table, to prefetch on its queryset."""
        found = []
        for child in self.children:
            path = f"{prefix}{child.related_name}"
            terms = [name for field in child.fields for name in field.related()]
            found.append(Prefetch(path, queryset=child.model.objects.select_related(*terms)) if terms else path)
            found += child.prefetches(f"{path}__")
        return found

    def terms(self, record) -> dict[type[models.Model], list[str]]:
        """The vocabulary terms a record and the records under it name, by vocabulary."""
        named: dict[type[models.Model], list[str]] = {}
        for field in self.fields:
            if isinstance(field, Term):
                named.setdefault(field.model, []).append(getattr(record, field.name))
        for child in self.children:
            for item in getattr(record, child.related_name):
                for model, names in child.terms(item).items():
                    named.setdefault(model, []).extend(names)
        return named


FINDING = Table(
    model=Finding,
    record_class=records.FindingRecord,
    parent="patient",
    related_name="findings",
    where="patients.findings",
    fields=(
        Field("position", kind="int", default=0),
        Field("kind", default=Finding.Kind.SYMPTOM),
        Field("name", required=True),
        Field("value"),
        Field("unit"),
        Field("notes", kind="text"),
        PROVENANCE,
    ),
)

DIAGNOSIS = Table(
    model=Diagnosis,
    record_class=records.DiagnosisRecord,
    parent="patient",
    related_name="diagnoses",
    where="patients.diagnoses",
    fields=(
        Term("condition", Condition),
        Field("certainty", default=Diagnosis.Certainty.CONFIRMED),
        Field("notes", kind="text"),
        PROVENANCE,
    ),
)

OUTCOME = Table(
    model=Outcome,
    record_class=records.OutcomeRecord,
    parent="treatment",
    related_name="outcomes",
    where="treatments.outcomes",
    fields=(
        Field("result", required=True),
        Field("description", kind="text"),
        Quantity("time", "time_value", "time_unit", decimal=False),
        PROVENANCE,
    ),
)

TREATMENT = Table(
    model=Treatment,
    record_class=records.TreatmentRecord,
    parent="patient",
    related_name="treatments",
    where="patients.treatments",
    fields=(
        Field("sequence", kind="int", default=1, csv="treatment_sequence"),
        Term("intervention", Intervention, csv="intervention", csv_details=(("intervention_kind", "kind"),)),
        Target("target", csv="target"),
        Quantity("dose", "dose_amount", "dose_unit", value_key="amount", csv=("dose", "dose_unit")),
        Field("frequency", csv="frequency"),
        Field("route", csv="route"),
        Field("duration", csv="duration"),
        Field("notes", kind="text"),
        PROVENANCE,
    ),
    children=(OUTCOME,),
)

PATIENT = Table(
    model=Patient,
    record_class=records.PatientRecord,
    parent="report",
    related_name="patients",
    where="patients",
    fields=(
        Field("position", kind="int", default=1, csv="patient"),
        Field("label", csv="patient_label"),
        Quantity("age", "age_value", "age_unit", csv=("age", "age_unit")),
        Field("sex", default=Patient.Sex.UNKNOWN, csv="sex"),
        Field("history", kind="text"),
        PROVENANCE,
    ),
    children=(DIAGNOSIS, FINDING, TREATMENT),
)

# What PATIENT.record and PATIENT.json read under a patient, to prefetch on a patients queryset.
PATIENT_PREFETCHES = tuple(PATIENT.prefetches())
