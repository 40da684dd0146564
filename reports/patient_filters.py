"""The patients list's filters (/patients/): the only place that turns its request.GET into a queryset of patients.

They select the patients behind one cell of an evidence table (reports/evidence.py): a condition, an intervention
and an outcome that belongs to the treatment with that intervention. "none" stands for "not recorded" in each.
"""

import django_filters
from django import forms

from reports.evidence import NOT_RECORDED, matching_patients
from reports.models import Condition, Intervention, Outcome, Patient


class TermField(forms.Field):
    """The id of a condition or intervention, or "none" for "not recorded"; cleans to the term or "none"."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if value == NOT_RECORDED:
            return NOT_RECORDED
        name = self.model._meta.verbose_name
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(f'Give the number of a {name}, or "{NOT_RECORDED}"; "{value}" is neither.')
        try:
            return self.model.objects.get(pk=int(value))
        except self.model.DoesNotExist:
            raise forms.ValidationError(f"There is no {name} number {int(value)}.") from None


class TermFilter(django_filters.Filter):
    field_class = TermField


class PatientFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if cleaned.get("intervention_id") == NOT_RECORDED and outcome and outcome != NOT_RECORDED:
            self.add_error("outcome", "A patient with no intervention recorded has no outcome to filter by.")
        return cleaned


class PatientFilter(django_filters.FilterSet):
    # Applied together in filter_queryset: the outcome belongs to the treatment with the intervention.
    condition_id = TermFilter(label="Condition", model=Condition)
    intervention_id = TermFilter(label="Intervention", model=Intervention)
    outcome = django_filters.ChoiceFilter(
        label="Outcome",
        choices=[*Outcome.Result.choices, (NOT_RECORDED, "No outcome recorded")],
        empty_label="Any outcome",
    )
    curated = django_filters.BooleanFilter(label="Curated cases only", method="ignore")

    class Meta:
        model = Patient
        fields = []
        form = PatientFilterForm

    def filter_queryset(self, queryset):
        return matching_patients(queryset, **self.criteria())

    def ignore(self, queryset, name, value):
        return queryset  # applied with the others in filter_queryset

    def criteria(self) -> dict:
        """The filters that are set, as evidence.matching_patients and evidence.describe take them."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.form.cleaned_data
        criteria = {
            "condition": data.get("condition_id"),
            "intervention": data.get("intervention_id"),
            "outcome": data.get("outcome") or "",
            "curated": bool(data.get("curated")),
        }
        return {name: value for name, value in criteria.items() if value not in ("", None, False)}
