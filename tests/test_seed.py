"""The seed fixture: built from the PubMed page and its curation file, and loaded as the page says."""

import datetime
import json
from decimal import Decimal

import pytest

from reports.importers.errors import RecordError
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
    Treatment,
)
from reports.seed import SEED_CURATION, SEED_FIXTURE, SEED_PAGE, build_seed_fixture

REFERENCES = [
    {
        "title": "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study.",
        "authors": "Younger J, Mackey S",
        "journal": "Pain Med",
        "year": 2009,
        "volume": "10",
        "pages": "663–672",
        "pmid": None,
        "url": "",
        "in_pmc": True,
        "in_pubmed": True,
    },
    {
        "title": "Different effects of opioid antagonists on μ-, δ-, and κ-opioid receptors with and without agonist "
        "pretreatment.",
        "authors": "Wang D, Sun X, Sadee W",
        "journal": "J Pharmacol Exp Ther",
        "year": 2007,
        "volume": "321",
        "pages": "544–552",
        "pmid": None,
        "url": "",
        "in_pmc": False,
        "in_pubmed": True,
    },
    {
        "title": "The use of low-dose naltrexone (LDN) as a novel anti-inflammatory treatment for chronic pain.",
        "authors": "Younger J, Parkitny L, McLain D",
        "journal": "Clin Rheumatol",
        "year": 2014,
        "volume": "33",
        "pages": "451–459",
        "pmid": None,
        "url": "",
        "in_pmc": True,
        "in_pubmed": True,
    },
    {
        "title": "Glia as the 'bad guys\": implications for improving clinical pain control and the clinical "
        "utility of opioids.",
        "authors": "Watkins LR, Hutchinson MF, Ledeboer A, Wieseler-Frank J, Milligan ED, Maier SF",
        "journal": "Brain Behav Immun",
        "year": 2007,
        "volume": "21",
        "pages": "131–146",
        "pmid": None,
        "url": "",
        "in_pmc": True,
        "in_pubmed": True,
    },
    {
        "title": "Low-dose naltrexone therapy improves active Crohn's disease.",
        "authors": "Smith JP, Stock H, Bigaman S, Mauger D, Rogosnitzky M, Zagon I",
        "journal": "Am J Gastroenterol",
        "year": 2007,
        "volume": "102",
        "pages": "820–828",
        "pmid": 17222320,
        "url": "https://insights.ovid.com/pubmed?=17222320",
        "in_pmc": False,
        "in_pubmed": True,
    },
]


def test_the_committed_fixture_equals_a_fresh_build():
    assert SEED_FIXTURE.read_text(encoding="utf-8") == build_seed_fixture()


def test_the_fixture_keeps_non_ascii_characters_as_they_are():
    text = SEED_FIXTURE.read_text(encoding="utf-8")
    for character in ("μ", "δ", "κ", "–", "'bad guys\\\""):
        assert character in text
    assert "\\u03bc" not in text


def test_the_seed_page_is_kept_in_the_repository():
    assert SEED_PAGE.read_bytes().startswith(b"Skip to main page content")
    assert SEED_CURATION.exists()


@pytest.mark.django_db
def test_after_loading_the_seed_the_report_holds_what_the_page_says(seed_report):
    report = CaseReport.objects.select_related("journal").get()
    assert report.title == "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy"
    assert report.abstract.startswith(
        "Sjogren's Syndrome is a chronic autoimmune disorder that causes the inflammation"
    )
    assert report.abstract.endswith(
        "She failed standard therapy but improved clinically with low-dose naltrexone therapy."
    )
    assert "This report describes a case of a 47-year-old female with suspected Sjogren's" in report.abstract
    assert (report.journal.title, report.journal.iso_abbreviation, report.journal.issn) == ("Cureus", "Cureus", "")
    assert (report.pub_year, report.pub_month, report.pub_day, report.pub_season) == (2019, 3, 11, "")
    assert report.pub_date_text == "2019 Mar 11"
    assert report.pub_sort == 20190311
    assert (report.volume, report.issue, report.pages, report.elocation_id) == ("11", "3", "", "e4225")
    assert report.doi == "10.7759/cureus.4225"
    # The page states no PMID, PMCID or language: they stay empty rather than being looked up.
    assert (report.pmid, report.pmcid, report.language, report.epub_date) == (None, "", "", None)
    assert report.coi_statement == "I prescribe low dose naltrexone to patients in my medical practice"
    assert report.source_format == CaseReport.SourceFormat.PUBMED_PAGE
    assert report.source_name == "fixtures/source/000_8d3d7cb61a81a9c9.txt"
    assert report.created_at == datetime.datetime(2026, 11, 26, tzinfo=datetime.UTC)

    assert list(Author.objects.values_list("position", "fore_name", "last_name", "initials", "affiliation")) == [
        (1, "Scott", "Zashin", "S", "")
    ]
    assert [link.keyword.name for link in report.report_keywords.order_by("position")] == [
        "autoimmune diseases",
        "fatigue",
        "joint pain",
        "low dose naltrexone",
        "sjogren syndrome",
    ]
    assert [link.publication_type.name for link in report.report_publication_types.all()] == ["Case Reports"]
    assert not report.mesh_headings.exists()


@pytest.mark.django_db
def test_after_loading_the_seed_the_five_references_are_read_field_by_field(seed_report):
    citations = list(Citation.objects.filter(report=seed_report).order_by("position"))
    assert [c.position for c in citations] == [1, 2, 3, 4, 5]
    for citation, expected in zip(citations, REFERENCES, strict=True):
        actual = {field: getattr(citation, field) for field in expected}
        assert actual == expected
        assert citation.raw_text.startswith(expected["title"])
        assert (citation.doi, citation.pmcid, citation.cited_report) == ("", "", None)
    assert citations[4].raw_text == (
        "Low-dose naltrexone therapy improves active Crohn's disease. Smith JP, Stock H, Bigaman S, Mauger D, "
        "Rogosnitzky M, Zagon I. https://insights.ovid.com/pubmed?=17222320. Am J Gastroenterol. 2007;102:820–828."
    )


@pytest.mark.django_db
def test_after_loading_the_seed_the_patient_is_the_curated_case(seed_report):
    patient = Patient.objects.get()
    assert (patient.report, patient.position, patient.label) == (seed_report, 1, "Case 1")
    assert (patient.age_value, patient.age_unit, patient.age_years, patient.sex) == (
        Decimal("47"),
        "years",
        47.0,
        "female",
    )

    diagnosis = Diagnosis.objects.select_related("condition").get()
    assert (diagnosis.patient, diagnosis.condition.name, diagnosis.certainty) == (
        patient,
        "Sjogren's syndrome",
        "suspected",
    )
    assert "Sjögren's syndrome" in diagnosis.condition.synonym_list

    assert list(Finding.objects.values_list("kind", "name", "value", "unit", "notes")) == [
        ("symptom", "dry eyes", "", "", "long-standing"),
        ("symptom", "dry mouth", "", "", ""),
        ("symptom", "joint pain", "", "", ""),
        ("symptom", "fatigue", "", "", ""),
        ("lab", "measures of inflammation", "elevated", "", ""),
        ("lab", "rheumatoid factor", "positive", "", ""),
    ]
    treatments = list(Treatment.objects.select_related("intervention").order_by("sequence"))
    assert [(t.sequence, t.intervention.name, t.intervention.kind) for t in treatments] == [
        (1, "Standard therapy", "other"),
        (2, "Low-dose naltrexone", "drug"),
    ]
    # The abstract gives no dose, frequency or route for either.
    assert all(t.dose_amount is None and not (t.dose_unit or t.frequency or t.route) for t in treatments)
    assert Intervention.objects.get(name="Low-dose naltrexone").synonym_list == ["LDN", "low dose naltrexone"]
    assert list(Outcome.objects.order_by("treatment__sequence").values_list("treatment__sequence", "result")) == [
        (1, "failed"),
        (2, "improved"),
    ]


@pytest.mark.django_db
def test_the_seed_holds_no_other_rows(seed_report):
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Journal,
            CaseReport,
            Author,
            Keyword,
            PublicationType,
            Citation,
            Patient,
            Condition,
            Diagnosis,
            Finding,
            Intervention,
            Treatment,
            Outcome,
        )
    }
    assert counts == {
        "Journal": 1,
        "CaseReport": 1,
        "Author": 1,
        "Keyword": 5,
        "PublicationType": 1,
        "Citation": 5,
        "Patient": 1,
        "Condition": 1,
        "Diagnosis": 1,
        "Finding": 6,
        "Intervention": 2,
        "Treatment": 2,
        "Outcome": 2,
    }


def test_the_fixture_is_plain_django_json_without_generated_columns():
    objects = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    assert {item["model"] for item in objects} >= {"reports.casereport", "reports.patient", "reports.outcome"}
    assert all("age_years" not in item["fields"] and "pub_sort" not in item["fields"] for item in objects)


def write_curation(tmp_path, text: str):
    path = tmp_path / "curation.toml"
    path.write_text("recorded_at = 2026-11-26T00:00:00Z\n" + text, encoding="utf-8")
    return path


def test_a_curation_value_outside_the_choices_is_named_in_the_error(tmp_path):
    curation = write_curation(tmp_path, '[[patients]]\nsex = "woman"\n')
    with pytest.raises(RecordError) as error:
        build_seed_fixture(curation=curation)
    assert str(error.value).startswith("curation.toml, field 'patients[1]': patient: sex: Value 'woman' is not a valid")


def test_a_treatment_with_an_intervention_not_listed_is_refused(tmp_path):
    curation = write_curation(tmp_path, '[[patients]]\n[[patients.treatments]]\nintervention = "Aspirin"\n')
    with pytest.raises(RecordError, match=r"'Aspirin' is not among the terms listed at the top of the file"):
        build_seed_fixture(curation=curation)


def test_a_curation_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text("[[patients]\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"curation\.toml: not valid TOML"):
        build_seed_fixture(curation=path)


def test_a_page_that_is_not_a_pubmed_page_is_refused(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<html><body>Hello</body></html>", encoding="utf-8")
    with pytest.raises(RecordError, match=r"page\.txt, field 'citation'"):
        build_seed_fixture(page=page)


def test_a_curation_value_of_the_wrong_shape_is_named_in_the_error(tmp_path):
    curation = write_curation(tmp_path, "[[patients]]\nage = 47\n")
    with pytest.raises(RecordError, match=r"field 'patients\[1\]\.patients\.age'.*must be an object"):
        build_seed_fixture(curation=curation)


def test_a_treatment_target_that_is_not_a_diagnosis_of_the_patient_is_refused(tmp_path):
    curation = write_curation(
        tmp_path,
        '[[conditions]]\nname = "Gout"\n[[interventions]]\nname = "Colchicine"\n'
        '[[patients]]\n[[patients.treatments]]\nintervention = "Colchicine"\ntarget = "Gout"\n',
    )
    with pytest.raises(RecordError, match=r"the target 'Gout' is not one of this patient's diagnoses"):
        build_seed_fixture(curation=curation)


def test_a_treatment_target_among_the_diagnoses_points_to_that_diagnosis(tmp_path):
    import json

    curation = write_curation(
        tmp_path,
        '[[conditions]]\nname = "Gout"\n[[interventions]]\nname = "Colchicine"\n'
        '[[patients]]\n[[patients.diagnoses]]\ncondition = "Gout"\n'
        '[[patients.treatments]]\nintervention = "Colchicine"\ntarget = "gout"\n',
    )
    objects = json.loads(build_seed_fixture(curation=curation))
    diagnosis = next(o for o in objects if o["model"] == "reports.diagnosis")
    treatment = next(o for o in objects if o["model"] == "reports.treatment")
    assert treatment["fields"]["target"] == diagnosis["pk"]
