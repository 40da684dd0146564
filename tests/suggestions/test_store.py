"""Suggested cases through the public surface: import, the suggest_cases command, the admin and the pages."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.cases.store import accept, reviewed
from reports.exporters import write_json
from reports.importers.service import import_file
from reports.models import CaseReport, Diagnosis, Finding, Origin, Outcome, Patient, Treatment
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
# A real PubMed record: "A 58-year-old woman presented with ... giant cell tumor (GCT) of the L4 and L5 vertebrae".
SPINE_XML = DATA / "pubmed" / "metapub" / "25364329.xml"


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def suggested_state():
    return sorted(
        Patient.objects.values_list("report__pmid", "position", "age_value", "age_unit", "sex", "origin", "evidence")
    ), sorted(Diagnosis.objects.values_list("pk", "condition__name", "origin"))


def test_importing_a_case_report_suggests_its_patient_with_the_sentence_it_came_from():
    result = import_file(file=SPINE_XML)
    assert result.ok
    assert result.suggested == 1
    assert "1 reports given suggested patients" in result.summary()
    patient = Patient.objects.get(report__pmid=25364329)
    assert (patient.age_value, patient.age_unit, patient.sex, patient.origin) == (
        Decimal(58),
        "years",
        "female",
        Origin.SUGGESTED,
    )
    assert patient.evidence.startswith("Methods A 58-year-old woman presented")
    # The keywords and the text: the tumour (under MeSH's name) and the wound infection that followed the operation.
    assert set(patient.diagnoses.values_list("condition__name", "origin")) == {
        ("Giant Cell Tumors", Origin.SUGGESTED),
        ("osteoclastoma", Origin.SUGGESTED),
        ("Wound Infection", Origin.SUGGESTED),
    }
    # The operation has no MeSH heading of its own: it is named by its word.
    assert list(patient.treatments.values_list("intervention__name", "origin")) == [
        ("spondylectomy", Origin.SUGGESTED),
        ("Debridement", Origin.SUGGESTED),
        ("Antibiotics", Origin.SUGGESTED),
    ]


def test_reimporting_the_file_changes_no_suggestion():
    import_file(file=SPINE_XML)
    before = suggested_state()
    result = import_file(file=SPINE_XML)
    assert result.unchanged == 1
    assert result.suggested == 0
    assert suggested_state() == before


def test_import_without_suggestions_leaves_reports_without_patients():
    result = import_file(file=SPINE_XML, suggest=False)
    assert result.ok
    assert not Patient.objects.exists()
    assert "given suggested" not in command("import_reports", "--no-suggestions", str(SPINE_XML))


def test_suggest_cases_fills_reports_imported_without_suggestions_and_a_second_run_changes_nothing():
    import_file(file=SPINE_XML, suggest=False)
    assert "1 given suggested patients" in command("suggest_cases")
    first = suggested_state()
    assert first[0][0][2:6] == (Decimal(58), "years", "female", Origin.SUGGESTED)
    assert "0 given suggested patients, 1 unchanged" in command("suggest_cases")
    assert suggested_state() == first
    assert "0 given suggested patients, 1 unchanged" in command("suggest_cases", "--only-missing")


def test_a_curated_case_is_never_replaced_by_suggestions(seed_report):
    seed_before = suggested_state()
    output = command("suggest_cases")
    assert "1 left alone (curated)" in output
    assert suggested_state() == seed_before


def test_a_case_confirmed_in_part_counts_as_curated():
    report = make_report(title="A 40-year-old man with gout.")
    patient = make_patient(report, origin=Origin.SUGGESTED, conditions={"Gout": "confirmed"})
    assert reviewed(report_ids=[report.pk]) == {report.pk}  # make_patient's diagnosis is curated
    Diagnosis.objects.filter(patient=patient).update(origin=Origin.SUGGESTED)
    assert reviewed(report_ids=[report.pk]) == set()


def test_a_suggested_finding_leaves_a_case_unreviewed_and_a_curated_one_marks_it():
    report = make_report(title="A 40-year-old man with gout.")
    patient = make_patient(report, origin=Origin.SUGGESTED)
    finding = Finding.objects.create(patient=patient, name="fever", origin=Origin.SUGGESTED)
    assert reviewed(report_ids=[report.pk]) == set()
    finding.origin = Origin.CURATED
    finding.save()
    assert reviewed(report_ids=[report.pk]) == {report.pk}


def test_accept_confirms_the_whole_suggested_case():
    import_file(file=SPINE_XML)
    patients = Patient.objects.all()
    parts = (Diagnosis, Finding, Treatment, Outcome)
    suggested = 1 + sum(model.objects.filter(origin=Origin.SUGGESTED).count() for model in parts)
    changed = accept(patients=patients)
    assert changed == suggested  # the patient and every part of its case
    assert not Patient.objects.filter(origin=Origin.SUGGESTED).exists()
    assert not any(model.objects.filter(origin=Origin.SUGGESTED).exists() for model in parts)
    assert "1 left alone (curated)" in command("suggest_cases")


def test_casebase_json_keeps_suggestions_as_suggestions(tmp_path):
    import_file(file=SPINE_XML)
    before = suggested_state()
    export = tmp_path / "export.json"
    with open(export, "w", encoding="utf-8") as out:
        write_json(CaseReport.objects.all(), out)
    data = json.loads(export.read_text())
    patient = data["reports"][0]["patients"][0]
    assert patient["origin"] == "suggested"
    assert patient["evidence"].startswith("Methods A 58-year-old")
    CaseReport.objects.all().delete()
    assert import_file(file=export).ok
    assert suggested_state()[0] == before[0]


def test_a_curated_case_from_casebase_json_replaces_suggestions(tmp_path):
    import_file(file=SPINE_XML)
    export = tmp_path / "export.json"
    with open(export, "w", encoding="utf-8") as out:
        write_json(CaseReport.objects.all(), out)
    data = json.loads(export.read_text())
    data["reports"][0]["patients"] = [
        {"position": 1, "age": {"value": "58", "unit": "years"}, "sex": "female", "diagnoses": [], "treatments": []}
    ]
    export.write_text(json.dumps(data))
    result = import_file(file=export)
    assert result.ok
    assert result.updated == 1
    assert list(Patient.objects.values_list("origin", flat=True)) == [Origin.CURATED]


def test_a_bad_origin_in_casebase_json_is_refused(tmp_path):
    import_file(file=SPINE_XML)
    export = tmp_path / "export.json"
    with open(export, "w", encoding="utf-8") as out:
        write_json(CaseReport.objects.all(), out)
    data = json.loads(export.read_text())
    data["reports"][0]["patients"][0]["origin"] = "guessed"
    export.write_text(json.dumps(data))
    result = import_file(file=export)
    assert not result.ok
    assert "origin is 'curated' or 'suggested'" in str(result.refused[0])


# Admin ----------------------------------------------------------------------------------------------------------


def test_one_click_in_the_admin_accepts_a_suggested_case(staff_client):
    import_file(file=SPINE_XML)
    patient = Patient.objects.get()
    url = f"/admin/reports/patient/{patient.pk}/change/"
    page = staff_client.get(url)
    assert b"Accept the suggested case" in page.content
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for prefix, formset in ((f.formset.prefix, f) for f in page.context["inline_admin_formsets"]):
        management = formset.formset.management_form
        data.update({f"{prefix}-{name}": management[name].value() for name in management.fields})
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.formset.initial_forms)  # no blank rows: nothing new to add
        for inline_form in formset.formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                data[inline_form.add_prefix(name)] = "" if value is None else value
    data["_accept_suggestion"] = "Accept the suggested case"
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert not Patient.objects.filter(origin=Origin.SUGGESTED).exists()
    assert not Diagnosis.objects.filter(origin=Origin.SUGGESTED).exists()
    assert b"Accept the suggested case" not in staff_client.get(url).content


def test_the_admin_action_accepts_the_cases_of_selected_reports(staff_client):
    import_file(file=SPINE_XML)
    report = CaseReport.objects.get()
    response = staff_client.post(
        "/admin/reports/casereport/", {"action": "accept_suggestions", "_selected_action": [report.pk]}
    )
    assert response.status_code == 302
    assert set(Patient.objects.values_list("origin", flat=True)) == {Origin.CURATED}


def test_correcting_a_suggested_treatment_in_the_admin_makes_it_curated(staff_client):
    report = make_report(title="A case.")
    patient = make_patient(report, treatments=[("Prednisone", ["improved"])])
    Treatment.objects.update(origin=Origin.SUGGESTED, evidence="Prednisone was given.")
    Outcome.objects.update(origin=Origin.SUGGESTED)
    treatment = Treatment.objects.get()
    outcome = Outcome.objects.get()
    url = f"/admin/reports/treatment/{treatment.pk}/change/"
    seen_version = staff_client.get(url).context["adminform"].form["seen_version"].value()
    response = staff_client.post(
        url,
        {
            "seen_version": seen_version,
            "patient": patient.pk,
            "sequence": 1,
            "intervention": treatment.intervention_id,
            "dose_amount": "20",
            "dose_unit": "mg",
            "origin": Origin.SUGGESTED,
            "evidence": treatment.evidence,
            "outcomes-TOTAL_FORMS": 1,
            "outcomes-INITIAL_FORMS": 1,
            "outcomes-0-id": outcome.pk,
            "outcomes-0-treatment": treatment.pk,
            "outcomes-0-result": "improved",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    treatment.refresh_from_db()
    outcome.refresh_from_db()
    assert (treatment.dose_amount, treatment.origin) == (Decimal(20), Origin.CURATED)
    assert outcome.origin == Origin.SUGGESTED  # untouched rows stay suggested


# Public pages -----------------------------------------------------------------------------------------------------


def test_the_report_page_marks_suggested_data_and_shows_where_it_came_from(client):
    import_file(file=SPINE_XML)
    page = client.get(CaseReport.objects.get().get_absolute_url()).content.decode()
    assert 'class="suggested"' in page
    assert "Suggested from the abstract: “Methods A 58-year-old woman presented" in page


def test_the_list_can_be_restricted_to_curated_cases(client):
    import_file(file=SPINE_XML)
    curated_report = make_report(title="A curated case.")
    make_patient(curated_report, sex="female", age=(58, "years"), conditions={"giant cell tumor": "confirmed"})
    everything = client.get("/", {"condition": "giant cell"})
    assert {r.pk for r in everything.context["page_obj"]} == set(CaseReport.objects.values_list("pk", flat=True))
    assert b'class="suggested"' in everything.content
    only_curated = client.get("/", {"condition": "giant cell", "curated": "true"})
    assert [r.pk for r in only_curated.context["page_obj"]] == [curated_report.pk]
    facets = {facet.name: facet for facet in only_curated.context["facets"]}
    assert [(v.label, v.count) for v in facets["condition"].values] == [("giant cell tumor", 1)]


def test_saving_a_suggested_patient_unchanged_leaves_it_suggested(staff_client):
    from tests.admin_forms import open_admin_form

    import_file(file=SPINE_XML)
    patient = Patient.objects.get()
    form = open_admin_form(staff_client, f"/admin/reports/patient/{patient.pk}/change/")
    assert form.submit(staff_client).status_code == 302
    assert Patient.objects.get().origin == Origin.SUGGESTED


def test_what_a_curator_deleted_from_a_suggested_case_is_not_suggested_again(staff_client):
    import_file(file=SPINE_XML)
    diagnosis = Diagnosis.objects.get(condition__name="osteoclastoma")
    response = staff_client.post(f"/admin/reports/diagnosis/{diagnosis.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    command("suggest_cases")
    assert not Diagnosis.objects.filter(condition__name="osteoclastoma").exists()
    patient = Patient.objects.get()
    staff_client.post(f"/admin/reports/patient/{patient.pk}/delete/", {"post": "yes"})
    assert "1 left alone (curated)" in command("suggest_cases", "--only-missing")
    assert not Patient.objects.exists()


def test_a_changed_record_that_suggests_the_same_case_keeps_the_stored_rows(tmp_path):
    import_file(file=SPINE_XML)
    before = suggested_state()
    changed = tmp_path / "changed.xml"
    changed.write_text(SPINE_XML.read_text().replace("<Volume>5</Volume>", "<Volume>6</Volume>"))
    result = import_file(file=changed)
    assert result.updated == 1
    assert result.suggested == 0
    assert suggested_state() == before


def test_a_hostile_abstract_is_read_quickly_and_gives_nothing_wrong():
    from reports.suggestions import SuggestionInput, suggest_case

    for text in ("Dr. Xy " * 14_000, "one case of " * 8_000, "47-year-old " * 9_000, "(" * 100_000):
        patients = suggest_case(SuggestionInput(title="A case report", abstract=text))
        assert len(patients) <= 1


@pytest.mark.parametrize("part", ["diagnosis", "treatment", "outcome"])
def test_a_part_a_curator_deleted_marks_only_its_own_report_as_curated(staff_client, part):
    reports = [make_report(title=f"Report {n}") for n in range(2)]
    for report in reports:
        make_patient(report, origin=Origin.SUGGESTED, conditions={"C": "suspected"}, treatments=[("D", ["improved"])])
    for model in (Diagnosis, Treatment, Outcome):
        model.objects.update(origin=Origin.SUGGESTED)
    model, path = {
        "diagnosis": (Diagnosis, "patient__report"),
        "treatment": (Treatment, "patient__report"),
        "outcome": (Outcome, "treatment__patient__report"),
    }[part]
    target = model.objects.get(**{path: reports[0]})
    assert reviewed(report_ids=[r.pk for r in reports]) == set()
    response = staff_client.post(f"/admin/reports/{part}/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert reviewed(report_ids=[r.pk for r in reports]) == {reports[0].pk}
    assert reviewed(report_ids=[reports[1].pk]) == set()


def test_each_of_two_patients_gets_what_its_own_sentences_say():
    """PMID 429452: "One patient ... After insertion of a bypass graft ... The other patient ... After right
    nephrectomy the blood pressure became normal.\""""
    from reports.suggestions import SuggestionInput, suggest_case

    patients = suggest_case(
        SuggestionInput(
            title="Uncommon congenital anomalies of the aorta.",
            abstract=(
                "Two cases of atypical localization of an aortic coarctation are described. One patient was a "
                "hypertensive girl with a hypoplastic type of coarctation in the descending aorta. After insertion of "
                "a bypass graft the hypertension disappeared. The other patient was a hypertensive girl with a total "
                "aplasia of the distal abdominal aorta and a hypoplasia of a right renal artery. After right "
                "nephrectomy the blood pressure became normal. There were no symptoms or signs of ischemia of the legs."
            ),
            publication_types=["Case Reports"],
        )
    )
    assert len(patients) == 2
    treated = [[t.intervention.lower() for t in p.treatments] for p in patients]
    assert not any("nephrectomy" in name for name in treated[0])
    assert any("nephrectomy" in name for name in treated[1])
    assert all(p.origin == Origin.SUGGESTED for p in patients)


def test_a_broad_disease_the_text_names_stays_beside_a_narrower_one_and_a_mesh_category_goes():
    """PMID 404836 (shortened): the text says the subject had diabetes mellitus and diabetic retinopathy; MeSH's
    "Autoimmune Diseases" beside "Sjogren's Syndrome" is a category."""
    from reports.suggestions import SuggestionInput, suggest_case
    from reports.suggestions.terms import MeshTerm

    patients = suggest_case(
        SuggestionInput(
            title="Transitory blindness during lactic acidosis in a subject with diabetes mellitus.",
            abstract="A 60-year-old man with diabetes mellitus and diabetic retinopathy developed blindness.",
            mesh=[
                MeshTerm("Autoimmune Diseases", ui="D001327", qualifiers=["diagnosis"]),
                MeshTerm("Sjogren's Syndrome", ui="D012859", qualifiers=["diagnosis"]),
            ],
            publication_types=["Case Reports"],
        )
    )
    names = [d.condition for d in patients[0].diagnoses]
    assert "Diabetes Mellitus" in names
    assert "Diabetic Retinopathy" in names
    assert "Autoimmune Diseases" not in names


def test_a_minor_mesh_heading_the_abstract_never_names_is_not_suggested():
    """A minor heading is as often a differential or the article's topic; a major one, or one the text names
    (or a heading just above or below it), stays."""
    from reports.suggestions import SuggestionInput, suggest_case
    from reports.suggestions.terms import MeshTerm

    patients = suggest_case(
        SuggestionInput(
            title="A case of sarcoidosis.",
            abstract="A 40-year-old man had sarcoidosis of the lung. He was treated with prednisone.",
            mesh=[
                MeshTerm("Sarcoidosis, Pulmonary", ui="D012567", qualifiers=["diagnosis"]),
                MeshTerm("Tuberculosis", ui="D014376", qualifiers=["diagnosis"]),
                MeshTerm("Lymphoma", ui="D008223", major=True, qualifiers=["diagnosis"]),
            ],
            publication_types=["Case Reports"],
        )
    )
    names = {d.condition for d in patients[0].diagnoses}
    assert "Tuberculosis" not in names
    assert "Lymphoma" in names
    assert "Sarcoidosis, Pulmonary" in names or "Sarcoidosis" in names
