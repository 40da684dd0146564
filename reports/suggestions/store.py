"""Which reports may be given suggestions, and the curator's side: accepting a suggested case.

A report's case is left alone once a curator has touched any of it: a curated patient, diagnosis, treatment or
outcome, or any finding (suggestions never make findings). Only a case that is all suggestion is replaced when the
report's abstract changes or the rules improve.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from reports import history, search_index
from reports.models import (
    CaseReport,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    Origin,
    Outcome,
    Patient,
    Treatment,
)
from reports.suggestions import SuggestionInput, suggest_case

CHUNK_SIZE = 500


def curated(*, report_ids: Iterable[int]) -> set[int]:
    """Those of the reports whose case a curator has entered or confirmed, in part or whole."""
    curated_here = Q(origin=Origin.CURATED) | Exists(
        Diagnosis.objects.filter(patient=OuterRef("pk"), origin=Origin.CURATED)
    )
    curated_here |= Exists(Treatment.objects.filter(patient=OuterRef("pk"), origin=Origin.CURATED))
    curated_here |= Exists(Outcome.objects.filter(treatment__patient=OuterRef("pk"), origin=Origin.CURATED))
    curated_here |= Exists(Finding.objects.filter(patient=OuterRef("pk")))
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
    deleted_outcomes = Outcome.changes.filter(treatment_id__in=treatments, **by_curator).values("treatment_id")
    parts |= set(Treatment.objects.filter(pk__in=deleted_outcomes).values_list("patient_id", flat=True))
    if parts:
        found |= set(Patient.objects.filter(pk__in=parts).values_list("report_id", flat=True))
    return found


def stored_cases(*, report_ids: Iterable[int]) -> dict[int, list]:
    """The patients these reports hold, as records (report id -> PatientRecords in order), to compare with what
    the rules suggest now: one set of queries for all of them."""
    from reports.exporters import PATIENT_PREFETCHES, patient_record

    stored: dict[int, list] = {}
    for patient in Patient.objects.filter(report_id__in=list(report_ids)).prefetch_related(*PATIENT_PREFETCHES):
        stored.setdefault(patient.report_id, []).append(patient_record(patient))
    return stored


def with_patients(*, report_ids: Iterable[int]) -> set[int]:
    return set(Patient.objects.filter(report_id__in=list(report_ids)).values_list("report_id", flat=True).distinct())


def accept(*, patients) -> int:
    """Confirm whole suggested cases: the patients and their diagnoses, treatments and outcomes become curated.
    Returns how many records changed."""
    patient_ids = list(patients.values_list("pk", flat=True))
    with transaction.atomic():
        suggested = {"origin": Origin.SUGGESTED}
        changed = history.update_where(Patient.objects.filter(pk__in=patient_ids, **suggested), origin=Origin.CURATED)
        for model, path in (
            (Diagnosis, "patient__in"),
            (Treatment, "patient__in"),
            (Outcome, "treatment__patient__in"),
        ):
            changed += history.update_where(
                model.objects.filter(**{path: patient_ids}, **suggested), origin=Origin.CURATED
            )
    return changed


def for_suggestions():
    """Reports with what suggestions are read from."""
    return CaseReport.objects.prefetch_related(
        "report_keywords__keyword",
        "mesh_headings__descriptor",
        "report_substances__substance",
        "report_publication_types__publication_type",
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
    from reports.importers.terms import Vocabulary
    from reports.importers.upsert import write_cases

    result = SuggestResult()
    conditions, interventions = Vocabulary(Condition), Vocabulary(Intervention)
    ids = list(reports.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        result.examined += len(chunk)
        with transaction.atomic(), search_index.deferred(connection):
            keep = curated(report_ids=chunk)
            having = with_patients(report_ids=chunk)
            result.curated += len(keep)
            todo = [pk for pk in chunk if pk not in keep and not (only_missing and pk in having)]
            result.unchanged += len(chunk) - len(keep) - len(todo)
            stored = stored_cases(report_ids=todo)
            cases, stale = [], []
            for report in for_suggestions().filter(pk__in=todo):
                patients = suggest_case(SuggestionInput.from_report(report))
                if patients == stored.get(report.pk, []):
                    if patients:
                        result.unchanged += 1
                    else:
                        result.without += 1
                    continue
                if report.pk in stored:
                    stale.append(report.pk)
                if patients:
                    cases.append((report, patients))
                    result.suggested += 1
                else:
                    result.without += 1
            if stale:
                Patient.objects.filter(report_id__in=stale).delete()
            write_cases(cases, conditions=conditions, interventions=interventions)
            search_index.refresh(connection, [*stale, *(report.pk for report, _ in cases)])
    return result


def has_suggestions(patient: Patient) -> bool:
    """Whether any part of this patient's case is still a machine suggestion."""
    return (
        patient.origin == Origin.SUGGESTED
        or Diagnosis.objects.filter(patient=patient, origin=Origin.SUGGESTED).exists()
        or Treatment.objects.filter(patient=patient, origin=Origin.SUGGESTED).exists()
        or Outcome.objects.filter(treatment__patient=patient, origin=Origin.SUGGESTED).exists()
    )
