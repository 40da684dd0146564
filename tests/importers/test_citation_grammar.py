"""How PubMed prints a citation and its authors (reports/importers/citation_grammar.py), shared by the page and
CSV readers.

The names are PubMed's own: every one below is an author of a record in the PubMed baseline, as its CSV export
prints it.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.importers.citation_grammar import (
    Citation,
    author_names,
    epub_date,
    is_author_list,
    is_date_text,
    is_group_name,
    read_citation,
    short_name,
)

# The citation line


def test_a_citation_line_gives_its_journal_date_volume_issue_and_article_number():
    assert read_citation("Cureus. 2019 Mar 11;11(3):e4225. doi: 10.7759/cureus.4225. eCollection 2019 Mar.") == (
        Citation(journal="Cureus", date="2019 Mar 11", volume="11", issue="3", elocation_id="e4225")
    )


def test_a_citation_line_with_pages_gives_them_as_pages():
    assert read_citation("Cyberpsychol Behav Soc Netw. 2022 Mar;25(3):181-188.") == Citation(
        journal="Cyberpsychol Behav Soc Netw", date="2022 Mar", volume="25", issue="3", pages="181-188"
    )


def test_a_citation_line_without_its_journal_still_gives_the_rest():
    assert read_citation(". 2019 Mar 11;11(3):e4225.") == Citation(
        journal="", date="2019 Mar 11", volume="11", issue="3", elocation_id="e4225"
    )


@pytest.mark.parametrize(
    ("line", "pages", "elocation_id"),
    [
        ("Eur J Sport Sci. 2022 Jan 31:1-13. doi: 10.1080/17461391.2022.2033853. Online ahead of print.", "1-13", ""),
        ("JMIR Res Protoc. 2022 Jun 6:e37086. Online ahead of print.", "", "e37086"),
        ("Am J Med. 2024 Jan 5:S0002-9343(23)00789-0. Online ahead of print.", "", "S0002-9343(23)00789-0"),
    ],
)
def test_ahead_of_print_there_is_no_volume_and_what_follows_the_date_is_pages_or_an_identifier(
    line, pages, elocation_id
):
    citation = read_citation(line)

    assert (citation.volume, citation.issue, citation.pages, citation.elocation_id) == ("", "", pages, elocation_id)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Prof Case Manag. 2022 Jan-Feb 01;27(1):3-9.", "2022 Jan-Feb 01"),
        ("J Clin Invest. 1998 Dec-1999 Jan;12(4):1-2.", "1998 Dec-1999 Jan"),
        ("Nurs Stand. 2019 Spring;4(2):10.", "2019 Spring"),
        ("BMJ. 2020.", "2020"),
    ],
)
def test_a_date_is_a_year_with_months_seasons_and_days(line, date):
    assert read_citation(line).date == date


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "Cureus.",
        "Results of 2020 patients with naltrexone.",  # a year, but followed by a word that is no month
        "Lancet. 1234 Mar;1:2.",  # not a year PubMed has
        "Lancet 2019 Mar;1:2.",  # no dot after the journal
        "." * 5000,
    ],
)
def test_text_without_a_dated_citation_gives_none(line):
    assert read_citation(line) is None


def test_the_words_of_a_date_are_months_or_seasons():
    assert is_date_text("2019 Mar 11")
    assert is_date_text("2019 Spring")
    assert is_date_text("1998 Dec-1999 Jan")
    assert not is_date_text("2019 patients")


def test_the_epub_date_is_read_when_it_has_a_day():
    assert epub_date("doi: 10.7759/cureus.4225. Epub 2019 Mar 11.") == "2019-03-11"
    assert epub_date("Epub 2019 Sep 3") == "2019-09-03"
    assert epub_date("eCollection 2019 Mar.") == ""
    assert epub_date("Epub 2019 Foo 11.") == ""


# The author list


def test_an_author_list_is_split_at_commas_and_semicolons_without_et_al():
    assert author_names("Wang C, Lizardo O, Hachen DS.") == ["Wang C", "Lizardo O", "Hachen DS"]
    assert author_names("Gagnier JJ, Riley D; CARE Group.") == ["Gagnier JJ", "Riley D", "CARE Group"]
    assert author_names("Bergasa NV, Alling DW, et al.") == ["Bergasa NV", "Alling DW"]
    assert author_names("") == [""]


@pytest.mark.parametrize(
    ("name", "surname", "initials"),
    [
        ("Zashin S", "Zashin", "S"),
        ("Hajj-Boutros G", "Hajj-Boutros", "G"),
        ("de la Cruz JA", "de la Cruz", "JA"),
        ("van der Berg A", "van der Berg", "A"),
        ("d'Angelo M", "d'Angelo", "M"),
        ("van 't Veer LJ", "van 't Veer", "LJ"),
        ("el-Mofty S", "el-Mofty", "S"),
        ("de-Los-Santos-Álvarez N", "de-Los-Santos-Álvarez", "N"),
        ("Chai่jaroenkul W", "Chai่jaroenkul", "W"),  # a Thai tone mark inside the name
        ("In K", "In", "K"),
        ("Benson DM Jr.", "Benson", "DM"),
        ("Smith JA Jr", "Smith", "JA"),
        ("Jones PA Sr", "Jones", "PA"),
        ("Aiken JW 3rd", "Aiken", "JW"),
        ("Mayo CH II", "Mayo", "CH"),
        ("King ML III", "King", "ML"),
        ("Ford HR IV", "Ford", "HR"),
        ("Smith IV", "Smith", "IV"),  # two words: IV are the initials, there is no room for a suffix
    ],
)
def test_a_short_name_gives_the_surname_and_the_initials(name, surname, initials):
    assert short_name(name) == (surname, initials)


@pytest.mark.parametrize(
    "name",
    [
        "",
        " . ",
        "Zashin",
        "Scott Zashin",  # a full name: the page prints these
        "Smith j",
        "Smith ABCDE",  # more initials than PubMed gives
        "One Two Three Four Five A",  # a surname of five words is a title's words
        "Smith2 J",
        "McDonald1 BR",
        "Covid-19: A",
        "van J",  # a particle is not a surname on its own
        "Smith de J",
        "CARE Group",
        "Writing Committee for the ABC",
        "Group P",  # a group (PRISMA Group) printed as a surname with initials
        "Investigators IC",
        "Jr",
        "Smith Jr",
    ],
)
def test_what_is_not_a_short_name_gives_none(name):
    assert short_name(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "CARE Group",
        "American Diabetes Association",
        "COVID-19 Study Group",
        "LDN-MS Study Group",
        "Group P",
        "Investigators IC",
        "Writing Committee ABC",
    ],
)
def test_a_group_is_named_by_its_last_word_or_a_group_word_in_its_surname(name):
    assert is_group_name(name)


@pytest.mark.parametrize("name", ["Smith J", "In K", "Group", "the Study Group", "Guidelines of the Society: 2019"])
def test_people_and_lower_case_or_punctuated_text_are_not_groups(name):
    assert not is_group_name(name)


def test_an_author_list_reads_as_one_only_when_every_name_in_it_does():
    assert is_author_list("Younger J, Mackey S.")
    assert is_author_list("Bergasa NV, Alling DW, et al.")
    assert is_author_list("Neher E., Brose N.")
    assert is_author_list("Gagnier JJ, Riley D; CARE Group.")
    assert is_author_list("Moher D, Liberati A, Tetzlaff J, Altman DG, Group P.")
    assert not is_author_list("Gagnier JJ, Riley D; CARE Group.", groups=False)
    assert not is_author_list("Younger J, , Mackey S.")
    assert not is_author_list("Standards of medical care in diabetes.")
    assert not is_author_list("")


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_without_an_error(text):
    citation = read_citation(text)
    assert citation is None or is_date_text(citation.date)
    for name in author_names(text):
        found = short_name(name)
        assert found is None or not is_group_name(name)
    is_author_list(text, groups=True)
    epub_date(text)
