"""MeSH in a search: a heading's name and entry terms, the headings under it, and automatic term mapping."""

from reports.search.mapping import headings, with_headings
from reports.search.query import And, Field, Not, Or, Prefix, Term, parse

SJOGREN, AUTOIMMUNE = "D012859", "D001327"


def test_a_heading_is_found_by_its_name_or_an_entry_term_whatever_the_case_and_accents():
    assert headings("Sjögren's Syndrome", explode=False) == headings("sicca syndrome", explode=False) == {SJOGREN}
    assert headings("no such heading at all") == frozenset()


def test_a_heading_explodes_to_the_headings_under_it_and_noexp_does_not():
    assert SJOGREN in headings("Autoimmune Diseases")
    assert headings("Autoimmune Diseases", explode=False) == {AUTOIMMUNE}
    assert AUTOIMMUNE not in headings("Sjogren Syndrome")  # a broader heading is not under it


def test_words_that_name_a_heading_also_ask_for_it_the_longest_run_first():
    assert with_headings(parse("fitbit sicca syndrome").root) == And(
        (Term("fitbit"), Or((And((Term("sicca"), Term("syndrome"))), Field("mh", "sicca syndrome"))))
    )


def test_truncations_tags_and_words_that_name_no_heading_are_left_as_typed():
    for text in ("fitbit", "naltrex*", "schwannoma[ti]", "Smith J[au]"):
        root = parse(text).root
        assert with_headings(root) == root
    assert with_headings(parse("-naltrexone").root) == Not(Or((Term("naltrexone"), Field("mh", "naltrexone"))))
    assert with_headings(Prefix("sicca")) == Prefix("sicca")
