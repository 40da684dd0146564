"""The seed article, imported without its curation file (as its PubMed page, or as its MEDLINE record), is suggested
as the curation file describes it: the reading of the text is checked against a curator's reading of the same
abstract."""

import tomllib
from pathlib import Path

import pytest

from reports.importers.service import import_file
from reports.models import Patient
from reports.seed import SEED_CURATION, SEED_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def curated():
    return tomllib.loads(SEED_CURATION.read_text(encoding="utf-8"))["patients"][0]


SEED_MEDLINE = Path(__file__).resolve().parent.parent / "data" / "medline" / "seed_31123647.nbib"


@pytest.fixture(params=[SEED_PAGE, SEED_MEDLINE], ids=["pubmed-page", "medline"])
def suggested(request):
    result = import_file(file=request.param, via="command")
    assert (result.created, result.suggested) == (1, 1)
    return Patient.objects.prefetch_related(
        "diagnoses__condition", "findings", "treatments__intervention", "treatments__outcomes", "treatments__target"
    ).get()


def test_the_patient_is_the_curators(suggested, curated):
    assert suggested.origin == "suggested"
    assert (suggested.age_value, suggested.age_unit, suggested.sex) == (
        curated["age"]["value"],
        curated["age"]["unit"],
        curated["sex"],
    )


def test_the_diagnosis_is_sjogrens_syndrome_and_only_suspected(suggested, curated):
    # The keywords name "autoimmune diseases" too: a category, not a second diagnosis.
    assert [(d.condition.name.lower(), d.certainty) for d in suggested.diagnoses.all()] == [
        (d["condition"].lower(), d["certainty"]) for d in curated["diagnoses"]
    ]
    assert "suspected Sjogren's" in suggested.diagnoses.get().evidence


def test_the_findings_are_the_curators(suggested, curated):
    assert [(f.name, f.kind, f.value) for f in suggested.findings.all()] == [
        (f["name"], f["kind"], f.get("value", "")) for f in curated["findings"]
    ]
    assert all(f.origin == "suggested" for f in suggested.findings.all())


def test_standard_therapy_failed_then_low_dose_naltrexone_improved(suggested, curated):
    treatments = list(suggested.treatments.all())
    assert [(t.sequence, t.intervention.name.lower(), [o.result for o in t.outcomes.all()]) for t in treatments] == [
        (t["sequence"], t["intervention"].lower(), [o["result"] for o in t["outcomes"]]) for t in curated["treatments"]
    ]
    # Both were given for her one condition.
    assert {t.target.condition.name.lower() for t in treatments} == {"sjogren's syndrome"}
    assert "improved clinically with low-dose naltrexone" in treatments[1].outcomes.get().evidence
