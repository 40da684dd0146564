import pytest

from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.7759/cureus.4225", "10.7759/cureus.4225"),
        ("10.7759/Cureus.4225.", "10.7759/cureus.4225"),
        ("doi: 10.7759/cureus.4225", "10.7759/cureus.4225"),
        ("https://doi.org/10.7759/CUREUS.4225", "10.7759/cureus.4225"),
        ("http://dx.doi.org/10.1016/0005-2795(76)90109-4", "10.1016/0005-2795(76)90109-4"),
        ("  10.1000/xyz  ", "10.1000/xyz"),
    ],
)
def test_a_doi_is_stored_lower_case_without_a_resolver_prefix(given, stored):
    assert normalize_doi(given) == stored


@pytest.mark.parametrize("given", ["", None, "cureus.4225", "11.1000/abc", "10.1000"])
def test_text_that_is_not_a_doi_gives_nothing(given):
    assert normalize_doi(given) == ""


@pytest.mark.parametrize(
    ("given", "stored"), [("6510571", "PMC6510571"), ("pmc6510571", "PMC6510571"), (6510571, "PMC6510571")]
)
def test_a_pmcid_is_written_with_its_prefix(given, stored):
    assert normalize_pmcid(given) == stored


@pytest.mark.parametrize("given", ["", None, "PMC", "PMCabc", "12a"])
def test_text_that_is_not_a_pmcid_gives_nothing(given):
    assert normalize_pmcid(given) == ""


@pytest.mark.parametrize(("given", "stored"), [("31123647", 31123647), (" 17222320 ", 17222320), (42, 42)])
def test_a_pmid_is_a_number(given, stored):
    assert normalize_pmid(given) == stored


@pytest.mark.parametrize("given", ["", None, "0", "abc", "12 34", "１２３", "99999999999"])
def test_text_that_is_not_a_pmid_gives_none(given):
    assert normalize_pmid(given) is None
