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
from reports.importers import citation_grammar, limits
from reports.importers.dates import parse_pubmed_date
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

_PUBLICATION_YEAR = re.compile(rf"^({citation_grammar.YEAR})$")


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
        while raw := stream.readline(limits.CSV_LINE_BYTES + 1):
            line_number += 1
            if len(raw) > limits.CSV_LINE_BYTES:
                raise RecordError(
                    f"line {line_number} is longer than {limits.size(limits.CSV_LINE_BYTES)}: casebase reads CSV "
                    f"lines of at most {limits.size(limits.CSV_LINE_BYTES)}, far longer than a PubMed export has",
                    source=source,
                )
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
    # A citation without a date (a book's) gives nothing; the Publication Year dates the row then.
    parts = citation_grammar.read_citation(citation) or citation_grammar.Citation(journal="", date="")
    date = parse_pubmed_date(parts.date) if parts.date else None
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
        journal=JournalRecord(iso_abbreviation=journal or parts.journal),
        doi=normalize_doi(value("DOI")) or _doi(citation),
        pmid=pmid,
        pmcid=normalize_pmcid(value("PMCID")),
        volume=parts.volume,
        issue=parts.issue,
        pages=parts.pages,
        elocation_id=parts.elocation_id,
        epub_date=citation_grammar.epub_date(citation),
        authors=_authors(authors_text),
        authors_abridged=True,
    )


def _doi(citation: str) -> str:
    found = citation_grammar.DOI.search(citation)
    return normalize_doi(found["doi"]) if found else ""


def _authors(text: str) -> list[AuthorRecord]:
    """'Hajj-Boutros G, Landry-Duval MA, Comtois AS.' -> surnames with initials; a group keeps its whole name."""
    authors = []
    for name in citation_grammar.author_names(text):
        if not name.strip(" ."):
            continue
        short = citation_grammar.short_name(name)
        if short:
            authors.append(AuthorRecord(last_name=short[0], initials=short[1]))
        else:
            authors.append(AuthorRecord(collective_name=name.strip(" .")))
    return authors
