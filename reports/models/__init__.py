"""casebase's models: the publication (bibliography.py) and the clinical case (clinical.py)."""

from reports.models.bibliography import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    Author,
    CaseReport,
    Citation,
    Journal,
    Keyword,
    MeshDescriptor,
    MeshHeading,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
    Substance,
)
from reports.models.clinical import Condition, Diagnosis, Finding, Intervention, Outcome, Patient, Treatment

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "Author",
    "CaseReport",
    "Citation",
    "Condition",
    "Diagnosis",
    "Finding",
    "Intervention",
    "Journal",
    "Keyword",
    "MeshDescriptor",
    "MeshHeading",
    "Outcome",
    "Patient",
    "PublicationType",
    "ReportKeyword",
    "ReportPublicationType",
    "ReportSubstance",
    "Substance",
    "Treatment",
]
