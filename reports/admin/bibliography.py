"""Case reports as published: the report's page (with its authors, index terms, patients in brief and references),
and the lists of references and authors."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html

from reports.admin.audit import HistoryAdmin, deleted_view
from reports.admin.clinical import PatientInline
from reports.admin.common import ConfirmsSuggestions, NumbersNewRows, RefusesStaleSaves
from reports.admin.imports import import_job_view, import_view
from reports.cases.store import accept
from reports.models import (
    Author,
    CaseReport,
    Citation,
    MeshHeading,
    Patient,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
)


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


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "report"
    extra = 0
    numbered_by = "position"
    show_change_link = True
    fields = ["position", "raw_text", "pmid", "pmcid", "doi", "cited_report"]
    autocomplete_fields = ["cited_report"]


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
            path("import/", self.admin_site.admin_view(import_view), name="reports_casereport_import"),
            path(
                "import/<uuid:job_id>/",
                self.admin_site.admin_view(import_job_view),
                name="reports_casereport_import_job",
            ),
            path("deleted/", self.admin_site.admin_view(deleted_view), name="reports_deleted"),
            *super().get_urls(),
        ]

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


@admin.register(Author)
class AuthorAdmin(RefusesStaleSaves, HistoryAdmin):
    list_display = ["__str__", "position", "report"]
    list_select_related = ["report"]
    search_fields = ["last_name", "fore_name", "collective_name", "report__title"]
    autocomplete_fields = ["report"]
