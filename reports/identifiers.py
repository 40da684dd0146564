"""Normal forms of the identifiers a case report is matched by (DOI, PMID, PMCID).

Every writer (importers, the admin, the fixture builder) goes through these, so a report is found again
whatever form the identifier arrived in; the database's check constraints refuse anything else.
"""

import re

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
# PubMed sometimes prints a version after the number ("PMC6134338.4"); the article is the same.
_PMCID = re.compile(r"^(?:PMC)?([0-9]{1,9})(?:\.[0-9]+)?$", re.IGNORECASE)


def normalize_doi(value: str | None) -> str:
    """'doi: 10.7759/Cureus.4225.' or 'https://doi.org/10.7759/CUREUS.4225' -> '10.7759/cureus.4225'.

    DOIs are case-insensitive by definition, so the lower-case form is the one we store and compare.
    A value that is not a DOI (no '10.' prefix) gives ''.
    """
    if not value:
        return ""
    doi = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".").lower()
    return doi if doi.startswith("10.") and "/" in doi else ""


def normalize_pmcid(value: str | int | None) -> str:
    """'6510571', 'pmc6510571' or 'PMC6510571' -> 'PMC6510571'; anything else gives ''."""
    if value is None:
        return ""
    match = _PMCID.match(str(value).strip())
    return f"PMC{int(match.group(1))}" if match else ""


def normalize_pmid(value: str | int | None) -> int | None:
    """'31123647' -> 31123647; blanks and non-numbers give None."""
    if value is None:
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) == 0:
        return None
    return int(text)


def pubmed_url(pmid: int) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"
