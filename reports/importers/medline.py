"""Reader for PubMed's MEDLINE text: the .nbib file of "Cite -> Download .nbib" and "Send to: Citation manager",
and the "PubMed" format of "Save" and efetch (rettype=medline).

A file is a run of records separated by blank lines; each record starts at its "PMID- " line. A line is a tag of four
characters padded with spaces, "- " and a value ("AB  - ...", "PMID- ..."); a value goes on over lines that start
with six spaces, and a tag may repeat (one AU line per author, one MH line per heading). The reader never touches the
database: it yields one ArticleRecord per record, or a RecordError for a record it cannot read, and raises
RecordError when the file as a whole is not MEDLINE text.
"""

import datetime
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field

from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    SubstanceRecord,
)
from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers import limits
from reports.importers.dates import parse_pubmed_date
from reports.importers.errors import RecordError
from reports.text import NotUTF8, clean, clean_line, read_utf8

EXPECTED = "expected MEDLINE text as PubMed saves it (a .nbib file), with each record starting at a 'PMID- ' line"

_BOM = "\ufeff"
_CONTINUATION = " " * 6
_TAG = re.compile(r"[A-Z]{2,4} *")
# "10.7759/cureus.4225 [doi]", "e4225 [pii]": an identifier and its type.
_TYPED_ID = re.compile(r"^(?P<value>.*?)\s*\[(?P<type>[A-Za-z]+)\]$")
# "2168-8184 (Linking)"; PubMed also prints ISSNs without a type.
_ISSN = re.compile(r"^(?P<issn>\d{4}-\d{3}[\dXx])\b\s*(?:\((?P<type>[A-Za-z]+)\))?")
_ISSN_PREFERENCE = ("linking", "print", "electronic", "")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dXx]")
_INITIALS = re.compile(r"^[A-Z]{1,6}$")
_DEP = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# "5S6W795CQM (Naltrexone)", "0 (Antibodies)", "EC 3.4.21.- (Serine Endopeptidases)": the name is the text in the
# outer brackets at the end (a name may have brackets of its own), the registry number is what comes before.
_SUBSTANCE = re.compile(r"^(?P<number>[^(]*?)\s*\((?P<name>.*)\)$")
# A label of a structured abstract, which MEDLINE prints inline: "BACKGROUND: ...", "MATERIALS AND METHODS: ...",
# "BACKGROUND/AIMS: ...": words in capitals ending in ": ". It counts only at the start of the abstract or of a
# sentence, so "Python 2.3", ratios like "1:2" and a capitalised word inside a sentence are not labels.
_LABEL_WORD = r"[A-Z][A-Z'-]*[A-Z]"
_LABEL = re.compile(
    rf"(?:^|(?<=[.?!] )|(?<=[.?!][\"')\]] ))(?:{_LABEL_WORD})(?:(?:\s*[/&,]\s*|\s+)(?:{_LABEL_WORD}))*: "
)


@dataclass
class _Block:
    """The lines of one record: (tag, value, line number), continuation lines already joined to their value."""

    fields: list[list] = field(default_factory=list)
    problem: tuple[str, str] | None = None  # (field, message) when the record is damaged

    def values(self, tag: str) -> list[str]:
        return [value for name, value, _ in self.fields if name == tag]

    def first(self, tag: str) -> str:
        return next(iter(self.values(tag)), "")

    def complain(self, message: str, *, field: str = "") -> None:
        if self.problem is None:
            self.problem = (field, message)


def read_medline(stream: typing.BinaryIO, *, source: str) -> Iterator[ArticleRecord | RecordError]:
    """Every record of a MEDLINE file, numbered from 1: an ArticleRecord, or a RecordError for a record that cannot
    be read (reading goes on with the next). Raises RecordError, before yielding anything, when the file is not
    MEDLINE text (not UTF-8, empty, or not starting with a record)."""
    blocks = _blocks(_decode(stream, source=source), source=source)
    for number, block in enumerate(blocks, start=1):
        yield _record(block, number=number, source=source)


def _decode(stream: typing.BinaryIO, *, source: str) -> list[str]:
    """The file's lines; CRLF and CR end lines as LF does. A BOM starts PubMed's .nbib downloads."""
    try:
        # Read whole (a record's lines are joined before it is read), so a file is read up to a size.
        text = read_utf8(limits.Bounded(stream, limit=limits.MEDLINE_BYTES, source=source, what="MEDLINE files"))
    except NotUTF8 as error:
        raise RecordError(f"{error}: {EXPECTED}", source=source) from None
    # A file made by joining several downloads has a BOM at the start of each of them.
    return [line.lstrip(_BOM) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _quote(line: str) -> str:
    text = clean_line(line)
    return f"'{text[:60]}...'" if len(text) > 60 else f"'{text}'"


def _blocks(lines: list[str], *, source: str) -> list[_Block]:
    """The records of the file. Damage inside a record is noted on it; damage before the first record (or no record
    at all) means the file is not MEDLINE text, and raises."""
    blocks: list[_Block] = []
    current: _Block | None = None  # the record the next line belongs to; None after a blank line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        is_tag = len(line) >= 5 and line[4] == "-" and _TAG.fullmatch(line[:4]) is not None
        if is_tag and line[:4] == "PMID":
            current = _Block()
            blocks.append(current)
        elif not blocks:
            raise RecordError(_before_first_record(line, number=number, is_tag=is_tag), source=source)
        elif current is None:
            # Text after a blank line that is not a new record: a record without its PMID line, or stray text.
            current = _Block()
            blocks.append(current)
            current.complain(
                f"the record that starts on line {number} with {_quote(line)} has no 'PMID- ' line before it",
                field="PMID",
            )
        if is_tag:
            value = line[5:]
            current.fields.append([line[:4].strip(), value[1:] if value.startswith(" ") else value, number])
        elif line.startswith(_CONTINUATION) and current.fields:
            current.fields[-1][1] = f"{current.fields[-1][1].rstrip()} {line.strip()}"
        elif not current.fields:
            pass  # the line that started the damaged record above; its problem is noted already
        else:
            current.complain(
                f"line {number} is neither a tag line ('XX  - value') nor a continuation line (starting with six "
                f"spaces): {_quote(line)}"
            )
    if not blocks:
        raise RecordError(f"the file is empty: {EXPECTED}", source=source)
    return blocks


def _before_first_record(line: str, *, number: int, is_tag: bool) -> str:
    if line.startswith(_CONTINUATION):
        what = "is a continuation line (it starts with six spaces) with no tag line before it"
    elif is_tag:
        what = f"has the tag '{line[:4].strip()}' before any 'PMID- ' line"
    elif re.match(r"\s*<", line):
        what = f"is markup ({_quote(line)}), as in an HTML or XML file"
    else:
        what = f"is not a MEDLINE line: {_quote(line)}"
    return f"line {number} {what}; {EXPECTED}"


def _record(block: _Block, *, number: int, source: str) -> ArticleRecord | RecordError:
    pmid = normalize_pmid(clean_line(block.first("PMID")))

    def error(message: str, field: str) -> RecordError:
        return RecordError(message, source=source, record=number, pmid=pmid, field=field)

    if block.problem:
        return error(block.problem[1], block.problem[0])
    title = clean_line(block.first("TI"))
    if not title:
        return error("the record has no title: expected a 'TI  - ' line", "TI")
    date_text = clean_line(block.first("DP"))
    if not date_text:
        return error("the record has no date of publication: expected a 'DP  - ' line like 'DP  - 2019 Mar 11'", "DP")
    date = parse_pubmed_date(date_text)
    if date is None:
        return error(f"the date of publication {_quote(date_text)} does not start with a year", "DP")
    doi, elocation_id = _locators(block)
    return ArticleRecord(
        title=title,
        date=date,
        number=number,
        vernacular_title=clean_line(block.first("TT")),
        abstract="\n\n".join(paragraph for value in block.values("AB") for paragraph in _abstract_paragraphs(value)),
        journal=JournalRecord(
            title=clean_line(block.first("JT")),
            iso_abbreviation=clean_line(block.first("TA")),
            issn=_issn(block.values("IS")),
            nlm_unique_id=clean_line(block.first("JID")),
        ),
        epub_date=_epub_date(clean_line(block.first("DEP"))),
        volume=clean_line(block.first("VI")),
        issue=clean_line(block.first("IP")),
        pages=clean_line(block.first("PG")),
        elocation_id=elocation_id,
        doi=doi,
        pmid=pmid,
        pmcid=normalize_pmcid(clean_line(block.first("PMC"))),
        language="; ".join(_unique(block.values("LA"))),
        coi_statement=clean("\n\n".join(clean_line(value) for value in block.values("COIS"))),
        authors=_authors(block),
        # Records from before 2002 name their authors only as "Smith JA" (AU, no FAU).
        authors_abridged=bool(block.values("AU")) and not block.values("FAU"),
        keywords=_unique(block.values("OT")),
        mesh_headings=[heading for value in block.values("MH") if (heading := _mesh_heading(value))],
        substances=[substance for value in block.values("RN") if (substance := _substance(value))],
        publication_types=_unique(block.values("PT")),
    )


def _unique(values: list[str]) -> list[str]:
    """Cleaned values in order, without blanks and without repeats (casebase's terms ignore case)."""
    seen: dict[str, str] = {}
    for value in values:
        text = clean_line(value)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())


def _abstract_paragraphs(value: str) -> list[str]:
    """'BACKGROUND: a. METHODS: b.' -> ['BACKGROUND: a.', 'METHODS: b.']; text before the first label stays a
    paragraph of its own."""
    text = clean_line(value)
    starts = [0, *(match.start() for match in _LABEL.finditer(text))]
    paragraphs = [text[start:end].strip() for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [paragraph for paragraph in paragraphs if paragraph]


def _issn(values: list[str]) -> str:
    """The linking ISSN, else the print one, else the electronic one: '2168-8184 (Linking)' -> '2168-8184'."""
    found: dict[str, str] = {}
    for value in values:
        match = _ISSN.match(clean_line(value))
        if match:
            found.setdefault((match["type"] or "").lower(), match["issn"].upper())
    return next((found[kind] for kind in _ISSN_PREFERENCE if kind in found), "")


def _epub_date(value: str) -> str:
    """'20190311' -> '2019-03-11'; anything that is not a real day gives ''."""
    match = _DEP.match(value)
    if not match:
        return ""
    try:
        return datetime.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return ""


def _locators(block: _Block) -> tuple[str, str]:
    """The DOI and the e-locator from LID and AID lines ('10.7759/cureus.4225 [doi]', 'e4225 [pii]').

    LID is the article's location as the journal prints it, so its [pii] (or an LID without a type) is the
    e-locator ("e4225"); an AID [pii] is the publisher's item identifier, used only for a record with no LID at all.
    """

    def typed(tag: str) -> list[tuple[str, str]]:
        pairs = []
        for value in block.values(tag):
            text = clean_line(value)
            match = _TYPED_ID.match(text)
            pairs.append((match["type"].lower(), match["value"]) if match else ("", text))
        return [(kind, value) for kind, value in pairs if value]

    lid, aid = typed("LID"), typed("AID")
    doi = next((found for kind, value in lid + aid if kind == "doi" and (found := normalize_doi(value))), "")
    if block.values("LID"):
        locators = [value for kind, value in lid if kind == "pii"] + [value for kind, value in lid if not kind]
    else:
        locators = [value for kind, value in aid if kind == "pii"]
    return doi, locators[0] if locators else ""


def _authors(block: _Block) -> list[AuthorRecord]:
    """Authors in order: FAU (full name) starts a person and the AU after it gives the initials; an AU without FAU
    (older records) is a person of its own; CN is a group author in its place in the list. AD and AUID belong to the
    author above them. Records from before 2014 print one AD before the authors: the first author's affiliation."""
    authors: list[AuthorRecord] = []
    has_short_name: list[bool] = []
    pending_affiliations: list[str] = []

    def add(author: AuthorRecord, *, short_name: bool) -> None:
        if not authors and pending_affiliations:
            author.affiliation = "; ".join(pending_affiliations)
        authors.append(author)
        has_short_name.append(short_name)

    for tag, raw, _ in block.fields:
        value = clean_line(raw)
        if not value:
            continue
        if tag == "FAU":
            last, _, fore = value.partition(",")
            add(AuthorRecord(last_name=last.strip(), fore_name=fore.strip()), short_name=False)
        elif tag == "AU" and authors and not has_short_name[-1] and not authors[-1].collective_name:
            authors[-1].initials = _initials(value, last_name=authors[-1].last_name)
            has_short_name[-1] = True
        elif tag == "AU":
            words = value.split()
            if len(words) > 1 and _INITIALS.match(words[-1]):
                add(AuthorRecord(last_name=" ".join(words[:-1]), initials=words[-1]), short_name=True)
            else:
                add(AuthorRecord(last_name=value), short_name=True)
        elif tag == "CN":
            add(AuthorRecord(collective_name=value), short_name=True)
        elif tag == "AD" and authors:
            authors[-1].affiliation = "; ".join(filter(None, [authors[-1].affiliation, value]))
        elif tag == "AD":
            pending_affiliations.append(value)
        elif tag == "AUID" and authors and value.lower().startswith("orcid"):
            match = _ORCID.search(value)
            if match:
                authors[-1].orcid = match[0].upper()
    return authors


def _initials(short_name: str, *, last_name: str) -> str:
    """'Zashin S' -> 'S'; 'de Hoon MJ' (last name 'de Hoon') -> 'MJ'; 'Smith JA Jr' -> 'JA'."""
    if last_name and short_name.startswith(f"{last_name} "):
        words = short_name[len(last_name) :].split()
        if _INITIALS.match(words[0]):
            return words[0]
    return next((word for word in reversed(short_name.split()[1:]) if _INITIALS.match(word)), "")


def _mesh_heading(value: str) -> MeshRecord | None:
    """'*Sjogren's Syndrome/drug therapy' -> a major heading with one qualifier; a '*' marks what is major."""
    descriptor, *qualifiers = [part.strip() for part in clean_line(value).split("/")]
    if not descriptor.lstrip("*").strip():
        return None
    return MeshRecord(
        descriptor=descriptor.lstrip("*").strip(),
        is_major=descriptor.startswith("*"),
        qualifiers=[
            {"name": name.lstrip("*").strip(), "major": name.startswith("*")}
            for name in qualifiers
            if name.lstrip("*").strip()
        ],
    )


def _substance(value: str) -> SubstanceRecord | None:
    """'5S6W795CQM (Naltrexone)' -> Naltrexone, registry number 5S6W795CQM; '0' means PubMed has no number."""
    text = clean_line(value)
    match = _SUBSTANCE.match(text)
    if match and match["name"].strip():
        return SubstanceRecord(name=match["name"].strip(), registry_number=match["number"])
    return SubstanceRecord(name=text) if text else None
