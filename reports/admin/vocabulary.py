"""The vocabularies: clinical terms (conditions, interventions), journals and the index terms of reports (keywords,
publication types, MeSH descriptors, substances), each listed with how often it is used."""

from django.contrib import admin
from django.db.models import Count

from reports.admin.audit import HistoryAdmin
from reports.admin.common import RefusesStaleSaves
from reports.models import Condition, Intervention, Journal, Keyword, MeshDescriptor, PublicationType, Substance


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
