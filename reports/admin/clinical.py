"""Patients and their clinical data: each patient's page (diagnoses, findings, treatments), each treatment's page
(outcomes), and lists of every part of a case so that its history, and a deleted row, can be found."""

from django.contrib import admin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect

from reports.admin.audit import HistoryAdmin
from reports.admin.common import ConfirmsSuggestions, NumbersNewRows, RefusesStaleSaves, admin_link, suggestion
from reports.cases.store import accept, has_suggestions
from reports.models import Diagnosis, Finding, Outcome, Patient, Treatment


class PatientInline(admin.TabularInline):
    """Patients in brief; each opens on its own page, where its conditions, findings and treatments are."""

    model = Patient
    extra = 1
    numbered_by = "position"
    show_change_link = True
    fields = ["position", "label", "age_value", "age_unit", "sex", "clinical_summary", suggestion]
    readonly_fields = ["clinical_summary", suggestion]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("condition")),
                Prefetch("treatments", queryset=Treatment.objects.select_related("intervention")),
                "treatments__outcomes",
            )
        )

    @admin.display(description="Conditions and treatments")
    def clinical_summary(self, patient):
        if not patient.pk:
            return "Save the report to add conditions, findings and treatments."
        diagnoses = ", ".join(str(d) for d in patient.diagnoses.all()) or "no conditions"
        treatments = "; ".join(
            f"{t} → {', '.join(str(o) for o in t.outcomes.all()) or 'no outcome'}" for t in patient.treatments.all()
        )
        return f"{diagnoses}. {treatments or 'No treatments.'}"


class DiagnosisInline(admin.TabularInline):
    model = Diagnosis
    extra = 1
    autocomplete_fields = ["condition"]
    fields = ["condition", "certainty", "notes", suggestion]
    readonly_fields = [suggestion]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 1
    numbered_by = "position"
    fields = ["position", "kind", "name", "value", "unit", "notes", suggestion]
    readonly_fields = [suggestion]


def _target_choices(db_field, request, kwargs: dict, *, patient_of_treatment: bool) -> dict:
    """A treatment's target is one of its patient's own diagnoses (Treatment.clean checks it too): the choices are
    those, never every diagnosis in casebase. `object_id` is the patient's (inline) or the treatment's page."""
    if db_field.name == "target":
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        diagnoses = Diagnosis.objects.select_related("condition")
        if not object_id:
            kwargs["queryset"] = diagnoses.none()
        elif patient_of_treatment:
            kwargs["queryset"] = diagnoses.filter(patient__treatments=object_id)
        else:
            kwargs["queryset"] = diagnoses.filter(patient_id=object_id)
    return kwargs


class TreatmentInline(admin.TabularInline):
    """Treatments in sequence; the outcomes of each are edited on the treatment's own page (one click)."""

    model = Treatment
    extra = 1
    show_change_link = True
    autocomplete_fields = ["intervention"]
    fields = [
        "sequence",
        "intervention",
        "target",
        "dose_amount",
        "dose_unit",
        "frequency",
        "route",
        "duration",
        "outcome_list",
        suggestion,
    ]
    readonly_fields = ["outcome_list", suggestion]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _target_choices(db_field, request, kwargs, patient_of_treatment=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intervention").prefetch_related("outcomes")

    @admin.display(description="outcomes")
    def outcome_list(self, treatment):
        if not treatment.pk:
            return "Save to add outcomes."
        outcomes = treatment.outcomes.all()
        if not outcomes:
            return admin_link(treatment, "add an outcome")
        return admin_link(treatment, ", ".join(str(o) for o in outcomes))


@admin.register(Patient)
class PatientAdmin(RefusesStaleSaves, ConfirmsSuggestions, NumbersNewRows, HistoryAdmin):
    list_display = ["__str__", "report", "sex", "age_value", "age_unit", "conditions", "origin"]
    list_filter = ["origin", "sex", "age_unit", "diagnoses__certainty"]
    actions = ["accept_suggestions"]
    change_form_template = "admin/reports/patient/change_form.html"
    list_select_related = ["report"]
    search_fields = ["label", "report__title", "diagnoses__condition__name"]
    autocomplete_fields = ["report"]
    readonly_fields = ["age_years", "report_link"]
    fields = [
        "report",
        "report_link",
        ("position", "label"),
        ("age_value", "age_unit", "age_years"),
        "sex",
        "history",
        ("origin", "evidence"),
    ]
    inlines = [DiagnosisInline, FindingInline, TreatmentInline]

    @admin.action(description="Accept the suggested cases of the selected patients", permissions=["change"])
    def accept_suggestions(self, request, queryset):
        changed = accept(patients=queryset)
        self.message_user(request, f"Accepted {changed} suggested records of {queryset.count()} patients.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "has_suggestions": bool(patient and has_suggestions(patient))}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_accept_suggestion" in request.POST:
            changed = accept(patients=Patient.objects.filter(pk=obj.pk))
            self.message_user(request, f"Accepted the suggested case of {obj.display_label}: {changed} records.")
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("condition")))
        )

    @admin.display(description="conditions")
    def conditions(self, patient):
        return ", ".join(str(d) for d in patient.diagnoses.all())

    @admin.display(description="back to the report")
    def report_link(self, patient):
        return admin_link(patient.report) if patient.report_id else "-"


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 1
    fields = ["result", "description", "time_value", "time_unit", suggestion]
    readonly_fields = [suggestion]


@admin.register(Treatment)
class TreatmentAdmin(RefusesStaleSaves, ConfirmsSuggestions, HistoryAdmin):
    list_display = ["__str__", "patient", "report", "outcome_list"]
    list_filter = ["intervention__kind", "route", "outcomes__result"]
    list_select_related = ["intervention", "patient__report"]
    search_fields = ["intervention__name", "patient__report__title"]
    autocomplete_fields = ["patient", "intervention"]
    readonly_fields = ["patient_link"]
    fields = [
        "patient",
        "patient_link",
        ("sequence", "intervention", "target"),
        ("dose_amount", "dose_unit", "frequency"),
        ("route", "duration"),
        "notes",
        ("origin", "evidence"),
    ]
    inlines = [OutcomeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("outcomes")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _target_choices(db_field, request, kwargs, patient_of_treatment=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="report")
    def report(self, treatment):
        return treatment.patient.report

    @admin.display(description="outcomes")
    def outcome_list(self, treatment):
        return ", ".join(str(o) for o in treatment.outcomes.all())

    @admin.display(description="back to the patient")
    def patient_link(self, treatment):
        return admin_link(treatment.patient) if treatment.patient_id else "-"


# The parts of a case edited inline on a patient's or treatment's page have their own lists too, so that their
# history (and a deleted row) can be found and restored.


@admin.register(Diagnosis)
class DiagnosisAdmin(RefusesStaleSaves, ConfirmsSuggestions, HistoryAdmin):
    list_display = ["__str__", "patient", "origin"]
    list_filter = ["certainty", "origin"]
    list_select_related = ["condition", "patient"]
    search_fields = ["condition__name", "patient__report__title"]
    autocomplete_fields = ["patient", "condition"]


@admin.register(Finding)
class FindingAdmin(RefusesStaleSaves, ConfirmsSuggestions, HistoryAdmin):
    list_display = ["__str__", "kind", "patient", "origin"]
    list_filter = ["kind", "origin"]
    list_select_related = ["patient"]
    search_fields = ["name", "patient__report__title"]
    autocomplete_fields = ["patient"]


@admin.register(Outcome)
class OutcomeAdmin(RefusesStaleSaves, ConfirmsSuggestions, HistoryAdmin):
    list_display = ["__str__", "treatment", "origin"]
    list_filter = ["result", "origin"]
    list_select_related = ["treatment__intervention"]
    search_fields = ["treatment__intervention__name", "treatment__patient__report__title"]
    autocomplete_fields = ["treatment"]
