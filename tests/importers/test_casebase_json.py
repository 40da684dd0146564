"""Reading casebase JSON: shape errors are clear, and nothing but RecordError ever comes out."""

import copy
import functools
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.cases.records import ArticleRecord, TermRecord
from reports.exporters import iter_json
from reports.importers.casebase_json import read_casebase_json
from reports.importers.errors import RecordError
from reports.importers.service import import_file
from reports.models import CaseReport
from tests.importers.fuzzing import HOSTILE_PIECES, assert_imports_whole_or_refuses_cleanly, damaged

DATA = Path(__file__).resolve().parents[1] / "data"

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
        (json.dumps({"format": "casebase", "version": True}).encode(), "export version True is not one"),
        # Found by fuzzing: a version that is a list raised TypeError; json.loads raises ValueError and
        # RecursionError besides JSONDecodeError; all three came out of import_file.
        (json.dumps({"format": "casebase", "version": []}).encode(), "export version [] is not one"),
        (b'{"format": "casebase", "version": ' + b"1" * 5000 + b"}", "a number of more than 4300 digits"),
        (b"[" * 100_000, "nested too deep"),
    ],
)
def test_a_file_that_is_not_a_readable_export_is_refused(raw, message):
    with pytest.raises(RecordError, match=re.escape(message)):
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
        # Found by fuzzing: a heading without its descriptor reached the database as a term without a name.
        ({"title": "A", "date": {"year": 2020}, "mesh_headings": [{"major": True}]}, "mesh_headings.descriptor"),
        (
            {"title": "A", "date": {"year": 2020}, "citations": [{"raw_text": "A", "url": "javascript:alert(1)"}]},
            "citations.url",
        ),
    ],
)
def test_a_malformed_report_is_refused_by_number_and_field_and_the_next_one_is_read(report, field):
    items = read({**MINIMAL, "reports": [{**report, "pmid": 123}, MINIMAL["reports"][0]]})
    assert isinstance(items[0], RecordError)
    assert (items[0].record, items[0].pmid, items[0].field) == (1, 123, field)
    assert isinstance(items[1], ArticleRecord)


def test_a_value_of_the_wrong_kind_is_quoted_briefly():
    # Found by fuzzing: the whole value was quoted, however long, in a message a curator reads.
    [error] = read({**MINIMAL, "reports": [{"title": "A", "date": {"year": "1" * 5000}}]})
    assert (error.field, error.message) == ("year", f"must be a whole number, not '{'1' * 58}…")


def test_blank_substances_are_left_out():
    [record] = read({**MINIMAL, "reports": [{**MINIMAL["reports"][0], "substances": ["", " ", "Naltrexone"]}]})
    assert [substance.name for substance in record.substances] == ["Naltrexone"]


def test_a_link_to_a_web_page_is_kept():
    citation = {"raw_text": "A", "url": "HTTPS://example.org/a"}
    [record] = read({**MINIMAL, "reports": [{**MINIMAL["reports"][0], "citations": [citation]}]})
    assert record.references[0].url == "HTTPS://example.org/a"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date", "message"),
    [
        ({"year": 2020, "month": 13}, "the month 13 is not between 1 and 12"),
        ({"year": 2020, "month": 2**63}, "the month 9223372036854775808 is not between 1 and 12"),
        ({"year": 2020, "day": 3}, "the day 3 is not a day of a month"),
        ({"year": 2020, "season": "Monsoon"}, "'Monsoon' is not a season (Spring, Summer, Autumn, Fall, Winter)"),
    ],
)
def test_a_date_no_column_holds_is_refused_not_a_database_error(date, message):
    # Found by fuzzing: these reached the database and came out of import_file as an IntegrityError or OverflowError.
    raw = json.dumps({**MINIMAL, "reports": [{"title": "A case", "date": date}]}).encode()
    result = import_file(file=io.BytesIO(raw), name="export.json")
    assert [(problem.field, problem.message) for problem in result.refused] == [("date", message)]
    assert CaseReport.objects.count() == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=30,
)
# Values that are the right type but out of range or odd: huge numbers, negative ones, hostile text.
SHAPED_VALUES = [
    2**31,
    2**63,
    10**30,
    -1,
    0,
    1.5,
    "1e999",
    "-0",
    "NaN",
    "",
    *(piece.decode("utf-8", "replace") for piece in HOSTILE_PIECES),
    "javascript:alert(1)",
]
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


# Through import_file into the database: damaged and reshaped exports are imported whole or refused, and a refused
# export leaves every row as it was (tests/importers/fuzzing.py has the property).

REAL_FILES = [DATA / "pubmed" / "metapub" / "25364329.xml", DATA / "pubmed" / "biopython" / "pubmed_result2.txt"]
JSON_PIECES = [b"{", b"}", b"[", b"]", b'"', b"\\", b"\\u0000", b"\\ud800", b":", b",", b"null", b"1e400", b"-0"]


class Export:
    def __init__(self, data: bytes):
        self.data = data

    def __repr__(self):
        return f"<casebase JSON of {len(self.data)} bytes>"  # a failing example says what was changed in it


@pytest.fixture
def exported(db) -> Export:
    """casebase JSON of the seed report (a curated case) and of real PubMed files, all of them in the database, so
    that damaged copies of the export merge into reports that are there."""
    call_command("loaddata", "seed", verbosity=0)
    for path in REAL_FILES:
        assert import_file(file=path).ok
    return Export("".join(iter_json(CaseReport.objects.all())).encode())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.sampled_from(["casebase_json", None]), st.booleans())
def test_a_damaged_export_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    exported, data, format, skip_refused
):
    damaged_export = data.draw(damaged([exported.data], pieces=JSON_PIECES), label="export")
    assert_imports_whole_or_refuses_cleanly(damaged_export, name="fuzz.json", format=format, skip_refused=skip_refused)


def places(value, path=()) -> list[tuple]:
    """The path of every value in a parsed export."""
    found = [path]
    if isinstance(value, dict):
        found += [p for key, child in value.items() for p in places(child, (*path, key))]
    elif isinstance(value, list):
        found += [p for index, child in enumerate(value) for p in places(child, (*path, index))]
    return found


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.booleans())
def test_an_export_with_values_of_any_shape_anywhere_is_imported_whole_or_refused(exported, data, skip_refused):
    export = json.loads(exported.data)
    for _ in range(data.draw(st.integers(min_value=1, max_value=6), label="changes")):
        path = data.draw(st.sampled_from(places(export)[1:]), label="path")
        parent = functools.reduce(lambda value, key: value[key], path[:-1], export)
        change = data.draw(st.sampled_from(["replace", "remove", "repeat"]), label="change")
        if change == "replace":
            parent[path[-1]] = data.draw(json_values | st.sampled_from(SHAPED_VALUES), label="value")
        elif change == "remove":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
    raw = json.dumps(export, ensure_ascii=data.draw(st.booleans(), label="ascii")).encode("utf-8", "surrogatepass")
    assert_imports_whole_or_refuses_cleanly(
        raw, name="reshaped.json", format="casebase_json", skip_refused=skip_refused
    )
