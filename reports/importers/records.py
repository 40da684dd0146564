"""Plain records that every reader produces and every writer consumes; no database here."""

from dataclasses import dataclass, field


@dataclass
class PublicationDate:
    """A publication date as precise as the source gives it."""

    year: int
    month: int | None = None
    day: int | None = None
    season: str = ""
    text: str = ""


@dataclass
class AuthorRecord:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliation: str = ""
    orcid: str = ""


@dataclass
class MeshRecord:
    descriptor: str
    ui: str = ""
    is_major: bool = False
    qualifiers: list[dict] = field(default_factory=list)


@dataclass
class ReferenceRecord:
    raw_text: str
    title: str = ""
    authors: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: int | None = None
    pmcid: str = ""
    url: str = ""
    in_pubmed: bool = False
    in_pmc: bool = False


@dataclass
class JournalRecord:
    title: str = ""
    iso_abbreviation: str = ""
    issn: str = ""
    nlm_unique_id: str = ""


@dataclass
class ArticleRecord:
    """One article as a source describes it."""

    title: str
    date: PublicationDate
    vernacular_title: str = ""
    abstract: str = ""
    journal: JournalRecord = field(default_factory=JournalRecord)
    epub_date: str = ""  # ISO date, e.g. "2019-03-11"
    volume: str = ""
    issue: str = ""
    pages: str = ""
    elocation_id: str = ""
    doi: str = ""
    pmid: int | None = None
    pmcid: str = ""
    language: str = ""
    coi_statement: str = ""
    authors: list[AuthorRecord] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    mesh_headings: list[MeshRecord] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    references: list[ReferenceRecord] = field(default_factory=list)
