"""Writing cases, and the rules that keep a curator's work: which cases a curator has reviewed, which rows are
curated, replacing suggestions, accepting them.

"Curated" is said of a row and of a case, and a case is asked about in two ways; each has its own name here:
- a curated row (`origin` CURATED, as opposed to SUGGESTED): a curator entered it, accepted it (`accept`) or
  edited it (`edited_by_curator`).
- `reviewed` (by report): a curator entered, confirmed, corrected or deleted any part of the report's case. Such a
  case is never changed by suggestions again.
- `has_suggestions` (by patient): some part of the patient's case is still a machine suggestion, so the case is
  not wholly curated. The public "Curated cases only" filter (PatientQuerySet.curated) leaves such patients out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q

from reports import audit
from reports.cases.fields import PATIENT, PATIENT_PREFETCHES, Table, Term
from reports.cases.records import PatientRecord
from reports.cases.vocabulary import Vocabulary
from reports.models import Condition, Diagnosis, Finding, Intervention, Origin, Outcome, Patient, Treatment

# A report's id and the patients to write for it.
Case = tuple[int, list[PatientRecord]]


def vocabularies() -> dict[type[models.Model], Vocabulary]:
    """The vocabularies a case names terms of, each filled as the terms are met."""
    return {Condition: Vocabulary(Condition), Intervention: Vocabulary(Intervention)}


def write_cases(cases: Iterable[Case], *, terms: Mapping[type[models.Model], Vocabulary]) -> None:
    """The patients of these reports, with their diagnoses, findings, treatments and outcomes: a fixed number
    of queries however many reports and patients there are."""
    every = [(report_id, patient) for report_id, patients in cases for patient in patients]
    if not every:
        return
    names: dict[type[models.Model], dict[str, dict]] = {}
    for _, patient in every:
        for model, found in PATIENT.terms(patient).items():
            names.setdefault(model, {}).update({name: {} for name in found})
    ids = {model: terms[model].resolve(wanted) for model, wanted in names.items()}
    _write(PATIENT, every, ids)


def _write(table: Table, pairs: list[tuple[int, object]], ids: dict) -> None:
    rows = audit.create(table.model, [table.row(record, parent_id=parent, ids=ids) for parent, record in pairs])
    # The rows below may point to these by their term (a treatment to the diagnosis it was given for).
    for term in (column for column in table.fields if isinstance(column, Term)):
        ids.setdefault(table.model, {}).update(
            {(getattr(row, f"{table.parent}_id"), getattr(row, f"{term.name}_id")): row.pk for row in rows}
        )
    for child in table.children:
        _write(
            child,
            [
                (row.pk, item)
                for row, (_, record) in zip(rows, pairs, strict=True)
                for item in getattr(record, child.related_name)
            ],
            ids,
        )


def stored_cases(*, report_ids: Iterable[int]) -> dict[int, list[PatientRecord]]:
    """The patients these reports hold, as records (report id -> PatientRecords in order), to compare with what
    a file brings or the rules suggest now: one set of queries for all of them."""
    stored: dict[int, list[PatientRecord]] = {}
    for patient in Patient.objects.filter(report_id__in=list(report_ids)).prefetch_related(*PATIENT_PREFETCHES):
        stored.setdefault(patient.report_id, []).append(PATIENT.record(patient))
    return stored


def reviewed(*, report_ids: Iterable[int]) -> set[int]:
    """Those of the reports whose case a curator has entered, confirmed or corrected, in part or whole: a
    curated patient, diagnosis, finding, treatment or outcome, or a curator's deletion of any of them."""
    curated_here = Q(origin=Origin.CURATED) | Exists(
        Diagnosis.objects.filter(patient=OuterRef("pk"), origin=Origin.CURATED)
    )
    curated_here |= Exists(Treatment.objects.filter(patient=OuterRef("pk"), origin=Origin.CURATED))
    curated_here |= Exists(Outcome.objects.filter(treatment__patient=OuterRef("pk"), origin=Origin.CURATED))
    curated_here |= Exists(Finding.objects.filter(patient=OuterRef("pk"), origin=Origin.CURATED))
    report_ids = list(report_ids)
    found = set(
        Patient.objects.filter(report_id__in=report_ids)
        .filter(curated_here)
        .values_list("report_id", flat=True)
        .distinct()
    )
    # A curator who deleted a patient, or a diagnosis, treatment or outcome of one, has reviewed the case: what
    # they removed must not come back as a suggestion. The history says who deleted what.
    # Only the history of these reports' patients and treatments is read (through its patient and treatment
    # indexes): the whole history of deletions grows with every curator's work.
    by_curator = {"history_type": "-", "history_user__isnull": False}
    found |= set(Patient.changes.filter(report_id__in=report_ids, **by_curator).values_list("report_id", flat=True))
    patients = Patient.objects.filter(report_id__in=report_ids).values("pk")
    treatments = Treatment.objects.filter(patient__in=patients).values("pk")
    parts = set(Diagnosis.changes.filter(patient_id__in=patients, **by_curator).values_list("patient_id", flat=True))
    parts |= set(Treatment.changes.filter(patient_id__in=patients, **by_curator).values_list("patient_id", flat=True))
    parts |= set(Finding.changes.filter(patient_id__in=patients, **by_curator).values_list("patient_id", flat=True))
    deleted_outcomes = Outcome.changes.filter(treatment_id__in=treatments, **by_curator).values("treatment_id")
    parts |= set(Treatment.objects.filter(pk__in=deleted_outcomes).values_list("patient_id", flat=True))
    if parts:
        found |= set(Patient.objects.filter(pk__in=parts).values_list("report_id", flat=True))
    return found


def with_patients(*, report_ids: Iterable[int]) -> set[int]:
    return set(Patient.objects.filter(report_id__in=list(report_ids)).values_list("report_id", flat=True).distinct())


@dataclass
class Replaced:
    """What replace_suggestions did, by report id."""

    reviewed: set[int] = field(default_factory=set)  # left alone: a curator's case
    unchanged: set[int] = field(default_factory=set)  # the stored suggestions are what is suggested now
    written: set[int] = field(default_factory=set)  # given the suggested patients (replacing older suggestions)
    removed: set[int] = field(default_factory=set)  # older suggestions deleted (replaced, or nothing suggested now)


def replace_suggestions(
    *,
    suggestions: list[Case],
    replaceable: Iterable[int],
    terms: Mapping[type[models.Model], Vocabulary],
    reviewed_ids: set[int] | None = None,
) -> Replaced:
    """Store what the rules suggest for these reports, unless a curator has reviewed their case.

    Reports in `replaceable` may hold suggestions already: a case that is all suggestion is replaced by what is
    suggested now, and left as it is (rows and ids) when that is the same. `reviewed_ids` is `reviewed()` of these
    reports when the caller knows it already.
    """
    done = Replaced()
    done.reviewed = reviewed(report_ids=[pk for pk, _ in suggestions]) if reviewed_ids is None else reviewed_ids
    replaceable = set(replaceable)
    stored = stored_cases(report_ids=[pk for pk, _ in suggestions if pk in replaceable and pk not in done.reviewed])
    todo = []
    for pk, patients in suggestions:
        if pk in done.reviewed:
            continue
        if stored.get(pk, []) == patients:
            if patients:
                done.unchanged.add(pk)
            continue
        todo.append((pk, patients))
    stale = [pk for pk, _ in todo if pk in stored]
    if stale:
        Patient.objects.filter(report_id__in=stale).delete()
    done.removed = set(stale)
    written = [(pk, patients) for pk, patients in todo if patients]
    write_cases(written, terms=terms)
    done.written = {pk for pk, _ in written}
    return done


def accept(*, patients) -> int:
    """Confirm whole suggested cases: the patients and their diagnoses, findings, treatments and outcomes become
    curated.
    Returns how many records changed."""
    patient_ids = list(patients.values_list("pk", flat=True))
    with transaction.atomic():
        suggested = {"origin": Origin.SUGGESTED}
        changed = audit.update_where(Patient.objects.filter(pk__in=patient_ids, **suggested), origin=Origin.CURATED)
        for model, path in (
            (Diagnosis, "patient__in"),
            (Finding, "patient__in"),
            (Treatment, "patient__in"),
            (Outcome, "treatment__patient__in"),
        ):
            changed += audit.update_where(
                model.objects.filter(**{path: patient_ids}, **suggested), origin=Origin.CURATED
            )
    return changed


def edited_by_curator(*, row: models.Model) -> None:
    """A curator changed this row and is about to save it: a machine suggestion a curator edits is one they have
    checked, so it becomes curated. Rows that are curated already, and rows with no origin (reports),
    stay as they are. The caller saves the row; rows of the same case the curator left untouched stay suggested."""
    if getattr(row, "origin", None) == Origin.SUGGESTED:
        row.origin = Origin.CURATED


def has_suggestions(patient: Patient) -> bool:
    """Whether any part of this patient's case is still a machine suggestion."""
    return (
        patient.origin == Origin.SUGGESTED
        or Diagnosis.objects.filter(patient=patient, origin=Origin.SUGGESTED).exists()
        or Finding.objects.filter(patient=patient, origin=Origin.SUGGESTED).exists()
        or Treatment.objects.filter(patient=patient, origin=Origin.SUGGESTED).exists()
        or Outcome.objects.filter(treatment__patient=patient, origin=Origin.SUGGESTED).exists()
    )
