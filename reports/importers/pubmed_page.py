"""Reader for the text of a PubMed abstract page (what "select all, copy" or a text save of
https://pubmed.ncbi.nlm.nih.gov/<PMID>/ gives): the layout of fixtures/source/000_8d3d7cb61a81a9c9.txt.

The page is prose laid out in sections under fixed headings ("Abstract", "Conflict of interest statement",
"References", ...). Above the first heading is the head: publication types, the citation line
("Cureus. 2019 Mar 11;11(3):e4225. doi: ..."), the title, the authors with their affiliations and the
"PMID: ... PMCID: ... DOI: ..." line. The reader finds those parts and reads each; it never touches the database.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    ReferenceRecord,
)
from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.importers import citation_grammar, limits
from reports.importers.dates import parse_pubmed_date
from reports.importers.errors import RecordError
from reports.text import NotUTF8, read_utf8, strip_controls

# Headings that start a section of the page. Anything under a heading we do not read is skipped whole.
SECTION_HEADINGS = {
    "Abstract",
    "PubMed Disclaimer",
    "Conflict of interest statement",
    "References",
    "Publication types",
    "LinkOut - more resources",
    "Similar articles",
    "Cited by",
    "MeSH terms",
    "Substances",
    "Grants and funding",
    "Comment in",
    "Comment on",
    "Erratum in",
    "Figures",
    "Full text links",
    "Related information",
    "Supplementary concepts",
    "Associated data",
}
# The heading of the author affiliations; it belongs to the head, between the authors and the PMID line.
AFFILIATION_HEADINGS = {"Affiliations", "Affiliation"}

# The site's banner and navigation, which a copy of the page starts with.
BOILERPLATE = (
    "Skip to main page content",
    "U.S. flag",
    "An official website of the United States government",
    "Dot gov",
    "The .gov means it",
    "Federal government websites often end in",
    "Https",
    "The site is secure.",
    "The https:// ensures",
    "Access keys",
    "Free article",
    "Free PMC article",
    "Item in Clipboard",
    "Display options",
)

_PMID = re.compile(r"\bPMID:\s*(?P<pmid>\d+)\.?")
_PMCID = re.compile(r"\bPMCID:\s*(?P<pmcid>PMC\d+)\.?")
_FOOTNOTE = re.compile(r"(?:\s+\d+)+$")
_AFFILIATION = re.compile(r"^\s*(?P<number>\d+)\s+(?P<text>.+)$")
# The short citation repeated under the title: "Scott Zashin. Cureus. ." or "Ann Smith et al. Cureus. 2020."
_SHORT_BYLINE = re.compile(rf"^(?P<names>[^.]+?)\.\s+(?P<journal>[^.]+?)\.\s*(?:{citation_grammar.YEAR}\s*)?\.+$")
# A paragraph of a structured abstract that is only its label ("Case presentation:"), printed on a line of its own.
_ABSTRACT_LABEL = re.compile(r"^[A-Z][^.:!?]{0,60}:$")
_COPYRIGHT = re.compile(r"^(?:Copyright\b|©|\(c\)\s)", re.IGNORECASE)
_LIST_BULLET = re.compile(r"^(?:[-•*·]\s+)+")

# One reference: "Title. Surname AB, Surname C. [URL.] Journal. 2009;10(2):663-672. - PMC - PubMed", or the same
# with the authors first ("Surname AB, Surname C. Title. Journal. ...").
_LINK_LABELS = re.compile(r"(?:\s+-\s+(?:PMC|PubMed|DOI|Free PMC article|Free article|Google Scholar))+\s*$")
_JOURNAL_TAIL = re.compile(
    rf"(?:^|\.\s+)(?P<journal>[^.]+?)\.\s+(?P<year>{citation_grammar.YEAR})[a-z]?"
    r"(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?"
    r"(?:;(?P<volume>[^(:;]*)(?:\((?P<issue>[^)]*)\))?)?(?::(?P<pages>[^;]+?))?\.?$"
)
_URL = re.compile(r"(?P<url>https?://\S+?)\.?(?:\s|$)")
_PUBMED_IN_URL = re.compile(r"pubmed[^0-9]*?(?P<pmid>\d{6,9})\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass
class _Head:
    """What the head of the page (above the first section heading) says, as printed."""

    title: str = ""
    names: list[str] = field(default_factory=list)  # "Bo Li 1 2": a name and its affiliation numbers
    affiliations: dict[str, str] = field(default_factory=dict)
    journal: str = ""
    publication_types: list[str] = field(default_factory=list)


def read_pubmed_page(stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord]:
    """The reader interface: a page file holds one article."""
    try:
        text = read_utf8(limits.Bounded(stream, limit=limits.PAGE_BYTES, source=source, what="PubMed pages"))
    except NotUTF8 as error:
        raise RecordError(f"the file is not UTF-8 text (byte {error.offset})", source=source) from None
    record = parse_pubmed_page(strip_controls(text), source=source)
    record.number = 1
    yield record


def parse_pubmed_page(text: str, *, source: str = "") -> ArticleRecord:
    """Read one PubMed abstract page. Raises RecordError naming the part of the page that is missing."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise RecordError(
            "the file is empty: expected the text of a PubMed abstract page (open the article on "
            "pubmed.ncbi.nlm.nih.gov, select all, copy and save as text)",
            source=source,
            field="citation",  # like any other file without a citation line
        )
    if re.match(r"\s*<(?:!doctype\s+html|html|\?xml|head|body)\b", text, re.IGNORECASE):
        raise RecordError(
            "this is an HTML or XML file, not the text of a PubMed abstract page: open the page in a browser, "
            "select all, copy and save the text",
            source=source,
            field="citation",
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    head, sections = _split_sections(lines)

    citation_at, citation = _find_citation(head)
    if citation is None:
        raise RecordError(
            "no citation line (like 'Cureus. 2019 Mar 11;11(3):e4225.') was found: this does not look like the "
            "text of a PubMed abstract page",
            source=source,
            field="citation",
        )
    date = parse_pubmed_date(citation.date)
    if date is None:
        raise RecordError(f"'{citation.date[:60]}' is not a publication date", source=source, field="date")

    page_head = _read_head(head, citation_at)
    if not page_head.title:
        raise RecordError(
            "the page has no title: expected the article's title on its own line after the citation line",
            source=source,
            field="title",
        )

    # The identifiers are read from the head only: "Similar articles" and "Cited by" print other articles' PMIDs.
    head_text = "\n".join(head)
    doi_match = citation_grammar.DOI.search(head_text)
    pmid_match = _PMID.search(head_text)
    pmcid_match = _PMCID.search(head_text)

    journal = citation.journal or page_head.journal
    # A journal name on a line of its own above the citation (". 2019 Mar 11;...") is not a publication type.
    publication_types = [name for name in page_head.publication_types if name != journal] + _list_items(
        sections.get("Publication types", [])
    )

    return ArticleRecord(
        title=page_head.title,
        date=date,
        abstract=_abstract(sections.get("Abstract", [])),
        journal=JournalRecord(iso_abbreviation=journal),  # a page names the journal by its abbreviation only
        epub_date=citation_grammar.epub_date(head_text),
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        elocation_id=citation.elocation_id,
        doi=normalize_doi(doi_match["doi"]) if doi_match else "",
        pmid=normalize_pmid(pmid_match["pmid"]) if pmid_match else None,
        pmcid=normalize_pmcid(pmcid_match["pmcid"]) if pmcid_match else "",
        coi_statement=_paragraphs(sections.get("Conflict of interest statement", [])),
        authors=[_author(name, page_head.affiliations) for name in page_head.names],
        keywords=_keywords(" ".join(sections.get("Keywords", []))),
        mesh_headings=_mesh_headings(sections.get("MeSH terms", [])),
        publication_types=list(dict.fromkeys(publication_types)),
        references=[parse_reference(item) for item in _numbered_items(sections.get("References", []))],
    )


def _split_sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines above the first section heading, and the lines under each heading.

    "Keywords: a; b." is a paragraph inside the abstract; it is kept apart, and the lines after it (a copyright
    line, on some pages) go back to the abstract.
    """
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    before_keywords: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Keywords:") and current is not None:
            before_keywords = current
            current = sections.setdefault("Keywords", [])
            current.append(stripped.removeprefix("Keywords:").strip())
            continue
        if before_keywords is not None and not stripped:
            current, before_keywords = before_keywords, None
        if stripped in SECTION_HEADINGS:
            current, before_keywords = sections.setdefault(stripped, []), None
            continue
        if current is None:
            head.append(line)
        else:
            current.append(line)
    return head, sections


def _find_citation(head: list[str]) -> tuple[int, citation_grammar.Citation | None]:
    for index, line in enumerate(head):
        citation = citation_grammar.read_citation(line.strip())
        if citation:
            return index, citation
    return -1, None


def _is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(BOILERPLATE)


def _read_head(head: list[str], citation_at: int) -> _Head:
    """Publication types above the citation; after it, the title, the authors and their affiliations.

    After the citation come doi/Epub lines, the title, the full byline ("Ann Smith 1, Bo Li 1 2"), the
    "Affiliations" heading with numbered affiliations, and the "PMID: ..." line. Some copies (the seed) lack the
    full byline and give only the short citation repeated further down ("Scott Zashin. Cureus. .").
    """
    result = _Head()
    # The labels PubMed shows right above the citation ("Case Reports", "Review"): the block of lines that ends
    # at the citation, so that anything further up the copy is not taken for one.
    above: list[str] = []
    for line in reversed(head[:citation_at]):
        if not line.strip():
            break
        if not _is_boilerplate(line):
            above.insert(0, line.strip())
    result.publication_types = above

    after = [line.strip() for line in head[citation_at + 1 :]]
    zone: list[str] = []  # between the citation and the affiliations, the PMID line or the short byline
    index = 0
    while index < len(after):
        line = after[index]
        if line in AFFILIATION_HEADINGS or line.startswith(("PMID:", "PMCID:")) or _SHORT_BYLINE.match(line):
            break
        if not (
            _is_boilerplate(line)
            or citation_grammar.DOI.match(line)
            or line.startswith(("Epub ", "eCollection ", "DOI:"))
            or line in above
            or (zone and line == zone[0])  # the title again, in the repeated citation block
        ):
            zone.append(line)
        index += 1
    full_byline = ""
    if zone and _is_numbered_byline(zone[-1]):
        full_byline = zone.pop()  # so that a page without a title is not read as titled by its authors
    elif len(zone) > 1:
        full_byline = zone[1]
    result.title = zone[0] if zone else ""

    if index < len(after) and after[index] in AFFILIATION_HEADINGS:
        for line in after[index + 1 :]:
            if not line:
                continue
            match = _AFFILIATION.match(line)
            if not match:
                break
            result.affiliations[match["number"]] = match["text"].strip()

    short = next((match for line in after[index:] if (match := _SHORT_BYLINE.match(line))), None)
    if short:
        result.journal = short["journal"].strip()
    if full_byline:
        result.names = [name for name in _split_names(full_byline) if name]
    elif short:
        # The short citation names at most the first author when there are more ("Ann Smith et al.").
        result.names = [name for name in _split_names(citation_grammar.ET_AL.sub("", short["names"])) if name]
    return result


def _is_numbered_byline(line: str) -> bool:
    """'Ann Smith 1, Bo Li 1 2, CARE Group': names that carry affiliation numbers (a group may have none)."""
    names = _split_names(line)
    if not any(_FOOTNOTE.search(name) for name in names):
        return False
    for name in names:
        words = _FOOTNOTE.sub("", name).split()
        if words and words[-1] in citation_grammar.GROUP_NAME_ENDINGS:
            continue
        if not (_FOOTNOTE.search(name) and 2 <= len(words) <= 6):
            return False
        if not all(word[0].isupper() or word in citation_grammar.SURNAME_PARTICLES for word in words):
            return False
    return True


def _split_names(byline: str) -> list[str]:
    return [name.strip() for name in re.split(r"\s*[,;]\s*", byline.strip().rstrip("."))]


def _author(raw: str, affiliations: dict[str, str]) -> AuthorRecord:
    footnotes = _FOOTNOTE.search(raw)
    numbers = footnotes.group(0).split() if footnotes else []
    name = _FOOTNOTE.sub("", raw).strip()
    affiliation = "; ".join(affiliations[number] for number in numbers if number in affiliations)
    return _author_from_full_name(name, affiliation)


def _author_from_full_name(name: str, affiliation: str) -> AuthorRecord:
    """'Scott Zashin' -> fore name Scott, last name Zashin; 'Juan de la Cruz' -> last name 'de la Cruz'."""
    words = name.split()
    if len(words) == 1:
        return AuthorRecord(last_name=name, affiliation=affiliation)
    if words[-1] in citation_grammar.GROUP_NAME_ENDINGS:
        return AuthorRecord(collective_name=name, affiliation=affiliation)
    cut = len(words) - 1
    while cut > 1 and words[cut - 1][:1].islower():
        cut -= 1
    fore = words[:cut]
    initials = "".join(part[0] for word in fore for part in word.split("-") if part[:1].isalpha()).upper()
    return AuthorRecord(
        last_name=" ".join(words[cut:]), fore_name=" ".join(fore), initials=initials, affiliation=affiliation
    )


def _list_items(lines: list[str]) -> list[str]:
    """One item a line, with any leading "- " or bullet taken off."""
    return [_LIST_BULLET.sub("", line.strip()).strip() for line in lines if line.strip()]


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(_paragraph_list(lines))


def _paragraph_list(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _abstract(lines: list[str]) -> str:
    """The abstract's paragraphs; a structured abstract keeps its labels ("Case presentation: A 47-year-old ...").

    A label on a line of its own joins the line after it, whether or not a blank line separates them, so both
    layouts give the same text. The publisher's copyright line is not part of the abstract.
    """
    paragraphs: list[str] = []
    for paragraph in _paragraph_list(_join_labels(lines)):
        if paragraphs and _ABSTRACT_LABEL.match(paragraphs[-1]):
            paragraphs[-1] += " " + paragraph
        else:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraph for paragraph in paragraphs if not _COPYRIGHT.match(paragraph))


def _join_labels(lines: list[str]) -> list[str]:
    """Label lines start a paragraph of their own, so that "Background:\\ntext\\nCase presentation:\\ntext"
    (labels on their own lines, no blank lines between) gives one paragraph a label."""
    result: list[str] = []
    for line in lines:
        if _ABSTRACT_LABEL.match(line.strip()) and result and result[-1].strip():
            result.append("")
        result.append(line)
    return result


def _keywords(text: str) -> list[str]:
    text = text.strip().removesuffix(".")
    return list(dict.fromkeys(word.strip() for word in text.split(";") if word.strip()))


def _mesh_headings(lines: list[str]) -> list[MeshRecord]:
    """'Naltrexone / therapeutic use*' lines; a star marks a major topic; one line a descriptor-qualifier pair."""
    headings: dict[str, MeshRecord] = {}
    for item in _list_items(lines):
        descriptor, *qualifiers = (part.strip() for part in item.split(" / "))
        name = descriptor.rstrip("*").strip()
        if not name:
            continue  # a stray star or slash, not a heading
        heading = headings.setdefault(name, MeshRecord(descriptor=name))
        heading.is_major = heading.is_major or descriptor.endswith("*")
        for qualifier in qualifiers:
            heading.qualifiers.append({"name": qualifier.rstrip("*").strip(), "major": qualifier.endswith("*")})
    return list(headings.values())


def _numbered_items(lines: list[str]) -> list[str]:
    """Reference list items; the page numbers every item "1." (an ordered list flattened to text)."""
    items: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        match = re.match(r"^\d+\.\s+(.*)$", stripped)
        if match:
            items.append(match.group(1))
        elif items:
            items[-1] += " " + stripped
    return items


# Real references are under 600 characters; a longer text is kept as printed without being read, which also
# keeps hostile input from making the patterns below slow.
LONGEST_READ_REFERENCE = 2000


def parse_reference(text: str) -> ReferenceRecord:
    """Read one printed reference in PubMed's style; the parts that cannot be read stay empty."""
    if len(text) > LONGEST_READ_REFERENCE:
        return ReferenceRecord(raw_text=text.strip())
    links = _LINK_LABELS.search(text)
    labels = links.group(0) if links else ""
    raw = text[: links.start()].strip() if links else text.strip()
    reference = ReferenceRecord(raw_text=raw, in_pubmed="PubMed" in labels, in_pmc="PMC" in labels)

    # Identifiers printed in the reference are read, then cut out so that they are not taken for its pages.
    body = raw
    url_match = _URL.search(body)
    if url_match:
        reference.url = url_match["url"]
        pubmed_id = _PUBMED_IN_URL.search(reference.url)
        if pubmed_id:
            reference.pmid = normalize_pmid(pubmed_id["pmid"])
        reference.doi = normalize_doi(reference.url)  # "https://doi.org/10...." is a DOI; other addresses give ""
        body = _cut(body, url_match)
    doi_match = citation_grammar.DOI.search(body)
    if doi_match:
        reference.doi = normalize_doi(doi_match["doi"])
        body = _cut(body, doi_match)
    pmid_match = _PMID.search(body)
    if pmid_match:
        reference.pmid = normalize_pmid(pmid_match["pmid"])
        body = _cut(body, pmid_match)
    pmcid_match = _PMCID.search(body)
    if pmcid_match:
        reference.pmcid = normalize_pmcid(pmcid_match["pmcid"])
        body = _cut(body, pmcid_match)
    body = re.sub(r"[\s;,.]+$", "", body) + "."  # "...:100-105. PMID: 1; PMCID: PMC2." leaves "...:100-105. ;"

    tail = _JOURNAL_TAIL.search(body)
    if not tail or not _plausible(tail):
        return reference  # the text as printed is kept; a reading that makes no sense is not
    reference.journal = tail["journal"].strip()
    reference.year = int(tail["year"])
    reference.volume = (tail["volume"] or "").strip()
    reference.issue = (tail["issue"] or "").strip()
    reference.pages = (tail["pages"] or "").strip()
    reference.title, reference.authors = _title_and_authors(body[: tail.start("journal")].strip())
    return reference


# Longest volume, issue and page parts seen in real references ("Suppl 2 Pt 1", "e1002345-e1002360"); longer
# ones come from text the pattern swallowed by mistake.
_LONGEST_PART = {"volume": 30, "issue": 30, "pages": 60, "journal": 300}


def _plausible(tail: re.Match) -> bool:
    return all(len(tail[name] or "") <= limit for name, limit in _LONGEST_PART.items())


def _cut(text: str, match: re.Match) -> str:
    return (text[: match.start()].rstrip() + " " + text[match.end() :].lstrip()).strip()


def _title_and_authors(front: str) -> tuple[str, str]:
    """Split "Title. Authors." (the seed's references) or "Authors. Title." (most publishers').

    The authors are the shortest run of sentences at the end, or else at the start, that reads as a list of
    names; a reading whose title would itself read as personal names ("Smith J.") is not taken. A title may well
    read like a group ("Guidelines of the European Society."), so that does not count against it.
    """
    parts = [part for part in _SENTENCE_END.split(front) if part]
    readings = []
    for cut in range(len(parts) - 1, 0, -1):
        if citation_grammar.is_author_list(" ".join(parts[cut:])):
            readings.append((" ".join(parts[:cut]), " ".join(parts[cut:])))
            break
    for cut in range(1, len(parts)):
        if citation_grammar.is_author_list(" ".join(parts[:cut])):
            readings.append((" ".join(parts[cut:]), " ".join(parts[:cut])))
            break
    for title, authors in readings:
        if not citation_grammar.is_author_list(title, groups=False):
            return title, authors.rstrip(".")
    return front, ""
