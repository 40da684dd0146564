"""Reading casebase JSON: shape errors are clear, and nothing but RecordError ever comes out."""

import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.importers.casebase_json import read_casebase_json
from reports.importers.errors import RecordError
from reports.importers.records import ArticleRecord, TermRecord

MINIMAL = {"format": "casebase", "version": 1, "reports": [{"title": "A case", "date": {"year": 2020}}]}


def read(data) -> list:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return list(read_casebase_json(io.BytesIO(raw), source="export.json"))


def test_a_minimal_export_gives_one_record():
    [record] = read(MINIMAL)
    assert isinstance(record, ArticleRecord)
    assert (record.number, record.title, record.date.year, record.patients) == (1, "A case", 2020, [])


def test_terms_come_before_the_reports():
    data = {
        **MINIMAL,
        "vocabularies": {
            "interventions": [{"name": "Low-dose naltrexone", "kind": "drug", "synonyms": ["LDN"], "mesh_ui": ""}],
            "substances": [{"name": "Naltrexone", "ui": "D009271", "registry_number": "5S6W795CQM"}],
        },
    }
    items = read(data)
    assert [type(item) for item in items] == [TermRecord, TermRecord, ArticleRecord]
    assert (items[0].vocabulary, items[0].synonyms, items[1].registry_number) == (
        "intervention",
        ["LDN"],
        "5S6W795CQM",
    )


def test_patients_are_read_with_exact_numbers():
    report = {
        "title": "A case",
        "date": {"year": 2020},
        "patients": [
            {
                "position": 1,
                "age": {"value": "1.5", "unit": "years"},
                "sex": "female",
                "treatments": [
                    {
                        "intervention": "IVIG",
                        "dose": {"amount": "2", "unit": "g/kg"},
                        "outcomes": [{"result": "resolved", "time": {"value": 3, "unit": "days"}}],
                    }
                ],
            }
        ],
    }
    [record] = read({**MINIMAL, "reports": [report]})
    patient = record.patients[0]
    assert (patient.age_value, patient.treatments[0].dose_amount) == (Decimal("1.5"), Decimal("2"))
    assert patient.treatments[0].outcomes[0].time_value == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", 'must be a JSON object with "format": "casebase"'),
        (json.dumps({"format": "other"}).encode(), "not a casebase export"),
        (
            json.dumps({"format": "casebase", "version": 99}).encode(),
            "export version 99 is not one this casebase reads",
        ),
        (json.dumps({"format": "casebase", "version": 1, "reports": {}}).encode(), '"reports" must be a list'),
    ],
)
def test_a_file_that_is_not_a_readable_export_is_refused(raw, message):
    with pytest.raises(RecordError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read(raw)


@pytest.mark.parametrize(
    ("report", "field"),
    [
        ({"title": "A", "date": {}}, "date.year"),
        ({"title": "A", "date": {"year": "2020"}}, "year"),
        ({"title": 5, "date": {"year": 2020}}, "title"),
        ({"title": "A", "date": {"year": 2020}, "authors": "Smith"}, "authors"),
        (
            {"title": "A", "date": {"year": 2020}, "patients": [{"age": {"value": "old", "unit": "years"}}]},
            "patients.age.value",
        ),
        (
            {"title": "A", "date": {"year": 2020}, "patients": [{"treatments": [{"dose": None}]}]},
            "patients.treatments.intervention",
        ),
        ({"title": "A", "date": {"year": 2020}, "citations": [{"raw_text": ""}]}, "citations.raw_text"),
    ],
)
def test_a_malformed_report_is_refused_by_number_and_field_and_the_next_one_is_read(report, field):
    items = read({**MINIMAL, "reports": [{**report, "pmid": 123}, MINIMAL["reports"][0]]})
    assert isinstance(items[0], RecordError)
    assert (items[0].record, items[0].pmid, items[0].field) == (1, 123, field)
    assert isinstance(items[1], ArticleRecord)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=30,
)
report_keys = st.sampled_from(
    ["title", "date", "authors", "patients", "citations", "keywords", "mesh_headings", "journal", "pmid", "doi", "age"]
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.dictionaries(report_keys, json_values, max_size=8), st.binary(max_size=64))
def test_no_export_makes_the_reader_raise_anything_but_its_own_error(report, noise):
    for raw in (json.dumps({**MINIMAL, "reports": [report]}).encode(), noise):
        try:
            items = read(raw)
        except RecordError:
            continue
        for item in items:
            assert isinstance(item, ArticleRecord | TermRecord | RecordError)
            if isinstance(item, ArticleRecord):
                assert "\x00" not in item.title
