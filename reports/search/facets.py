"""Facet counts beside the results: how many of the selected reports fall under each condition, intervention,
outcome, sex, age group, year, journal and publication type, each with the link that narrows the search to it.

Counts are of reports. The patient facets count the reports in which a patient who meets the patient filters
already set has that value too, so that following a facet link gives exactly the count it showed. The cost is a
fixed eight queries, whatever the number of reports, and one more with a sample: the list reads the
settings.FACET_SAMPLE newest matches first (all of them when there are fewer) and counts among those, so that the
facets reach the patients and treatments they count through the reports' indexes at any size.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import QueryDict

from reports.models import (
    AGE_GROUPS,
    CaseReport,
    Condition,
    Diagnosis,
    Intervention,
    Journal,
    Outcome,
    Patient,
    PublicationType,
    Treatment,
    age_group_q,
)
from reports.models.clinical import filter_treatments

TOP = 10  # values shown per facet
YEARS = 12  # most recent publication years shown


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str  # the current search, narrowed to this value
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Narrowing:
    """An exact filter in force, named for people: "Condition: Lupus", with the link that removes it."""

    title: str
    name: str
    remove_url: str


def narrowings(current: QueryDict) -> list[Narrowing]:
    """The exact filters (set by facet links and evidence pages) in the query string; a query each that is set."""
    lookups = [
        ("condition_id", "Condition", Condition.objects.all(), str),
        ("intervention_id", "Intervention", Intervention.objects.all(), str),
        ("journal_id", "Journal", Journal.objects.all(), str),
        ("cites", "Citing", CaseReport.objects.all(), lambda report: report.title),
        ("cited_by", "Cited by", CaseReport.objects.all(), lambda report: report.title),
    ]
    found = []
    for param, title, queryset, name in lookups:
        raw = current.get(param, "")
        if not raw.isdigit():
            continue
        obj = queryset.filter(pk=int(raw)).first()
        query = current.copy()
        query.pop(param)
        query.pop("page", None)
        found.append(Narrowing(title, name(obj) if obj else f"#{raw} (not found)", "?" + query.urlencode()))
    return found


def compute(
    reports: QuerySet,
    *,
    criteria: dict,
    current: QueryDict,
    sample: int | None = None,
    newest: list[int] | None = None,
) -> list[Facet]:
    """The facets of `reports` (already filtered). `criteria` are the patient filters that are set, as
    Patient.objects.matching takes them; `current` is the query string the facet links change.

    With `sample`, the counts are of the `sample` newest reports only (read once, one query more, unless the
    caller has read them already: `newest`, their ids): over millions of matches, counting all of them for each
    facet costs seconds; the page says the counts are of a sample."""
    if sample:
        if newest is None:
            newest = list(reports.order_by(*CaseReport._meta.ordering).values_list("pk", flat=True)[:sample])
        report_ids = list(newest[:sample])
        reports = CaseReport.objects.filter(pk__any_of=report_ids)
        among = "any_of"  # the ids as one array parameter (reports/models/lookups.py)
    else:
        report_ids = reports.order_by().values("pk")
        among = "in"
    patients = Patient.objects.matching(**criteria).filter(**{f"report__{among}": report_ids})
    patient_ids = patients.values("pk")

    def value(label, count, **params) -> FacetValue:
        query = current.copy()
        query.pop("page", None)
        selected = all(query.get(name) == str(raw) for name, raw in params.items())
        for name, raw in params.items():
            query[name] = str(raw)
        return FacetValue(str(label), count, "?" + query.urlencode(), selected)

    # Conditions: the matching patients' diagnoses (with the certainty filter, when set, on the same diagnosis).
    # One join to the diagnoses, filtered and counted together: an "id IN (diagnoses ...)" subquery, or a negated
    # condition on the many-valued relation, would make the database read every diagnosis. So the certainties
    # Diagnosis.objects.held() keeps are listed. The counts join the patients again (for their report). With a
    # sample, naming its reports on that join as well, though the patient filter implies them, lets the database
    # reach those patients through the report index instead of reading every patient (and every treatment,
    # below); without one, the reports are a subquery, and asking it twice costs more than it saves.
    def on(path: str) -> dict:
        return {f"{path}__report__{among}": report_ids} if sample else {}

    held = [c for c in Diagnosis.Certainty.values if c != Diagnosis.Certainty.RULED_OUT]
    certainties = [criteria["certainty"]] if criteria.get("certainty") else held
    conditions = (
        Condition.objects.filter(
            diagnoses__certainty__in=certainties,
            diagnoses__patient__in=patient_ids,
            **on("diagnoses__patient"),
        )
        .annotate(n=Count("diagnoses__patient__report", distinct=True))
        .order_by("-n", "name")[:TOP]
    )
    # Interventions and outcomes: treatments of matching patients that meet the treatment filters themselves.
    treatments = filter_treatments(
        Treatment.objects.filter(patient__in=patient_ids, **on("patient")),
        **{key: criteria[key] for key in ("intervention", "intervention_id", "outcome") if key in criteria},
    )
    interventions = (
        Intervention.objects.filter(treatments__in=treatments, **on("treatments__patient"))
        .annotate(n=Count("treatments__patient__report", distinct=True))
        .order_by("-n", "name")[:TOP]
    )
    outcomes = (
        Outcome.objects.filter(treatment__in=treatments, **on("treatment__patient"))
        .values("result")
        .annotate(n=Count("treatment__patient__report", distinct=True))
        .order_by("-n", "result")
    )
    sexes = patients.order_by().values("sex").annotate(n=Count("report", distinct=True)).order_by("-n", "sex")
    ages = patients.aggregate(**{name: Count("report", filter=age_group_q(name), distinct=True) for name in AGE_GROUPS})
    years = reports.order_by().values("pub_year").annotate(n=Count("pk")).order_by("-pub_year")[:YEARS]
    journals = (
        Journal.objects.filter(**{f"reports__{among}": report_ids})
        .annotate(n=Count("reports"))
        .order_by("-n", "title")[:TOP]
    )
    publication_types = (
        PublicationType.objects.filter(**{f"report_publication_types__report__{among}": report_ids})
        .annotate(n=Count("report_publication_types"))
        .order_by("-n", "name")[:TOP]
    )

    results = dict(Outcome.Result.choices)
    sex_labels = dict(Patient.Sex.choices)
    facets = [
        Facet("condition", "Condition", [value(c.name, c.n, condition_id=c.pk) for c in conditions]),
        Facet("intervention", "Intervention", [value(i.name, i.n, intervention_id=i.pk) for i in interventions]),
        Facet("outcome", "Outcome", [value(results[o["result"]], o["n"], outcome=o["result"]) for o in outcomes]),
        Facet("sex", "Sex", [value(sex_labels[s["sex"]], s["n"], sex=s["sex"]) for s in sexes]),
        Facet(
            "age_group",
            "Age group",
            [value(AGE_GROUPS[name][0], ages[name], age_group=name) for name in AGE_GROUPS if ages[name]],
        ),
        Facet(
            "year",
            "Publication year",
            [value(y["pub_year"], y["n"], year_min=y["pub_year"], year_max=y["pub_year"]) for y in years],
        ),
        Facet("journal", "Journal", [value(j, j.n, journal_id=j.pk) for j in journals]),
        Facet(
            "publication_type",
            "Publication type",
            [value(p.name, p.n, publication_type=p.pk) for p in publication_types],
        ),
    ]
    return [facet for facet in facets if facet.values]
