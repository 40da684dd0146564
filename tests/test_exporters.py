"""What casebase gives back: casebase JSON and CSV, and the JSON coming back in unchanged."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.exporters import CSV_COLUMNS, EXPORT_VERSION, iter_json, write_csv, write_json
from reports.importers.casebase_json import read_casebase_json
from reports.importers.service import import_file
from reports.importers.upsert import import_records
from reports.models import (
    CaseReport,
    Citation,
    Condition,
    Intervention,
    Journal,
    Keyword,
    MeshDescriptor,
    Patient,
    PublicationType,
    Substance,
    Treatment,
)
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


def export_json() -> dict:
    stream = io.StringIO()
    write_json(CaseReport.objects.all(), stream)
    return json.loads(stream.getvalue())


def without_timestamps(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.pop("exported_at")
    for report in data["reports"]:
        report.pop("created_at")
        report.pop("updated_at")
    return data


def reimport(data: dict):
    stream = io.BytesIO(json.dumps(data).encode())
    return import_records(
        records=read_casebase_json(stream, source="export.json"), source="export.json", source_format="casebase_json"
    )


def empty_database():
    CaseReport.objects.all().delete()
    Condition.objects.all().delete()
    Intervention.objects.all().delete()


def test_the_json_export_of_the_seed_holds_every_part_of_it(seed_report):
    data = export_json()
    assert (data["format"], data["version"]) == ("casebase", EXPORT_VERSION)
    report = data["reports"][0]
    assert report["title"] == "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy"
    assert report["journal"] == {"title": "Cureus", "iso_abbreviation": "Cureus", "issn": "", "nlm_unique_id": ""}
    assert report["date"] == {"year": 2019, "month": 3, "day": 11, "season": "", "text": "2019 Mar 11"}
    assert (report["doi"], report["elocation_id"], report["pmid"]) == ("10.7759/cureus.4225", "e4225", None)
    assert report["source"] == {"format": "pubmed_page", "name": "fixtures/source/000_8d3d7cb61a81a9c9.txt"}
    assert len(report["citations"]) == 5
    assert report["citations"][4]["pmid"] == 17222320
    patient = report["patients"][0]
    assert (patient["age"], patient["sex"]) == ({"value": "47", "unit": "years"}, "female")
    assert patient["diagnoses"] == [
        {
            "condition": "Sjogren's syndrome",
            "certainty": "suspected",
            "notes": Condition.objects.get().diagnoses.get().notes,
        }
    ]
    assert [(t["sequence"], t["intervention"], t["outcomes"][0]["result"]) for t in patient["treatments"]] == [
        (1, "Standard therapy", "failed"),
        (2, "Low-dose naltrexone", "improved"),
    ]
    assert data["vocabularies"]["interventions"][0] == {
        "name": "Low-dose naltrexone",
        "kind": "drug",
        "synonyms": ["LDN", "low dose naltrexone"],
        "mesh_ui": "",
    }


def test_the_seed_comes_back_the_same_through_json_into_an_empty_database(seed_report):
    first = export_json()
    empty_database()
    result = reimport(first)
    assert (result.created, result.refused) == (1, [])
    assert without_timestamps(export_json()) == without_timestamps(first)


def test_everything_comes_back_the_same_through_export_reports_and_import_reports_into_an_empty_database(
    seed_report, tmp_path
):
    # The export as a copy of casebase that any database reads: the curated seed, a case report whose patients
    # were suggested from its abstract, and a record with MeSH headings, substances and keywords; every term is
    # gone before the import, so that the vocabularies' details come back from the file alone.
    metapub = Path(__file__).parent / "data" / "pubmed" / "metapub"
    for name in ("25364329.xml", "pmid_28731372.xml"):
        assert import_file(file=metapub / name).created == 1
    assert Patient.objects.exclude(report=seed_report).exists()
    call_command("export_reports", "-o", str(tmp_path / "first.json"), stderr=io.StringIO())
    for model in (CaseReport, Journal, Keyword, PublicationType, MeshDescriptor, Substance, Condition, Intervention):
        model.objects.all().delete()
    call_command("import_reports", str(tmp_path / "first.json"), stdout=io.StringIO())
    call_command("export_reports", "-o", str(tmp_path / "second.json"), stderr=io.StringIO())
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert len(first["reports"]) == 3
    assert all(first["vocabularies"].values())  # every kind of term is in the file
    assert without_timestamps(second) == without_timestamps(first)


def test_reimporting_an_export_into_the_same_database_changes_nothing(seed_report):
    result = reimport(export_json())
    assert (result.created, result.updated, result.unchanged, result.conflicts) == (0, 0, 1, [])


def test_curated_patients_are_kept_when_an_export_brings_different_ones(seed_report):
    data = export_json()
    data["reports"][0]["patients"][0]["sex"] = "male"
    result = reimport(data)
    assert CaseReport.objects.get().patients.get().sex == "female"
    assert [p.message for p in result.conflicts] == [
        "the report's 1 curated patients were kept; the file's 1 were not imported"
    ]


def test_links_between_reports_survive_the_round_trip():
    cited = make_report(title="Cited", doi="10.1/cited")
    citing = make_report(title="Citing", pmid=5)
    # A link a curator made by hand, without identifiers on the reference itself.
    Citation.objects.create(report=citing, position=1, raw_text="Cited. 2001.", cited_report=cited)
    first = export_json()
    empty_database()
    assert reimport(first).citations_linked == 1
    assert Citation.objects.get().cited_report == CaseReport.objects.get(title="Cited")


def test_a_curated_case_with_every_clinical_detail_survives_the_round_trip():
    report = make_report(title="Curated", pmid=77)
    patient = make_patient(
        report,
        sex="male",
        age=(3, "months"),
        conditions={"Kawasaki disease": "probable"},
        treatments=[("IVIG", ["resolved", "adverse_event"])],
    )
    treatment = patient.treatments.get()
    treatment.dose_amount, treatment.dose_unit, treatment.route = 2, "g/kg", "intravenous"
    treatment.target = patient.diagnoses.get()
    treatment.save()
    first = export_json()
    assert first["reports"][0]["patients"][0]["treatments"][0]["target"] == "Kawasaki disease"
    empty_database()
    reimport(first)
    second = export_json()
    assert Treatment.objects.get().target.condition.name == "Kawasaki disease"
    assert without_timestamps(second)["reports"][0]["patients"] == without_timestamps(first)["reports"][0]["patients"]
    assert without_timestamps(second) == without_timestamps(first)


def test_the_csv_has_a_row_per_patient_and_treatment(seed_report):
    stream = io.StringIO()
    write_csv(CaseReport.objects.all(), stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert list(rows[0]) == CSV_COLUMNS
    assert [(r["treatment_sequence"], r["intervention"], r["target"], r["outcomes"]) for r in rows] == [
        ("1", "Standard therapy", "", "failed"),
        ("2", "Low-dose naltrexone", "", "improved"),
    ]
    assert {(r["doi"], r["age"], r["sex"], r["conditions"]) for r in rows} == {
        ("10.7759/cureus.4225", "47", "female", "Sjogren's syndrome (suspected)")
    }


def test_a_report_without_patients_is_one_csv_row_and_formulas_are_defused():
    make_report(title='=HYPERLINK("http://evil")', pmid=9)
    stream = io.StringIO()
    write_csv(CaseReport.objects.all(), stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert len(rows) == 1
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["patient"] == ""


def test_the_json_export_is_written_a_report_at_a_time():
    for number in range(3):
        make_report(title=f"R{number}")
    pieces = list(iter_json(CaseReport.objects.all()))
    assert len(pieces) == 5  # the header, one piece per report, the end
    assert [r["title"] for r in json.loads("".join(pieces))["reports"]] == ["R2", "R1", "R0"]


# Files: whole or absent ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_file_appears_only_once_complete_and_a_failure_part_way_leaves_none(tmp_path):
    from reports.exporters import write_file

    for _ in range(3):
        make_report()
    target = tmp_path / "export.json"
    seen = []

    def look(done):
        seen.append(target.exists())
        if done == 2:
            raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_file(reports=CaseReport.objects.all(), format="json", path=target, progress=look)
    assert seen == [False, False]
    assert list(tmp_path.iterdir()) == []

    size = write_file(reports=CaseReport.objects.all(), format="json", path=target)
    assert size == target.stat().st_size
    assert len(json.loads(target.read_text())["reports"]) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]
