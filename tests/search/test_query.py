"""The query language: what a text means, and that text with nothing to search for is explained."""

import pytest

from reports.search.query import Query, SearchError, Term, parse

# What a query means ----------------------------------------------------------------------------------------------


def test_words_must_all_match_and_phrases_keep_their_order():
    assert parse('naltrexone "low dose" fatigue') == Query(
        groups=[[Term(("naltrexone",))], [Term(("low", "dose"))], [Term(("fatigue",))]]
    )


def test_or_joins_alternatives_and_a_minus_leaves_out():
    assert parse('LDN or naltrexone -mouse -"animal model"') == Query(
        groups=[[Term(("ldn",)), Term(("naltrexone",))]],
        excluded=[Term(("mouse",), negated=True), Term(("animal", "model"), negated=True)],
    )


def test_a_hyphenated_word_is_a_phrase_and_punctuation_is_not_syntax():
    assert parse("low-dose (naltrexone) * & | ! <-> :*") == Query(
        groups=[[Term(("low", "dose"))], [Term(("naltrexone",))]]
    )


@pytest.mark.parametrize("text", ["", "   ", "the of and", '""', "- -- or", "\x00\x01", "*&|!"])
def test_text_with_nothing_to_search_for_is_explained(text):
    with pytest.raises(SearchError, match="There is nothing to search for"):
        parse(text)


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('"low dose naltrexone') == Query(groups=[[Term(("low", "dose", "naltrexone"))]])
