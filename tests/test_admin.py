"""The curators' admin, driven through its real pages by a logged-in curator, the way a browser would use it."""

import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from reports.importers.service import import_file
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Finding,
    ImportRun,
    Intervention,
    Job,
    Journal,
    Keyword,
    MeshDescriptor,
    MeshHeading,
    Outcome,
    Patient,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
    Substance,
    Treatment,
)
from tests.admin_forms import open_admin_form
from tests.factories import make_patient, make_report
from tests.jobs import run_jobs
from tests.markup import HOSTILE_ABSTRACT, HOSTILE_REFERENCE, HOSTILE_TITLE, hostile_pubmed_file, live_markup


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label == "reports"]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def change_url(obj) -> str:
    return admin_url(type(obj), "change", obj.pk)


def link(url: str, text: str) -> str:
    return f'<a href="{url}">{escape(text)}</a>'


def report_contents(report: CaseReport) -> dict[str, int]:
    return {
        "authors": report.authors.count(),
        "keywords": report.report_keywords.count(),
        "publication types": report.report_publication_types.count(),
        "patients": report.patients.count(),
        "citations": report.citations.count(),
        "findings": Finding.objects.filter(patient__report=report).count(),
        "treatments": Treatment.objects.filter(patient__report=report).count(),
    }


SEED_REPORT_CONTENTS = {
    "authors": 1,
    "keywords": 5,
    "publication types": 1,
    "patients": 1,
    "citations": 5,
    "findings": 6,
    "treatments": 2,
}


@pytest.fixture
def every_model_has_a_row(seed_report):
    """The seed, plus a MeSH heading, a substance and an import run (the seed has none of them), so every
    registered admin has a row to show."""
    ImportRun.objects.create(source="pubmed.xml", format="pubmed_xml", via="command", records=1, created=1)
    Job.objects.create(kind=Job.Kind.EXPORT, params={"format": "json", "query": ""})
    descriptor = MeshDescriptor.objects.create(name="Sjogren's Syndrome", ui="D012859")
    MeshHeading.objects.create(report=seed_report, descriptor=descriptor, is_major=True, position=1)
    substance = Substance.objects.create(name="Naltrexone", ui="D009271", registry_number="5S6W795CQM")
    ReportSubstance.objects.create(report=seed_report, substance=substance, position=1)
    return seed_report


@pytest.fixture
def seed_patient(seed_report) -> Patient:
    return seed_report.patients.get()


@pytest.fixture
def naltrexone_treatment(seed_patient) -> Treatment:
    return seed_patient.treatments.get(intervention__name="Low-dose naltrexone")


# Every page renders -----------------------------------------------------------------------------------------------


def test_the_reports_app_registers_the_models_a_curator_edits():
    assert {model.__name__ for model in registered_models()} == {
        "CaseReport",
        "Patient",
        "Treatment",
        "Citation",
        "Condition",
        "Intervention",
        "Journal",
        "Keyword",
        "PublicationType",
        "MeshDescriptor",
        "Substance",
        # Parts of a case edited inline elsewhere, listed too so that their history can be found and restored.
        "Diagnosis",
        "Finding",
        "Outcome",
        "Author",
        # The record of imports, and the exports and imports run in the background: read only.
        "ImportRun",
        "Job",
    }


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.model_name)
def test_every_admin_list_shows_all_its_rows(staff_client, every_model_has_a_row, model):
    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert len(rows) == model.objects.count() > 0
    for row in rows:
        assertContains(response, change_url(row))


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.model_name)
def test_every_admin_change_page_shows_its_object(staff_client, every_model_has_a_row, model):
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"every_model_has_a_row should give {model.__name__} a row, so its page is tested"

    response = staff_client.get(change_url(obj))

    assert response.status_code == 200
    assert response.context["original"] == obj
    assertContains(response, f"<h2>{escape(str(obj))}</h2>", html=True)


@pytest.mark.parametrize(
    "model", [m for m in registered_models() if m not in (ImportRun, Job)], ids=lambda model: model._meta.model_name
)
def test_every_admin_add_page_offers_an_empty_form(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert response.context["add"] is True
    assertContains(response, f"Add {model._meta.verbose_name}")


def test_the_record_of_imports_is_read_only(staff_client):
    run = ImportRun.objects.create(source="pubmed.xml", format="pubmed_xml", via="command")
    assert staff_client.get(admin_url(ImportRun, "add")).status_code == 403
    page = staff_client.get(admin_url(ImportRun, "change", run.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert staff_client.post(admin_url(ImportRun, "delete", run.pk), {"post": "yes"}).status_code == 403


# What the pages show ----------------------------------------------------------------------------------------------


def test_the_vocabulary_lists_show_how_often_each_term_is_used(staff_client, seed_report):
    make_patient(
        make_report(),
        conditions={"Sjogren's syndrome": "confirmed"},
        treatments=[("Low-dose naltrexone", ["resolved"])],
    )
    Condition.objects.create(name="Sarcoidosis")

    conditions = staff_client.get(admin_url(Condition, "changelist"))
    interventions = staff_client.get(admin_url(Intervention, "changelist"))

    assert [(term.name, term.use_count) for term in conditions.context["cl"].result_list] == [
        ("Sarcoidosis", 0),
        ("Sjogren's syndrome", 2),
    ]
    assert [(term.name, term.use_count) for term in interventions.context["cl"].result_list] == [
        ("Low-dose naltrexone", 2),
        ("Standard therapy", 1),
    ]
    assertContains(conditions, '<td class="field-uses">2</td>', html=True)
    assertContains(
        conditions,
        '<td class="field-synonym_text">Sjögren&#x27;s syndrome, Sjogren syndrome, Sjögren syndrome</td>',
        html=True,
    )


def test_searching_the_report_list_by_author_lists_each_report_once_with_its_patient_count(staff_client):
    report = make_report(title="Twins with a rash")
    Author.objects.create(report=report, position=1, last_name="Smith", fore_name="Ann")
    Author.objects.create(report=report, position=2, last_name="Smith", fore_name="Bob")
    make_patient(report)
    make_patient(report)
    make_report(title="A report by someone else")

    response = staff_client.get(admin_url(CaseReport, "changelist"), {"q": "smith"})

    assert [(row.title, row.patient_total) for row in response.context["cl"].result_list] == [("Twins with a rash", 2)]
    assertContains(response, '<td class="field-patient_count">2</td>', count=1, html=True)


def test_the_report_page_shows_the_authors_in_their_order(staff_client, seed_report):
    # A second author whose name sorts before the first, so the order on the page can only come from the positions.
    Author.objects.create(report=seed_report, position=2, last_name="Abbott", fore_name="Ann", initials="A")

    form = open_admin_form(staff_client, change_url(seed_report))

    assert form["authors-INITIAL_FORMS"] == "2"
    assert [(form[f"authors-{i}-position"], form[f"authors-{i}-last_name"]) for i in range(2)] == [
        ("1", "Zashin"),
        ("2", "Abbott"),
    ]
    assert form["authors-0-fore_name"] == "Scott"


def test_the_report_page_shows_the_seed_reports_indexing_and_conflict_of_interest(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))

    assert form["title"] == "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy"
    assert form.label("journal") == "Cureus"
    assert form["doi"] == "10.7759/cureus.4225"
    assert form["report_keywords-INITIAL_FORMS"] == "5"
    assert [form.label(f"report_keywords-{i}-keyword") for i in range(5)] == [
        "autoimmune diseases",
        "fatigue",
        "joint pain",
        "low dose naltrexone",
        "sjogren syndrome",
    ]
    assert form["report_publication_types-INITIAL_FORMS"] == "1"
    assert form.label("report_publication_types-0-publication_type") == "Case Reports"
    assert form["coi_statement"] == "I prescribe low dose naltrexone to patients in my medical practice"


def test_the_report_page_shows_the_five_citations_in_order_with_links(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))

    assert (form["citations-TOTAL_FORMS"], form["citations-INITIAL_FORMS"]) == ("5", "5")
    assert [form[f"citations-{i}-position"] for i in range(5)] == ["1", "2", "3", "4", "5"]
    citations = list(seed_report.citations.order_by("position"))
    assert [form[f"citations-{i}-raw_text"] for i in range(5)] == [citation.raw_text for citation in citations]
    assert citations[0].raw_text.startswith("Fibromyalgia symptoms are reduced by low-dose naltrexone")
    assert form["citations-4-pmid"] == "17222320"
    for citation in citations:
        assertContains(form.page, change_url(citation))


def test_the_report_page_shows_its_patient_with_a_link_to_the_patients_page(staff_client, seed_report, seed_patient):
    form = open_admin_form(staff_client, change_url(seed_report))

    assert form["patients-INITIAL_FORMS"] == "1"
    assert (form["patients-0-position"], form["patients-0-label"]) == ("1", "Case 1")
    assert (form["patients-0-age_value"], form["patients-0-age_unit"], form["patients-0-sex"]) == (
        "47.00",
        "years",
        "female",
    )
    assertContains(form.page, "Case 1: female, 47 years")
    assertContains(form.page, f'<a href="{change_url(seed_patient)}" class="inlinechangelink">Change</a>', html=True)
    assertContains(
        form.page,
        escape("Sjogren's syndrome (suspected). 1. Standard therapy → Failed; 2. Low-dose naltrexone → Improved"),
    )


def test_the_patient_page_shows_the_diagnosis_findings_and_treatments_in_sequence(staff_client, seed_patient):
    form = open_admin_form(staff_client, change_url(seed_patient))

    assertContains(form.page, link(change_url(seed_patient.report), str(seed_patient.report)), html=True)
    assert form["diagnoses-INITIAL_FORMS"] == "1"
    assert form.label("diagnoses-0-condition") == "Sjogren's syndrome"
    assert (form["diagnoses-0-certainty"], form.label("diagnoses-0-certainty")) == ("suspected", "Suspected")

    assert form["findings-INITIAL_FORMS"] == "6"
    assert [(form[f"findings-{i}-name"], form[f"findings-{i}-value"]) for i in range(6)] == [
        ("dry eyes", ""),
        ("dry mouth", ""),
        ("joint pain", ""),
        ("fatigue", ""),
        ("measures of inflammation", "elevated"),
        ("rheumatoid factor", "positive"),
    ]

    assert form["treatments-INITIAL_FORMS"] == "2"
    assert [(form[f"treatments-{i}-sequence"], form.label(f"treatments-{i}-intervention")) for i in range(2)] == [
        ("1", "Standard therapy"),
        ("2", "Low-dose naltrexone"),
    ]
    standard, naltrexone = seed_patient.treatments.order_by("sequence")
    # Each treatment's outcomes link to the treatment's page, where they are edited.
    assertContains(form.page, link(change_url(standard), "Failed"), html=True)
    assertContains(form.page, link(change_url(naltrexone), "Improved"), html=True)
    assertContains(form.page, f'<a href="{change_url(naltrexone)}" class="inlinechangelink">Change</a>', html=True)


def test_the_treatment_page_shows_its_outcome_inline(staff_client, seed_patient, naltrexone_treatment):
    form = open_admin_form(staff_client, change_url(naltrexone_treatment))

    assertContains(form.page, link(change_url(seed_patient), str(seed_patient)), html=True)
    assert form.label("intervention") == "Low-dose naltrexone"
    assert form["sequence"] == "2"
    assert form["outcomes-INITIAL_FORMS"] == "1"
    assert form["outcomes-0-result"] == "improved"
    assert form["outcomes-0-description"] == "She improved clinically with low-dose naltrexone therapy."


def test_the_blank_rows_offer_the_next_free_position(staff_client, seed_report, seed_patient):
    """NumbersNewRows: adding a second patient or a seventh finding does not start with a clash."""
    report_form = open_admin_form(staff_client, change_url(seed_report))
    patient_form = open_admin_form(staff_client, change_url(seed_patient))

    assert report_form["authors-1-position"] == "2"
    assert report_form["report_keywords-5-position"] == "6"
    assert report_form["report_publication_types-1-position"] == "2"
    assert report_form["patients-1-position"] == "2"
    assert (report_form["patients-1-id"], report_form["patients-1-label"]) == ("", "")
    assert patient_form["findings-6-position"] == "7"


def test_the_blank_rows_of_a_new_report_start_at_position_1(staff_client):
    form = open_admin_form(staff_client, admin_url(CaseReport, "add"))

    assert form["authors-0-position"] == "1"
    assert form["patients-0-position"] == "1"


# Saving -----------------------------------------------------------------------------------------------------------


def test_saving_the_report_page_unchanged_adds_nothing(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(CaseReport, "changelist"))
    assert report_contents(seed_report) == SEED_REPORT_CONTENTS


def test_saving_the_patient_page_unchanged_adds_nothing(staff_client, seed_report, seed_patient):
    form = open_admin_form(staff_client, change_url(seed_patient))

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(Patient, "changelist"))
    assert report_contents(seed_report) == SEED_REPORT_CONTENTS


def test_adding_an_author_a_keyword_and_a_publication_type_adds_no_empty_patient(staff_client, seed_report):
    # Today this saves, and the untouched blank patient row becomes "Patient 2: sex not stated, age not stated".
    keyword = Keyword.objects.create(name="naltrexone")
    publication_type = PublicationType.objects.create(name="Journal Article")
    form = open_admin_form(staff_client, change_url(seed_report))
    form["authors-1-last_name"] = "Abbott"
    form["report_keywords-5-keyword"] = str(keyword.pk)
    form["report_publication_types-1-publication_type"] = str(publication_type.pk)

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(CaseReport, "changelist"))
    assert list(seed_report.patients.values_list("position", "label")) == [(1, "Case 1")]
    assert report_contents(seed_report) == {
        **SEED_REPORT_CONTENTS,
        "authors": 2,
        "keywords": 6,
        "publication types": 2,
    }


def test_a_curator_can_change_the_seed_reports_title_and_keep_its_authors(staff_client, seed_report):
    assert report_contents(seed_report) == SEED_REPORT_CONTENTS
    form = open_admin_form(staff_client, change_url(seed_report))
    form["title"] = "Low-dose naltrexone in Sjogren's syndrome"

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(CaseReport, "changelist"))
    seed_report.refresh_from_db()
    assert seed_report.title == "Low-dose naltrexone in Sjogren's syndrome"
    assert report_contents(seed_report) == SEED_REPORT_CONTENTS
    assert list(seed_report.authors.values_list("last_name", flat=True)) == ["Zashin"]


def test_a_curator_can_change_a_treatments_outcome_on_the_treatment_page(staff_client, naltrexone_treatment):
    form = open_admin_form(staff_client, change_url(naltrexone_treatment))
    assert form["outcomes-0-result"] == "improved"
    form["outcomes-0-result"] = "resolved"

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(Treatment, "changelist"))
    assert list(naltrexone_treatment.outcomes.values_list("result", "description")) == [
        ("resolved", "She improved clinically with low-dose naltrexone therapy.")
    ]
    assert Outcome.objects.count() == 2


def test_a_curator_can_add_a_second_patient_through_the_report_page(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))
    assert form["patients-1-position"] == "2"
    form["patients-1-label"] = "Case 2"
    form["patients-1-age_value"] = "62"
    form["patients-1-age_unit"] = "years"
    form["patients-1-sex"] = "male"

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(CaseReport, "changelist"))
    assert list(seed_report.patients.values_list("position", "label", "age_value", "age_unit", "sex")) == [
        (1, "Case 1", Decimal("47.00"), "years", "female"),
        (2, "Case 2", Decimal("62.00"), "years", "male"),
    ]
    assert report_contents(seed_report) == {**SEED_REPORT_CONTENTS, "patients": 2}


def test_a_curator_can_add_a_finding_through_the_patient_page(staff_client, seed_report, seed_patient):
    form = open_admin_form(staff_client, change_url(seed_patient))
    assert form["findings-6-position"] == "7"
    form["findings-6-kind"] = "lab"
    form["findings-6-name"] = "ESR"
    form["findings-6-value"] = "90"
    form["findings-6-unit"] = "mm/h"

    response = form.submit(staff_client)

    assertRedirects(response, admin_url(Patient, "changelist"))
    assert list(seed_patient.findings.values_list("position", "kind", "name", "value", "unit"))[-1] == (
        7,
        "lab",
        "ESR",
        "90",
        "mm/h",
    )
    assert report_contents(seed_report) == {**SEED_REPORT_CONTENTS, "findings": 7}


# Bad input is refused with a message ------------------------------------------------------------------------------


def test_a_doi_that_is_not_a_doi_is_refused_with_a_message(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))
    form["title"] = "A title that must not be saved"
    form["doi"] = "not a doi"

    response = form.submit(staff_client)

    message = "'not a doi' is not a DOI (a DOI looks like 10.7759/cureus.4225)."
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["doi"] == [message]
    assertContains(response, escape(message))
    seed_report.refresh_from_db()
    assert (seed_report.title, seed_report.doi) == (
        "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy",
        "10.7759/cureus.4225",
    )
    assert report_contents(seed_report) == SEED_REPORT_CONTENTS


def test_a_second_patient_at_the_first_patients_position_is_refused_with_a_message(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))
    form["patients-1-position"] = "1"
    form["patients-1-label"] = "Case 2"

    response = form.submit(staff_client)

    assert response.status_code == 200
    patients = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "patients"
    )
    assert patients.non_form_errors() == ["Please correct the duplicate data for position."]
    assertContains(response, "Please correct the duplicate data for position.")
    assert list(seed_report.patients.values_list("position", "label")) == [(1, "Case 1")]


def test_a_negative_age_is_refused_with_a_message(staff_client, seed_patient):
    form = open_admin_form(staff_client, change_url(seed_patient))
    form["age_value"] = "-3"

    response = form.submit(staff_client)

    assertContains(response, "An age cannot be negative.")
    seed_patient.refresh_from_db()
    assert (seed_patient.age_value, seed_patient.age_unit) == (Decimal("47.00"), "years")


def test_a_negative_age_for_a_new_patient_on_the_report_page_is_refused_with_a_message(staff_client, seed_report):
    form = open_admin_form(staff_client, change_url(seed_report))
    form["patients-1-label"] = "Case 2"
    form["patients-1-age_value"] = "-3"
    form["patients-1-age_unit"] = "years"

    response = form.submit(staff_client)

    assertContains(response, "An age cannot be negative.")
    assert seed_report.patients.count() == 1


# Deleting ---------------------------------------------------------------------------------------------------------


def assert_deleting_is_refused(client, term, protected: list[str]) -> None:
    url = admin_url(type(term), "delete", term.pk)

    page = client.get(url)
    refused = client.post(url, {"post": "yes"})

    for response in (page, refused):
        assert response.status_code == 200
        assert response.context["protected"] == protected
        assertContains(
            response,
            f"<p>Deleting the {term._meta.verbose_name} '{term}' would require deleting "
            "the following protected related objects:</p>",
            html=True,
        )
        assertNotContains(response, 'name="post"')  # no button to confirm
    assert type(term).objects.filter(pk=term.pk, name=term.name).exists()


def test_a_condition_that_patients_are_diagnosed_with_cannot_be_deleted(staff_client, seed_report):
    condition = Condition.objects.get(name="Sjogren's syndrome")
    diagnosis = Diagnosis.objects.get(condition=condition)

    assert_deleting_is_refused(
        staff_client, condition, ["Diagnosis: " + link(change_url(diagnosis), "Sjogren's syndrome (suspected)")]
    )


def test_an_intervention_that_patients_received_cannot_be_deleted(staff_client, naltrexone_treatment):
    intervention = Intervention.objects.get(name="Low-dose naltrexone")

    assert_deleting_is_refused(
        staff_client, intervention, [f"Treatment: {link(change_url(naltrexone_treatment), '2. Low-dose naltrexone')}"]
    )


def test_an_unused_condition_can_be_deleted(staff_client, seed_report):
    unused = Condition.objects.create(name="Sarcoidosis")

    response = staff_client.post(admin_url(Condition, "delete", unused.pk), {"post": "yes"})

    assertRedirects(response, admin_url(Condition, "changelist"))
    assert list(Condition.objects.values_list("name", flat=True)) == ["Sjogren's syndrome"]


def test_deleting_the_seed_report_deletes_its_clinical_data_and_keeps_the_vocabularies(
    staff_client, every_model_has_a_row
):
    report = every_model_has_a_row
    clinical = [Author, ReportKeyword, ReportPublicationType, MeshHeading, Patient, Diagnosis, Finding, Treatment]
    clinical += [Outcome, Citation]
    vocabularies = {Condition: 1, Intervention: 2, Keyword: 5, PublicationType: 1, MeshDescriptor: 1, Journal: 1}
    assert all(model.objects.exists() for model in clinical)
    url = admin_url(CaseReport, "delete", report.pk)

    page = staff_client.get(url)
    assertContains(page, "Are you sure you want to delete the case report")
    assertContains(page, link(change_url(report.patients.get()), str(report.patients.get())), html=True)

    response = staff_client.post(url, {"post": "yes"})

    assertRedirects(response, admin_url(CaseReport, "changelist"))
    assert not CaseReport.objects.exists()
    assert {model.__name__: model.objects.count() for model in clinical} == dict.fromkeys(
        (model.__name__ for model in clinical), 0
    )
    assert {model: model.objects.count() for model in vocabularies} == vocabularies


# Who may use the admin --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.model_name)
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, seed_report, model):
    url = admin_url(model, "changelist")

    response = client.get(url)

    assertRedirects(response, f"{reverse('admin:login')}?next={url}")


def test_an_anonymous_post_changes_nothing(client, seed_report):
    url = change_url(seed_report)

    response = client.post(url, {"title": "Vandalised"})

    assertRedirects(response, f"{reverse('admin:login')}?next={url}")
    seed_report.refresh_from_db()
    assert seed_report.title == "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy"


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, django_user_model, seed_report):
    client.force_login(django_user_model.objects.create_user(username="reader", password="a-long-test-password"))
    url = admin_url(CaseReport, "changelist")

    response = client.get(url)

    assertRedirects(response, f"{reverse('admin:login')}?next={url}")


# Autocomplete -----------------------------------------------------------------------------------------------------


def autocomplete(client, *, model_name: str, field_name: str, term: str = "") -> list[str]:
    """The suggestions for `field_name` of `model_name` (the model that has the autocomplete field)."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reports", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200, (model_name, field_name, response.status_code)
    return [row["text"] for row in response.json()["results"]]


def test_searching_sjog_for_a_diagnosis_suggests_the_seed_condition(staff_client, seed_report):
    Condition.objects.create(name="Sarcoidosis")

    assert autocomplete(staff_client, model_name="diagnosis", field_name="condition", term="sjog") == [
        "Sjogren's syndrome"
    ]


def test_searching_a_synonym_for_a_treatment_suggests_the_intervention(staff_client, seed_report):
    assert autocomplete(staff_client, model_name="treatment", field_name="intervention", term="LDN") == [
        "Low-dose naltrexone"
    ]


def test_searching_a_condition_for_a_treatment_suggests_the_patients_who_have_it(staff_client, seed_patient):
    make_patient(make_report(), conditions={"Sarcoidosis": "confirmed"})

    assert autocomplete(staff_client, model_name="treatment", field_name="patient", term="sjog") == [str(seed_patient)]


def test_every_autocomplete_on_the_report_patient_treatment_and_citation_pages_suggests_its_choices(
    staff_client, every_model_has_a_row, naltrexone_treatment
):
    report = every_model_has_a_row
    widgets = set()
    for obj in [report, report.patients.get(), naltrexone_treatment, report.citations.first()]:
        widgets.update(open_admin_form(staff_client, change_url(obj)).autocompletes)
    assert {(app_label, model_name, field_name) for app_label, model_name, field_name in widgets} == {
        ("reports", "casereport", "journal"),
        ("reports", "reportkeyword", "keyword"),
        ("reports", "reportpublicationtype", "publication_type"),
        ("reports", "meshheading", "descriptor"),
        ("reports", "reportsubstance", "substance"),
        ("reports", "citation", "cited_report"),
        ("reports", "citation", "report"),
        ("reports", "patient", "report"),
        ("reports", "diagnosis", "condition"),
        ("reports", "treatment", "intervention"),
        ("reports", "treatment", "patient"),
    }

    for _, model_name, field_name in sorted(widgets):
        choices = apps.get_model("reports", model_name)._meta.get_field(field_name).related_model.objects.all()
        suggested = autocomplete(staff_client, model_name=model_name, field_name=field_name)
        assert sorted(suggested) == sorted(str(choice) for choice in choices) != [], (model_name, field_name)


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [
        ("diagnosis", "condition"),
        ("treatment", "intervention"),
        ("reportkeyword", "keyword"),
        ("reportpublicationtype", "publication_type"),
        ("meshheading", "descriptor"),
        ("reportsubstance", "substance"),
        ("casereport", "journal"),
        ("patient", "report"),
    ],
)
def test_the_autocomplete_suggests_choices_in_their_usual_order(staff_client, seed_report, model_name, field_name):
    model = apps.get_model("reports", model_name)._meta.get_field(field_name).related_model
    # Two more choices, created in the reverse of their usual order, so that the order of the rows is not enough.
    if model is CaseReport:
        make_report(title="An older report", pub_year=2001)
        make_report(title="A newer report", pub_year=2023)
    elif model is Journal:
        Journal.objects.create(title="Zeitschrift fur Rheumatologie")
        Journal.objects.create(title="Arthritis Research")
    else:
        model.objects.create(name="Zoster")
        model.objects.create(name="Acne")

    suggested = autocomplete(staff_client, model_name=model_name, field_name=field_name)

    assert suggested == [str(choice) for choice in model.objects.all()]


# Query counts -----------------------------------------------------------------------------------------------------


def test_the_report_list_costs_seven_queries_for_3_or_30_reports(staff_client):
    # The report list costs the same whatever the number of reports:
    #   1. the curator's session
    #   2. the curator's account
    #   3. the publication types offered by the "publication types" filter
    #   4. the number of reports the list shows (after filters and search)
    #   5. the number of reports in all ("3 results (30 total)")
    #   6. the page of reports, with their journals (joined) and their patient counts (one GROUP BY query)
    #   7. the publication years offered by the "publication year" filter

    def make_reports(number):
        for _ in range(number):
            report = make_report(journal="Cureus", keywords=["fatigue"], publication_types=["Case Reports"])
            make_patient(report, conditions={"Sjogren's syndrome": "confirmed"})
            make_patient(report)

    def list_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(admin_url(CaseReport, "changelist"))
        assert response.status_code == 200
        reports = CaseReport.objects.count()
        assert len(response.context["cl"].result_list) == reports
        assertContains(response, '<td class="field-patient_count">2</td>', count=reports, html=True)
        assertContains(response, '<td class="field-journal nowrap">Cureus</td>', count=reports, html=True)
        return [query["sql"] for query in queries.captured_queries]

    make_reports(3)
    with_3 = list_queries()
    make_reports(27)
    with_30 = list_queries()

    assert len(with_3) == len(with_30) == 7, "\n".join(with_30)


# Importing files ---------------------------------------------------------------------------------------------------

IMPORT_URL = "/admin/reports/casereport/import/"
SEED_PAGE_FILE = Path(settings.BASE_DIR) / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt"


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_report_list_offers_the_import_page(staff_client):
    response = staff_client.get(admin_url(CaseReport, "changelist"))
    assertContains(response, f'href="{IMPORT_URL}"')
    page = staff_client.get(IMPORT_URL)
    assertContains(page, "At most 50 MB.")


def checked(client, response):
    """The page of the check an upload started, once a worker has run it."""
    assert response.status_code == 302, response.content.decode()[:2000]
    run_jobs()
    return client.get(response["Location"])


def confirmed(client, check_page):
    response = client.post(IMPORT_URL, {"job": str(check_page.context["job"].pk), "confirm": "1"})
    return checked(client, response)


def test_a_curator_sees_what_a_file_would_change_then_confirms_it(staff_client, upload_dir):
    started = staff_client.post(
        IMPORT_URL, {"file": upload("seed.txt", SEED_PAGE_FILE.read_bytes()), "format": "", "preview": "1"}
    )
    waiting = staff_client.get(started["Location"])
    assertContains(waiting, "Waiting for a worker")
    assertContains(waiting, '<meta http-equiv="refresh" content="2">')
    preview = checked(staff_client, started)
    assertContains(preview, "seed.txt: would be: created 1, updated 0, unchanged 0")
    assertNotContains(preview, 'http-equiv="refresh"')
    assert CaseReport.objects.count() == 0
    token = preview.context["job"].params["token"]
    assert [p.name for p in upload_dir.iterdir()] == [token]

    done = confirmed(staff_client, preview)
    assertContains(done, "seed.txt: imported: created 1, updated 0, unchanged 0")
    report = CaseReport.objects.get()
    assert (report.source_name, report.citations.count()) == ("seed.txt", 5)
    assert list(upload_dir.iterdir()) == []
    assert ImportRun.objects.get().user.username == "curator"

    again = staff_client.post(IMPORT_URL, {"job": str(preview.context["job"].pk), "confirm": "1"})
    assertContains(again, "no longer waiting to be imported")
    run_jobs()
    assert CaseReport.objects.count() == 1
    assertNotContains(staff_client.get(preview.request["PATH_INFO"]), 'name="confirm"')


def test_a_refused_file_shows_why_and_cannot_be_confirmed(staff_client, upload_dir):
    response = checked(
        staff_client,
        staff_client.post(
            IMPORT_URL, {"file": upload("page.html", b"<!DOCTYPE html><html></html>"), "format": "", "preview": "1"}
        ),
    )
    assertContains(response, "page.html: refused, nothing written")
    assertContains(response, "HTML page")
    assertNotContains(response, 'name="confirm"')
    assert list(upload_dir.iterdir()) == []
    assert staff_client.post(IMPORT_URL, {"job": str(response.context["job"].pk), "confirm": "1"}).status_code == 200
    assert Job.objects.filter(kind=Job.Kind.IMPORT).count() == 0


def test_an_element_bomb_upload_shows_the_limit_it_passes_not_an_error_page(staff_client, upload_dir):
    # A few KB of gzip that unpack to 2 MB of <x/> inside one record (twice the elements casebase reads). The same
    # with 50 MB grew a server's process to 1.65 GB; tests/test_faults.py uploads a larger one under a memory cap.
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb") as out:
        out.write(b'<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">123</PMID>')
        for _ in range(2):
            out.write(b"<x/>" * 262_144)
        out.write(b"</MedlineCitation></PubmedArticle></PubmedArticleSet>")
    response = checked(
        staff_client,
        staff_client.post(IMPORT_URL, {"file": upload("bomb.xml.gz", bomb.getvalue()), "format": "", "preview": "1"}),
    )
    assert response.status_code == 200
    assertContains(response, "bomb.xml.gz: refused, nothing written")
    assertContains(response, "record 1 (PMID 123): it has more than 250,000 XML elements")
    assertNotContains(response, 'name="confirm"')
    assert list(upload_dir.iterdir()) == []


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(staff_client, upload_dir, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 0
    response = staff_client.post(
        IMPORT_URL, {"file": upload("seed.txt", SEED_PAGE_FILE.read_bytes()), "format": "", "preview": "1"}
    )
    assertContains(response, "at most 0 MB can be uploaded")
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []
    assert Job.objects.count() == 0


def test_a_check_from_someone_else_imports_nothing(staff_client, upload_dir, django_user_model):
    other = django_user_model.objects.create_superuser(username="other", password="a-long-test-password")
    client = Client()
    client.force_login(other)
    preview = checked(
        client, client.post(IMPORT_URL, {"file": upload("seed.txt", SEED_PAGE_FILE.read_bytes()), "format": ""})
    )
    job = preview.context["job"]
    assert staff_client.get(preview.request["PATH_INFO"]).status_code == 404  # not the curator's own check
    response = staff_client.post(IMPORT_URL, {"job": str(job.pk), "confirm": "1"})
    assertContains(response, "no longer waiting to be imported")
    assertContains(staff_client.post(IMPORT_URL, {"job": "not-a-job", "confirm": "1"}), "no longer waiting")
    run_jobs()
    assert CaseReport.objects.count() == 0


def test_staff_without_the_right_to_add_reports_cannot_import(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", password="a-long-test-password", is_staff=True)
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403


def test_a_curator_can_choose_to_import_the_readable_records_of_a_file(staff_client, upload_dir):
    content = b"PMID- 111\nTI  - A readable case.\nDP  - 2020 Jan\n\nPMID- 222\nDP  - 2020 Feb\n"
    strict = checked(
        staff_client, staff_client.post(IMPORT_URL, {"file": upload("two.nbib", content), "format": "", "preview": "1"})
    )
    assertContains(strict, "two.nbib: refused, nothing written")
    assertNotContains(strict, 'name="confirm"')

    lenient = checked(
        staff_client,
        staff_client.post(
            IMPORT_URL, {"file": upload("two.nbib", content), "format": "", "skip_refused": "on", "preview": "1"}
        ),
    )
    assertContains(lenient, "two.nbib: would be: created 1, updated 0, unchanged 0")
    assertContains(lenient, "record 2 (PMID 222), TI")
    done = confirmed(staff_client, lenient)
    assertContains(done, "1 records refused and left out")
    assert list(CaseReport.objects.values_list("pmid", flat=True)) == [111]


class RecordingUploadHandler(FileUploadHandler):
    """Counts the bytes of uploaded files that reach Django's upload handlers: the bytes that were read."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        RecordingUploadHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def recorded_uploads(settings):
    settings.FILE_UPLOAD_HANDLERS = ["tests.test_admin.RecordingUploadHandler", *settings.FILE_UPLOAD_HANDLERS]
    RecordingUploadHandler.received = 0
    return RecordingUploadHandler


def test_an_upload_over_the_limit_is_refused_before_any_of_it_is_read(
    staff_client, upload_dir, settings, recorded_uploads
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = staff_client.post(IMPORT_URL, {"file": upload("big.xml", b"x" * (3 * 1024 * 1024)), "format": ""})
    assertContains(response, "The upload is larger than 1 MB; nothing was read.")
    assert recorded_uploads.received == 0
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []

    # The same page reads an upload within the limit.
    staff_client.post(IMPORT_URL, {"file": upload("seed.txt", SEED_PAGE_FILE.read_bytes()), "format": ""})
    assert recorded_uploads.received == len(SEED_PAGE_FILE.read_bytes())
    assert Job.objects.filter(kind=Job.Kind.CHECK_IMPORT).count() == 1


def test_with_csrf_checks_on_an_upload_over_the_limit_is_still_refused_unread_and_others_still_checked(
    django_user_model, upload_dir, settings, recorded_uploads
):
    # The CSRF check reads request.POST, that is the whole body; the size is checked before it.
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser(username="curator", password="a-long-password"))
    token = client.get(IMPORT_URL).cookies["csrftoken"].value
    seed_page = upload("seed.txt", SEED_PAGE_FILE.read_bytes())

    big = client.post(IMPORT_URL, {"file": upload("big.xml", b"x" * (3 * 1024 * 1024)), "csrfmiddlewaretoken": token})
    assertContains(big, "The upload is larger than 1 MB; nothing was read.")
    assert recorded_uploads.received == 0

    assert client.post(IMPORT_URL, {"file": seed_page, "format": ""}).status_code == 403  # no token
    seed_page.seek(0)
    preview = checked(client, client.post(IMPORT_URL, {"file": seed_page, "format": "", "csrfmiddlewaretoken": token}))
    assertContains(preview, "seed.txt: would be: created 1, updated 0, unchanged 0")
    assert client.post(IMPORT_URL, {"job": str(preview.context["job"].pk), "confirm": "1"}).status_code == 403
    run_jobs()
    assert CaseReport.objects.count() == 0


# Stored cross-site scripting: markup in an imported file is shown as text on the curators' pages too
# (tests/markup.py; the public pages are in tests/test_views.py).


def test_markup_in_an_imported_file_is_text_on_the_admin_pages(staff_client):
    assert import_file(file=io.BytesIO(hostile_pubmed_file()), name="hostile.xml").ok
    report = CaseReport.objects.get()
    citation = report.citations.get(position=1)
    pages = {
        "report": change_url(report),
        "report list": admin_url(CaseReport, "changelist") + "?q=spondylectomy",
        "citation": change_url(citation),
        "citation list": admin_url(Citation, "changelist"),
        "author list": admin_url(Author, "changelist"),
        "keyword list": admin_url(Keyword, "changelist"),
        "journal list": admin_url(Journal, "changelist"),
    }
    for name, url in pages.items():
        response = staff_client.get(url)
        assert response.status_code == 200, name
        assert live_markup(response.content.decode()) == [], name
    report_page = staff_client.get(change_url(report)).content.decode()
    for shown in (HOSTILE_TITLE, HOSTILE_ABSTRACT, HOSTILE_REFERENCE):
        assert escape(shown) in report_page


def test_a_treatment_is_given_for_one_of_its_patients_own_diagnoses(staff_client, seed_patient, naltrexone_treatment):
    other = make_patient(make_report(), conditions={"Migraine": "confirmed"})
    page = staff_client.get(change_url(naltrexone_treatment)).content.decode()
    sjogren = seed_patient.diagnoses.get()
    assert f'<option value="{sjogren.pk}">' in page
    assert f'<option value="{other.diagnoses.get().pk}">' not in page

    form = open_admin_form(staff_client, change_url(naltrexone_treatment))
    form["target"] = str(sjogren.pk)
    form.submit(staff_client)
    naltrexone_treatment.refresh_from_db()
    assert naltrexone_treatment.target == sjogren
    assert naltrexone_treatment.changes.first().target_id == sjogren.pk  # the history keeps it

    naltrexone_treatment.target = other.diagnoses.get()
    with pytest.raises(ValidationError, match="this patient's own diagnoses"):
        naltrexone_treatment.full_clean()
