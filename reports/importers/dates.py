"""PubMed's publication dates: "2019 Mar 11", "2019 Mar", "2019 Spring", "2019", "1998 Dec-1999 Jan"."""

import datetime
import re

from reports.cases.records import PublicationDate

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": "Spring", "summer": "Summer", "autumn": "Autumn", "fall": "Fall", "winter": "Winter"}

# A year (not "0000"), then a month name, season or month number, then a day; parts apart by " ", "-" or "/".
_DATE = re.compile(r"^(?P<year>[1-9]\d{3})(?:[ /-](?P<second>[A-Za-z]+|\d{1,2})(?:[ /-](?P<day>\d{1,2}))?)?\b")


def parse_pubmed_date(text: str) -> PublicationDate | None:
    """The known parts of a PubMed date; only the start of a range ("1998 Dec-1999 Jan") is kept as parts,
    the whole text is kept as printed. None when the text does not start with a year. A month or day that
    does not exist ("2019 13", "2019 Feb 30") is left out; the text still says what was printed."""
    text = " ".join(text.split())
    match = _DATE.match(text)
    if not match:
        return None
    year = int(match["year"])
    month = day = None
    season = ""
    second = (match["second"] or "").lower()
    if second in MONTHS:
        month = MONTHS[second]
    elif second.isdigit() and 1 <= int(second) <= 12:
        month = int(second)
    elif second in SEASONS:
        season = SEASONS[second]
    if month and match["day"]:
        day = int(match["day"])
        try:
            datetime.date(year, month, day)
        except ValueError:
            day = None
    return PublicationDate(year=year, month=month, day=day, season=season, text=text)
