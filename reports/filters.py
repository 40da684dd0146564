"""The public list's filters: the only place that turns request.GET into a selection of case reports."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from reports.models import (
    AGE_GROUPS,
    EARLIEST_YEAR,
    LATEST_YEAR,
    CaseReport,
    Citation,
    Diagnosis,
    Outcome,
    Patient,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
)
from reports.search.engine import matching
from reports.search.listing import Selection
from reports.search.query import Identifier, SearchError, parse

# These describe one patient and are applied together (see CaseReportFilter.selection), so that
# "female, aged 40-60, given LDN, improved" matches a report only when the same patient is all of that.
PATIENT_FILTERS = (
    "condition",
    "condition_id",
    "certainty",
    "intervention",
    "intervention_id",
    "outcome",
    "sex",
    "age",
    "age_group",
    "curated",
)

# Ids are 64-bit integers: a larger number is refused with a message rather than overflow the database's integers.
MAX_ID = 2**63 - 1

FORM_ID = "search-form"
# Set by the facet links and the evidence pages, shown as "Narrowed to ..." above the results, kept by the form.
EXACT_FILTERS = ("condition_id", "intervention_id", "journal_id", "cites", "cited_by")


class CaseReportFilterForm(forms.Form):
    """Checks that make the filters mean something before any query runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The filters sit apart from the search box on the page (after the results on a phone) but belong to
        # the same form.
        for name, field in self.fields.items():
            if name in EXACT_FILTERS:
                field.widget = forms.HiddenInput()
            field.widget.attrs["form"] = FORM_ID

    def clean_q(self):
        # Parsed here, once: the search filter, the ranking and the passages all use this Query (None: no search).
        text = self.cleaned_data.get("q") or ""
        if not text.strip():
            return None
        try:
            return parse(text)
        except SearchError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        for name, label in (("age", "Age"), ("year", "Publication year")):
            bounds = cleaned.get(name)
            if not bounds:
                continue
            low, high = bounds.start, bounds.stop
            if name == "age" and any(v is not None and v < 0 for v in (low, high)):
                self.add_error(name, "An age cannot be negative.")
            if name == "year" and any(v is not None and not EARLIEST_YEAR <= v <= LATEST_YEAR for v in (low, high)):
                self.add_error(name, f"Give years between {EARLIEST_YEAR} and {LATEST_YEAR}.")
            if low is not None and high is not None and low > high:
                self.add_error(name, f"{label}: the lower bound ({low}) is above the upper bound ({high}).")
        if cleaned.get("sort") == "relevance" and cleaned.get("q") is None:
            self.add_error("sort", "Sorting by relevance needs words to search for.")
        return cleaned


class CaseReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text='Words anywhere in the report; "an exact phrase"; AND, OR, NOT (or -word) and parentheses; '
        "naltrex* for word beginnings; tags such as schwannoma[ti], Sjogren Syndrome[mh], Smith J[au]; "
        "a PMID, DOI or PMCID opens its report.",
    )

    # Patient-level filters: combined in selection(), never applied one by one.
    condition = django_filters.CharFilter(label="Condition")
    condition_id = django_filters.NumberFilter(label="Condition (exact)", min_value=1, max_value=MAX_ID)
    certainty = django_filters.ChoiceFilter(label="Diagnostic certainty", choices=Diagnosis.Certainty.choices)
    intervention = django_filters.CharFilter(label="Intervention")
    intervention_id = django_filters.NumberFilter(label="Intervention (exact)", min_value=1, max_value=MAX_ID)
    outcome = django_filters.ChoiceFilter(label="Outcome", choices=Outcome.Result.choices)
    sex = django_filters.ChoiceFilter(label="Patient sex", choices=Patient.Sex.choices)
    age_group = django_filters.ChoiceFilter(
        label="Age group", choices=[(name, label) for name, (label, _, _) in AGE_GROUPS.items()]
    )
    age = django_filters.RangeFilter(label="Patient age (years)")
    curated = django_filters.BooleanFilter(
        label="Curated cases only",
        method="ignore",
        help_text="Only patients whose whole case a curator entered or confirmed; leaves out what casebase "
        "suggested from abstracts.",
    )

    year = django_filters.RangeFilter(label="Publication year", field_name="pub_year")
    journal = django_filters.CharFilter(label="Journal", method="filter_journal")
    journal_id = django_filters.NumberFilter(
        label="Journal (exact)", field_name="journal_id", min_value=1, max_value=MAX_ID
    )
    keyword = django_filters.CharFilter(label="Keyword", method="filter_keyword")
    publication_type = django_filters.ModelChoiceFilter(
        label="Publication type", queryset=PublicationType.objects.all(), method="filter_publication_type"
    )
    full_text = django_filters.BooleanFilter(label="Free full text in PMC", method="filter_full_text")
    coi = django_filters.BooleanFilter(label="Has a conflict-of-interest statement", method="filter_coi")
    cites = django_filters.NumberFilter(label="Cites report", method="filter_cites", min_value=1, max_value=MAX_ID)
    cited_by = django_filters.NumberFilter(
        label="Cited by report", method="filter_cited_by", min_value=1, max_value=MAX_ID
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("relevance", "Relevance"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("title", "Title"),
        ],
        method="ignore",  # applied last, by Selection.ordered() or the list's page()
        empty_label="Relevance when searching, else newest",
    )

    class Meta:
        model = CaseReport
        fields = []
        form = CaseReportFilterForm

    def search_error(self) -> str | None:
        """Why the search text cannot be used, when it is the only filter that cannot: the page then lists what the
        other filters select (without_search()) beside the message and the syntax."""
        if not self.is_bound or self.is_valid() or set(self.errors) != {"q"}:
            return None
        return " ".join(self.errors["q"])

    def without_search(self) -> "CaseReportFilter":
        data = self.data.copy()
        data.pop("q", None)
        return type(self)(data, request=self.request, queryset=self.queryset)

    def identifier(self) -> Identifier | None:
        """The PMID, DOI or PMCID the search is, when it is one alone."""
        if not self.is_bound or not self.is_valid() or self.form.cleaned_data.get("q") is None:
            return None
        return self.form.cleaned_data["q"].identifier

    def filter_queryset(self, queryset):
        # What `qs` gives, and so downloads and the export command: every selected report in the list's order.
        return self.selection(queryset).ordered()

    def selection(self, queryset: QuerySet | None = None) -> Selection:
        """What the filters select from `queryset` (this filterset's own when None), with the search and the sort
        asked for; the list reads its page of it (reports.search.listing.page)."""
        queryset = self.queryset.all() if queryset is None else queryset
        if not self.is_bound:
            return Selection(reports=queryset)
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in PATIENT_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        criteria = self.patient_criteria()
        if criteria:
            # The reports of the matching patients, found once (an IN over one subquery), rather than a correlated
            # EXISTS per report: SQLite would walk the sex-and-age index once for every report of the database.
            queryset = queryset.filter(pk__in=Patient.objects.matching(**criteria).values("report_id"))
        return Selection(reports=queryset, query=data.get("q"), sort=data.get("sort") or "", criteria=criteria)

    def patient_criteria(self) -> dict:
        """The patient-level filters that are set, as Patient.objects.matching() takes them."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.form.cleaned_data
        age = data.get("age")
        criteria = {
            "condition": data.get("condition") or "",
            "condition_id": int(data["condition_id"]) if data.get("condition_id") else None,
            "certainty": data.get("certainty") or "",
            "intervention": data.get("intervention") or "",
            "intervention_id": int(data["intervention_id"]) if data.get("intervention_id") else None,
            "outcome": data.get("outcome") or "",
            "sex": data.get("sex") or "",
            "age_min": age.start if age else None,
            "age_max": age.stop if age else None,
            "age_group": data.get("age_group") or "",
            "curated": bool(data.get("curated")),
        }
        return {name: value for name, value in criteria.items() if value not in ("", None, False)}

    def ignore(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        return matching(queryset, query=value)

    def filter_journal(self, queryset, name, value):
        return queryset.filter(Q(journal__title__icontains=value) | Q(journal__iso_abbreviation__icontains=value))

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Exists(ReportKeyword.objects.filter(report=OuterRef("pk"), keyword__name__icontains=value))
        )

    def filter_publication_type(self, queryset, name, value):
        return queryset.filter(
            Exists(ReportPublicationType.objects.filter(report=OuterRef("pk"), publication_type=value))
        )

    def filter_full_text(self, queryset, name, value):
        return queryset.exclude(pmcid="") if value else queryset.filter(pmcid="")

    def filter_coi(self, queryset, name, value):
        return queryset.exclude(coi_statement="") if value else queryset.filter(coi_statement="")

    def filter_cites(self, queryset, name, value):
        return queryset.filter(Exists(Citation.objects.filter(report=OuterRef("pk"), cited_report_id=value)))

    def filter_cited_by(self, queryset, name, value):
        return queryset.filter(Exists(Citation.objects.filter(report_id=value, cited_report=OuterRef("pk"))))
