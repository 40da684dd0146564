"""How PubMed prints a citation and its authors, for the readers that get them as text: the abstract page
(pubmed_page.py, and the references it and PubMed XML print) and the CSV export (pubmed_csv.py).

The citation line: "Cureus. 2019 Mar 11;11(3):e4225. doi: 10.7759/cureus.4225. Epub 2019 Mar 11." is the journal's
abbreviation, the date, the volume, issue and pages (or article number), the DOI and the e-publication date. Ahead of
print there is no volume: "Eur J Sport Sci. 2022 Jan 31:1-13." or "Am J Med. 2024 Jan 5:S0002-9343(23)00789-0.".

The short author list: "Hajj-Boutros G, Landry-Duval MA, Smith J Jr, de la Cruz J; CARE Group." is surnames with
initials (a suffix after them), and group authors under their whole name.
"""

import re
import unicodedata
from dataclasses import dataclass

from reports.importers.dates import MONTHS, SEASONS, parse_pubmed_date

# A year of a publication PubMed lists (its oldest are from the 1600s), and a date as a citation prints it: the year,
# then months, seasons, day numbers and a second year ("2019 Mar 11", "2022 Jan-Feb 01", "1998 Dec-1999 Jan").
YEAR = r"(?:1[6-9]|20)\d\d"
DATE = rf"{YEAR}(?:[ -](?:[A-Za-z]{{3,9}}|\d{{1,2}}|{YEAR}))*"
DOI = re.compile(r"\bdoi:\s*(?P<doi>10\.\S+?)\.?(?:\s|$)", re.IGNORECASE)
EPUB = re.compile(r"\bEpub (?P<date>\d{4} [A-Za-z]{3,9} \d{1,2})\b")
# "e4225" (Cureus, PLoS), "bcr2012008101" (BMJ Case Reports), "CD001234" (Cochrane): an article number, not pages.
ELOCATOR = re.compile(r"^(?:e\d+|[A-Za-z]{1,4}\d{4,})$")

# The date comes first or right after the journal, and ends the citation or is followed by ";volume", ":pages" or a
# sentence (". doi: ..."). Its words are checked to be months or seasons, so that "Lancet. 2022 Feb 5;..." is read
# and a title with a year in it is not.
_CITATION_DATE = re.compile(rf"(?:^|\.\s+)(?P<date>{DATE})(?=[;:]|\.(?:\s|$)|\s*$)")
_VOLUME = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
# Pages as printed: "181-188", "1-13", "S12-S15", "663".
_PAGES = re.compile(r"^[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?$")

ET_AL = re.compile(r",?\s+et\s+al\.?$")
INITIALS = re.compile(r"^[A-Z]{1,4}$")
# A word of a group's name: it starts with a letter and has no punctuation but apostrophes and hyphens ("COVID-19").
_GROUP_NAME_WORD = re.compile(r"^[^\W\d_][\w'’\-]*$")
_NAME_PUNCTUATION = "'’-"  # the only punctuation in a surname: "O'Brien", "van 't Riet", "al-Khatib"
# fmt: off
# Lower-case words that belong to a surname ("de la Cruz J", "van der Berg A").
SURNAME_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ten", "ter", "bin",
    "al", "el", "y",
}
# What PubMed prints after the initials ("Smith JA Jr", "King ML 3rd"); older records spell the numbers in Roman.
NAME_SUFFIXES = {"Jr", "Sr", "2nd", "3rd", "4th", "II", "III", "IV"}
# The last word of a group author's name ("CARE Group", "American Diabetes Association").
GROUP_NAME_ENDINGS = {
    "Group", "Consortium", "Collaborators", "Collaborative", "Collaboration", "Investigators", "Committee", "Network",
    "Association", "Society", "Organization", "Organisation",
}
# Words that make a name a group's even when its last word looks like initials: "Writing Committee ABC", or a
# group that a record files as a surname with initials ("PRISMA Group" printed "Group P"). Lower-case words
# ("for the") are never a surname's but for the particles, so "In K" and "The DO" stay people.
GROUP_WORDS = {word.lower() for word in GROUP_NAME_ENDINGS} | {"study", "trial", "team", "working", "writing"}
# fmt: on


@dataclass
class Citation:
    """A citation line's parts as printed; what is not there is empty."""

    journal: str
    date: str  # "2019 Mar 11": parse_pubmed_date() reads it
    volume: str = ""
    issue: str = ""
    pages: str = ""
    elocation_id: str = ""


def read_citation(text: str) -> Citation | None:
    """The journal, date, volume, issue and pages or article number of a citation line; None without a date."""
    match = next((m for m in _CITATION_DATE.finditer(text) if is_date_text(m["date"])), None)
    if not match:
        return None
    citation = Citation(journal=text[: match.start()].strip(), date=match["date"].strip())
    rest = text[match.end() :].split(". ", 1)[0].strip().rstrip(".")
    if rest.startswith(";"):
        volume = _VOLUME.match(rest[1:].strip())
        if volume:
            citation.volume = (volume["volume"] or "").strip()
            citation.issue = (volume["issue"] or "").strip()
            citation.pages = (volume["pages"] or "").strip()
        if ELOCATOR.match(citation.pages):
            citation.elocation_id, citation.pages = citation.pages, ""
    elif rest.startswith(":"):
        # Ahead of print: pages ("1-13"), an article number ("e37086") or the publisher's id ("S0002-9343(23)00789-0").
        located = rest[1:].strip()
        if _PAGES.match(located) and not ELOCATOR.match(located):
            citation.pages = located
        else:
            citation.elocation_id = located
    return citation


def is_date_text(text: str) -> bool:
    """'2019 Mar 11', '2019 Spring', '1998 Dec-1999 Jan': every word a month or a season."""
    return all(word.lower() in MONTHS or word.lower() in SEASONS for word in re.findall(r"[A-Za-z]+", text))


def epub_date(text: str) -> str:
    """The ISO date of the first "Epub 2019 Mar 11" in the text; "" when there is none or it has no day."""
    match = EPUB.search(text)
    date = parse_pubmed_date(match["date"]) if match else None
    if date and date.month and date.day:
        return f"{date.year:04}-{date.month:02}-{date.day:02}"
    return ""


def author_names(text: str) -> list[str]:
    """The names of an author list, as printed: 'Wang C, Lizardo O, et al.' -> ['Wang C', 'Lizardo O']."""
    return re.split(r"\s*[,;]\s*", ET_AL.sub("", text.strip()).rstrip(".").strip())


def is_author_list(text: str, *, groups: bool = True) -> bool:
    """'Younger J, Mackey S', 'Bergasa NV, Alling DW, et al.', 'Gagnier JJ, Riley D; CARE Group'.

    Without `groups`, only personal names count: a title may well read like a group's name."""
    names = author_names(text)
    return names != [""] and all(short_name(name) or (groups and is_group_name(name)) for name in names)


def short_name(name: str) -> tuple[str, str] | None:
    """'de la Cruz JA Jr' -> ('de la Cruz', 'JA'): a surname of up to four words and initials; None for anything
    else (a group's name, a full name, a title)."""
    shape = _surname_and_initials(name)
    if shape is None or any(word.lower() in GROUP_WORDS for word in shape[0]):
        return None
    return " ".join(shape[0]), shape[1]


def is_group_name(name: str) -> bool:
    """'CARE Group', 'LDN-MS Study Group': capitalised words that end in a word naming a group; or a group written
    as a surname with initials ('Group P', 'Investigators IC')."""
    words = name.split()
    if len(words) >= 2 and words[-1] in GROUP_NAME_ENDINGS:
        return words[0][0].isupper() and all(_GROUP_NAME_WORD.match(word) for word in words)
    shape = _surname_and_initials(name)
    return shape is not None and any(word.lower() in GROUP_WORDS for word in shape[0])


def _surname_and_initials(name: str) -> tuple[list[str], str] | None:
    """The words of the surname and the initials of a name written 'Surname AB [Jr]'."""
    words = name.strip(" .").split()
    if len(words) >= 3 and words[-1] in NAME_SUFFIXES:
        words = words[:-1]  # the surname and initials name the author; a record has no place for the suffix
    surname, initials = words[:-1], words[-1] if words else ""
    if not (surname and len(surname) <= 4 and INITIALS.match(initials)):
        return None
    # Particles come before the surname proper ("van der Berg"), whose first letter may be lower case ("d'Angelo").
    if surname[-1] in SURNAME_PARTICLES or not all(_is_surname_word(word) for word in surname):
        return None
    return surname, initials


def _is_surname_word(word: str) -> bool:
    """'Smith', 'de', "d'Angelo", "'t", 'al-Khatib': letters (with their accents) and apostrophes or hyphens; a
    word that is not a particle starts with a capital or has an apostrophe or hyphen."""
    if not all(
        character.isalpha() or character in _NAME_PUNCTUATION or unicodedata.category(character).startswith("M")
        for character in word
    ):
        return False
    return word[0].isupper() or word in SURNAME_PARTICLES or any(character in _NAME_PUNCTUATION for character in word)
