"""The query language: what a text means, that text it cannot read is explained, and that no text breaks it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.search.query import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    Field,
    Identifier,
    Not,
    Or,
    Phrase,
    Prefix,
    Query,
    QuerySyntaxError,
    SearchError,
    Term,
    parse,
    positive_text,
)


def root(text: str):
    return parse(text).root


# What a query means ----------------------------------------------------------------------------------------------


def test_words_must_all_match_and_phrases_keep_their_order():
    assert root('naltrexone "low dose" fatigue') == And((Term("naltrexone"), Phrase(("low", "dose")), Term("fatigue")))


def test_or_joins_alternatives_and_a_minus_leaves_out():
    assert root('LDN or naltrexone -mouse -"animal model"') == And(
        (Or((Term("ldn"), Term("naltrexone"))), Not(Term("mouse")), Not(Phrase(("animal", "model"))))
    )


def test_not_means_what_a_minus_means():
    assert root("fitbit NOT chatbot") == root("fitbit -chatbot") == And((Term("fitbit"), Not(Term("chatbot"))))


def test_upper_case_operators_and_parentheses_group():
    assert root("(LDN OR naltrexone) AND fatigue NOT (mouse OR rat)") == And(
        (Or((Term("ldn"), Term("naltrexone"))), Term("fatigue"), Not(Or((Term("mouse"), Term("rat")))))
    )
    assert root("-(mouse OR rat) lupus") == And((Not(Or((Term("mouse"), Term("rat")))), Term("lupus")))


def test_or_joins_the_words_beside_it_before_and_does():
    assert root("fatigue LDN OR naltrexone") == And((Term("fatigue"), Or((Term("ldn"), Term("naltrexone")))))


def test_lower_case_and_and_not_are_common_words_and_a_lone_or_is_one_too():
    assert root("naltrexone and not fatigue") == And((Term("naltrexone"), Term("fatigue")))
    assert root("or naltrexone or") == Term("naltrexone")


def test_a_hyphenated_word_is_a_phrase_and_punctuation_is_not_syntax():
    assert root("low-dose naltrexone * & | ! <-> :*") == And((Phrase(("low", "dose")), Term("naltrexone")))


def test_a_star_at_the_end_of_a_word_is_truncation():
    assert root("naltrex* fatigue") == And((Prefix("naltrex"), Term("fatigue")))


def test_tags_search_a_field_and_take_the_words_before_them_back_to_an_operator():
    assert root("schwannoma[ti]") == Field("ti", "schwannoma", Term("schwannoma"))
    assert root('"low dose"[tiab]') == Field("tiab", "low dose", Phrase(("low", "dose")))
    assert root("Sjogren Syndrome[mh]") == Field("mh", "Sjogren Syndrome")
    assert root("fatigue AND Smith J[au]") == And((Term("fatigue"), Field("au", "Smith J")))
    assert root("naltrex*[Title]") == Field("ti", "naltrex*", Prefix("naltrex"))
    assert root("Sjogren Syndrome[MeSH Terms:noexp]") == Field("mh:noexp", "Sjogren Syndrome")
    assert root("-lupus[condition]") == Not(Field("condition", "lupus"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019[dp]", "2019"),
        ("2019/3[dp]", "2019/03"),
        ("2019/03/01:2021[Publication Date]", "2019/03/01:2021"),
        ("25364329[pmid]", "25364329"),
        ("10.7759/CUREUS.4225[doi]", "10.7759/cureus.4225"),
        ("pmc6510571[pmc]", "PMC6510571"),
        ("Improved[outcome]", "improved"),
        ("adverse event[outcome]", "adverse_event"),
    ],
)
def test_structured_tags_take_their_value_in_its_stored_form(text, expected):
    assert root(text).text == expected


def test_pubmeds_all_fields_tag_is_the_words_alone():
    assert root('"heart attack"[All Fields] AND aspirin[all]') == And((Phrase(("heart", "attack")), Term("aspirin")))


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("25364329", Identifier("pmid", "25364329")),
        (" 10.7759/cureus.4225 ", Identifier("doi", "10.7759/cureus.4225")),
        ("https://doi.org/10.7759/Cureus.4225", Identifier("doi", "10.7759/cureus.4225")),
        ("PMC6510571", Identifier("pmcid", "PMC6510571")),
    ],
)
def test_a_bare_identifier_is_recognised(text, identifier):
    query = parse(text)
    assert query.identifier == identifier
    assert Field(identifier.kind, identifier.value) in ((query.root, *getattr(query.root, "parts", ())))


def test_a_number_among_words_is_a_word():
    assert parse("2019 fatigue").identifier is None


def test_text_is_nfkc_normalised_and_a_combining_accent_folds_as_the_index_folds_it():
    assert root("Sjo\u0308gren") == root("Sjögren") == root("SJOGREN") == Term("sjogren")
    assert root("ﬁbromyalgia") == Term("fibromyalgia")  # the fi ligature, as PDFs paste it
    assert root("ｌｕｐｕｓ") == Term("lupus")  # full-width letters


def test_an_unclosed_quote_runs_to_the_end():
    assert root('"low dose naltrexone') == Phrase(("low", "dose", "naltrexone"))


def test_the_words_a_match_is_ranked_by_leave_out_what_is_excluded():
    assert positive_text(root("(LDN OR naltrex*) schwannoma[ti] -mouse Smith J[au]")) == [
        Term("ldn"),
        Prefix("naltrex"),
        Term("schwannoma"),
    ]


# What it cannot read ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "the of and", '""', "- -- or", "\x00\x01", "*&|!"])
def test_text_with_nothing_to_search_for_is_explained(text):
    with pytest.raises(SearchError, match="There is nothing to search for"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schwannoma[xyz]", r"does not know the tag \[xyz\]"),
        ("schwannoma[ti", "is not closed"),
        ("(LDN OR naltrexone", r"\( is not closed"),
        ("LDN OR naltrexone)", r"closing parenthesis \) has no opening"),
        ("fitbit NOT", "NOT needs something after it"),
        ("fitbit AND", "AND needs something after it"),
        ("fitbit OR", "OR needs something after it"),
        ("fitbit AND OR chatbot", "AND needs something after it"),
        ("fitbit AND (NOT)", "NOT needs something after it"),
        ("AND fitbit", "AND needs a word before it"),
        ("OR fitbit", "OR needs a word before it"),
        ("[ti]", "needs words before it"),
        ("na*", "at least 3 letters"),
        ("low-dos*", "one word"),
        ("(a OR b)[ti]", "not after parentheses"),
        ("abc[pmid]", r"\[pmid\] takes a PubMed ID"),
        ("cureus[doi]", r"\[doi\] takes a DOI"),
        ("last year[dp]", r"\[dp\] takes a year"),
        ("2019/13[dp]", "is not a date"),
        ("better[outcome]", r"\[outcome\] takes one of"),
        ("x" * (MAX_QUERY_LENGTH + 1), "at most 500 characters"),
        (" ".join(f"word{n}" for n in range(MAX_TERMS + 1)), f"at most {MAX_TERMS} terms"),
        ("(" * (MAX_DEPTH + 1) + "lupus" + ")" * (MAX_DEPTH + 1), f"at most {MAX_DEPTH} deep"),
    ],
)
def test_a_query_it_cannot_read_says_why(text, message):
    with pytest.raises(QuerySyntaxError, match=message):
        parse(text)


def test_the_limits_themselves_are_allowed():
    assert len(root(" ".join(f"word{n}" for n in range(MAX_TERMS))).parts) == MAX_TERMS
    assert root("(" * MAX_DEPTH + "lupus" + ")" * MAX_DEPTH) == Term("lupus")


# Any text ---------------------------------------------------------------------------------------------------------

QUERY_PIECES = [
    *'()[]"*-: /.',
    "AND",
    "OR",
    "NOT",
    "or",
    "[ti]",
    "[mh]",
    "[au]",
    "[dp]",
    "[pmid]",
    "[doi]",
    "[xyz]",
    "[",
    "]",
    "naltrexone",
    "na",
    "2019",
    "10.7759/cureus.4225",
    "PMC1",
    "\u0308",
    "\x00",
    "the",
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=120), st.lists(st.sampled_from(QUERY_PIECES), max_size=20).map(" ".join)))
def test_any_text_is_a_query_or_a_message_never_another_error(text):
    try:
        query = parse(text)
    except SearchError as error:
        message = str(error)
        assert message
    else:
        assert isinstance(query, Query)
        assert query.root is not None
