"""The tags that name structured data ([mh], [au], [dp], [pmid], [condition] ...) as filters on case reports.

Each gives a Q over CaseReport that any database runs the same way: an identifier or a date is a column, the rest
a subquery of report ids (a heading, an author, a patient's condition). reports/search/engine.py combines them with
the words it searches in the index. Names compare ignoring case; MeSH headings by UI, found in the vocabulary
(reports/search/mapping.py) with the headings under them.
"""

from django.db.models import Q

from reports.models import (
    Author,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    MeshDescriptor,
    MeshHeading,
    Patient,
    ReportPublicationType,
    Treatment,
)
from reports.search import mapping
from reports.search.query import Field

# What [la] takes besides the codes PubMed stores (ISO 639-2, as in CaseReport.language).
LANGUAGES = {
    "english": "eng",
    "french": "fre",
    "german": "ger",
    "spanish": "spa",
    "italian": "ita",
    "portuguese": "por",
    "russian": "rus",
    "chinese": "chi",
    "japanese": "jpn",
    "korean": "kor",
    "dutch": "dut",
    "polish": "pol",
    "turkish": "tur",
    "czech": "cze",
    "hungarian": "hun",
    "swedish": "swe",
    "danish": "dan",
    "norwegian": "nor",
    "persian": "per",
    "arabic": "ara",
    "hebrew": "heb",
    "greek": "gre",
}


def q(field: Field) -> Q:
    """The reports `field` (a tag that names structured data) selects."""
    text = field.text
    match field.tag:
        case "pmid":
            return Q(pmid=int(text))
        case "doi":
            return Q(doi=text)
        case "pmcid":
            return Q(pmcid=text)
        case "dp":
            return _dates(text)
        case "au" | "1au":
            authors = Author.objects.filter(_author(text))
            if field.tag == "1au":
                authors = authors.filter(position=1)
            return Q(pk__in=authors.values("report_id"))
        case "ta":
            return (
                Q(journal__title__iexact=text)
                | Q(journal__iso_abbreviation__iexact=text)
                | Q(journal__issn__iexact=text)
            )
        case "mh" | "mh:noexp" | "majr":
            return _headings(text, explode=field.tag != "mh:noexp", major=field.tag == "majr")
        case "pt":
            types = ReportPublicationType.objects.filter(publication_type__name__iexact=text)
            return Q(pk__in=types.values("report_id"))
        case "la":
            code = LANGUAGES.get(text.lower(), text.lower())
            return Q(language__iexact=code) | Q(language__istartswith=f"{code};") | Q(language__icontains=f"; {code}")
        case "condition":
            return Q(pk__in=Patient.objects.matching(condition=text).values("report_id"))
        case "intervention":
            return Q(pk__in=Patient.objects.matching(intervention=text).values("report_id"))
        case "outcome":
            return Q(pk__in=Patient.objects.matching(outcome=text).values("report_id"))
        case "finding":
            findings = Finding.objects.filter(name__icontains=text)
            return Q(pk__in=findings.values("patient__report_id"))
    raise ValueError(f"reports.search.fields has no filter for the tag [{field.tag}]")


def _dates(text: str) -> Q:
    """2019, 2019/03, 2019/03/11 or a range of them, on CaseReport.pub_sort (YYYYMMDD, 00 for a part unknown)."""
    ends = text.split(":")
    low = _sortable(ends[0], last=False)
    high = _sortable(ends[-1], last=True)
    return Q(pub_sort__gte=low, pub_sort__lte=high)


def _sortable(date: str, *, last: bool) -> int:
    parts = [int(part) for part in date.split("/")]
    year, month, day = ([*parts, None, None])[:3]
    if month is None:
        return year * 10000 + (9999 if last else 0)
    if day is None:
        return year * 10000 + month * 100 + (99 if last else 0)
    return year * 10000 + month * 100 + day


def _author(text: str) -> Q:
    """PubMed's forms: "Smith J" or "Smith JA" (last name, then initials), "Smith John", "John Smith", or a
    collective name ("COVID Study Group")."""
    names = text.split()
    found = Q(last_name__iexact=text) | Q(collective_name__iexact=text)
    if len(names) > 1:
        last, first = " ".join(names[:-1]), names[-1]
        if first.isalpha() and first.isupper() and len(first) <= 3:
            found |= Q(last_name__iexact=last, initials__istartswith=first)
        else:
            found |= Q(last_name__iexact=last, fore_name__iexact=first)
        found |= Q(fore_name__iexact=" ".join(names[:-1]), last_name__iexact=names[-1])
    return found


def _headings(text: str, *, explode: bool, major: bool) -> Q:
    """Reports indexed with the heading `text` names (and the headings under it, exploded), and reports whose
    patients have a condition or were given an intervention that is one of those headings."""
    uis = sorted(mapping.headings(text, explode=explode))
    links = MeshHeading.objects.all()
    if major:
        links = links.filter(is_major=True)
    if not uis:  # a heading the shipped MeSH does not have: by its name as indexed
        return Q(pk__in=links.filter(descriptor__name__iexact=text).values("report_id"))
    # The descriptors first, by the index on their UI (partial: it holds the descriptors that have one), then their
    # links by descriptor: a join from the links would read every link of every report.
    descriptors = MeshDescriptor.objects.filter(ui__in=uis).exclude(ui="")
    found = Q(pk__in=links.filter(descriptor__in=descriptors).values("report_id"))
    if not major:
        diagnoses = Diagnosis.objects.held().filter(condition__in=Condition.objects.filter(mesh_ui__in=uis))
        treatments = Treatment.objects.filter(intervention__in=Intervention.objects.filter(mesh_ui__in=uis))
        found |= Q(pk__in=diagnoses.values("patient__report_id")) | Q(pk__in=treatments.values("patient__report_id"))
    return found
