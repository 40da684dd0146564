"""Reader for PubMed XML: what E-utilities efetch gives (db=pubmed, retmode=xml) and the annual baseline and
daily update files (pubmed25n0001.xml.gz), one ArticleRecord per <PubmedArticle> or <PubmedBookArticle>.

The file is read as a stream (lxml iterparse; each article is dropped once read), so a 230 MB baseline file needs
no more memory than a small one. Nothing in a file is expanded or fetched: PubMed files only name NLM's DTD, so a
file that declares entities or DTD rules of its own is refused before parsing starts, and the parser never loads a
DTD, expands an entity or opens a connection.

Every problem comes out as a RecordError: a record that cannot be read is yielded as one (and reading goes on),
a file that cannot be read raises one.
"""

import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

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
from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers import limits
from reports.importers.dates import parse_pubmed_date
from reports.importers.errors import RecordError
from reports.importers.pubmed_page import parse_reference
from reports.text import clean, clean_line

ROOT = "PubmedArticleSet"
# The children of the root that PubMed writes. DeleteCitation (update files only) lists PMIDs withdrawn from PubMed;
# it is told apart only so that it is dropped.
_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,  # keeps libxml2's limits on depth and text size
    "remove_comments": True,
    "remove_pis": True,
}
_CHUNK = 64 * 1024
# What may come before the root element: the XML declaration, a DOCTYPE line, comments. A real prolog is a few
# hundred bytes; more than this is not a PubMed file.
_PROLOG_LIMIT = 1024 * 1024
_READ_ERRORS = (OSError, EOFError, zlib.error)

_NAME = re.compile(r"[A-Za-z_:][-A-Za-z0-9_.:]*")
_DECLARED_ENCODING = re.compile(rb"\s*<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
# Encodings in which markup is written in ASCII bytes, as in UTF-8.
_ASCII_MARKUP = re.compile(rb"(?i)(?:utf-?8|(?:us-)?ascii|iso[-_]?8859-\d+|latin-?\d|windows-125\d|cp125\d)$")
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
# PubMed's label for the unlabelled part of a structured abstract; PubMed itself does not print it.
_NO_LABEL = {"UNLABELLED", "UNASSIGNED"}
_EMPTY = etree.Element("empty")
_TRAILING_BREAK = re.compile(r"\s*\n\s*$")


def read_pubmed_xml(stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord | RecordError]:
    """The articles of a PubMed XML file, in file order, each numbered from 1; a record that cannot be read
    comes out as a RecordError in its place. Raises RecordError when the file itself cannot be read, and when a
    record (or what lies between two records) is larger than casebase holds in memory (limits.py)."""
    prolog, root = _read_prolog(stream, source=source)
    if root:
        _check_root(root, source=source)
    replay = _Replay(prolog, stream, source)
    # Every element is seen, not only the records: whatever a file holds between records is dropped as soon as it
    # ends, and a record is counted as it grows, so that neither can take more memory than the limits allow.
    parser = etree.iterparse(replay, events=("start", "end"), **_PARSER_OPTIONS)
    number = 0
    depth = 0
    part = None  # the record (or DeleteCitation) being read; None between records
    elements = 0  # since the current record started (or, between records, since the last one did)
    started_at = 0  # replay.fed when it started
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if depth == 2 and element.tag in _TAGS:
                    part, elements, started_at = element, 0, replay.fed
                    if element.tag != "DeleteCitation":
                        number += 1
                elif depth == 1:
                    if not root:
                        root = element.tag if isinstance(element.tag, str) else ""
                        _check_root(root, source=source)
                    continue
                elements += 1
                if elements > limits.RECORD_ELEMENTS or replay.fed - started_at > limits.RECORD_BYTES:
                    raise _too_large(part, number=number, elements=elements, source=source)
                continue
            depth -= 1
            if depth != 1:
                continue
            # A child of the root has ended: read it if it is a record, then drop it so that memory stays flat.
            if element is part:
                if element.tag != "DeleteCitation":
                    yield _read_record(element, number=number, source=source)
                part, elements, started_at = None, 0, replay.fed
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.LxmlError as error:
        raise _syntax_error(error, parser, replay, source) from None
    if not root:
        _check_root(_root_name(parser), source=source)


def _too_large(part, *, number: int, elements: int, source: str) -> RecordError:
    if elements > limits.RECORD_ELEMENTS:
        limit = f"{limits.RECORD_ELEMENTS:,} XML elements"
    else:
        limit = f"{limits.size(limits.RECORD_BYTES)} of XML"
    if part is None or part.tag == "DeleteCitation":
        where = f"after record {number}" if number else "before its first record"
        return RecordError(
            f"{where}, the file has more than {limit} that are not PubMed records; casebase reads at most "
            f"{limit} between two records, far more than a PubMed file has, so the file is refused",
            source=source,
        )
    element = part.find("BookDocument/PMID" if part.tag == "PubmedBookArticle" else "MedlineCitation/PMID")
    pmid = normalize_pmid(_text(element)) if element is not None else None
    return RecordError(
        f"it has more than {limit}; casebase reads at most {limit} per record, far more than a PubMed record has, "
        "so the file is refused",
        source=source,
        record=number,
        pmid=pmid,
    )


def _root_name(parser) -> str:
    root = parser.root
    return root.tag if root is not None and isinstance(root.tag, str) else ""


# The file as a whole.


class _Replay:
    """The stream, with the bytes already read for the prolog check given first; read errors become RecordError."""

    def __init__(self, head: bytes, stream: BinaryIO, source: str):
        self.head, self.stream, self.source = head, stream, source
        self.lines = 1  # how many lines the parser has been given, to tell a truncated file
        self.fed = 0  # how many bytes, to tell how large a record is
        self.at_end = False

    def read(self, size: int = _CHUNK) -> bytes:
        if self.head:
            data, self.head = self.head, b""
        else:
            data = _read(self.stream, size, source=self.source)
        self.lines += data.count(b"\n")
        self.fed += len(data)
        self.at_end = not data
        return data


def _read(stream: BinaryIO, size: int, *, source: str) -> bytes:
    try:
        return stream.read(size) or b""
    except _READ_ERRORS as error:
        raise RecordError(f"the file cannot be read to its end ({error}): it may be damaged", source=source) from None


def _read_prolog(stream: BinaryIO, *, source: str) -> tuple[bytes, str]:
    """The bytes read up to the start of the root element, and the root element's name ("" when the prolog has
    something unexpected, which the parser then reports). Refuses what is not PubMed XML or declares entities."""
    data = b""
    while True:
        chunk = _read(stream, _CHUNK, source=source)
        data += chunk
        root = _scan_prolog(data, complete=not chunk, source=source)
        if root is not None:
            return data, root
        if len(data) > _PROLOG_LIMIT:
            raise RecordError(
                "no XML element starts in the first 1 MB of the file: this is not a PubMed XML file", source=source
            )


def _scan_prolog(data: bytes, *, complete: bool, source: str) -> str | None:
    """The root element's name; None when more of the file is needed to tell."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RecordError("the file is UTF-16 text; PubMed XML files are UTF-8: save it as UTF-8", source=source)
    if data.startswith(b"\x1f\x8b"):
        raise RecordError(
            "the file is still gzip-compressed: decompress it (or open it with gzip) first", source=source
        )
    # The check below reads the prolog byte for byte as ASCII: in UTF-16 or UTF-32 without a byte order mark, or in
    # an encoding whose markup is not ASCII (EBCDIC, UTF-7), it would not see a DOCTYPE that the parser reads.
    if b"\x00" in data[:4]:
        raise RecordError(
            "the file is UTF-16 or UTF-32 text; PubMed XML files are UTF-8: save it as UTF-8", source=source
        )
    declared = _DECLARED_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    if declared and not _ASCII_MARKUP.match(declared[1]):
        encoding = declared[1].decode("ascii")
        raise RecordError(
            f"the file declares the encoding {encoding}; PubMed XML files are UTF-8: save it as UTF-8", source=source
        )
    text = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")  # byte for byte; the names we look for are ASCII
    position = 0
    doctype = ""
    markup_seen = False  # an XML declaration, a comment or a DOCTYPE
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        rest = text[position:]
        if not rest:
            if not complete:
                return None
            if position == 0 or not text.strip():
                raise RecordError("the file is empty: expected PubMed XML", source=source)
            raise RecordError("the file ends before its first XML element: this is not PubMed XML", source=source)
        if rest.startswith("<?") or rest.startswith("<!--"):
            close = "?>" if rest.startswith("<?") else "-->"
            end = rest.find(close)
            if end < 0:
                return None if not complete else ""
            position += end + len(close)
            markup_seen = True
            continue
        if rest[:9].upper() == "<!DOCTYPE":
            end, internal_subset = _doctype_end(rest)
            if end < 0:
                return None if not complete else ""
            doctype = rest[9:end].split()[0] if rest[9:end].split() else ""
            if doctype.lower() == "html":
                raise RecordError(_HTML, source=source)
            if internal_subset:
                declares_entities = "<!ENTITY" in rest[end:].upper()
                raise RecordError(_HOSTILE_ENTITIES if declares_entities else _HOSTILE_DTD, source=source)
            position += end + 1
            markup_seen = True
            continue
        if rest.startswith("<"):
            name = _NAME.match(rest, 1)
            return name.group() if name else ""  # "<![CDATA[" or a stray "<": the parser says what is wrong
        if markup_seen:
            return ""  # text after the XML declaration: the parser says where
        raise RecordError(_not_xml(rest), source=source)


def _doctype_end(text: str) -> tuple[int, bool]:
    """Where the DOCTYPE that starts `text` ends (-1 when not in `text`), and whether it has an internal subset."""
    quote = ""
    for index in range(9, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "[":
            return index, True  # refused whatever follows, so no need to find the end
        elif char == ">":
            return index, False
    return -1, False


_HTML = (
    "this is an HTML page, not PubMed XML: get PubMed XML from E-utilities efetch (db=pubmed, retmode=xml) "
    "or from the PubMed baseline files"
)
_JATS = (
    "this looks like a PMC full-text (JATS) file, not PubMed XML: fetch the same articles from PubMed "
    "(efetch with db=pubmed, retmode=xml)"
)
_HOSTILE_ENTITIES = (
    "the file declares entities (<!ENTITY ...>), which PubMed files never do; it is refused unread so that "
    "nothing in it is expanded or fetched"
)
_HOSTILE_DTD = (
    "the file declares DTD rules of its own (<!DOCTYPE ... [ ... ]>), which PubMed files never do; it is "
    "refused unread so that nothing in it is expanded or fetched"
)


def _not_xml(text: str) -> str:
    start = clean_line(text[:200])
    if start.startswith("PMID-"):
        return "this looks like a MEDLINE (.nbib) text file, not PubMed XML: read it with the MEDLINE reader"
    if start[:1] in "{[":
        return "this looks like a JSON file, not PubMed XML"
    if start.lstrip('"').startswith("PMID") and "," in start:
        return "this looks like a PubMed CSV export, not PubMed XML: read it with the CSV reader"
    return f"this is not an XML file: it starts with {start[:40]!r}"


def _check_root(root: str, *, source: str) -> None:
    if root == ROOT:
        return
    if root.lower() == "html":
        raise RecordError(_HTML, source=source)
    if root in ("pmc-articleset", "article"):
        raise RecordError(_JATS, source=source)
    if not root:  # text in an encoding the XML declaration does not match, UTF-16 without its byte order mark
        raise RecordError(
            f"no element can be read at the start of the file: PubMed XML is UTF-8 text that starts with <{ROOT}>",
            source=source,
        )
    raise RecordError(
        f"the file's root element is <{root[:100]}>, not <{ROOT}>: this is not a PubMed XML file", source=source
    )


def _syntax_error(error: Exception, parser, replay: _Replay, source: str) -> RecordError:
    """Where the XML is broken, from the first error the parser met (its last one is often a consequence)."""
    entries = [entry for entry in parser.error_log if entry.level >= etree.ErrorLevels.ERROR]
    line = entries[0].line if entries else getattr(error, "lineno", 0)
    message = entries[0].message if entries else getattr(error, "msg", "") or str(error)
    message = clean_line(re.sub(r",? line \d+, column \d+$", "", message).rstrip("."))
    if replay.at_end and line >= replay.lines and not message.startswith("Extra content"):
        return RecordError(
            f"the file ends in the middle of the XML (line {line}: {message}): it looks truncated; "
            "download or decompress it again",
            source=source,
        )
    if "XML_PARSE_HUGE" in message:  # libxml2's limits on nesting and text size, kept on for safety
        message = message.split(",")[0] + ": more than a PubMed file ever has, so the file is refused"
    return RecordError(f"the XML is broken at line {line}: {message}", source=source)


# One record.


def _read_record(element, *, number: int, source: str) -> ArticleRecord | RecordError:
    if element.tag == "PubmedBookArticle":
        pmid = normalize_pmid(_text(element.find("BookDocument/PMID")))
        reader = _book_record
    else:
        pmid = normalize_pmid(_text(element.find("MedlineCitation/PMID")))
        reader = _article_record
    # An entity the file declares is refused before parsing; one declared nowhere, or in an external DTD (never
    # loaded), is left in the text unexpanded ("&xxe;"). PubMed writes characters out, so the record is refused.
    entity = next(element.iter(etree.Entity), None)
    if entity is not None:
        message = f"it uses the entity {entity.text[:40]}, which PubMed files never do; it is not expanded"
        return RecordError(message, source=source, record=number, pmid=pmid, field=str(entity.getparent().tag))
    try:
        record = reader(element, pmid)
    except RecordError as error:
        return RecordError(error.message, source=source, record=number, pmid=pmid, field=error.field)
    record.number = number
    pmid_element = element.find("BookDocument/PMID" if element.tag == "PubmedBookArticle" else "MedlineCitation/PMID")
    version = pmid_element.get("Version", "") if pmid_element is not None else ""
    record.pmid_version = int(version) if version.isdigit() and 0 < int(version) < 1000 else None
    return record


def _article_record(element, pmid: int | None) -> ArticleRecord:
    citation = _child(element, "MedlineCitation")
    article = _child(citation, "Article")
    journal = _child(article, "Journal")
    issue = _child(journal, "JournalIssue")
    info = _child(citation, "MedlineJournalInfo")
    pubmed_data = _child(element, "PubmedData")
    ids = _child(pubmed_data, "ArticleIdList")
    title, vernacular_title = _titles(article.find("ArticleTitle"), article.find("VernacularTitle"))
    date = _publication_date(issue.find("PubDate"))
    if date is None:
        raise RecordError(
            f"no publication year in its PubDate ({_date_as_printed(issue.find('PubDate'))[:60]!r})", field="date"
        )
    elocations = article.findall("ELocationID")
    return ArticleRecord(
        title=title,
        vernacular_title=vernacular_title,
        date=date,
        abstract=_abstract(article.find("Abstract")),
        journal=JournalRecord(
            title=_text(journal.find("Title")),
            iso_abbreviation=_text(journal.find("ISOAbbreviation")) or _text(info.find("MedlineTA")),
            issn=_text(info.find("ISSNLinking")) or _text(journal.find("ISSN")),
            nlm_unique_id=_text(info.find("NlmUniqueID")),
        ),
        epub_date=_iso_date(article.find("ArticleDate[@DateType='Electronic']")),
        volume=_text(issue.find("Volume")),
        issue=_text(issue.find("Issue")),
        pages=_pages(article.find("Pagination")),
        elocation_id=_elocation_id(elocations),
        # The article's own identifiers only: every Reference has an ArticleIdList of its own, with DOIs too.
        doi=_first_doi(
            [*ids.iterfind("ArticleId[@IdType='doi']"), *(e for e in elocations if e.get("EIdType") == "doi")]
        ),
        pmid=pmid,
        pmcid=_first(normalize_pmcid(_text(e)) for e in ids.iterfind("ArticleId[@IdType='pmc']")),
        language="; ".join(_texts(article.iterfind("Language"))),
        coi_statement="\n\n".join(filter(None, map(_paragraphs, citation.iterfind("CoiStatement")))),
        authors=_authors(article.iterfind("AuthorList")),
        keywords=_texts(citation.iterfind("KeywordList/Keyword")),
        mesh_headings=_mesh_headings(citation.iterfind("MeshHeadingList/MeshHeading")),
        substances=_substances(citation.iterfind("ChemicalList/Chemical")),
        publication_types=_texts(article.iterfind("PublicationTypeList/PublicationType")),
        references=_references(pubmed_data.findall("ReferenceList"), citation),
    )


def _book_record(element, pmid: int | None) -> ArticleRecord:
    """A chapter or a book from NCBI Bookshelf (GeneReviews, StatPearls): no journal, dated by the book."""
    document = _child(element, "BookDocument")
    book = _child(document, "Book")
    title, vernacular_title = _titles(
        document.find("ArticleTitle") if _text(document.find("ArticleTitle")) else book.find("BookTitle"),
        document.find("VernacularTitle"),
    )
    date = _publication_date(book.find("PubDate")) or _publication_date(document.find("ContributionDate"))
    if date is None:
        raise RecordError("no publication year in the book's PubDate or the ContributionDate", field="date")
    ids = [*element.iterfind("PubmedBookData/ArticleIdList/ArticleId"), *document.iterfind("ArticleIdList/ArticleId")]
    author_lists = [a for a in document.iterfind("AuthorList") if a.get("Type") in (None, "authors")]
    if not author_lists:
        author_lists = [a for a in book.iterfind("AuthorList") if a.get("Type") in (None, "authors")]
    return ArticleRecord(
        title=title,
        vernacular_title=vernacular_title,
        date=date,
        abstract=_abstract(document.find("Abstract")),
        pages=_pages(document.find("Pagination")),
        doi=_first_doi([e for e in ids if e.get("IdType") == "doi"]),
        pmid=pmid,
        pmcid=_first(normalize_pmcid(_text(e)) for e in ids if e.get("IdType") == "pmc"),
        language="; ".join(_texts(document.iterfind("Language"))),
        authors=_authors(author_lists),
        keywords=_texts(document.iterfind("KeywordList/Keyword")),
        publication_types=_texts(document.iterfind("PublicationType")),
        references=_references(document.findall("ReferenceList"), _EMPTY),
    )


# The parts of a record.


def _child(element, path: str):
    """The element at `path`, or an empty one, so that a missing part reads as empty values."""
    found = element.find(path)
    return found if found is not None else _EMPTY


def _text(element) -> str:
    """The element's text on one line, inline markup dropped: 'D<sub>3</sub>' gives 'D3', MathML its text."""
    if element is None:
        return ""
    return clean_line(element.text if len(element) == 0 else _inline_text(element))


def _inline_text(element) -> str:
    """All the text in the element. A line break that a pretty-printer put before a subscript or superscript
    ("fast-acting &#946;\\n    <sub>2</sub>-agonist") is layout, not a space: it goes, so that gives "β2-agonist"."""
    for inline in element.iter("sub", "sup"):
        previous = inline.getprevious()
        if previous is None:
            parent = inline.getparent()
            if parent is not None and parent.text and "\n" in parent.text:
                parent.text = _TRAILING_BREAK.sub("", parent.text)
        elif previous.tail and "\n" in previous.tail:
            previous.tail = _TRAILING_BREAK.sub("", previous.tail)
        if inline.text and "\n" in inline.text:
            inline.text = inline.text.strip()
    return "".join(element.itertext())


def _texts(elements) -> list[str]:
    return [text for text in (_text(element) for element in elements) if text]


def _paragraphs(element) -> str:
    """The text with its paragraphs (blank lines) kept; lines broken inside a paragraph are joined."""
    text = clean(_inline_text(element))
    return "\n\n".join(line for line in (clean_line(block) for block in re.split(r"\n{2,}", text)) if line)


def _first(values) -> str:
    return next((value for value in values if value), "")


def _first_doi(elements) -> str:
    return _first(normalize_doi(_text(element)) for element in elements)


def _titles(title_element, vernacular_element) -> tuple[str, str]:
    title, vernacular_title = _text(title_element), _text(vernacular_element)
    # Some articles in other languages have an empty ArticleTitle (53 in the two baseline files): their
    # VernacularTitle is the only title they have.
    if not title and not vernacular_title:
        raise RecordError("the article has no title (its ArticleTitle and VernacularTitle are empty)", field="title")
    return title or vernacular_title, vernacular_title


def _date_as_printed(element) -> str:
    """'2019 Mar 11', '2019 Spring' or the MedlineDate ('1998 Dec-1999 Jan'), as PubMed prints it."""
    if element is None:
        return ""
    medline_date = _text(element.find("MedlineDate"))
    if medline_date:
        return medline_date
    month = _text(element.find("Month"))
    if month.isdecimal() and 1 <= int(month) <= 12:
        month = _MONTH_NAMES[int(month) - 1]
    day = _text(element.find("Day"))
    if day.isdecimal():
        day = str(int(day))
    parts = [_text(element.find("Year")), month, day, _text(element.find("Season"))]
    return " ".join(part for part in parts if part)


def _publication_date(element) -> PublicationDate | None:
    text = _date_as_printed(element)
    if not text:
        return None
    date = parse_pubmed_date(text)
    if date is None and (year := _YEAR.search(text)):
        # "Winter 1996-1997" and other dates that do not start with their year: the year is all we can rely on.
        date = PublicationDate(year=int(year.group()), text=text)
    return date


def _iso_date(element) -> str:
    date = _publication_date(element)
    return f"{date.year:04}-{date.month:02}-{date.day:02}" if date and date.month and date.day else ""


def _pages(pagination) -> str:
    if pagination is None:
        return ""
    pages = _text(pagination.find("MedlinePgn"))
    if pages:
        return pages
    start, end = _text(pagination.find("StartPage")), _text(pagination.find("EndPage"))
    return f"{start}-{end}" if start and end else start or end


def _elocation_id(elocations) -> str:
    """The publisher's own identifier (pii) first, else any other that is not the DOI (the DOI has its field)."""
    for wanted in (lambda kind: kind == "pii", lambda kind: kind != "doi"):
        for element in elocations:
            if wanted(element.get("EIdType")) and _text(element):
                return _text(element)
    return ""


def _abstract(abstract) -> str:
    """One paragraph per AbstractText, 'LABEL: text' when labelled; the copyright line is left out."""
    if abstract is None:
        return ""
    paragraphs = []
    for part in abstract.iterfind("AbstractText"):
        label = clean_line(part.get("Label"))
        label = "" if label.upper() in _NO_LABEL else label
        text = _text(part)
        # A label without text ("LEVEL OF EVIDENCE: 4") still says something.
        paragraph = f"{label}: {text}" if label and text else label or text
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _authors(author_lists) -> list[AuthorRecord]:
    authors = []
    for author_list in author_lists:
        for author in author_list.iterfind("Author"):
            if author.get("ValidYN") == "N":  # a name PubMed has since corrected; the corrected one follows
                continue
            record = AuthorRecord(
                last_name=_text(author.find("LastName")),
                fore_name=_text(author.find("ForeName")),
                initials=_text(author.find("Initials")),
                collective_name=_text(author.find("CollectiveName")),
                affiliation="; ".join(_texts(author.iterfind("AffiliationInfo/Affiliation"))),
                orcid=_first(_orcid(_text(e)) for e in author.iterfind("Identifier[@Source='ORCID']")),
            )
            if record.last_name or record.collective_name or record.fore_name:
                authors.append(record)
    return authors


def _orcid(value: str) -> str:
    """'https://orcid.org/0000-0002-1825-0097' or '0000000218250097' -> '0000-0002-1825-0097'.

    A value that is not a whole ORCID iD (PubMed has a few with a digit missing) is kept as given, without the
    address, for a curator to see."""
    bare = _ORCID_PREFIX.sub("", value).strip()
    match = _ORCID.match(bare)
    return "-".join(match.groups()).upper() if match else bare


def _mesh_headings(headings) -> list[MeshRecord]:
    records = []
    for heading in headings:
        descriptor = heading.find("DescriptorName")
        name = _text(descriptor)
        if not name:
            continue
        qualifiers = [
            {"name": _text(q), "ui": clean_line(q.get("UI")), "major": q.get("MajorTopicYN") == "Y"}
            for q in heading.iterfind("QualifierName")
            if _text(q)
        ]
        records.append(
            MeshRecord(
                descriptor=name,
                ui=clean_line(descriptor.get("UI")),
                is_major=descriptor.get("MajorTopicYN") == "Y",
                qualifiers=qualifiers,
            )
        )
    return records


def _substances(chemicals) -> list[SubstanceRecord]:
    records = []
    for chemical in chemicals:
        name = chemical.find("NameOfSubstance")
        if _text(name):
            records.append(
                SubstanceRecord(
                    name=_text(name),
                    ui=clean_line(name.get("UI")),
                    registry_number=_text(chemical.find("RegistryNumber")),
                )
            )
    return records


def _references(reference_lists, citation) -> list[ReferenceRecord]:
    """The ReferenceList's references (nested lists too, in file order); records from before ReferenceList
    existed give their references as CommentsCorrections of type "Cites"."""
    references = [
        _reference(element) for reference_list in reference_lists for element in reference_list.iter("Reference")
    ]
    if reference_lists:
        return [r for r in references if r.raw_text or r.pmid or r.pmcid or r.doi]
    cited = []
    for element in citation.iterfind("CommentsCorrectionsList/CommentsCorrections[@RefType='Cites']"):
        raw_text, pmid = _text(element.find("RefSource")), normalize_pmid(_text(element.find("PMID")))
        if raw_text or pmid:
            reference = _parse_citation(raw_text)
            reference.pmid = pmid or reference.pmid
            reference.in_pubmed, reference.in_pmc = reference.pmid is not None, bool(reference.pmcid)
            cited.append(reference)
    return cited


def _reference(element) -> ReferenceRecord:
    reference = _parse_citation(_text(element.find("Citation")))
    ids = {}
    for article_id in element.iterfind("ArticleIdList/ArticleId"):
        ids.setdefault(article_id.get("IdType"), _text(article_id))
    reference.pmid = normalize_pmid(ids.get("pubmed")) or reference.pmid
    reference.pmcid = normalize_pmcid(ids.get("pmc")) or reference.pmcid
    reference.doi = normalize_doi(ids.get("doi")) or reference.doi
    reference.in_pubmed, reference.in_pmc = reference.pmid is not None, bool(reference.pmcid)
    return reference


def _parse_citation(raw_text: str) -> ReferenceRecord:
    """The parts of a printed citation, with the citation kept whole as its raw text."""
    reference = parse_reference(raw_text)
    reference.raw_text = raw_text
    return reference
