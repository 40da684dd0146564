"""Reader for PubMed's CSV export ("Save" > "CSV" on a search): one article a row; no database here.

The columns are PMID, Title, Authors, Citation, First Author, Journal/Book, Publication Year, Create Date, PMCID,
NIHMS ID and DOI. The date, volume, issue, pages and e-publication date are read from the citation
("Cyberpsychol Behav Soc Netw. 2022 Mar;25(3):181-188. doi: 10.1089/cyber.2021.0047. Epub 2022 Feb 2."); the
Publication Year is the fallback for citations without a date (books). Authors come as short names only
("Wang C, Lizardo O, Hachen DS."), so the records say so (authors_abridged). Create Date and NIHMS ID are not kept.

A row that cannot be read is yielded as a RecordError and the next row is read. A file that cannot be read at all
(empty, not UTF-8, no PMID or Title column, broken quoting) raises a RecordError; nothing else is ever raised.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from reports.cases.records import ArticleRecord, AuthorRecord, JournalRecord, PublicationDate
from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers.dates import MONTHS, SEASONS, parse_pubmed_date
from reports.importers.errors import RecordError
from reports.text import clean_line

COLUMNS = (
    "PMID",
    "Title",
    "Authors",
    "Citation",
    "First Author",
    "Journal/Book",
    "Publication Year",
    "Create Date",
    "PMCID",
    "NIHMS ID",
    "DOI",
)
REQUIRED_COLUMNS = ("PMID", "Title")

# A date right after the journal: "Eur J Sport Sci. 2022 Jan 31:1-13." or "Prof Case Manag. 2022 Jan-Feb 01;27(1)".
# Its words are checked to be months or seasons, so that "Lancet. 2022 Feb 5;..." is not confused with a title.
_YEAR = r"[12]\d{3}"
_CITATION_DATE = re.compile(
    rf"(?:^|\.\s+)(?P<date>{_YEAR}(?:[ -](?:[A-Za-z]{{3,9}}|\d{{1,2}}|{_YEAR}))*)(?=[;:.]|\s*$)"
)
_VOLUME = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
_DOI = re.compile(r"\bdoi:\s*(?P<doi>10\.\S+?)\.?(?:\s|$)", re.IGNORECASE)
_EPUB = re.compile(r"\bEpub (?P<date>\d{4} [A-Za-z]{3,9} \d{1,2})\b")
# "e37086" (JMIR, PLoS), "bcr2012008101" (BMJ Case Reports): an article number, not pages (as on the abstract page).
_ELOCATOR = re.compile(r"^(?:e\d+|[A-Za-z]{1,4}\d{4,})$")
# Pages as printed: "181-188", "1-13", "S12-S15", "663".
_PAGES = re.compile(r"^[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?$")
_PUBLICATION_YEAR = re.compile(rf"^({_YEAR})$")
_ET_AL = re.compile(r",?\s+et\s+al\.?$")
_INITIALS = re.compile(r"^[A-Z]{1,4}$")
# fmt: off
_SURNAME_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ten", "ter", "bin",
    "al", "el", "y",
}
_NAME_SUFFIXES = {"Jr", "Sr", "2nd", "3rd", "4th", "II", "III", "IV"}
# Words that make an author a group even when its last word looks like initials ("Writing Committee for the ABC").
_GROUP_WORDS = {
    "group", "consortium", "collaborators", "collaborative", "collaboration", "investigators", "committee",
    "network", "association", "society", "organization", "organisation", "study", "trial", "team", "working",
    "writing", "for", "and", "of", "the", "on", "in",
}
# fmt: on


def read_pubmed_csv(stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord | RecordError]:
    """Yield one ArticleRecord per data row (number 1 for the first), or a RecordError for a row that cannot be read."""
    # strict: a stray quote is an error with its line number, not rows run together into one value
    reader = csv.reader(_lines(stream, source=source), strict=True)
    header, width = _header(reader, source=source)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RecordError(
                f"line {reader.line_num} cannot be read as CSV ({error}); the rest of the file was not read",
                source=source,
                record=number + 1,
            ) from error
        if not any(cell.strip() for cell in row):
            continue  # blank lines, or a spreadsheet's empty rows (",,,,"), are not records
        number += 1
        try:
            yield _record(row, header, width=width, number=number, source=source)
        except RecordError as error:
            yield error


def _lines(stream: BinaryIO, *, source: str) -> Iterator[str]:
    """The file's lines as text with their line endings (what open(newline="") gives the csv module).

    Each line is decoded on its own so that a byte that is not UTF-8 is reported with its line number.
    """
    line_number = 0
    try:
        for raw in stream:
            line_number += 1
            try:
                text = raw.decode("utf-8-sig" if line_number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                column = len(raw[: error.start].decode("utf-8", errors="replace")) + 1
                raise RecordError(
                    f"line {line_number} is not UTF-8 text (byte 0x{raw[error.start]:02X} at column {column}): "
                    "save the file as UTF-8 ('CSV UTF-8' in a spreadsheet) and import it again",
                    source=source,
                ) from error
            # A lone CR ends a line too (old Mac files); inside a quoted value the csv module keeps it.
            yield from re.split(r"(?<=\r)(?!\n)", text)
    except OSError as error:
        raise RecordError(f"the file could not be read after line {line_number}: {error}", source=source) from error


def _header(reader: Iterable[list[str]], *, source: str) -> tuple[dict[str, int], int]:
    """The place of each known column (found by name, in any case) and the number of columns.

    Raises when PMID or Title is missing."""
    try:
        found = next((row for row in reader if any(cell.strip() for cell in row)), None)
    except csv.Error as error:
        raise RecordError(f"the header line cannot be read as CSV ({error})", source=source) from error
    if found is None:
        raise RecordError("the file is empty: expected a PubMed CSV export with a header line", source=source)
    names = [clean_line(cell) for cell in found]
    by_name = {name.lower(): name for name in COLUMNS}
    header: dict[str, int] = {}
    for index, name in enumerate(names):
        column = by_name.get(name.lower())
        if column and column not in header:
            header[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        # A few names, each cut short: the "header" of a file that is not CSV at all can be a whole line of it.
        shown = ", ".join(f"'{name[:40]}…'" if len(name) > 40 else f"'{name}'" for name in names[:12] if name) or "none"
        raise RecordError(
            f"this is not a PubMed CSV export: the header has no {' or '.join(repr(name) for name in missing)} "
            f"column (columns found: {shown})",
            source=source,
        )
    return header, len(names)


def _record(row: list[str], header: dict[str, int], *, width: int, number: int, source: str) -> ArticleRecord:
    def value(column: str) -> str:
        index = header.get(column)
        return clean_line(row[index]) if index is not None and index < len(row) else ""

    pmid_text = value("PMID")
    pmid = normalize_pmid(pmid_text)

    def refuse(message: str, column: str) -> RecordError:
        return RecordError(message, source=source, record=number, pmid=pmid, field=column)

    if pmid_text and pmid is None:
        raise refuse(f"'{pmid_text[:50]}' is not a PMID (a PMID is a number)", "PMID")
    if any(cell.strip() for cell in row[width:]):
        # Values shifted by an unquoted comma would land in the wrong columns: better refused than misread.
        raise refuse(
            f"the row has {len(row)} values but the header names {width} columns: a value with a comma in it "
            "is probably not in quotes",
            "",
        )
    title = value("Title")
    if not title:
        raise refuse("the row has no title", "Title")

    citation = value("Citation")
    journal = value("Journal/Book")
    parts = _citation_parts(citation)
    date = parts.pop("date")
    if date is None:
        year = _PUBLICATION_YEAR.match(value("Publication Year"))
        if not year:
            shown = value("Publication Year")
            raise refuse(
                f"no publication year: the citation has no date and the Publication Year is "
                f"{repr(shown[:20]) if shown else 'empty'}",
                "Publication Year",
            )
        date = PublicationDate(year=int(year.group(1)), text=year.group(1))

    authors_text = value("Authors") or value("First Author")
    return ArticleRecord(
        number=number,
        title=title,
        date=date,
        journal=JournalRecord(iso_abbreviation=journal or parts["journal"]),
        doi=normalize_doi(value("DOI")) or parts["doi"],
        pmid=pmid,
        pmcid=normalize_pmcid(value("PMCID")),
        volume=parts["volume"],
        issue=parts["issue"],
        pages=parts["pages"],
        elocation_id=parts["elocation_id"],
        epub_date=parts["epub_date"],
        authors=_authors(authors_text),
        authors_abridged=True,
    )


def _citation_parts(citation: str) -> dict:
    """Date, volume, issue, pages or e-locator, DOI and e-publication date of a PubMed citation line.

    'Cyberpsychol Behav Soc Netw. 2022 Mar;25(3):181-188. doi: 10.1089/cyber.2021.0047. Epub 2022 Feb 2.'
    Ahead of print there is no volume: 'Eur J Sport Sci. 2022 Jan 31:1-13. doi: ... Online ahead of print.'
    """
    parts = {"date": None, "journal": "", "volume": "", "issue": "", "pages": "", "elocation_id": ""}
    doi = _DOI.search(citation)
    parts["doi"] = normalize_doi(doi["doi"]) if doi else ""
    parts["epub_date"] = _iso_date(_EPUB.search(citation))

    match = next((m for m in _CITATION_DATE.finditer(citation) if _is_date_text(m["date"])), None)
    if not match:
        return parts
    parts["date"] = parse_pubmed_date(match["date"])
    parts["journal"] = citation[: match.start()].strip()
    rest = citation[match.end() :].split(". ", 1)[0].strip().rstrip(".")
    if rest.startswith(";"):
        volume = _VOLUME.match(rest[1:].strip())
        if volume:
            parts["volume"] = (volume["volume"] or "").strip()
            parts["issue"] = (volume["issue"] or "").strip()
            parts["pages"] = (volume["pages"] or "").strip()
        if _ELOCATOR.match(parts["pages"]):
            parts["elocation_id"], parts["pages"] = parts["pages"], ""
    elif rest.startswith(":"):
        # Ahead of print: pages ("1-13"), an article number ("e37086") or the publisher's id ("S0002-9343(23)00789-0").
        located = rest[1:].strip()
        if _PAGES.match(located) and not _ELOCATOR.match(located):
            parts["pages"] = located
        else:
            parts["elocation_id"] = located
    return parts


def _is_date_text(text: str) -> bool:
    """'2022 Jan-Feb 01', '2019 Spring', '1998 Dec-1999 Jan': every word a month or a season."""
    return all(word.lower() in MONTHS or word.lower() in SEASONS for word in re.findall(r"[A-Za-z]+", text))


def _iso_date(match: re.Match | None) -> str:
    date = parse_pubmed_date(match["date"]) if match else None
    if date and date.month and date.day:
        return f"{date.year:04}-{date.month:02}-{date.day:02}"
    return ""


def _authors(text: str) -> list[AuthorRecord]:
    """'Hajj-Boutros G, Landry-Duval MA, Comtois AS.' -> surnames with initials; a group keeps its whole name."""
    names = _ET_AL.sub("", text.strip()).rstrip(".").strip()
    return [_author(name) for name in re.split(r"\s*[,;]\s*", names) if name.strip(" .")]


def _author(name: str) -> AuthorRecord:
    words = name.strip(" .").split()
    if len(words) >= 3 and words[-1] in _NAME_SUFFIXES:
        # "Smith J Jr": AuthorRecord has no suffix, and the surname with initials is what names the author.
        words = words[:-1]
    surname = words[:-1]
    if surname and len(surname) <= 4 and _INITIALS.match(words[-1]) and all(_is_surname_word(word) for word in surname):
        return AuthorRecord(last_name=" ".join(surname), initials=words[-1])
    return AuthorRecord(collective_name=name.strip(" ."))


def _is_surname_word(word: str) -> bool:
    if word.lower() in _GROUP_WORDS or any(character.isdigit() for character in word):
        return False
    return word[0].isupper() or word in _SURNAME_PARTICLES or "'" in word or "’" in word
