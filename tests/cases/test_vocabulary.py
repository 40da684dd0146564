"""Vocabulary terms and journals are found once, by name (or NLM ID, ISSN), and created when missing."""

import pytest

from reports.cases.records import JournalRecord
from reports.cases.vocabulary import Journals, Vocabulary
from reports.models import Journal, Keyword, MeshDescriptor

pytestmark = pytest.mark.django_db


def test_a_vocabulary_finds_terms_whatever_their_case_and_creates_the_missing_ones():
    Keyword.objects.create(name="Fatigue")
    ids = Vocabulary(Keyword).resolve({"fatigue": {}, "Joint pain": {}})
    assert sorted(Keyword.objects.values_list("name", flat=True)) == ["Fatigue", "Joint pain"]
    assert ids["fatigue"] == Keyword.objects.get(name="Fatigue").pk


def test_a_vocabulary_fills_an_empty_ui_but_never_takes_one_another_term_holds():
    MeshDescriptor.objects.create(name="Humans")
    MeshDescriptor.objects.create(name="Naltrexone", ui="D009271")
    Vocabulary(MeshDescriptor, ("ui",)).resolve({"Humans": {"ui": "D006801"}, "LDN": {"ui": "D009271"}})
    assert dict(MeshDescriptor.objects.values_list("name", "ui")) == {
        "Humans": "D006801",
        "Naltrexone": "D009271",
        "LDN": "",
    }


def test_a_vocabulary_asks_the_database_once_per_new_name(django_assert_num_queries):
    from django.db import connection

    vocabulary = Vocabulary(Keyword)
    # Look the names up; create the missing ones; record their history. PostgreSQL takes the new ids from the
    # sequence first, in one query, to write the rows with COPY (reports.bulk).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 3):
        vocabulary.resolve({"a": {}, "b": {}})
    with django_assert_num_queries(0):
        vocabulary.resolve({"A": {}, "b": {}})


def test_new_terms_are_recorded_in_the_history_with_the_reason_given():
    from reports.audit import acting

    with acting(reason="Import 7 of test.xml"):
        ids = Vocabulary(Keyword).resolve({"fatigue": {}})
    record = Keyword.changes.get(id=ids["fatigue"])
    assert (record.history_type, record.history_change_reason, record.history_user) == (
        "+",
        "Import 7 of test.xml",
        None,
    )


def test_journals_are_found_by_nlm_id_issn_or_name_and_filled():
    Journal.objects.create(title="Cureus", iso_abbreviation="Cureus")
    journals = Journals()
    found = journals.resolve(
        JournalRecord(title="Cureus", iso_abbreviation="Cureus", issn="2168-8184", nlm_unique_id="101596737")
    )
    assert (found.issn, found.nlm_unique_id) == ("2168-8184", "101596737")
    assert Journals().resolve(JournalRecord(iso_abbreviation="cureus")) == found
    assert Journals().resolve(JournalRecord(title="Another name", issn="2168-8184")) == found
    assert Journal.objects.count() == 1


def test_a_journal_known_only_by_abbreviation_gets_its_full_title_later():
    journal = Journals().resolve(JournalRecord(iso_abbreviation="J Med Case Rep"))
    assert journal.title == "J Med Case Rep"
    Journals().resolve(JournalRecord(title="Journal of medical case reports", iso_abbreviation="J Med Case Rep"))
    journal.refresh_from_db()
    assert (journal.title, journal.iso_abbreviation) == ("Journal of medical case reports", "J Med Case Rep")


def test_two_journals_with_one_title_but_different_issns_stay_two():
    Journal.objects.create(title="Case Reports", issn="1111-1111")
    other = Journals().resolve(JournalRecord(title="Case Reports", issn="2222-2222"))
    assert other.issn == "2222-2222"
    assert Journal.objects.count() == 2


def test_a_record_without_a_journal_gives_none():
    assert Journals().resolve(JournalRecord()) is None


def test_two_new_terms_with_one_ui_in_a_batch_give_it_to_the_first(django_assert_num_queries):
    from django.db import connection

    # Renamed MeSH terms: two names for D009271 in the same file. One query finds which UIs are taken (then the
    # inserts, as above).
    MeshDescriptor.objects.create(name="Humans", ui="D006801")
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        Vocabulary(MeshDescriptor, ("ui",)).resolve(
            {"Naltrexone": {"ui": "D009271"}, "LDN": {"ui": "D009271"}, "People": {"ui": "D006801"}}
        )
    assert dict(MeshDescriptor.objects.values_list("name", "ui")) == {
        "Humans": "D006801",
        "Naltrexone": "D009271",
        "LDN": "",
        "People": "",
    }


@pytest.mark.parametrize("preloaded", [False, True], ids=["asking the database", "preloaded"])
def test_a_batch_preloaded_finds_the_same_journals_as_one_by_one(preloaded, django_assert_max_num_queries):
    cureus = Journal.objects.create(title="Cureus", iso_abbreviation="Cureus", issn="2168-8184")
    Journal.objects.create(title="Case Reports", issn="1111-1111")
    bmj = Journal.objects.create(title="BMJ case reports", iso_abbreviation="BMJ Case Rep", nlm_unique_id="101526291")
    records = [
        JournalRecord(iso_abbreviation="cureus"),  # by name, whatever the case
        JournalRecord(title="Another name", issn="2168-8184"),  # by ISSN
        JournalRecord(title="BMJ Case Reports", nlm_unique_id="101526291"),  # by NLM ID
        JournalRecord(title="Case Reports", issn="2222-2222"),  # same title, another ISSN: another journal
        JournalRecord(title="Case Reports", issn="2222-2222"),  # ... found again, not made twice
    ]
    journals = Journals()
    if preloaded:
        with django_assert_max_num_queries(1):
            journals.preload(records)
    found = [journals.resolve(record) for record in records]
    assert found[:3] == [cureus, cureus, bmj]
    assert found[3].issn == "2222-2222"
    assert found[4] == found[3]
    assert Journal.objects.count() == 4


def test_preloaded_journals_are_looked_up_without_asking_again(django_assert_num_queries):
    Journal.objects.create(title="Cureus", iso_abbreviation="Cureus", issn="2168-8184")
    records = [JournalRecord(title="Cureus", issn="2168-8184"), JournalRecord(iso_abbreviation="CUREUS")]
    journals = Journals()
    with django_assert_num_queries(1):
        journals.preload(records)
        for record in records:
            journals.resolve(record)
