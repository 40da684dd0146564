"""The reader of PubMed's CSV export (reports/importers/pubmed_csv.py).

The real files are CoLRev's (tests/data/pubmed/colrev/, MIT); oracle.json gives their facts per record. Small
files written here exercise what those two do not: bad rows, missing columns, odd line endings and encodings.
"""

import csv
import dataclasses
import functools
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.cases.records import ArticleRecord, AuthorRecord, JournalRecord, PublicationDate
from reports.identifiers import normalize_doi
from reports.importers.errors import RecordError
from reports.importers.pubmed_csv import COLUMNS, read_pubmed_csv
from reports.importers.service import import_file
from reports.text import clean_line
from tests.importers.fuzzing import HOSTILE_PIECES, assert_imports_whole_or_refuses_cleanly, damaged, real_files

DATA = Path(__file__).resolve().parents[1] / "data" / "pubmed"
ORACLE = json.loads((DATA / "oracle.json").read_text(encoding="utf-8"))
CSV_FILES = ["colrev/pubmed.csv", "colrev/pubmed-chatbot.csv"]
HEADER = ",".join(COLUMNS)


@functools.cache
def records_of(name: str) -> tuple:
    with (DATA / name).open("rb") as stream:
        return tuple(read_pubmed_csv(stream, source=name))


def read(data: bytes, source: str = "export.csv") -> list:
    return list(read_pubmed_csv(io.BytesIO(data), source=source))


def csv_file(*rows: dict, header: str = HEADER, line_ending: str = "\n") -> bytes:
    """A PubMed CSV with the given values (by column name), every value quoted as PubMed quotes them."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=line_ending)
    names = header.split(",")
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return (header + "\n" + out.getvalue()).encode("utf-8")


def a_row(**values) -> dict:
    row = {
        "PMID": "31123647",
        "Title": "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy",
        "Authors": "Zashin S.",
        "Citation": "Cureus. 2019 Mar 11;11(3):e4225. doi: 10.7759/cureus.4225.",
        "First Author": "Zashin S",
        "Journal/Book": "Cureus",
        "Publication Year": "2019",
        "Create Date": "2019/05/24",
        "PMCID": "PMC6510571",
        "DOI": "10.7759/cureus.4225",
    }
    # Keywords stand for column names: First_Author="..." for "First Author", Journal_Book for "Journal/Book".
    row.update({name.replace("Journal_", "Journal/").replace("_", " "): value for name, value in values.items()})
    return row


# The real files against the oracle.

ORACLE_CASES = [(name, index) for name in CSV_FILES for index in range(ORACLE[name]["n_records"])]


@pytest.mark.parametrize(("name", "index"), ORACLE_CASES, ids=[f"{name}#{index + 1}" for name, index in ORACLE_CASES])
def test_every_record_of_the_real_files_matches_the_oracle_field_by_field(name, index):
    expected = ORACLE[name]["records"][index]
    record = records_of(name)[index]
    first = record.authors[0]

    assert {
        "PMID": str(record.pmid),
        "title": record.title,
        "first_author": f"{first.last_name} {first.initials}",
        "journal": record.journal.iso_abbreviation,
        "year": str(record.date.year),
        "doi": record.doi,
        "pmcid": record.pmcid or None,
        "n_authors": len(record.authors),
    } == {
        "PMID": expected["PMID"],
        "title": expected["title"],
        "first_author": expected["first_author"],
        "journal": expected["journal"],
        "year": expected["year"],
        "doi": normalize_doi(expected["doi"]),
        "pmcid": expected["pmcid"],
        "n_authors": expected["n_authors"],
    }


@pytest.mark.parametrize("name", CSV_FILES)
def test_the_real_files_give_one_record_per_row_numbered_from_one(name):
    records = records_of(name)

    assert [type(record) for record in records] == [ArticleRecord] * ORACLE[name]["n_records"]
    assert [record.number for record in records] == list(range(1, ORACLE[name]["n_records"] + 1))


def test_an_article_ahead_of_print_has_its_date_and_pages_from_the_citation_and_no_volume():
    record = records_of("colrev/pubmed.csv")[0]

    assert record.date == PublicationDate(year=2022, month=1, day=31, text="2022 Jan 31")
    assert (record.volume, record.issue, record.pages, record.elocation_id, record.epub_date) == (
        "",
        "",
        "1-13",
        "",
        "",
    )


def test_a_citation_gives_volume_issue_pages_and_the_epub_date():
    record = records_of("colrev/pubmed.csv")[1]

    assert record.date == PublicationDate(year=2022, month=3, text="2022 Mar")
    assert (record.volume, record.issue, record.pages, record.elocation_id, record.epub_date) == (
        "25",
        "3",
        "181-188",
        "",
        "2022-02-02",
    )


def test_an_article_number_like_e37086_is_the_elocation_id_not_pages():
    record = records_of("colrev/pubmed.csv")[2]

    assert (record.volume, record.issue, record.pages, record.elocation_id) == ("10", "6", "", "e37086")


def test_a_volume_without_an_issue_number_is_read():
    record = records_of("colrev/pubmed-chatbot.csv")[4]

    assert (record.volume, record.issue, record.pages, record.elocation_id) == ("3", "", "617013", "")


def test_a_two_month_issue_keeps_its_first_month_and_the_date_as_printed():
    record = records_of("colrev/pubmed-chatbot.csv")[2]

    assert record.date == PublicationDate(year=2022, month=1, text="2022 Jan-Feb 01")


def test_authors_are_surnames_with_initials_in_order_and_marked_abridged():
    record = records_of("colrev/pubmed.csv")[0]

    assert record.authors == [
        AuthorRecord(last_name="Hajj-Boutros", initials="G"),
        AuthorRecord(last_name="Landry-Duval", initials="MA"),
        AuthorRecord(last_name="Comtois", initials="AS"),
        AuthorRecord(last_name="Gouspillou", initials="G"),
        AuthorRecord(last_name="Karelis", initials="AD"),
    ]
    assert record.authors_abridged is True


def test_surnames_of_two_words_and_with_particles_are_kept_whole():
    alley = records_of("colrev/pubmed.csv")[8]
    humphreys = records_of("colrev/pubmed.csv")[9]

    assert alley.authors[1] == AuthorRecord(last_name="van Uffelen", initials="J")
    assert humphreys.authors[3] == AuthorRecord(last_name="Bohnert", initials="ASB")
    assert humphreys.authors[14] == AuthorRecord(last_name="Larrimore Ouellette", initials="L")


def test_the_registered_sign_and_accented_letters_are_kept():
    records = records_of("colrev/pubmed.csv")

    assert records[5].title.startswith("Comparison of the Fitbit® charge and polysomnography")
    assert records[9].authors[7] == AuthorRecord(last_name="Cuéllar", initials="MF")


def test_the_journal_is_the_abbreviation_the_csv_gives():
    assert records_of("colrev/pubmed.csv")[5].journal == JournalRecord(iso_abbreviation="Minerva Pediatr (Torino)")


def test_the_create_date_and_the_nihms_id_are_not_stored():
    record = records_of("colrev/pubmed.csv")[4]
    stored = repr(dataclasses.asdict(record))

    assert (record.pmcid, "NIHMS1660153" in stored, "2020/06/23" in stored) == ("PMC7884020", False, False)


def test_a_utf8_bom_does_not_hide_the_pmid_column():
    records = read(b"\xef\xbb\xbf" + csv_file(a_row()))

    assert [(record.pmid, record.title) for record in records] == [
        (31123647, "Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy")
    ]


def test_rows_ending_in_crlf_after_a_lf_header_leave_no_carriage_return_in_the_last_column():
    records = read(csv_file(a_row(DOI="10.7759/Cureus.4225"), a_row(PMID="2"), line_ending="\r\n"))

    assert [(record.pmid, record.doi) for record in records] == [
        (31123647, "10.7759/cureus.4225"),
        (2, "10.7759/cureus.4225"),
    ]


def test_the_real_file_with_crlf_rows_gives_clean_dois_in_its_last_column():
    assert [record.doi for record in records_of("colrev/pubmed.csv")][-2:] == [
        "10.2196/31352",
        "10.1016/s0140-6736(21)02252-2",
    ]


def test_lines_ending_in_a_lone_carriage_return_are_rows():
    records = read(csv_file(a_row(PMID="1"), a_row(PMID="2"), line_ending="\r").replace(b"\n", b"\r"))

    assert [record.pmid for record in records] == [1, 2]


def test_quoted_values_keep_their_commas_and_newlines_become_spaces():
    records = read(csv_file(a_row(Title="Naltrexone, low dose:\r\na case\nreport")))

    assert records[0].title == "Naltrexone, low dose: a case report"


def test_quoted_and_unquoted_empty_values_are_empty():
    data = (
        HEADER + "\n"
        '"1","Title one","Smith J.","Cureus. 2019;11:e1.","Smith J","Cureus","2019","2019/01/01",,,""\n'
        '"2","Title two","Smith J.","Cureus. 2019;11:e2.","Smith J","Cureus","2019","2019/01/01","","",\n'
    ).encode()

    assert [(record.pmid, record.pmcid, record.doi) for record in read(data)] == [(1, "", ""), (2, "", "")]


def test_the_real_file_with_unquoted_empty_values_has_no_pmcid_where_none_is_given():
    assert [record.pmcid for record in records_of("colrev/pubmed-chatbot.csv")] == [
        "",
        "PMC8669585",
        "",
        "",
        "PMC8521912",
        "PMC8903403",
    ]


def test_blank_lines_and_empty_spreadsheet_rows_are_not_records():
    data = csv_file(a_row(PMID="1")) + b"\n,,,,,,,,,,\n" + csv_file(a_row(PMID="2")).split(b"\n", 1)[1]

    assert [(record.number, record.pmid) for record in read(data)] == [(1, 1), (2, 2)]


def test_columns_are_found_by_name_in_any_order_and_case():
    data = b'title,pmid,publication year\n"A case of LDN","123","2020"\n'

    assert [(record.pmid, record.title, record.date) for record in read(data)] == [
        (123, "A case of LDN", PublicationDate(year=2020, text="2020"))
    ]


def test_control_characters_are_taken_out_of_values():
    records = read(csv_file(a_row(Title="Naltrexone\x00 in\x07 Sjogren's\tsyndrome ")))

    assert records[0].title == "Naltrexone in Sjogren's syndrome"


def test_the_doi_is_read_from_the_citation_when_the_doi_column_is_empty():
    records = read(csv_file(a_row(DOI="", Citation="Cureus. 2019 Mar 11;11(3):e4225. doi: 10.7759/Cureus.4225.")))

    assert records[0].doi == "10.7759/cureus.4225"


def test_the_journal_is_read_from_the_citation_when_the_journal_column_is_empty():
    records = read(csv_file(a_row(Journal_Book="", Citation="Pain Med. 2009 Jun;10(4):663-72.")))

    assert (records[0].journal.iso_abbreviation, records[0].pages) == ("Pain Med", "663-72")


def test_a_citation_without_a_date_takes_the_publication_year():
    book = "In: StatPearls [Internet]. Treasure Island (FL): StatPearls Publishing; 2024 Jan–."
    records = read(csv_file(a_row(Citation=book, Journal_Book="StatPearls", Publication_Year="2024")))

    assert (records[0].date, records[0].volume, records[0].pages) == (PublicationDate(year=2024, text="2024"), "", "")


def test_an_issue_dated_across_two_years_and_a_season_are_read():
    records = read(
        csv_file(
            a_row(Citation="Am J Gastroenterol. 1998 Dec-1999 Jan;93(12):2456-7."),
            a_row(Citation="Integr Med (Encinitas). 2019 Spring;18(2):113-25."),
        )
    )

    assert [record.date for record in records] == [
        PublicationDate(year=1998, month=12, text="1998 Dec-1999 Jan"),
        PublicationDate(year=2019, season="Spring", text="2019 Spring"),
    ]


def test_an_article_ahead_of_print_with_a_publisher_id_has_it_as_elocation_id():
    records = read(csv_file(a_row(Citation="Am J Med. 2024 Jan 5:S0002-9343(23)00789-0. Online ahead of print.")))

    assert (records[0].pages, records[0].elocation_id) == ("", "S0002-9343(23)00789-0")


def test_a_group_author_without_initials_is_a_collective_name():
    records = read(csv_file(a_row(Authors="Smith J Jr, CARE Group, Writing Committee for the ABC, Younger J.")))

    assert records[0].authors == [
        AuthorRecord(last_name="Smith", initials="J"),
        AuthorRecord(collective_name="CARE Group"),
        AuthorRecord(collective_name="Writing Committee for the ABC"),
        AuthorRecord(last_name="Younger", initials="J"),
    ]


def test_surnames_with_a_particle_a_hyphen_or_an_apostrophe_and_suffixes_are_people():
    records = read(csv_file(a_row(Authors="el-Mofty S, In K, d'Angelo M, van 't Veer LJ, King ML III, Group P.")))

    assert records[0].authors == [
        AuthorRecord(last_name="el-Mofty", initials="S"),
        AuthorRecord(last_name="In", initials="K"),
        AuthorRecord(last_name="d'Angelo", initials="M"),
        AuthorRecord(last_name="van 't Veer", initials="LJ"),
        AuthorRecord(last_name="King", initials="ML"),
        AuthorRecord(collective_name="Group P"),
    ]


def test_without_an_authors_column_value_the_first_author_is_used():
    records = read(csv_file(a_row(Authors="", First_Author="Zashin S")))

    assert records[0].authors == [AuthorRecord(last_name="Zashin", initials="S")]


# Rows that cannot be read are refused one by one.


def test_a_row_without_a_title_is_refused_and_the_next_row_is_read():
    items = read(csv_file(a_row(PMID="1"), a_row(PMID="2", Title=" "), a_row(PMID="3")))

    assert [type(item) for item in items] == [ArticleRecord, RecordError, ArticleRecord]
    assert (items[1].record, items[1].pmid, items[1].field) == (2, 2, "Title")
    assert str(items[1]) == "export.csv, record 2 (PMID 2), field 'Title': the row has no title"
    assert (items[2].number, items[2].pmid) == (3, 3)


def test_a_row_without_a_usable_year_is_refused():
    book = "In: StatPearls [Internet]. Treasure Island (FL): StatPearls Publishing."
    items = read(csv_file(a_row(PMID="7", Citation=book, Publication_Year="n.d.")))

    assert str(items[0]) == (
        "export.csv, record 1 (PMID 7), field 'Publication Year': no publication year: the citation has no date "
        "and the Publication Year is 'n.d.'"
    )


def test_a_pmid_that_is_not_a_number_is_refused():
    items = read(csv_file(a_row(PMID="PMC6510571")))

    assert (type(items[0]), items[0].record, items[0].pmid, items[0].field, items[0].message) == (
        RecordError,
        1,
        None,
        "PMID",
        "'PMC6510571' is not a PMID (a PMID is a number)",
    )


def test_a_row_with_more_values_than_the_header_is_refused_rather_than_misread():
    data = b'PMID,Title,Publication Year\n1,Naltrexone, a case report,2020\n"2","Fine","2021"\n'
    items = read(data)

    assert [type(item) for item in items] == [RecordError, ArticleRecord]
    assert items[0].message == (
        "the row has 4 values but the header names 3 columns: a value with a comma in it is probably not in quotes"
    )


# Files that cannot be read at all.


def test_a_file_without_the_pmid_and_title_columns_is_refused_naming_the_columns_it_has():
    with pytest.raises(RecordError) as caught:
        read(b"Name,Year\nSmith,2020\n", source="refs.csv")

    assert str(caught.value) == (
        "refs.csv: this is not a PubMed CSV export: the header has no 'PMID' or 'Title' column "
        "(columns found: 'Name', 'Year')"
    )


def test_a_header_line_that_is_something_else_is_quoted_briefly():
    # Found by fuzzing: an XML file read as CSV had its whole first line quoted, a refusal of a thousand characters.
    line = b"<PubmedArticleSet><PubmedArticle><MedlineCitation " + b"x" * 2000 + b"," * 30 + b"\n"

    with pytest.raises(RecordError) as caught:
        read(line, source="pubmed.xml")

    assert caught.value.message == (
        "this is not a PubMed CSV export: the header has no 'PMID' or 'Title' column "
        "(columns found: '<PubmedArticleSet><PubmedArticle><Medlin…')"
    )


def test_a_file_without_the_title_column_is_refused_naming_only_that_column():
    with pytest.raises(RecordError) as caught:
        read(b"\xef\xbb\xbfPMID,Authors\n1,Smith J\n")

    assert caught.value.message == (
        "this is not a PubMed CSV export: the header has no 'Title' column (columns found: 'PMID', 'Authors')"
    )


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(RecordError) as caught:
        read(data)

    assert str(caught.value) == "export.csv: the file is empty: expected a PubMed CSV export with a header line"


def test_a_line_that_is_not_utf8_is_refused_naming_the_line_after_the_rows_before_it():
    latin1 = csv_file(a_row(PMID="1"), a_row(PMID="2", Title="Café au lait spots"), a_row(PMID="3"))
    items = read_pubmed_csv(io.BytesIO(latin1.replace("é".encode(), b"\xe9")), source="latin1.csv")

    assert next(items).pmid == 1
    with pytest.raises(RecordError) as caught:
        next(items)
    assert str(caught.value) == (
        "latin1.csv: line 3 is not UTF-8 text (byte 0xE9 at column 9): save the file as UTF-8 "
        "('CSV UTF-8' in a spreadsheet) and import it again"
    )


def test_an_unclosed_quote_at_the_end_of_the_file_is_refused():
    with pytest.raises(RecordError) as caught:
        read(b'PMID,Title\n1,"A title that never ends\n')

    assert str(caught.value) == (
        "export.csv, record 1: line 2 cannot be read as CSV (unexpected end of data); the rest of the file was not read"
    )


# Whatever the bytes, the reader yields records or RecordErrors and raises nothing but RecordError.


def check_items(data: bytes) -> None:
    try:
        items = read(data)
    except RecordError:
        return
    for item in items:
        assert isinstance(item, ArticleRecord | RecordError)
        if isinstance(item, ArticleRecord):
            assert item.title == clean_line(item.title) != ""
            assert 1000 <= item.date.year <= 2999
            assert item.authors_abridged is True


@settings(derandomize=True, max_examples=300)
@given(st.binary(max_size=2000))
def test_any_bytes_give_records_or_record_errors(data):
    check_items(data)


@settings(derandomize=True, max_examples=300)
@given(
    st.lists(
        st.lists(st.text(max_size=60), max_size=13),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_rows_under_a_pubmed_header_give_records_or_record_errors(rows, line_ending):
    out = io.StringIO()
    csv.writer(out, lineterminator=line_ending).writerows(rows)
    check_items((HEADER + line_ending + out.getvalue()).encode("utf-8"))


@settings(derandomize=True, max_examples=300)
@given(
    st.text(alphabet="0123456789 ;:()-.,abcdeEJFMS", max_size=80),
    st.text(alphabet="ABCdefg -,.;'", max_size=80),
)
def test_any_citation_and_authors_give_records_or_record_errors(citation, authors):
    check_items(csv_file(a_row(Citation=citation, Authors=authors, Publication_Year="")))


# Through import_file into the database: damaged and made-up CSV exports are imported whole or refused, and a
# refused file leaves every row as it was (tests/importers/fuzzing.py has the property).

CSV_PATHS = [DATA / name for name in CSV_FILES]
REAL_CSV = real_files(*CSV_PATHS)
# The real files' rows, by column: made-up rows take each cell from the same column of a real row, or a hostile one.
REAL_ROWS = [row for data in REAL_CSV for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]
CSV_PIECES = [b'"', b'""', b",", b'","', b"\n", b'"\n"', b";", b"\t", b"=cmd|' /C calc'!A0", b"PMID,Title\n"]


@pytest.fixture
def csv_in_the_database(db):
    """The real files imported first, so that damaged copies of them merge into reports that are there."""
    for path in CSV_PATHS:
        assert import_file(file=path).ok


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(REAL_CSV, pieces=CSV_PIECES), st.sampled_from(["pubmed_csv", None]), st.booleans())
def test_a_damaged_csv_export_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    csv_in_the_database, data, format, skip_refused
):
    assert_imports_whole_or_refuses_cleanly(data, name="fuzz.csv", format=format, skip_refused=skip_refused)


cell_text = st.sampled_from(HOSTILE_PIECES).map(lambda piece: piece.decode("utf-8", "replace")) | st.text(max_size=40)


@st.composite
def made_up_row(draw) -> list[str]:
    real = draw(st.sampled_from(REAL_ROWS))
    row = [real[column] if draw(st.booleans()) else draw(cell_text) for column in COLUMNS]
    return row + draw(st.lists(cell_text, max_size=2)) if draw(st.integers(0, 9)) == 0 else row


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(made_up_row(), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_rows_of_real_and_hostile_cells_are_imported_whole_or_refused(
    csv_in_the_database, rows, line_end, skip_refused
):
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=line_end).writerows([COLUMNS, *rows])
    data = out.getvalue().encode("utf-8", "surrogatepass")
    assert_imports_whole_or_refuses_cleanly(data, name="made-up.csv", format="pubmed_csv", skip_refused=skip_refused)
