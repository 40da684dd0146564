"""The curator's rules of cases.store that need no database."""

from reports.cases.store import edited_by_curator
from reports.models import CaseReport, Diagnosis, Finding, Origin, Outcome, Patient, Treatment


def test_a_suggested_row_a_curator_edits_becomes_curated():
    for model in (Patient, Diagnosis, Treatment, Outcome):
        row = model(origin=Origin.SUGGESTED, evidence="A 58-year-old woman presented with back pain.")
        edited_by_curator(row=row)
        assert row.origin == Origin.CURATED, model.__name__


def test_a_curated_row_a_curator_edits_stays_curated():
    row = Patient(origin=Origin.CURATED)
    edited_by_curator(row=row)
    assert row.origin == Origin.CURATED


def test_a_row_without_an_origin_is_left_as_it_is():
    row = CaseReport(title="A case")
    edited_by_curator(row=row)
    assert not hasattr(row, "origin")


def test_a_suggested_finding_a_curator_edits_becomes_curated():
    row = Finding(name="ESR", origin="suggested")
    edited_by_curator(row=row)
    assert row.origin == "curated"
