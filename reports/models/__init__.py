"""casebase's models: the publication (bibliography.py) and the clinical case (clinical.py)."""

from reports.models import lookups  # noqa: F401  (registers field__any_of)
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
from reports.models.clinical import (
    AGE_GROUPS,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    Origin,
    Outcome,
    Patient,
    Treatment,
    age_group_q,
)
from reports.models.imports import ImportRun
from reports.models.jobs import Job

__all__ = [
    "AGE_GROUPS",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "Author",
    "CaseReport",
    "Citation",
    "Condition",
    "Diagnosis",
    "Finding",
    "ImportRun",
    "Intervention",
    "Job",
    "Journal",
    "Keyword",
    "MeshDescriptor",
    "MeshHeading",
    "Origin",
    "Outcome",
    "Patient",
    "PublicationType",
    "ReportKeyword",
    "ReportPublicationType",
    "ReportSubstance",
    "Substance",
    "Treatment",
    "age_group_q",
]
