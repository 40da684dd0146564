"""The curators' editing tool: every part of a case report reachable from the report's own page."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Max, Prefetch
from django.http import HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from simple_history.admin import SimpleHistoryAdmin

from reports import history
from reports.cases.store import accept, has_suggestions
from reports.concurrency import VersionedForm
from reports.importers import uploads
from reports.importers.readers import READERS
from reports.importers.service import import_file
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Finding,
    ImportRun,
    Intervention,
    Journal,
    Keyword,
    MeshDescriptor,
    MeshHeading,
    Origin,
    Outcome,
    Patient,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
    Substance,
    Treatment,
)

# Every model that keeps history (reports/history.py), in the order the deleted-records page names them.
HISTORY_MODELS = [
    CaseReport,
    Patient,
    Diagnosis,
    Finding,
    Treatment,
    Outcome,
    Citation,
    Author,
    Condition,
    Intervention,
    Journal,
    Keyword,
    PublicationType,
    MeshDescriptor,
    Substance,
]


class NumbersNewRows:
    """Offers the next free number in the blank rows of inlines that set `numbered_by`, so adding a second
    patient or a sixth reference does not start with a clash."""

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        field = getattr(inline, "numbered_by", None)
        # The same numbers on GET and POST: Django compares a blank row with what it offered to tell whether the
        # curator filled it in.
        if field:
            start = 1
            if obj is not None and obj.pk:
                fk = inline.get_formset(request, obj).fk
                start = (inline.model.objects.filter(**{fk.name: obj}).aggregate(top=Max(field))["top"] or 0) + 1
            kwargs["initial"] = [{field: start + i} for i in range(inline.get_extra(request, obj))]
        return kwargs


def admin_link(obj, text=None):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


# Case reports ----------------------------------------------------------------------------------------------------


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 1
    numbered_by = "position"
    fields = ["position", "last_name", "fore_name", "initials", "collective_name", "affiliation", "orcid"]


class ReportKeywordInline(admin.TabularInline):
    model = ReportKeyword
    extra = 1
    numbered_by = "position"
    autocomplete_fields = ["keyword"]
    verbose_name = "keyword"


class ReportPublicationTypeInline(admin.TabularInline):
    model = ReportPublicationType
    extra = 1
    numbered_by = "position"
    autocomplete_fields = ["publication_type"]
    verbose_name = "publication type"


class MeshHeadingInline(admin.TabularInline):
    model = MeshHeading
    extra = 0
    numbered_by = "position"
    autocomplete_fields = ["descriptor"]
    fields = ["position", "descriptor", "is_major", "qualifiers"]


class ReportSubstanceInline(admin.TabularInline):
    model = ReportSubstance
    extra = 0
    numbered_by = "position"
    autocomplete_fields = ["substance"]
    verbose_name = "substance"


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages for everyone who may view the record; changing it from an old version (Revert, or restoring
    a deleted record) only for those who may change it: the history's form would otherwise let a viewer save."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self.has_change_permission(request, obj) or super().revert_disabled(request, obj)


class RefusesStaleSaves:
    """Change forms carry the version they were opened at; a save over someone else's newer save is refused
    (reports/concurrency.py)."""

    form = VersionedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        related = []
        for inline in self.inlines:
            fk = _fk_name(inline.model, self.model, getattr(inline, "fk_name", None))
            if fk:
                related.append((inline.model, fk))
        form.version_related = related
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (None, {"fields": ["seen_version"], "classes": ["hidden"]})]


def _fk_name(model, parent, name: str | None) -> str | None:
    if name:
        return name
    for field in model._meta.get_fields():
        if getattr(field, "many_to_one", False) and field.related_model is parent:
            return field.name
    return None


class ConfirmsSuggestions:
    """A curator who saves a change to a machine-suggested record has checked it: it becomes curated. The record's
    own form and its inline rows are treated alike; rows the curator left untouched stay suggested."""

    def save_model(self, request, obj, form, change):
        if change and form.has_changed() and getattr(obj, "origin", None) == Origin.SUGGESTED:
            obj.origin = Origin.CURATED
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form.has_changed() and getattr(instance, "origin", None) == Origin.SUGGESTED:
                instance.origin = Origin.CURATED
        super().save_formset(request, form, formset, change)


@admin.display(description="suggested from")
def suggestion(obj):
    """The sentence a machine suggestion was read from; empty for curated records."""
    if getattr(obj, "origin", None) != Origin.SUGGESTED:
        return ""
    return f"Suggested: {obj.evidence}" if obj.evidence else "Suggested"


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


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "report"
    extra = 0
    numbered_by = "position"
    show_change_link = True
    fields = ["position", "raw_text", "pmid", "pmcid", "doi", "cited_report"]
    autocomplete_fields = ["cited_report"]


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"At most {settings.IMPORT_MAX_UPLOAD_MB} MB. A PubMed abstract page saved as text, MEDLINE/.nbib, "
        "PubMed XML (.xml or .xml.gz), PubMed CSV, or a casebase JSON export."
    )
    format = forms.ChoiceField(
        choices=[("", "Detect it from the file"), *((reader.format, reader.label) for reader in READERS.values())],
        required=False,
        label="Read it as",
    )
    skip_refused = forms.BooleanField(
        required=False,
        label="Import the records that can be imported even if some are refused",
        help_text="By default one refused record keeps the whole file out; the refused ones are always listed.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; at most {settings.IMPORT_MAX_UPLOAD_MB} MB can be "
                "uploaded. Import larger files with `manage.py import_reports`."
            )
        return upload


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@admin.register(CaseReport)
class CaseReportAdmin(RefusesStaleSaves, ConfirmsSuggestions, NumbersNewRows, HistoryAdmin):
    list_display = ["title", "journal", "publication_date", "pmid", "doi", "patient_count", "source_format"]
    list_filter = ["source_format", "publication_types", "pub_year"]
    list_select_related = ["journal"]
    search_fields = ["title", "=doi", "=pmcid", "=pmid", "journal__title", "authors__last_name"]
    # Explicit, because Meta.ordering is dropped from the annotated (GROUP BY) queryset below.
    ordering = ["-pub_sort", "-id"]
    autocomplete_fields = ["journal"]
    readonly_fields = ["created_at", "updated_at", "public_page"]
    list_per_page = 50
    change_list_template = "admin/reports/casereport/change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "vernacular_title", "journal", "public_page"]}),
        (
            "Publication date and place",
            {
                "fields": [
                    ("pub_year", "pub_month", "pub_day", "pub_season"),
                    "pub_date_text",
                    "epub_date",
                    ("volume", "issue", "pages", "elocation_id"),
                    "language",
                ]
            },
        ),
        ("Identifiers", {"fields": [("pmid", "pmid_version", "pmcid", "doi")]}),
        ("Abstract", {"fields": ["abstract", "coi_statement"]}),
        ("Source", {"fields": [("source_format", "source_name"), ("created_at", "updated_at")]}),
    ]
    inlines = [
        AuthorInline,
        ReportKeywordInline,
        ReportPublicationTypeInline,
        MeshHeadingInline,
        ReportSubstanceInline,
        PatientInline,
        CitationInline,
    ]

    actions = ["accept_suggestions"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(patient_total=Count("patients", distinct=True))

    @admin.action(description="Accept the suggested cases of the selected reports", permissions=["change"])
    def accept_suggestions(self, request, queryset):
        changed = accept(patients=Patient.objects.filter(report__in=queryset))
        self.message_user(request, f"Accepted {changed} suggested records of {queryset.count()} reports.")

    def get_urls(self):
        return [
            # Exempt from the CSRF middleware, whose check reads the whole body: import_view checks the upload's
            # size first, then CSRF itself.
            path(
                "import/", self.admin_site.admin_view(csrf_exempt(self.import_view)), name="reports_casereport_import"
            ),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="reports_deleted"),
            *super().get_urls(),
        ]

    def deleted_view(self, request):
        """Records that were deleted, with a link to each one's last version, whose Revert brings it back."""
        visible = [model for model in HISTORY_MODELS if request.user.has_perm(f"reports.view_{model._meta.model_name}")]
        if not visible:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Deleted records",
            "deleted": history.deleted_records(models_=visible),
        }
        return TemplateResponse(request, "admin/reports/deleted.html", context)

    def import_view(self, request):
        """Upload a file, see what it would change (a dry run), then confirm: the same import as the command."""
        if not request.user.has_perm("reports.import_reports"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import case reports",
            "preview": None,  # the dry run's result, shown with a button to confirm
            "result": None,  # the confirmed import's result
        }
        limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if request.method == "POST" and _content_length(request) > limit + 64 * 1024:
            # Refused before anything reads the body (request.POST reads all of it); nothing changes, so this
            # answer needs no CSRF check.
            messages.error(request, f"The upload is larger than {settings.IMPORT_MAX_UPLOAD_MB} MB; nothing was read.")
            return TemplateResponse(request, "admin/reports/casereport/import.html", {**context, "form": ImportForm()})
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused:
            return refused
        pending = request.session.setdefault("casebase_imports", {})
        if request.method == "POST" and "confirm" in request.POST:
            token = request.POST.get("token", "")
            upload = pending.pop(token, None)
            request.session.modified = True
            stored = uploads.path(token)
            if upload is None or stored is None:
                messages.error(request, "That upload is no longer waiting to be imported; upload the file again.")
                form = ImportForm()
            else:
                result = import_file(
                    file=stored,
                    name=upload["name"],
                    format=upload["format"] or None,
                    skip_refused=upload.get("skip_refused", False),
                    user=request.user,
                    via="admin",
                )
                uploads.discard(token)
                notify = messages.success if result.ok else messages.warning if result.written else messages.error
                notify(request, result.summary())
                return TemplateResponse(
                    request, "admin/reports/casereport/import.html", {**context, "form": ImportForm(), "result": result}
                )
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                token = uploads.keep(form.cleaned_data["file"])
                name = form.cleaned_data["file"].name
                chosen = form.cleaned_data["format"]
                skip = form.cleaned_data["skip_refused"]
                result = import_file(
                    file=uploads.path(token), name=name, format=chosen or None, dry_run=True, skip_refused=skip
                )
                importable = result.ok or (skip and result.skip_refused)
                if importable:
                    pending[token] = {"name": name, "format": chosen, "skip_refused": skip}
                    request.session.modified = True
                else:
                    uploads.discard(token)
                return TemplateResponse(
                    request,
                    "admin/reports/casereport/import.html",
                    {**context, "form": ImportForm(), "preview": result, "token": token if importable else ""},
                )
        else:
            form = ImportForm()
        return TemplateResponse(request, "admin/reports/casereport/import.html", {**context, "form": form})

    @admin.display(description="patients", ordering="patient_total")
    def patient_count(self, report):
        return report.patient_total

    @admin.display(description="date", ordering="pub_sort")
    def publication_date(self, report):
        return report.publication_date

    @admin.display(description="public page")
    def public_page(self, report):
        if not report.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', report.get_absolute_url(), report.get_absolute_url())


# Patients and their clinical data ---------------------------------------------------------------------------------


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
    fields = ["position", "kind", "name", "value", "unit", "notes"]


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


@admin.register(Citation)
class CitationAdmin(RefusesStaleSaves, HistoryAdmin):
    # References link to https sites; a typed address without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "report", "year", "pmid", "doi", "cited_report"]
    list_filter = ["in_pubmed", "in_pmc"]
    list_select_related = ["report", "cited_report"]
    search_fields = ["raw_text", "=pmid", "=doi", "=pmcid"]
    autocomplete_fields = ["report", "cited_report"]
    fields = [
        ("report", "position"),
        "raw_text",
        "title",
        "authors",
        ("journal", "year"),
        ("volume", "issue", "pages"),
        ("pmid", "pmcid", "doi"),
        "url",
        ("in_pubmed", "in_pmc"),
        "cited_report",
    ]


# Vocabularies -----------------------------------------------------------------------------------------------------


class TermAdmin(RefusesStaleSaves, HistoryAdmin):
    """Vocabulary terms: a term in use cannot be deleted (the database refuses), so the list shows the use."""

    list_display = ["name", "synonym_text", "mesh_ui", "uses"]
    search_fields = ["name", "synonyms", "=mesh_ui"]
    ordering = ["name"]  # Meta.ordering is dropped from the annotated (GROUP BY) queryset
    usage = ""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count(self.usage))

    @admin.display(description="uses", ordering="use_count")
    def uses(self, term):
        return term.use_count

    @admin.display(description="synonyms")
    def synonym_text(self, term):
        return ", ".join(term.synonym_list)


@admin.register(Condition)
class ConditionAdmin(TermAdmin):
    usage = "diagnoses"


@admin.register(Intervention)
class InterventionAdmin(TermAdmin):
    usage = "treatments"
    list_display = ["name", "kind", "synonym_text", "mesh_ui", "uses"]
    list_filter = ["kind"]


@admin.register(Journal)
class JournalAdmin(RefusesStaleSaves, HistoryAdmin):
    list_display = ["title", "iso_abbreviation", "issn", "nlm_unique_id", "report_count"]
    search_fields = ["title", "iso_abbreviation", "=issn", "=nlm_unique_id"]
    ordering = ["title"]  # Meta.ordering is dropped from the annotated (GROUP BY) queryset

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_total=Count("reports"))

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, journal):
        return journal.report_total


class IndexTermAdmin(RefusesStaleSaves, HistoryAdmin):
    search_fields = ["name"]
    ordering = ["name"]  # Meta.ordering is dropped from the annotated (GROUP BY) queryset
    list_display = ["name", "report_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_total=Count("reports"))

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, term):
        return term.report_total


@admin.register(Keyword)
class KeywordAdmin(IndexTermAdmin):
    pass


@admin.register(PublicationType)
class PublicationTypeAdmin(IndexTermAdmin):
    list_display = ["name", "ui", "report_count"]


@admin.register(MeshDescriptor)
class MeshDescriptorAdmin(IndexTermAdmin):
    list_display = ["name", "ui", "report_count"]
    search_fields = ["name", "=ui"]


@admin.register(Substance)
class SubstanceAdmin(IndexTermAdmin):
    list_display = ["name", "ui", "registry_number", "report_count"]
    search_fields = ["name", "=ui", "=registry_number"]


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
class FindingAdmin(RefusesStaleSaves, HistoryAdmin):
    list_display = ["__str__", "kind", "patient"]
    list_filter = ["kind"]
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


@admin.register(Author)
class AuthorAdmin(RefusesStaleSaves, HistoryAdmin):
    list_display = ["__str__", "position", "report"]
    list_select_related = ["report"]
    search_fields = ["last_name", "fore_name", "collective_name", "report__title"]
    autocomplete_fields = ["report"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The record of every import: read only, since it says what happened."""

    list_display = ["__str__", "started_at", "via", "user", "records", "created", "updated", "unchanged", "refused"]
    list_filter = ["via", "format"]
    list_select_related = ["user"]
    search_fields = ["source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
