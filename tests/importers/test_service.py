"""import_file end to end: real files from PubMed, through format detection, into the database."""

import gzip
import json
import shutil
from pathlib import Path

import pytest

from reports.importers.service import import_file
from reports.models import Author, CaseReport, Citation, Journal, Patient

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
PUBMED = DATA / "pubmed"
SEED_NBIB = DATA / "medline" / "seed_31123647.nbib"
ORACLE = json.loads((PUBMED / "oracle.json").read_text(encoding="utf-8"))
REAL_FILES = sorted(name for name, facts in ORACLE.items() if facts.get("format"))


def test_the_medline_record_of_the_seed_article_updates_the_seed_report(seed_report):
    result = import_file(file=SEED_NBIB)
    assert (result.format, result.created, result.updated, result.refused) == ("medline", 0, 1, [])
    report = CaseReport.objects.get()
    assert (report.pk, report.pmid, report.pmcid, report.doi) == (
        seed_report.pk,
        31123647,
        "PMC6510571",
        "10.7759/cureus.4225",
    )
    assert Author.objects.get().affiliation.startswith("Rheumatology, University of Texas Southwestern")
    assert report.journal.issn == "2168-8184"
    assert Patient.objects.get().age_value == 47
    assert Citation.objects.filter(report=report).count() == 5  # MEDLINE has no references: the page's stay
    again = import_file(file=SEED_NBIB)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_the_seed_page_imports_as_the_fixture_has_it():
    result = import_file(file=Path("fixtures/source/000_8d3d7cb61a81a9c9.txt"))
    assert (result.format, result.created) == ("pubmed_page", 1)
    report = CaseReport.objects.get()
    assert (report.doi, report.elocation_id, report.journal.title) == ("10.7759/cureus.4225", "e4225", "Cureus")
    assert Citation.objects.get(position=5).pmid == 17222320


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_real_pubmed_file_imports_once_and_then_changes_nothing(name):
    facts = ORACLE[name]
    first = import_file(file=PUBMED / name)
    assert first.refused == []
    assert first.created + first.updated + first.unchanged == facts["n_records"]
    assert CaseReport.objects.count() == len({r.get("PMID") for r in facts["records"]})
    again = import_file(file=PUBMED / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, facts["n_records"])


@pytest.mark.parametrize(
    ("name", "looks_like"), [("biopython/pubmed3.html", "HTML"), ("biopython/efetch_pmc.xml", "PMC")]
)
def test_files_that_are_not_pubmed_exports_are_refused_with_what_they_look_like(name, looks_like):
    result = import_file(file=PUBMED / name)
    assert not result.ok
    assert looks_like in result.refused[0].message
    assert CaseReport.objects.count() == 0


def test_a_gzipped_xml_file_imports_like_the_plain_one(tmp_path):
    packed = tmp_path / "pubmed.xml.gz"
    with open(PUBMED / "metapub" / "25364329.xml", "rb") as plain, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(plain, out)
    result = import_file(file=packed)
    assert (result.format, result.created) == ("pubmed_xml", 1)
    assert CaseReport.objects.get().citations.count() == 41


def test_a_missing_file_is_refused_not_raised(tmp_path):
    result = import_file(file=tmp_path / "nowhere.xml")
    assert not result.ok
    assert "nowhere.xml" in result.summary()


def test_the_format_can_be_forced_and_a_wrong_guess_is_explained():
    result = import_file(file=SEED_NBIB, format="pubmed_csv")
    assert not result.ok
    assert Journal.objects.count() == 0
