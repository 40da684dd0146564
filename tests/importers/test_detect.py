"""Telling a file's format before any reader runs (reports/importers/detect.py).

Every real file in tests/data/pubmed/ is detected as oracle.json says; the files casebase cannot read are refused
with a message that says what they look like and lists the formats casebase takes.
"""

import gzip
import io
import json
import random
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.importers.detect import HEAD_SIZE, detect_format, open_for_import
from reports.importers.errors import RecordError
from reports.importers.pubmed_csv import read_pubmed_csv
from reports.importers.readers import READERS
from tests.importers.fuzzing import EVERY_REAL_FILE, assert_imports_whole_or_refuses_cleanly, damaged, real_files

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "pubmed"
ORACLE = json.loads((DATA / "oracle.json").read_text(encoding="utf-8"))
ORACLE_FORMATS = {
    "PubMed XML (PubmedArticleSet)": "pubmed_xml",
    "MEDLINE/nbib tagged text": "medline",
    "PubMed CSV export": "pubmed_csv",
}
DETECTABLE = sorted(name for name, facts in ORACLE.items() if "format" in facts)
SEED_PAGE = ROOT / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt"
ACCEPTED = (
    "casebase imports: PubMed abstract page (text); MEDLINE / .nbib; PubMed XML (.xml or .xml.gz); PubMed CSV; "
    "casebase JSON export."
)
PUBMED_XML = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)


def refusal(data: bytes, source: str = "upload") -> str:
    with pytest.raises(RecordError) as caught:
        detect_format(data, source=source)
    return str(caught.value)


class CountingReader(io.RawIOBase):
    """A file that counts the bytes read from it, and cannot seek (like a pipe)."""

    def __init__(self, file):
        self.file = file
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.file.readinto(buffer)
        self.bytes_read += count
        return count


# The real files.


def test_the_oracle_names_the_formats_detection_knows():
    assert {ORACLE[name]["format"] for name in DETECTABLE} == set(ORACLE_FORMATS)
    assert len(DETECTABLE) == 18


@pytest.mark.parametrize("name", DETECTABLE)
def test_every_real_file_is_detected_as_the_oracle_says(name):
    with open_for_import(DATA / name, source=name) as (format, stream):
        assert (format, stream.read()) == (ORACLE_FORMATS[ORACLE[name]["format"]], (DATA / name).read_bytes())


def test_an_html_page_wrapping_asn1_is_refused_as_html():
    assert refusal((DATA / "biopython/pubmed3.html").read_bytes(), source="pubmed3.html") == (
        "pubmed3.html: looks like an HTML page (a web page saved as HTML); save the PubMed page as text or export "
        f"MEDLINE/XML/CSV instead. {ACCEPTED}"
    )


def test_a_pmc_full_text_file_is_refused_as_jats():
    assert refusal((DATA / "biopython/efetch_pmc.xml").read_bytes(), source="efetch_pmc.xml") == (
        "efetch_pmc.xml: looks like a PMC full-text (JATS) file: casebase reads PubMed's records, so export the "
        f"article from PubMed (XML, MEDLINE or CSV) instead. {ACCEPTED}"
    )


def test_the_seed_page_is_a_pubmed_page():
    assert detect_format(SEED_PAGE.read_bytes(), source="seed") == "pubmed_page"


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "data" / "pubmed_pages").glob("*.txt")), ids=lambda p: p.name)
def test_the_hand_written_pages_with_a_comment_on_top_are_pubmed_pages(path):
    assert detect_format(path.read_bytes(), source=path.name) == "pubmed_page"


def test_a_django_fixture_is_refused_with_the_command_that_loads_it():
    assert refusal((ROOT / "fixtures" / "seed.json").read_bytes(), source="seed.json") == (
        f"seed.json: this is a Django fixture: load it with `manage.py loaddata`. {ACCEPTED}"
    )


# Gzip, paths and uploads.


def test_a_gzipped_xml_file_is_detected_inside_and_streamed_not_read_whole(tmp_path):
    # Hex of random bytes compresses only to half, so the compressed file is far larger than what detection reads.
    body = PUBMED_XML + b"<!-- " + random.Random(1).randbytes(1_000_000).hex().encode() + b" -->\n</PubmedArticleSet>\n"
    path = tmp_path / "pubmed24n0001.xml.gz"
    path.write_bytes(gzip.compress(body))
    compressed_size = path.stat().st_size

    with path.open("rb", buffering=0) as raw:
        counting = CountingReader(raw)
        with open_for_import(counting, source=path.name) as (format, stream):
            read_to_detect = counting.bytes_read
            assert (format, stream.read(len(PUBMED_XML))) == ("pubmed_xml", PUBMED_XML)
            assert PUBMED_XML + stream.read() == body

    assert compressed_size > 900_000
    assert read_to_detect < 200_000


def test_a_gzipped_file_is_opened_by_its_path_too(tmp_path):
    path = tmp_path / "export.nbib.gz"
    path.write_bytes(gzip.compress((DATA / "biopython/pubmed_result1.txt").read_bytes()))

    with open_for_import(str(path), source="export.nbib.gz") as (format, stream):
        assert (format, stream.readline(), stream.readline()) == ("medline", b"\n", b"PMID- 12230038\n")


def test_a_gzipped_file_cut_short_is_refused_when_read(tmp_path):
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(gzip.compress(PUBMED_XML + random.Random(2).randbytes(300_000).hex().encode())[:200_000])

    with open_for_import(path, source="cut.xml.gz") as (format, stream):
        assert format == "pubmed_xml"
        with pytest.raises(RecordError) as caught:
            stream.read()

    assert str(caught.value) == (
        "cut.xml.gz: the file is compressed (gzip) but damaged or cut short: "
        "Compressed file ended before the end-of-stream marker was reached"
    )


def test_an_uploaded_file_already_read_is_detected_from_its_first_byte():
    upload = SimpleUploadedFile("export.csv", (DATA / "colrev/pubmed-chatbot.csv").read_bytes())
    upload.read(100)

    with open_for_import(upload, source="export.csv") as (format, stream):
        assert (format, stream.read(6)) == ("pubmed_csv", b'"PMID"')
    assert upload.closed is False


def test_the_stream_is_closed_after_the_block():
    with open_for_import(SEED_PAGE, source="seed") as (format, stream):
        pass

    assert (format, stream.closed) == ("pubmed_page", True)


def test_a_given_format_skips_detection():
    with open_for_import(io.BytesIO(b"anything at all"), source="notes.txt", format="medline") as (format, stream):
        assert (format, stream.read()) == ("medline", b"anything at all")


def test_a_given_format_that_casebase_does_not_know_is_refused_with_the_list():
    with pytest.raises(RecordError) as caught, open_for_import(SEED_PAGE, source="seed", format="ris"):
        pass

    assert str(caught.value) == f"seed: 'ris' is not a format casebase knows. {ACCEPTED}"
    assert set(READERS) == {"pubmed_page", "medline", "pubmed_xml", "pubmed_csv", "casebase_json"}


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RecordError) as caught, open_for_import(tmp_path / "gone.xml", source="gone.xml"):
        pass

    assert str(caught.value) == f"gone.xml: no such file: {tmp_path / 'gone.xml'}"


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(RecordError) as caught, open_for_import(tmp_path, source="folder"):
        pass

    assert str(caught.value) == f"folder: {tmp_path} is a folder, not a file"


def test_an_empty_file_on_disk_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(RecordError) as caught, open_for_import(path, source="empty.csv"):
        pass

    assert str(caught.value) == f"empty.csv: the file is empty. {ACCEPTED}"


# What the first bytes say.


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \n\t"])
def test_an_empty_file_is_refused(data):
    assert refusal(data) == f"upload: the file is empty. {ACCEPTED}"


def test_random_bytes_are_refused_as_binary_data():
    data = random.Random(3).randbytes(4096)

    assert refusal(data).startswith("upload: looks like binary data")
    assert refusal(data).endswith(ACCEPTED)


def test_nul_bytes_are_refused_as_binary_data():
    assert (
        refusal(b"PMID- 1\x00\x00") == f"upload: looks like binary data (it contains NUL bytes), not text. {ACCEPTED}"
    )


def test_text_that_is_not_utf8_is_refused_naming_the_line():
    assert refusal("PMID- 1\nTI  - Caf\u00e9\n".encode("latin-1")) == (
        f"upload: looks like binary data: byte 0xE9 on line 2 is not UTF-8 text (if the file is text, save it as "
        f"UTF-8). {ACCEPTED}"
    )


def test_a_head_cut_inside_a_character_is_still_text():
    head = (b"PMID- 1\nAB  - x" + "é".encode() * HEAD_SIZE)[:HEAD_SIZE]

    assert (head[-1:], detect_format(head, source="upload")) == (b"\xc3", "medline")


def test_an_unknown_text_file_is_refused():
    assert refusal(b"Shopping list\n\nmilk\neggs\n", source="notes.txt") == (
        f"notes.txt: could not tell what this file is. {ACCEPTED}"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00", "looks like binary data: a ZIP archive or an Office file (.xlsx, .docx)"),
        (b"%PDF-1.7\n", "looks like binary data: a PDF"),
        ("PMID- 1\n".encode("utf-16"), "looks like binary data: UTF-16 text"),
        # mtime=0: the bytes are part of the test's id, which must be the same in every pytest-xdist worker.
        (gzip.compress(b"PMID- 1\n", mtime=0), "looks like binary data: gzip-compressed data"),
    ],
)
def test_archives_pdfs_and_utf16_are_refused_as_binary_data_saying_what_they_are(data, message):
    assert refusal(data).startswith(f"upload: {message}")


@pytest.mark.parametrize(
    "data",
    [
        PUBMED_XML,
        b"\xef\xbb\xbf\n  <PubmedArticleSet><PubmedArticle>",
        b"<!-- saved by hand -->\n<?xml-stylesheet href='x'?>\n<PubmedArticleSet>",
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<PubmedArticleSet><Title>Caf\xe9</Title>',
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY x "y">\n]>\n<PubmedArticleSet>',
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\n',
    ],
)
def test_pubmed_xml_is_told_by_its_root_or_doctype(data):
    assert detect_format(data, source="upload") == "pubmed_xml"


def test_an_xml_file_with_another_root_is_refused_naming_the_root():
    assert refusal(b'<?xml version="1.0"?>\n<eSearchResult><Count>3</Count>') == (
        "upload: could not tell what this file is: an XML file whose root element is <eSearchResult>, not PubMed "
        f"XML (<PubmedArticleSet>). {ACCEPTED}"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html>\n<html lang='en'><head><title>Naltrexone - PubMed</title>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n<html>',
        b"<HTML><BODY>Skip to main page content",
    ],
)
def test_html_pages_are_refused_as_html(data):
    assert refusal(data).startswith("upload: looks like an HTML page (a web page saved as HTML)")


def test_casebase_json_is_told_by_its_format_key():
    data = b'{\n  "format": "casebase",\n  "version": 1,\n  "terms": [],\n  "articles": []\n}\n'

    assert detect_format(data, source="export.json") == "casebase_json"


def test_other_json_is_refused():
    assert refusal(b'{"esearchresult": {"idlist": ["1"]}}') == (
        'upload: could not tell what this file is: it is JSON, but not a casebase export (it has no "format": '
        f'"casebase" at its start). {ACCEPTED}'
    )
    assert refusal(b'[{"pmid": 1}]') == (
        f"upload: could not tell what this file is: it is a JSON list, not a casebase export. {ACCEPTED}"
    )


def test_a_toml_file_is_not_taken_for_a_json_list():
    assert refusal(b"[tool.ruff]\nline-length = 120\n") == f"upload: could not tell what this file is. {ACCEPTED}"


def test_a_csv_header_with_pmid_and_title_is_pubmed_csv():
    assert detect_format(b"\xef\xbb\xbf\r\npmid,title,doi\r\n1,A,\r\n", source="upload") == "pubmed_csv"


def test_a_csv_without_pmid_and_title_columns_is_not_pubmed_csv():
    assert refusal(b"Name,Year\nSmith,2020\n") == f"upload: could not tell what this file is. {ACCEPTED}"


def test_a_pubmed_csv_resaved_with_semicolons_is_refused_saying_so():
    assert refusal(b"PMID;Title;Authors\n1;A;B\n") == (
        "upload: looks like a PubMed CSV export whose columns are separated by ';' (re-saved by a spreadsheet); "
        f"import the CSV as PubMed gives it, with commas. {ACCEPTED}"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"PMID- 31123647\nOWN - NLM\n",
        b"\xef\xbb\xbf\r\n\r\nPMID- 31123647\r\nOWN - NLM\r\n",
        b"      wrapped end of a line\nPMID- 31123647\n",
    ],
)
def test_medline_is_told_by_its_first_tag_after_a_bom_and_blank_lines(data):
    assert detect_format(data, source="upload") == "medline"


def test_a_ris_file_is_refused_saying_what_to_export_instead():
    assert refusal(b"TY  - JOUR\nTI  - A case\nER  - \n") == (
        "upload: could not tell what this file is: it looks like a RIS file; export from PubMed as MEDLINE (.nbib), "
        f"XML or CSV instead. {ACCEPTED}"
    )


def test_a_page_copy_without_the_banner_is_told_by_its_citation_line_and_title():
    data = b"Case Reports\nCureus. 2019 Mar 11;11(3):e4225.\ndoi: 10.7759/cureus.4225.\n\nSjogren's Syndrome\n"

    assert detect_format(data, source="upload") == "pubmed_page"


def test_a_citation_line_without_a_title_after_it_is_not_a_page():
    assert refusal(b"Cureus. 2019 Mar 11;11(3):e4225.\n") == f"upload: could not tell what this file is. {ACCEPTED}"


# Whatever the bytes, detection answers with a format or a RecordError.

PREFIXES = [b"", b"\xef\xbb\xbf", b"<?xml ", b"<!DOCTYPE ", b"<!-- ", b"<", b"{", b"[", b"PMID- ", b"PMID,Title\n"]


@settings(derandomize=True, max_examples=300)
@given(st.sampled_from(PREFIXES), st.binary(max_size=500) | st.text(max_size=500).map(str.encode))
def test_detection_raises_nothing_but_record_error(prefix, data):
    try:
        outcome = detect_format(prefix + data, source="fuzz")
    except RecordError as error:
        outcome = error.message
    assert outcome in READERS or outcome.endswith(ACCEPTED)


def test_a_gzipped_pubmed_csv_is_read_by_its_reader_from_the_stream_open_for_import_gives(tmp_path):
    path = tmp_path / "pubmed-chatbot.csv.gz"
    path.write_bytes(gzip.compress((DATA / "colrev/pubmed-chatbot.csv").read_bytes()))

    with open_for_import(path, source=path.name) as (format, stream):
        pmids = [record.pmid for record in read_pubmed_csv(stream, source=path.name)]

    assert (format, pmids) == ("pubmed_csv", [35227408, 34847056, 34846321, 36693014, 34713095, 35137107])


# Through import_file, with the format told from the file: whatever a file starts like and goes on as, it is
# imported whole or refused, and a refused file leaves the database as it was (tests/importers/fuzzing.py).

EVERY_REAL_BYTES = real_files(*EVERY_REAL_FILE)


@st.composite
def spliced(draw) -> bytes:
    """The start of one real file and the rest of another (or the same), gzip-compressed or not."""
    head, tail = draw(st.sampled_from(EVERY_REAL_BYTES)), draw(st.sampled_from(EVERY_REAL_BYTES))
    data = head[: draw(st.integers(0, len(head)))] + tail[draw(st.integers(0, len(tail))) :]
    return gzip.compress(data, mtime=0) if draw(st.booleans()) else data


@pytest.mark.django_db
@given(spliced())
def test_a_file_that_starts_as_one_format_and_goes_on_as_another_is_imported_whole_or_refused(data):
    assert_imports_whole_or_refuses_cleanly(data, name="spliced")


@pytest.mark.django_db
@given(damaged([gzip.compress(data, mtime=0) for data in EVERY_REAL_BYTES]))
def test_a_damaged_gzip_file_is_imported_whole_or_refused(data):
    assert_imports_whole_or_refuses_cleanly(data, name="damaged.gz")
