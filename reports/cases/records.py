"""Plain records that every reader produces and every writer consumes; no database here.

A reader yields one ArticleRecord per article in the file, with `number` set to its place in the file (1 for the
first). Text is clean (see reports.text.clean): no NUL or control characters, no markup. What a source
does not give stays empty ("" or None or []); the writer never lets an empty value overwrite a stored one.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class PublicationDate:
    """A publication date as precise as the source gives it."""

    year: int
    month: int | None = None
    day: int | None = None
    season: str = ""  # "Spring", "Summer", "Autumn", "Fall" or "Winter"
    text: str = ""  # as printed: "2019 Mar 11", "1998 Dec-1999 Jan"


@dataclass
class AuthorRecord:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliation: str = ""  # several affiliations joined with "; "
    orcid: str = ""  # the bare identifier, e.g. "0000-0002-1825-0097"


@dataclass
class MeshRecord:
    descriptor: str
    ui: str = ""
    is_major: bool = False
    qualifiers: list[dict] = field(default_factory=list)  # [{"name": "drug therapy", "ui": "Q000188", "major": True}]


@dataclass
class SubstanceRecord:
    """A chemical or drug the article is indexed with (PubMed's ChemicalList, MEDLINE's RN lines)."""

    name: str
    ui: str = ""  # MeSH UI of the substance, e.g. "D009271"
    registry_number: str = ""  # CAS or UNII, e.g. "5S6W795CQM"; "0" when PubMed has none


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
    doi: str = ""  # normalised (reports.identifiers.normalize_doi)
    pmid: int | None = None
    pmcid: str = ""  # normalised, "PMC123"
    url: str = ""
    in_pubmed: bool = False
    in_pmc: bool = False
    # casebase JSON only: the identifiers of the report this reference was linked to, when they are not its own.
    links_to: dict = field(default_factory=dict)


@dataclass
class JournalRecord:
    title: str = (
        ""  # the full title ("Journal of medical case reports"); "" when the source gives only the abbreviation
    )
    iso_abbreviation: str = ""  # ISO or MEDLINE abbreviation ("J Med Case Rep")
    issn: str = ""  # print or linking ISSN, "1752-1947"
    nlm_unique_id: str = ""


# Clinical records: casebase's own JSON export carries them, and reports.suggestions reads them from abstracts.


@dataclass
class OutcomeRecord:
    result: str
    description: str = ""
    time_value: int | None = None
    time_unit: str = ""
    origin: str = "curated"  # "curated", or "suggested" when read from the abstract (reports.suggestions)
    evidence: str = ""


@dataclass
class TreatmentRecord:
    intervention: str
    sequence: int = 1
    target: str = ""  # the condition, among the patient's diagnoses, the treatment was given for; "": not stated
    dose_amount: Decimal | None = None
    dose_unit: str = ""
    frequency: str = ""
    route: str = ""
    duration: str = ""
    notes: str = ""
    outcomes: list[OutcomeRecord] = field(default_factory=list)
    origin: str = "curated"
    evidence: str = ""


@dataclass
class DiagnosisRecord:
    condition: str
    certainty: str = "confirmed"
    notes: str = ""
    origin: str = "curated"
    evidence: str = ""


@dataclass
class FindingRecord:
    name: str
    kind: str = "symptom"
    value: str = ""
    unit: str = ""
    notes: str = ""
    position: int = 0
    origin: str = "curated"
    evidence: str = ""


@dataclass
class PatientRecord:
    position: int = 1
    label: str = ""
    age_value: Decimal | None = None
    age_unit: str = ""
    sex: str = "unknown"
    history: str = ""
    diagnoses: list[DiagnosisRecord] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    treatments: list[TreatmentRecord] = field(default_factory=list)
    origin: str = "curated"
    evidence: str = ""


@dataclass
class TermRecord:
    """A vocabulary term as casebase JSON describes it; the reader yields these before the articles."""

    vocabulary: str  # "condition", "intervention", "publication_type", "mesh_descriptor" or "substance"
    name: str
    synonyms: list[str] = field(default_factory=list)  # conditions and interventions
    ui: str = ""  # MeSH UI
    kind: str = ""  # interventions: "drug", "procedure" or "other"
    registry_number: str = ""  # substances


@dataclass
class ArticleRecord:
    """One article as a source describes it."""

    title: str
    date: PublicationDate
    number: int = 0  # the record's place in its file, from 1
    vernacular_title: str = ""
    # Paragraphs separated by a blank line; a structured abstract keeps its labels: "BACKGROUND: ...\n\nCASE: ...".
    abstract: str = ""
    journal: JournalRecord = field(default_factory=JournalRecord)
    epub_date: str = ""  # ISO date, "2019-03-11"
    volume: str = ""
    issue: str = ""
    pages: str = ""
    elocation_id: str = ""
    doi: str = ""  # normalised: lower case, no resolver prefix
    pmid: int | None = None
    # Versioned articles (F1000Research, Wellcome Open Research) have one PMID for all their versions; PubMed XML
    # says which version a record is. None when the source does not say.
    pmid_version: int | None = None
    pmcid: str = ""  # normalised: "PMC6510571"
    language: str = ""  # ISO 639-2 codes joined with "; ": "eng" or "eng; fre"
    coi_statement: str = ""
    authors: list[AuthorRecord] = field(default_factory=list)
    # True when the source names authors only briefly ("Zashin S" in PubMed CSV): such a list fills an empty
    # author list but never replaces a fuller one.
    authors_abridged: bool = False
    keywords: list[str] = field(default_factory=list)
    mesh_headings: list[MeshRecord] = field(default_factory=list)
    substances: list[SubstanceRecord] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    references: list[ReferenceRecord] = field(default_factory=list)
    # casebase JSON only: the curated case, and where the report originally came from.
    patients: list[PatientRecord] = field(default_factory=list)
    source_format: str = ""
    source_name: str = ""
    # The case the abstract suggests, when it was read beforehand (reports.importers.readahead); None: not read yet.
    suggested: list[PatientRecord] | None = field(default=None, compare=False, repr=False)
