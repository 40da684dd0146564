"""The merge rules on their own: stored values (unsaved rows) against incoming records, no database."""

import pytest

from reports.cases.records import AuthorRecord, PatientRecord
from reports.importers import merge
from reports.models import Author, Citation, Journal, MeshDescriptor, MeshHeading
from tests.records import heading, reference


def never_asked() -> bool:
    raise AssertionError("asked although the rule did not need it")


def date(year, month=None, day=None, season="", text=""):
    return {"pub_year": year, "pub_month": month, "pub_day": day, "pub_season": season, "pub_date_text": text}


# Values --------------------------------------------------------------------------------------------------------


def test_a_value_fills_an_empty_one_without_a_conflict():
    assert merge.merge_field(stored="", incoming="11") == merge.Merged("11", changed=True)
    assert merge.merge_field(stored=None, incoming="11") == merge.Merged("11", changed=True)


def test_a_different_value_replaces_the_stored_one_and_says_so():
    assert merge.merge_field(stored="10", incoming="11") == merge.Merged(
        "11", changed=True, conflict="'10' replaced by '11'"
    )


def test_a_long_value_is_shortened_in_the_conflict():
    merged = merge.merge_field(stored="a" * 100, incoming="b" * 100)
    assert merged.conflict == f"'{'a' * 59}…' replaced by '{'b' * 59}…'"


@pytest.mark.parametrize("incoming", ["", None, "10"])
def test_an_empty_or_equal_value_changes_nothing(incoming):
    assert merge.merge_field(stored="10", incoming=incoming) == merge.Merged("10")


def test_an_identifier_fills_an_empty_one_and_replaces_a_different_one_saying_so():
    assert merge.merge_identifier(stored="", incoming="10.1/a", held_by_another=lambda: False) == merge.Merged(
        "10.1/a", changed=True
    )
    assert merge.merge_identifier(stored="10.1/a", incoming="10.1/b", held_by_another=lambda: False) == merge.Merged(
        "10.1/b", changed=True, conflict="10.1/a replaced by 10.1/b"
    )


def test_an_identifier_another_report_holds_is_not_copied():
    assert merge.merge_identifier(stored="", incoming="10.1/a", held_by_another=lambda: True) == merge.Merged(
        "", conflict="10.1/a belongs to another report; not copied"
    )


@pytest.mark.parametrize("incoming", ["", "10.1/a"])
def test_who_holds_an_identifier_is_asked_only_for_one_the_report_would_take(incoming):
    assert merge.merge_identifier(stored="10.1/a", incoming=incoming, held_by_another=never_asked) == merge.Merged(
        "10.1/a"
    )


def test_a_newer_version_is_taken_and_an_older_one_refused():
    assert merge.merge_version(stored=1, incoming=2) == merge.Merged(2, changed=True)
    assert merge.merge_version(stored=None, incoming=1) == merge.Merged(1, changed=True)
    assert merge.merge_version(stored=2, incoming=None) == merge.Merged(2)
    assert merge.merge_version(stored=2, incoming=1) == merge.Merged(
        2, conflict="version 1 is older than the stored version 2; not taken"
    )


def test_a_journal_fills_an_empty_one_and_replaces_a_different_one_saying_so():
    journal = Journal(pk=2, title="Cureus")
    assert merge.merge_journal(stored_id=None, incoming=journal, stored=never_asked) == merge.Merged(
        journal, changed=True
    )
    assert merge.merge_journal(stored_id=1, incoming=journal, stored=lambda: "BMJ") == merge.Merged(
        journal, changed=True, conflict="'BMJ' replaced by 'Cureus'"
    )


def test_the_same_journal_or_none_changes_nothing_and_the_stored_one_is_not_read():
    assert merge.merge_journal(stored_id=2, incoming=Journal(pk=2), stored=never_asked) == merge.Merged(2)
    assert merge.merge_journal(stored_id=2, incoming=None, stored=never_asked) == merge.Merged(2)


# Dates ---------------------------------------------------------------------------------------------------------


def test_the_same_date_changes_nothing_even_without_its_text():
    stored = date(2019, 3, 11, text="2019 Mar 11")
    assert merge.merge_date(stored=stored, incoming=date(2019, 3, 11), stored_date="2019 Mar 11") == merge.Merged({})
    incoming = date(2019, 3, 11, text="2019 Mar 11")
    assert merge.merge_date(stored=stored, incoming=incoming, stored_date="2019 Mar 11") == merge.Merged({})


def test_a_less_precise_date_of_the_same_year_does_not_replace_a_precise_one():
    stored = date(2019, 3, 11, text="2019 Mar 11")
    assert merge.merge_date(stored=stored, incoming=date(2019, text="2019"), stored_date="2019 Mar 11") == (
        merge.Merged({})
    )


def test_a_more_precise_date_fills_the_parts_without_a_conflict():
    merged = merge.merge_date(
        stored=date(2019, text="2019"), incoming=date(2019, 3, 11, text="2019 Mar 11"), stored_date="2019"
    )
    assert merged == merge.Merged(
        {"pub_month": 3, "pub_day": 11, "pub_date_text": "2019 Mar 11"}, changed=True, conflict=""
    )


def test_a_contradicting_date_replaces_the_stored_one_and_says_so():
    merged = merge.merge_date(
        stored=date(2019, 3, 11, text="2019 Mar 11"), incoming=date(2020, text="2020"), stored_date="2019 Mar 11"
    )
    assert merged == merge.Merged(
        {"pub_year": 2020, "pub_month": None, "pub_day": None, "pub_date_text": "2020"},
        changed=True,
        conflict="'2019 Mar 11' replaced by '2020'",
    )
    merged = merge.merge_date(stored=date(2019, 3), incoming=date(2019, 4, text="2019 Apr"), stored_date="2019 Mar")
    assert merged.conflict == "'2019 Mar' replaced by '2019 Apr'"


def test_a_missing_season_or_text_is_empty_and_an_empty_text_never_overwrites():
    stored = date(2019, season="Spring", text="2019 Spring")
    incoming = date(2019, 3, season=None, text=None)
    merged = merge.merge_date(stored=stored, incoming=incoming, stored_date="2019 Spring")
    assert merged == merge.Merged({"pub_month": 3, "pub_season": ""}, changed=True)


# Lists ---------------------------------------------------------------------------------------------------------


def authors(*names: str) -> list[Author]:
    return [Author(position=n, last_name=name) for n, name in enumerate(names, start=1)]


def test_the_same_authors_get_their_details_filled_and_updated():
    stored = authors("Smith", "Jones")
    stored[1].affiliation = "Leeds"
    incoming = [AuthorRecord(last_name="SMITH", fore_name="Ann"), AuthorRecord(last_name="Jones", affiliation="York")]
    merged = merge.merge_authors(stored=stored, incoming=incoming, abridged=False)
    assert merged == merge.ListMerge(
        updates={0: {"last_name": "SMITH", "fore_name": "Ann"}, 1: {"affiliation": "York"}}
    )
    assert merged.changed


def test_the_same_authors_with_nothing_new_change_nothing():
    merged = merge.merge_authors(stored=authors("Smith"), incoming=[AuthorRecord(last_name="Smith")], abridged=False)
    assert merged == merge.ListMerge()
    assert not merged.changed


def test_a_different_author_list_replaces_the_stored_one_and_says_so():
    incoming = [AuthorRecord(last_name="Smith"), AuthorRecord(last_name="Brown")]
    assert merge.merge_authors(stored=authors("Smith"), incoming=incoming, abridged=False) == merge.ListMerge(
        replace=True, conflict="the 1 stored were replaced by the file's 2"
    )
    assert merge.merge_authors(
        stored=authors("Smith"), incoming=[AuthorRecord(last_name="Brown")], abridged=False
    ) == merge.ListMerge(replace=True, conflict="the 1 stored were replaced by the file's 1")


def test_authors_for_a_report_without_any_are_written_without_a_conflict():
    merged = merge.merge_authors(stored=[], incoming=[AuthorRecord(collective_name="A group")], abridged=False)
    assert merged == merge.ListMerge(replace=True)


def test_an_abridged_or_empty_author_list_never_replaces_a_stored_one():
    assert (
        merge.merge_authors(stored=authors("Smith"), incoming=[AuthorRecord(last_name="Brown")], abridged=True)
        == merge.ListMerge()
    )
    assert merge.merge_authors(stored=authors("Smith"), incoming=[], abridged=False) == merge.ListMerge()
    assert merge.merge_authors(stored=[], incoming=[AuthorRecord(last_name="Brown")], abridged=True) == merge.ListMerge(
        replace=True
    )


def test_as_many_references_as_stored_are_filled_position_by_position():
    stored = [Citation(position=1, raw_text="One."), Citation(position=2, raw_text="Two.", pmid=5, in_pubmed=True)]
    incoming = [reference("One.", pmid=7, in_pubmed=True), reference("Two, again.", pmid=None, in_pubmed=False)]
    merged = merge.merge_citations(stored=stored, incoming=incoming)
    # An empty value or False never overwrites: "in PubMed" once said stays said.
    assert merged == merge.ListMerge(updates={0: {"pmid": 7, "in_pubmed": True}, 1: {"raw_text": "Two, again."}})


def test_another_number_of_references_replaces_the_stored_ones_and_says_so():
    merged = merge.merge_citations(stored=[Citation(position=1, raw_text="One.")], incoming=[reference(), reference()])
    assert merged == merge.ListMerge(replace=True, conflict="the 1 stored were replaced by the file's 2")


def test_references_for_a_report_without_any_are_written_and_none_keep_the_stored():
    assert merge.merge_citations(stored=[], incoming=[reference()]) == merge.ListMerge(replace=True)
    assert merge.merge_citations(stored=[Citation(position=1, raw_text="One.")], incoming=[]) == merge.ListMerge()


def test_a_different_list_of_names_replaces_the_stored_one_and_says_so():
    assert merge.merge_names(stored=["fatigue"], incoming=["fatigue", "pain"]) == merge.ListMerge(
        replace=True, conflict="'fatigue' replaced by 'fatigue; pain'"
    )


def test_names_are_compared_without_case_and_each_once():
    assert merge.merge_names(stored=["Fatigue", "pain"], incoming=["fatigue", "PAIN", "pain"]) == merge.ListMerge()


def test_names_for_a_report_without_any_or_replaced_silently_are_no_conflict():
    assert merge.merge_names(stored=[], incoming=["fatigue"]) == merge.ListMerge(replace=True)
    assert merge.merge_names(stored=["Letter"], incoming=["Case Reports"], silent=True) == merge.ListMerge(replace=True)


def test_no_names_from_the_file_keep_the_stored_ones():
    assert merge.merge_names(stored=["fatigue"], incoming=[]) == merge.ListMerge()


def stored_heading(name: str, *, major: bool = False, qualifiers=()) -> MeshHeading:
    return MeshHeading(
        descriptor=MeshDescriptor(name=name),
        is_major=major,
        qualifiers=[{"name": q, "major": False} for q in qualifiers],
    )


def test_different_mesh_headings_replace_the_stored_ones_without_a_conflict():
    stored = [stored_heading("Humans")]
    assert merge.merge_headings(stored=stored, incoming=[heading("Humans", major=True)]) == merge.ListMerge(
        replace=True
    )
    assert merge.merge_headings(stored=stored, incoming=[heading("Humans", qualifiers=["therapy"])]).replace


def test_the_same_mesh_headings_compared_without_case_and_first_of_each_descriptor_change_nothing():
    stored = [stored_heading("Humans"), stored_heading("Sjogren's Syndrome", major=True, qualifiers=["Drug Therapy"])]
    incoming = [
        heading("humans"),
        heading("Humans", major=True),  # a descriptor's second heading is not kept
        heading("Sjogren's Syndrome", major=True, qualifiers=["drug therapy"]),
    ]
    assert merge.merge_headings(stored=stored, incoming=incoming) == merge.ListMerge()
    assert merge.merge_headings(stored=stored, incoming=[]) == merge.ListMerge()


# Patients ------------------------------------------------------------------------------------------------------


CURATED = [PatientRecord(sex="female")]
SUGGESTED = [PatientRecord(sex="female", origin="suggested")]
INCOMING = [PatientRecord(sex="male"), PatientRecord(position=2, sex="female")]


def test_the_files_patients_are_written_for_a_report_without_any():
    assert merge.merge_patients(stored=[], incoming=INCOMING, reviewed=never_asked) == merge.Merged(
        INCOMING, changed=True
    )


def test_the_same_case_changes_nothing_and_the_curators_marks_are_not_read():
    assert merge.merge_patients(stored=list(INCOMING), incoming=INCOMING, reviewed=never_asked) == merge.Merged(
        INCOMING
    )


def test_the_files_case_takes_the_place_of_one_that_is_all_suggestion():
    assert merge.merge_patients(stored=SUGGESTED, incoming=INCOMING, reviewed=lambda: False) == merge.Merged(
        INCOMING, changed=True
    )


def test_a_curated_case_is_kept_and_the_file_says_so():
    assert merge.merge_patients(stored=CURATED, incoming=INCOMING, reviewed=lambda: True) == merge.Merged(
        CURATED, conflict="the report's 1 curated patients were kept; the file's 2 were not imported"
    )
