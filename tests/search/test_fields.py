"""Every query form on a small catalogue: the same answers on SQLite and PostgreSQL (CI runs this on both), field
tags for text and for structured data, truncation, NOT as a minus, and the MeSH tree."""

import pytest

from reports.models import CaseReport, Condition, Finding, MeshDescriptor, MeshHeading
from reports.search.engine import matching
from reports.search.query import parse
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    spine = make_report(
        title="Schwannoma of the lumbar spine",
        abstract="Her fitbit recorded the pain. Naltrexone helped.",
        journal="Cureus",
        pmid=111,
        doi="10.1/spine",
        pmcid="PMC111",
        language="eng",
        pub_year=2019,
        pub_month=3,
        publication_types=["Case Reports"],
    )
    spine.authors.create(position=1, last_name="Smith", fore_name="John", initials="J")
    sjogren = MeshDescriptor.objects.create(name="Sjogren's Syndrome", ui="D012859")
    MeshHeading.objects.create(report=spine, descriptor=sjogren, is_major=True)
    coaching = make_report(
        title="Fitbit and chatbot coaching after surgery",
        abstract="A schwannoma was removed; the chatbot coached her.",
        journal="BMJ Case Rep",
        pmid=222,
        language="fre; eng",
        pub_year=2021,
        publication_types=["Review"],
    )
    coaching.authors.create(position=1, last_name="Jones", fore_name="Anna", initials="A")
    coaching.authors.create(position=2, last_name="Smith", fore_name="Jane", initials="J")
    autoimmune = MeshDescriptor.objects.create(name="Autoimmune Diseases", ui="D001327")
    MeshHeading.objects.create(report=coaching, descriptor=autoimmune)
    patient = make_patient(coaching, conditions={"Systemic lupus erythematosus": "confirmed"})
    make_patient(coaching, treatments=[("Low dose naltrexone", ["improved"])])
    Finding.objects.create(patient=patient, name="ESR", value="90")
    itch = make_report(title="Naltrexone for itch", abstract="Tracked with a fitbit.", pub_year=2015, language="ger")
    return {"spine": spine, "coaching": coaching, "itch": itch}


def found(text: str) -> set[str]:
    names = {"Schwannoma of the lumbar spine": "spine", "Naltrexone for itch": "itch"}
    titles = matching(CaseReport.objects.all(), query=parse(text)).values_list("title", flat=True)
    return {names.get(title, "coaching") for title in titles}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Words, operators, parentheses
        ("fitbit", {"spine", "coaching", "itch"}),
        ("fitbit NOT chatbot", {"spine", "itch"}),
        ("fitbit -chatbot", {"spine", "itch"}),
        ("NOT chatbot", {"spine", "itch"}),
        ("chatbot OR itch", {"coaching", "itch"}),
        ("fitbit AND (chatbot OR itch)", {"coaching", "itch"}),
        ("(schwannoma NOT chatbot) OR itch", {"spine", "itch"}),
        ("fitbit NOT (chatbot OR itch)", {"spine"}),
        ("chatbot OR -fitbit", {"coaching"}),  # FTS5 has no NOT alone: a filter beside the index
        ('"lumbar spine" OR "chatbot coached"', {"spine", "coaching"}),
        # Truncation
        ("naltrex*", {"spine", "coaching", "itch"}),
        ("schwann*", {"spine", "coaching"}),
        ("coach* NOT surg*", set()),
        ("schwann*[ti]", {"spine"}),
        # Text fields
        ("schwannoma[ti]", {"spine"}),
        ("schwannoma[ab]", {"coaching"}),
        ("schwannoma[tiab]", {"spine", "coaching"}),
        ("fitbit[ti]", {"coaching"}),
        ("naltrexone[ti] OR chatbot[ab]", {"itch", "coaching"}),
        ('"lumbar spine"[ti]', {"spine"}),
        ("lumbar spine[title]", {"spine"}),
        ("erythematosus[ti]", set()),  # a clinical term is not in the title
        # Structured data
        ("Smith J[au]", {"spine", "coaching"}),
        ("Smith J[1au]", {"spine"}),
        ("John Smith[author]", {"spine"}),
        ("Cureus[ta]", {"spine"}),
        ("bmj case rep[journal]", {"coaching"}),
        ("case reports[pt]", {"spine"}),
        ("2019[dp]", {"spine"}),
        ("2019/03[dp]", {"spine"}),
        ("2019/04[dp]", set()),
        ("2016:2021[dp]", {"spine", "coaching"}),
        ("english[la]", {"spine", "coaching"}),
        ("fre[la]", {"coaching"}),
        ("222[pmid]", {"coaching"}),
        ("10.1/SPINE[doi]", {"spine"}),
        ("PMC111[pmc]", {"spine"}),
        ("lupus[condition]", {"coaching"}),
        ("naltrexone[intervention]", {"coaching"}),
        ("improved[outcome]", {"coaching"}),
        ("esr[finding]", {"coaching"}),
        # MeSH: exploded by default, major topics, automatic term mapping
        ("Sjogren Syndrome[mh]", {"spine"}),
        ("Autoimmune Diseases[mh]", {"spine", "coaching"}),  # Sjogren's Syndrome is under it
        ("Autoimmune Diseases[mh:noexp]", {"coaching"}),
        ("Autoimmune Diseases[majr]", {"spine"}),
        ("sicca syndrome", {"spine"}),  # an entry term of Sjogren's Syndrome
        ("fitbit autoimmune diseases", {"spine", "coaching"}),
        # Mixed
        ("fitbit NOT Smith J[au]", {"itch"}),
        ("schwannoma AND 2021[dp]", {"coaching"}),
        ("(Cureus[ta] OR itch) NOT 2015[dp]", {"spine"}),
        ("naltrex* -lupus[condition]", {"spine", "itch"}),
    ],
)
def test_each_query_form_finds_what_it_says(catalogue, text, expected):
    assert found(text) == expected


def test_not_finds_what_a_minus_finds(catalogue):
    assert found("fitbit NOT chatbot") == found("fitbit -chatbot") == found("fitbit -chatbot[tiab]") != set()


def test_a_ruled_out_diagnosis_is_not_a_condition(catalogue):
    coaching = catalogue["coaching"]
    make_patient(catalogue["itch"], conditions={"Systemic lupus erythematosus": "ruled_out"})
    assert found("lupus[condition]") == {"coaching"}
    assert coaching.pk


def test_a_condition_with_a_mesh_heading_counts_for_mh(catalogue):
    # A curated report need not carry PubMed's MeSH: its patient's condition is the heading.
    condition = Condition.objects.create(name="Sjogren's syndrome", mesh_ui="D012859")
    patient = make_patient(catalogue["itch"])
    patient.diagnoses.create(condition=condition)
    assert found("Sjogren Syndrome[mh]") == {"spine", "itch"}
    assert found("Sjogren Syndrome[majr]") == {"spine"}
