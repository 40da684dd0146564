"""The writer's merge rules, with records built as a reader would build them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.cases.records import AuthorRecord, PublicationDate, SubstanceRecord
from reports.importers.errors import RecordError
from reports.importers.matching import holding, normalised_title
from reports.importers.upsert import import_records
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Diagnosis,
    Keyword,
    MeshDescriptor,
    Outcome,
    Patient,
    Substance,
    Treatment,
)
from tests.records import article, heading, reference

pytestmark = pytest.mark.django_db


def run(*records, dry_run=False, source="test.xml"):
    return import_records(records=list(records), source=source, source_format="pubmed_xml", dry_run=dry_run)


def test_a_new_record_becomes_a_report_with_everything_it_carries():
    record = article(
        title="Low-dose naltrexone in a patient with Sjögren's syndrome.",
        date=PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11"),
        abstract="BACKGROUND: text.\n\nCASE: more text.",
        pmid=31123647,
        doi="10.7759/cureus.4225",
        pmcid="PMC6510571",
        volume="11",
        issue="3",
        elocation_id="e4225",
        epub_date="2019-03-11",
        language="eng",
        coi_statement="None.",
        authors=[
            AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S", affiliation="Dallas", orcid="0000-1"),
            AuthorRecord(collective_name="LDN Study Group"),
        ],
        keywords=["fatigue", "low dose naltrexone"],
        publication_types=["Case Reports", "Journal Article"],
        mesh_headings=[heading("Sjogren's Syndrome", major=True, qualifiers=["drug therapy"]), heading("Humans")],
        substances=[SubstanceRecord(name="Naltrexone", ui="D009271", registry_number="5S6W795CQM")],
        references=[reference(pmid=17222320, in_pubmed=True), reference("Another reference. 2001.")],
    )
    result = run(record)
    assert (result.created, result.updated, result.unchanged, result.refused) == (1, 0, 0, [])

    report = CaseReport.objects.get()
    assert (report.title, report.pub_sort, report.pmid, report.doi, report.pmcid) == (
        "Low-dose naltrexone in a patient with Sjögren's syndrome.",
        20190311,
        31123647,
        "10.7759/cureus.4225",
        "PMC6510571",
    )
    assert report.epub_date == datetime.date(2019, 3, 11)
    assert (report.source_format, report.source_name) == ("pubmed_xml", "test.xml")
    assert report.journal.title == "Journal of medical case reports"
    assert [str(a) for a in report.authors.all()] == ["Zashin S", "LDN Study Group"]
    assert report.authors.first().affiliation == "Dallas"
    assert [link.keyword.name for link in report.report_keywords.all()] == ["fatigue", "low dose naltrexone"]
    assert [str(h) for h in report.mesh_headings.all()] == ["*Sjogren's Syndrome/drug therapy", "Humans"]
    substance = Substance.objects.get()
    assert (substance.name, substance.ui, substance.registry_number) == ("Naltrexone", "D009271", "5S6W795CQM")
    assert list(report.citations.values_list("position", "pmid")) == [(1, 17222320), (2, None)]


def test_importing_the_same_records_twice_changes_nothing_the_second_time():
    records = [article(pmid=1, keywords=["a"], references=[reference()]), article(doi="10.1/x"), article()]
    assert run(*records).created == 3
    stamps = list(CaseReport.objects.order_by("pk").values_list("updated_at", flat=True))
    again = run(*records)
    assert (again.created, again.updated, again.unchanged, again.conflicts) == (0, 0, 3, [])
    assert list(CaseReport.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


@pytest.mark.parametrize(
    ("stored", "incoming"),
    [
        ({"pmid": 42}, {"pmid": 42, "doi": "10.1/new"}),
        ({"doi": "10.1/same"}, {"doi": "10.1/same", "pmid": 43}),
        ({"pmcid": "PMC9"}, {"pmcid": "PMC9", "pmid": 44}),
    ],
)
def test_a_record_matches_the_report_that_has_its_pmid_doi_or_pmcid(stored, incoming):
    run(article(title="Stored", **stored))
    result = run(article(title="Stored", **incoming))
    assert (result.created, result.updated) == (0, 1)
    report = CaseReport.objects.get()
    for name, value in incoming.items():
        assert getattr(report, name) == value


def test_pmid_wins_over_doi_when_they_point_at_different_reports():
    run(article(title="By PMID", pmid=100), article(title="By DOI", doi="10.1/b"))
    result = run(article(title="By PMID", pmid=100, doi="10.1/b"))
    assert (result.updated, result.unchanged) == (0, 1)
    assert CaseReport.objects.get(pmid=100).doi == ""
    assert [p.message for p in result.conflicts] == ["10.1/b belongs to another report; not copied"]


def test_without_identifiers_the_same_title_year_and_first_author_is_the_same_report():
    run(article(title="Giant cell tumour of the spine: a case report.", authors=[AuthorRecord(last_name="Santiago")]))
    same = article(title="Giant-cell tumour of the spine. A case report", authors=[AuthorRecord(last_name="SANTIAGO")])
    other_author = article(
        title="Giant cell tumour of the spine: a case report.", authors=[AuthorRecord(last_name="Li")]
    )
    result = run(same, other_author)
    assert (result.created, result.updated) == (1, 1)
    assert CaseReport.objects.filter(title="Giant-cell tumour of the spine. A case report").count() == 1
    assert normalised_title("[Giant-cell Tumour]. ") == "giant cell tumour"


def test_empty_fields_are_filled_and_different_values_replaced_and_reported():
    run(article(pmid=7, title="Old title", abstract="", volume="1"))
    result = run(article(pmid=7, title="New title", abstract="Now there is an abstract.", volume=""), source="b.xml")
    assert result.updated == 1
    report = CaseReport.objects.get()
    assert (report.title, report.abstract, report.volume) == ("New title", "Now there is an abstract.", "1")
    assert [str(p) for p in result.conflicts] == ["record 1 (PMID 7), title: 'Old title' replaced by 'New title'"]


def test_a_less_precise_date_does_not_replace_a_precise_one():
    run(article(pmid=8, title="T", date=PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11")))
    result = run(article(pmid=8, title="T", date=PublicationDate(year=2019, text="2019")))
    assert result.unchanged == 1
    assert CaseReport.objects.get().publication_date == "2019 Mar 11"
    more = run(article(pmid=8, title="T", date=PublicationDate(year=2020, month=1, text="2020 Jan")))
    assert CaseReport.objects.get().publication_date == "2020 Jan"
    assert [p.field for p in more.conflicts] == ["date"]


def test_the_same_authors_get_their_details_filled_and_an_abridged_list_never_replaces_a_full_one():
    run(article(pmid=9, title="T", authors=[AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S")]))
    richer = AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S", affiliation="Dallas, USA.")
    assert run(article(pmid=9, title="T", authors=[richer])).updated == 1
    assert Author.objects.get().affiliation == "Dallas, USA."
    abridged = article(
        pmid=9, title="T", authors=[AuthorRecord(last_name="Other", initials="X")], authors_abridged=True
    )
    assert run(abridged).unchanged == 1
    assert [str(a) for a in Author.objects.all()] == ["Zashin S"]


def test_a_different_author_list_replaces_the_stored_one_and_says_so():
    run(article(pmid=10, title="T", authors=[AuthorRecord(last_name="A")]))
    result = run(article(pmid=10, title="T", authors=[AuthorRecord(last_name="B"), AuthorRecord(last_name="C")]))
    assert [str(a) for a in Author.objects.all()] == ["B", "C"]
    assert [p.message for p in result.conflicts] == ["the 1 stored were replaced by the file's 2"]


def test_index_terms_are_shared_between_reports_and_compared_without_case():
    run(article(pmid=11, keywords=["Fatigue"], mesh_headings=[heading("Humans")]))
    run(article(pmid=12, title="T", keywords=["fatigue"], mesh_headings=[heading("HUMANS")]))
    assert list(Keyword.objects.values_list("name", flat=True)) == ["Fatigue"]
    assert MeshDescriptor.objects.count() == 1
    again = article(pmid=12, title="T", keywords=["FATIGUE", "fatigue"], mesh_headings=[heading("humans")])
    assert run(again).unchanged == 1


def test_a_bibliographic_import_never_touches_curated_patients(seed_report):
    patients_before = list(Patient.objects.values_list("pk", "age_value", "sex"))
    record = article(
        title="A different title for the same DOI",
        doi="10.7759/cureus.4225",
        pmid=31123647,
        authors=[AuthorRecord(last_name="Zashin", fore_name="Scott", initials="S", affiliation="Dallas")],
    )
    result = run(record)
    assert (result.created, result.updated) == (0, 1)
    assert CaseReport.objects.count() == 1
    assert list(Patient.objects.values_list("pk", "age_value", "sex")) == patients_before
    assert (Diagnosis.objects.count(), Treatment.objects.count(), Outcome.objects.count()) == (1, 2, 2)
    assert CaseReport.objects.get().pmid == 31123647


def test_a_reference_to_a_report_in_casebase_links_to_it():
    run(article(title="Cited", pmid=500))
    result = run(article(title="Citing", pmid=501, references=[reference(pmid=500), reference(pmid=999)]))
    citations = list(Citation.objects.order_by("position"))
    assert citations[0].cited_report == CaseReport.objects.get(pmid=500)
    assert citations[1].cited_report is None
    assert result.citations_linked == 1


def test_references_waiting_for_a_report_are_linked_when_it_arrives():
    run(article(title="Citing", pmid=600, references=[reference(doi="10.9/late"), reference(pmcid="PMC77")]))
    assert not Citation.objects.filter(cited_report__isnull=False).exists()
    result = run(article(title="Late", doi="10.9/late"), article(title="Later", pmcid="PMC77"))
    assert result.citations_linked == 2
    late = CaseReport.objects.get(doi="10.9/late")
    assert list(late.cited_by.values_list("report__pmid", flat=True)) == [600]


def test_references_in_the_same_file_link_to_each_other_whatever_their_order():
    result = run(
        article(title="Citing first", pmid=701, references=[reference(pmid=702)]),
        article(title="Cited second", pmid=702, references=[reference(pmid=701)]),
    )
    assert result.citations_linked == 2
    assert Citation.objects.filter(cited_report__isnull=True).count() == 0


def test_a_report_is_never_linked_to_itself():
    run(article(pmid=800, references=[reference(pmid=800)]))
    assert Citation.objects.get().cited_report is None


def test_one_bad_record_refuses_the_whole_file_and_names_it():
    good = article(pmid=900)
    too_long = article(pmid=901, volume="v" * 80, number=2)
    unreadable = RecordError("the record has no title", source="f.xml", record=3, pmid=902, field="ArticleTitle")
    result = run(good, too_long, unreadable)
    assert not result.ok
    assert CaseReport.objects.count() == 0
    assert [str(p) for p in result.refused] == [
        "record 2 (PMID 901), report volume: is 80 characters long; at most 50 fit",
        "record 3 (PMID 902), ArticleTitle: the record has no title",
    ]
    assert result.summary().startswith("test.xml: refused, nothing written (2 of 3 records could not be imported")


def test_a_dry_run_says_what_would_change_and_writes_nothing():
    run(article(pmid=1000, title="Stored"))
    result = run(article(pmid=1000, title="Renamed"), article(pmid=1001), dry_run=True)
    assert (result.created, result.updated, result.dry_run) == (1, 1, True)
    assert "would be: created 1, updated 1" in result.summary()
    assert list(CaseReport.objects.values_list("title", flat=True)) == ["Stored"]


def test_the_same_article_twice_in_one_file_is_one_report():
    result = run(article(pmid=1100, title="First"), article(pmid=1100, title="First"))
    assert (result.created, result.unchanged) == (1, 1)


def test_the_number_of_queries_does_not_grow_with_the_number_of_records():
    def queries(first_pmid, n):
        records = [
            article(
                pmid=first_pmid + i,
                keywords=["k1", "k2"],
                mesh_headings=[heading("Humans")],
                publication_types=["Case Reports"],
                references=[reference(pmid=first_pmid + i + 1)],
            )
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as captured:
            assert run(*records).created == n
        return len(captured)

    small, large = queries(10_000, 20), queries(20_000, 200)
    assert large < 80
    assert large <= small + 20


def test_two_articles_that_share_a_doi_stay_two_reports():
    # Old PubMed records sometimes carry the DOI of the whole issue.
    run(article(title="Preliminary results concerning amino acid levels", pmid=420122, doi="10.1/issue"))
    result = run(article(title="Maternal fatness and placental size.", pmid=420123, doi="10.1/issue"))
    assert (result.created, result.updated) == (1, 0)
    assert list(CaseReport.objects.order_by("pmid").values_list("pmid", "doi")) == [
        (420122, "10.1/issue"),
        (420123, ""),
    ]
    assert [str(p) for p in result.conflicts] == [
        "record 1 (PMID 420123), doi: 10.1/issue belongs to another report; not copied"
    ]
    assert run(article(title="Maternal fatness and placental size.", pmid=420123, doi="10.1/issue")).unchanged == 1


def test_skipping_refused_records_imports_the_rest_and_lists_the_refused():
    records = [article(pmid=1300), article(pmid=1301, title="", number=2), article(pmid=1302, number=3)]
    result = import_records(records=records, source="b.xml", source_format="pubmed_xml", skip_refused=True)
    assert (result.created, result.written, result.ok) == (2, True, False)
    assert [str(p) for p in result.refused] == ["record 2 (PMID 1301), title: the record has no title"]
    assert result.summary().endswith("; 1 records refused and left out")
    assert sorted(CaseReport.objects.values_list("pmid", flat=True)) == [1300, 1302]
    again = import_records(records=records, source="b.xml", source_format="pubmed_xml", skip_refused=True)
    assert (again.created, again.unchanged, len(again.refused)) == (0, 2, 1)


def test_a_file_that_breaks_off_is_never_written_even_when_skipping_refused_records():
    def records():
        yield article(pmid=1400)
        raise RecordError("the XML breaks off at line 90", source="cut.xml")

    result = import_records(records=records(), source="cut.xml", source_format="pubmed_xml", skip_refused=True)
    assert (result.written, CaseReport.objects.count()) == (False, 0)
    assert result.summary() == "cut.xml: refused, nothing written (the file could not be read to its end)"
    assert [p.message for p in result.refused] == ["the XML breaks off at line 90"]


def test_a_reference_known_only_by_its_identifiers_is_kept():
    run(article(pmid=1500, references=[reference("", pmid=1501)]))
    citation = Citation.objects.get()
    assert (citation.raw_text, citation.pmid, str(citation)) == ("", 1501, "[1] PMID 1501")
    assert run(article(pmid=1502, references=[reference("")])).refused[0].message == (
        "a reference has neither text nor an identifier"
    )


def test_an_older_version_of_a_versioned_article_does_not_replace_a_newer_one():
    # Wellcome Open Research publishes versions under one PMID; a baseline file can hold several of them.
    versions = [
        article(pmid=30271887, pmid_version=n, title="Same article", doi=f"10.12688/w.14677.{n}", number=n)
        for n in (1, 2, 4, 3)
    ]
    first = run(*versions)
    assert (first.created, first.updated) == (1, 2)
    report = CaseReport.objects.get()
    assert (report.pmid_version, report.doi) == (4, "10.12688/w.14677.4")
    assert [p.message for p in first.conflicts][-1] == "version 3 is older than the stored version 4; not taken"
    again = run(*versions)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partial indexes")
def test_reports_are_found_by_many_identifiers_through_their_indexes():
    """A batch asks for thousands of identifiers at once; PostgreSQL must still use the DOI and PMCID indexes
    (partial: not empty) instead of reading every report. Sequential scans are priced out, so that a query no
    index can answer shows one."""
    values = {
        "pmid": list(range(1, 301)),
        "doi": [f"10.1000/{n}" for n in range(300)],
        "pmcid": [f"PMC{n}" for n in range(300)],
    }
    sql, params = CaseReport.objects.filter(holding(**values)).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan
    assert "reports_casereport_doi_unique" in plan
    assert "reports_casereport_pmcid_unique" in plan
