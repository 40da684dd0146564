"""Which reader a file needs, told from its first bytes; used by the import command and the admin upload.

open_for_import() opens a path or an uploaded file, unwraps gzip as a stream (a PubMed baseline file is never read
whole), looks at the first 64 KiB and hands back the format and a stream that starts at the file's first byte.
detect_format() is the looking. A file casebase cannot read is refused with a RecordError that says what the file
looks like and which formats casebase takes (readers.READERS, in its order).
"""

import codecs
import contextlib
import csv
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from reports.importers import citation_grammar
from reports.importers.errors import RecordError
from reports.importers.readers import READERS
from reports.text import clean_line

HEAD_SIZE = 64 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"
_XML_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOCTYPE_NAME = re.compile(r"<!DOCTYPE\s+([^\s>\[]+)", re.IGNORECASE)
_TAG_NAME = re.compile(r"<([A-Za-z_][\w.:-]*)")
# Elements an HTML page or fragment starts with; PubMed XML and JATS never do.
_HTML_ROOTS = {"html", "head", "body", "meta", "title", "div", "p", "pre", "table", "span", "a", "link", "script"}
_JATS_ROOTS = {"pmc-articleset", "article"}
_CASEBASE_JSON = re.compile(r'"format"\s*:\s*"casebase"')
_JSON_LIST = re.compile(r'\[\s*(?:[\[{"\]\d-]|true\b|false\b|null\b|$)')
_FIXTURE_OBJECT = re.compile(r'\{\s*"model"\s*:\s*"[\w]+\.[\w]+"')
_MEDLINE_FIRST_TAG = re.compile(r"^PMID-\s")
_RIS_FIRST_TAG = re.compile(r"^TY {2}- ")
_PAGE_MARKERS = ("Skip to main page content", "PubMed Disclaimer")
# The citation line of an abstract page: "Cureus. 2019 Mar 11;11(3):e4225." or, with no journal, ". 2019 Mar 11;...";
# its date's words are months or seasons. Stricter than the reader's citation_grammar.read_citation(): the date
# follows the line's first dot, at most 200 characters in, so that a line of prose is not taken for a citation.
_PAGE_CITATION = re.compile(rf"^[^.]{{0,200}}\.\s+(?P<date>{citation_grammar.DATE})(?:[;:].*|\.(?:\s.*)?)?$")
_PAGE_CITATION_EXTRAS = re.compile(r"^(?:doi:|Epub |eCollection |Online ahead of print)", re.IGNORECASE)


def detect_format(head: bytes, *, source: str) -> str:
    """The READERS key for a file whose first bytes (up to 64 KiB, decompressed) are `head`.

    Raises RecordError for anything casebase cannot import, saying what the file looks like.
    """
    if not head.removeprefix(_UTF8_BOM).strip():
        raise _refusal("the file is empty", source)
    if head.startswith(_GZIP_MAGIC):
        raise _refusal("looks like binary data: gzip-compressed data (compressed twice?); decompress it first", source)
    if head.startswith(_ZIP_MAGIC):
        raise _refusal(
            "looks like binary data: a ZIP archive or an Office file (.xlsx, .docx); import the PubMed export as it "
            "was downloaded, or unzip the archive and import the files in it",
            source,
        )
    if head.startswith(b"%PDF-"):
        raise _refusal("looks like binary data: a PDF; casebase reads PubMed's exports, not articles", source)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refusal("looks like binary data: UTF-16 text; save the file as UTF-8 and import it again", source)
    if b"\x00" in head:
        raise _refusal("looks like binary data (it contains NUL bytes), not text", source)

    if head.removeprefix(_UTF8_BOM).lstrip().startswith(b"<"):
        return _markup_format(head, source)
    text = _decode(head, source).lstrip(_BOM)
    start = text.lstrip()
    if start.startswith("{"):
        if _CASEBASE_JSON.search(text):
            return "casebase_json"
        raise _refusal(
            "could not tell what this file is: it is JSON, but not a casebase export (it has no "
            '"format": "casebase" at its start)',
            source,
        )
    if _JSON_LIST.match(start):
        if _FIXTURE_OBJECT.search(text) and '"fields"' in text:
            raise _refusal("this is a Django fixture: load it with `manage.py loaddata`", source)
        raise _refusal("could not tell what this file is: it is a JSON list, not a casebase export", source)

    lines = re.split(r"\r\n|\r|\n", text)
    first = next((line for line in lines if line.strip()), "")
    csv_format = _csv_format(first, source)
    if csv_format:
        return csv_format
    # MEDLINE starts with the PMID tag; a copy may start with blank lines or the end of a wrapped line.
    first_tag = next((line for line in lines if line.strip() and not line[:1].isspace()), "")
    if _MEDLINE_FIRST_TAG.match(first_tag):
        return "medline"
    if _RIS_FIRST_TAG.match(first_tag):
        raise _refusal(
            "could not tell what this file is: it looks like a RIS file; export from PubMed as MEDLINE (.nbib), "
            "XML or CSV instead",
            source,
        )
    if _looks_like_pubmed_page(lines):
        return "pubmed_page"
    raise _refusal("could not tell what this file is", source)


@contextlib.contextmanager
def open_for_import(
    path_or_file: str | os.PathLike | BinaryIO, *, source: str, format: str | None = None
) -> Iterator[tuple[str, BinaryIO]]:
    """Open a path or a binary file object (a Django UploadedFile) and yield (format, stream).

    The stream starts at the file's first byte, decompressed if the file is gzip; it is read as the reader goes,
    never whole. With `format` given the file is not looked at, but the format must be one of READERS.
    A file object passed in is left open; its position is moved.
    """
    if format is not None and format not in READERS:
        raise _refusal(f"'{format}' is not a format casebase knows", source)
    with contextlib.ExitStack() as stack:
        if isinstance(path_or_file, str | os.PathLike):
            file = stack.enter_context(_open_path(path_or_file, source))
        else:
            file = path_or_file
            if _seekable(file):
                file.seek(0)  # an upload may have been read already (by a form's validation)
        head = _read_head(file, source=source, damaged="the file could not be read")
        stream = stack.enter_context(_Replay(head, file, source=source, damaged="the file could not be read"))
        if head.startswith(_GZIP_MAGIC):
            unzipped = stack.enter_context(gzip.GzipFile(fileobj=io.BufferedReader(stream), mode="rb"))
            damaged = "the file is compressed (gzip) but damaged or cut short"
            head = _read_head(unzipped, source=source, damaged=damaged)
            stream = stack.enter_context(_Replay(head, unzipped, source=source, damaged=damaged))
        detected = format or detect_format(head, source=source)
        reader = stack.enter_context(io.BufferedReader(stream))
        yield detected, reader


def _refusal(message: str, source: str) -> RecordError:
    accepted = "; ".join(reader.label for reader in READERS.values())
    return RecordError(f"{message}. casebase imports: {accepted}.", source=source)


def _decode(head: bytes, source: str) -> str:
    """UTF-8 text; the head may end inside a character, which is left out."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as error:
        line = head.count(b"\n", 0, error.start) + 1
        raise _refusal(
            f"looks like binary data: byte 0x{head[error.start]:02X} on line {line} is not UTF-8 text (if the file "
            "is text, save it as UTF-8)",
            source,
        ) from error


def _markup_format(head: bytes, source: str) -> str:
    """XML or HTML: told by the root element (or the DOCTYPE when the root is beyond the head)."""
    declared = _XML_DECLARED_ENCODING.match(head)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in {b"utf-8", b"utf8"}:
        # The XML reader decodes what the declaration names; tags are ASCII, which is all that is looked at here.
        text = head.decode("latin-1")
    else:
        text = _decode(head, source)
    doctype, root = _doctype_and_root(text.lstrip(_BOM))
    name = (root or doctype or "").lower()
    if (doctype or "").lower() == "html" or name in _HTML_ROOTS:
        raise _refusal(
            "looks like an HTML page (a web page saved as HTML); save the PubMed page as text or export "
            "MEDLINE/XML/CSV instead",
            source,
        )
    if name == "pubmedarticleset":
        return "pubmed_xml"
    if name in _JATS_ROOTS:
        raise _refusal(
            "looks like a PMC full-text (JATS) file: casebase reads PubMed's records, so export the article from "
            "PubMed (XML, MEDLINE or CSV) instead",
            source,
        )
    if root:
        raise _refusal(
            f"could not tell what this file is: an XML file whose root element is <{root[:100]}>, not PubMed XML "
            "(<PubmedArticleSet>)",
            source,
        )
    raise _refusal("could not tell what this file is: it starts like XML, but no element was found", source)


def _doctype_and_root(text: str) -> tuple[str, str]:
    """The DOCTYPE's name and the first element's name, past the declaration, comments and processing
    instructions; "" for what is not found in the head."""
    doctype = ""
    at = 0
    while True:
        at = len(text) - len(text[at:].lstrip())
        if text.startswith("<?", at):
            end = _end_of(text, "?>", at)
        elif text.startswith("<!--", at):
            end = _end_of(text, "-->", at)
        elif text[at : at + 9].upper() == "<!DOCTYPE":
            match = _DOCTYPE_NAME.match(text, at)
            doctype = match.group(1) if match else ""
            subset, close = text.find("[", at), text.find(">", at)
            if subset != -1 and (close == -1 or subset < close):  # an internal subset: <!DOCTYPE x [ ... ]>
                close = _end_of(text, "]", subset)
                close = text.find(">", close) if close != -1 else -1
            end = close + 1 if close != -1 else -1
        else:
            match = _TAG_NAME.match(text, at)
            return doctype, match.group(1) if match else ""
        if end == -1:
            return doctype, ""
        at = end


def _end_of(text: str, marker: str, start: int) -> int:
    """Where the text after `marker` starts, or -1 when the head ends before it."""
    found = text.find(marker, start)
    return found + len(marker) if found != -1 else -1


def _csv_format(first_line: str, source: str) -> str:
    """'pubmed_csv' for a header line with PMID and Title; refuses the same header with another separator."""
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        names = {clean_line(cell).lower() for cell in cells}
        if {"pmid", "title"} <= names:
            if delimiter == ",":
                return "pubmed_csv"
            shown = "tabs" if delimiter == "\t" else "';'"
            raise _refusal(
                f"looks like a PubMed CSV export whose columns are separated by {shown} (re-saved by a spreadsheet); "
                "import the CSV as PubMed gives it, with commas",
                source,
            )
    return ""


def _looks_like_pubmed_page(lines: list[str]) -> bool:
    """The site's banner or headings, or a citation line followed by a title."""
    stripped = [line.strip() for line in lines]
    if any(line.startswith(_PAGE_MARKERS) for line in stripped):
        return True
    for index, line in enumerate(stripped):
        match = _PAGE_CITATION.match(line)
        if not match or not citation_grammar.is_date_text(match["date"]):
            continue
        after = (text for text in stripped[index + 1 :] if text and not _PAGE_CITATION_EXTRAS.match(text))
        title = next(after, "")
        if sum(character.isalpha() for character in title) >= 3:
            return True
    return False


def _seekable(file) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def _open_path(path: str | os.PathLike, source: str) -> Iterator[BinaryIO]:
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed by the caller's ExitStack through this context manager
    except FileNotFoundError as error:
        raise RecordError(f"no such file: {os.fspath(path)}", source=source) from error
    except IsADirectoryError as error:
        raise RecordError(f"{os.fspath(path)} is a folder, not a file", source=source) from error
    except PermissionError as error:
        raise RecordError(f"{os.fspath(path)} cannot be read: permission denied", source=source) from error
    except OSError as error:
        raise RecordError(f"{os.fspath(path)} cannot be opened: {error.strerror or error}", source=source) from error
    with file:
        yield file


def _read(file, size: int, *, source: str, damaged: str) -> bytes:
    try:
        data = file.read(size)
    except RecordError:
        raise
    except (OSError, EOFError, zlib.error) as error:
        raise RecordError(f"{damaged}: {error}", source=source) from error
    if isinstance(data, str):
        raise TypeError("open_for_import() needs a file opened in binary mode ('rb')")
    return data or b""


def _read_head(file, *, source: str, damaged: str) -> bytes:
    """Up to HEAD_SIZE bytes: as many as the file has, however few each read returns."""
    chunks: list[bytes] = []
    size = 0
    while size < HEAD_SIZE:
        chunk = _read(file, HEAD_SIZE - size, source=source, damaged=damaged)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class _Replay(io.RawIOBase):
    """The bytes already read to look at the file, then the rest of it, as one stream from the first byte.

    Errors reading the rest (a damaged gzip) become RecordErrors. Closing it leaves the file it reads open.
    """

    def __init__(self, head: bytes, rest, *, source: str, damaged: str):
        self._head = head
        self._at = 0
        self._rest = rest
        self._source = source
        self._damaged = damaged

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._at < len(self._head):
            data = self._head[self._at : self._at + len(buffer)]
            self._at += len(data)
        else:
            data = _read(self._rest, len(buffer), source=self._source, damaged=self._damaged)
        buffer[: len(data)] = data
        return len(data)
