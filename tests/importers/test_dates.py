"""PubMed's publication dates, as printed on citation lines (reports/importers/dates.py)."""

import pytest

from reports.cases.records import PublicationDate
from reports.importers.dates import parse_pubmed_date


def test_a_full_date_gives_year_month_and_day():
    assert parse_pubmed_date("2019 Mar 11") == PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11")


def test_a_year_and_month_give_no_day():
    assert parse_pubmed_date("2019 Mar") == PublicationDate(year=2019, month=3, text="2019 Mar")


def test_a_year_alone_gives_no_month_or_day():
    assert parse_pubmed_date("2019") == PublicationDate(year=2019, text="2019")


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2019 January 5", 1),
        ("2019 feb 5", 2),
        ("2019 MAR 5", 3),
        ("2019 Sep 5", 9),
        ("2019 Sept 5", 9),
        ("2019 September 5", 9),
        ("2019 Dec 5", 12),
    ],
)
def test_month_names_are_read_short_long_and_in_any_case(text, month):
    assert parse_pubmed_date(text) == PublicationDate(year=2019, month=month, day=5, text=text)


@pytest.mark.parametrize(
    ("text", "season"),
    [
        ("2019 Spring", "Spring"),
        ("2019 Summer", "Summer"),
        ("2019 Autumn", "Autumn"),
        ("2019 fall", "Fall"),
        ("2019 WINTER", "Winter"),
    ],
)
def test_a_seasonal_issue_gives_its_season_and_no_month(text, season):
    assert parse_pubmed_date(text) == PublicationDate(year=2019, season=season, text=text)


def test_a_range_across_two_years_keeps_its_start_as_parts_and_the_whole_text():
    assert parse_pubmed_date("1998 Dec-1999 Jan") == PublicationDate(year=1998, month=12, text="1998 Dec-1999 Jan")


def test_a_range_of_months_keeps_its_first_month():
    assert parse_pubmed_date("2019 Mar-Apr") == PublicationDate(year=2019, month=3, text="2019 Mar-Apr")


def test_a_range_of_seasons_keeps_its_first_season():
    assert parse_pubmed_date("2019 Spring-Summer") == PublicationDate(
        year=2019, season="Spring", text="2019 Spring-Summer"
    )


def test_a_range_of_days_keeps_its_first_day():
    assert parse_pubmed_date("2019 Mar 11-17") == PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11-17")


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("2019-03-11", 3, 11),
        ("2019/03/11", 3, 11),
        ("2019 03 11", 3, 11),
        ("2019 3", 3, None),
        ("2019-12", 12, None),
    ],
)
def test_numeric_months_and_days_are_read(text, month, day):
    assert parse_pubmed_date(text) == PublicationDate(year=2019, month=month, day=day, text=text)


@pytest.mark.parametrize(
    ("text", "month"),
    [("2019 Feb 29", 2), ("2019 Feb 30", 2), ("2019 Apr 31", 4), ("2019 Mar 32", 3), ("2019 Mar 0", 3)],
)
def test_a_day_that_does_not_exist_is_dropped_but_the_text_is_kept(text, month):
    assert parse_pubmed_date(text) == PublicationDate(year=2019, month=month, day=None, text=text)


def test_the_29th_of_february_of_a_leap_year_is_kept():
    assert parse_pubmed_date("2020 Feb 29") == PublicationDate(year=2020, month=2, day=29, text="2020 Feb 29")


def test_a_month_that_does_not_exist_is_dropped_but_the_year_and_text_are_kept():
    assert parse_pubmed_date("2019 13") == PublicationDate(year=2019, text="2019 13")


def test_a_word_that_is_neither_month_nor_season_gives_the_year_only():
    assert parse_pubmed_date("2019 Foo 11") == PublicationDate(year=2019, text="2019 Foo 11")


def test_runs_of_spaces_are_collapsed_in_the_kept_text():
    assert parse_pubmed_date("  2019   Mar\t 11 ") == PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Mar 2019", "Spring 2019", "in press", "19", "201", "20190311", "2019th", "0000", "0000 Jan 1", "n.d."],
)
def test_text_that_does_not_start_with_a_year_gives_none(text):
    assert parse_pubmed_date(text) is None
