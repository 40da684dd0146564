"""The public list's filters: the only place that turns request.GET into a queryset of case reports."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from reports.models import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    CaseReport,
    Outcome,
    Patient,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
)
from reports.search import search_reports

# These describe one patient and are applied together (see CaseReportFilter.filter_queryset), so that
# "female, aged 40-60, given LDN, improved" matches a report only when the same patient is all of that.
PATIENT_FILTERS = ("condition", "intervention", "outcome", "sex", "age")

SORTS = {
    "newest": CaseReport._meta.ordering,
    "oldest": ["pub_sort", "id"],
    "title": [Lower("title"), "id"],
}


class CaseReportFilterForm(forms.Form):
    """Checks that make a range mean something before any query runs."""

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
        return cleaned


class CaseReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Text in title or abstract", method="filter_text")

    # Patient-level filters: combined in filter_queryset, never applied one by one.
    condition = django_filters.CharFilter(label="Condition")
    intervention = django_filters.CharFilter(label="Intervention")
    outcome = django_filters.ChoiceFilter(label="Outcome", choices=Outcome.Result.choices)
    sex = django_filters.ChoiceFilter(label="Patient sex", choices=Patient.Sex.choices)
    age = django_filters.RangeFilter(label="Patient age (years)")

    year = django_filters.RangeFilter(label="Publication year", field_name="pub_year")
    journal = django_filters.CharFilter(label="Journal", method="filter_journal")
    keyword = django_filters.CharFilter(label="Keyword", method="filter_keyword")
    publication_type = django_filters.ModelChoiceFilter(
        label="Publication type", queryset=PublicationType.objects.all(), method="filter_publication_type"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title")],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = CaseReport
        fields = []
        form = CaseReportFilterForm

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in PATIENT_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        age = data.get("age")
        criteria = {
            "condition": data.get("condition") or "",
            "intervention": data.get("intervention") or "",
            "outcome": data.get("outcome") or "",
            "sex": data.get("sex") or "",
            "age_min": age.start if age else None,
            "age_max": age.stop if age else None,
        }
        if any(value not in ("", None) for value in criteria.values()):
            patients = Patient.objects.matching(**criteria).filter(report=OuterRef("pk"))
            queryset = queryset.filter(Exists(patients))
        return queryset

    def filter_text(self, queryset, name, value):
        return search_reports(queryset, value)

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

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value or "newest"))
