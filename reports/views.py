"""Public pages: the filterable list of case reports and a page per report."""

import datetime
import logging

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from reports import evidence
from reports.exporters import CONTENT_TYPES
from reports.filters import CaseReportFilter
from reports.jobs import exports, running
from reports.models import CaseReport, Condition, Intervention, Job, Patient
from reports.patient_filters import PatientFilter
from reports.search import listing
from reports.search.query import SYNTAX_HELP

logger = logging.getLogger(__name__)


def nearest_page(request, paginator):
    """The page asked for, as ListView.paginate_queryset returns it; a page number past the end (or not a number)
    shows the nearest page instead of an error."""
    page = paginator.get_page(request.GET.get("page"))
    return paginator, page, page.object_list, page.has_other_pages()


class CaseReportListView(TemplateView):
    """The list: the filters select, reports.search.listing.page() reads the page, the template shows it."""

    template_name = "reports/casereport_list.html"

    def get(self, request, *args, **kwargs):
        filterset = CaseReportFilter(request.GET or None, request=request, queryset=CaseReport.objects.for_list())
        status, listed, search_error, missing = 200, filterset, None, None
        if filterset.is_bound and not filterset.is_valid():
            # A search it cannot read: the message and the syntax, and the facets of what the other filters select.
            search_error = filterset.search_error()
            if search_error is None:
                return self.render_to_response(self.get_context_data(filter=filterset, object_list=[]), status=400)
            status, listed = 400, filterset.without_search()
            listed.is_valid()
        identifier = listed.identifier()
        if identifier is not None:
            # A bare PMID, DOI or PMCID opens its report; one casebase does not have is searched, and said so.
            report = listing.identified(identifier=identifier)
            if report is not None:
                return redirect(report)
            missing = listing.missing(identifier=identifier)
        results = listing.page(
            selection=listed.selection(),
            rows=CaseReport.objects.for_list(),
            current=request.GET,
            per_page=settings.REPORTS_PER_PAGE,
        )
        context = self.get_context_data(
            filter=filterset,
            search_error=search_error,
            syntax_help=SYNTAX_HELP if search_error else None,
            missing_identifier=missing,
            # A search it cannot read lists nothing (what it would find is unknown); the facets of the other
            # filters stay, to narrow by once the search is corrected.
            object_list=[] if search_error else results.reports,
            page_obj=None if search_error else results.paging,
            too_many_to_rank=results.too_many_to_rank,
            facets=results.facets,
            facet_sample=results.facet_sample,
            narrowings=results.narrowings,
        )
        return self.render_to_response(context, status=status)


class CaseReportDetailView(DetailView):
    queryset = CaseReport.objects.for_detail()
    template_name = "reports/casereport_detail.html"
    context_object_name = "report"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_reports"] = evidence.related_reports(report=self.object)
        return context


class CaseReportExportView(FilterView):
    """The reports the list's filters select, as a download: casebase JSON or CSV. A small selection is written
    while the request waits; a larger one is a job, whose page offers the file once it is complete."""

    queryset = CaseReport.objects.all()
    filterset_class = CaseReportFilter
    export_format = "json"

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            problems = "\n".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            return HttpResponse(f"The filters cannot be used:\n{problems}\n", status=400, content_type="text/plain")
        if exports.is_small(filterset.qs):
            return FileResponse(
                exports.write_now(reports=filterset.qs, format=self.export_format),
                as_attachment=True,
                filename=export_name(self.export_format),
                content_type=CONTENT_TYPES[self.export_format],
            )
        try:
            job = exports.start_export(query=request.GET.urlencode(), format=self.export_format)
        except exports.QueueFull:
            response = HttpResponse(
                "Too many large exports are waiting to be written; ask again in a few minutes.\n",
                status=503,
                content_type="text/plain",
            )
            response["Retry-After"] = "120"
            return response
        return redirect(job.get_absolute_url())


def export_name(format: str) -> str:
    return f"casebase-{datetime.date.today().isoformat()}.{format}"


def export_job(request, pk):
    """A large export's page: how far it has got (it reloads itself until done), then the file to download."""
    job = get_object_or_404(Job, pk=pk, kind=Job.Kind.EXPORT)
    running.fail_stale(jobs=Job.objects.filter(pk=job.pk))
    job.refresh_from_db()
    context = {"job": job, "file": running.job_file(job), "keep_days": settings.JOBS_KEEP_DAYS}
    return TemplateResponse(request, "reports/export_job.html", context)


def export_download(request, pk):
    """A finished export's file, whole: it is renamed into place only once complete."""
    job = get_object_or_404(Job, pk=pk, kind=Job.Kind.EXPORT)
    found = running.job_file(job)
    if found is None:
        raise Http404("This export is not finished, or no longer kept.")
    format = job.params["format"]
    return FileResponse(
        open(found, "rb"),
        as_attachment=True,
        filename=export_name(format),
        content_type=CONTENT_TYPES[format],
    )


def curated_only(request) -> bool:
    """An evidence page's "curated cases only" switch (?curated=true), as the list's filter spells it."""
    return request.GET.get("curated", "").lower() == "true"


def evidence_rows(request) -> int | None:
    """How many rows an evidence page shows: the first evidence.EVIDENCE_ROWS, or all with ?rows=all."""
    return None if request.GET.get("rows", "").lower() == "all" else evidence.EVIDENCE_ROWS


class InterventionEvidenceView(DetailView):
    """An intervention's evidence summary: its patients by condition and outcome."""

    queryset = Intervention.objects.all()  # the table's counts are two aggregate queries (reports/evidence.py)
    template_name = "reports/intervention_detail.html"
    context_object_name = "intervention"

    def get_context_data(self, **kwargs):
        table = evidence.for_intervention(
            intervention=self.object, curated=curated_only(self.request), rows=evidence_rows(self.request)
        )
        return super().get_context_data(table=table, chart=evidence.chart(table=table), **kwargs)


class ConditionEvidenceView(DetailView):
    """A condition's evidence summary: its patients by intervention and outcome."""

    queryset = Condition.objects.all()  # the table's counts are two aggregate queries (reports/evidence.py)
    template_name = "reports/condition_detail.html"
    context_object_name = "condition"

    def get_context_data(self, **kwargs):
        table = evidence.for_condition(
            condition=self.object, curated=curated_only(self.request), rows=evidence_rows(self.request)
        )
        return super().get_context_data(table=table, chart=evidence.chart(table=table), **kwargs)


class PatientListView(FilterView):
    """The patients behind a cell of an evidence table, newest report first."""

    queryset = Patient.objects.for_list().order_by("-report__pub_sort", "-report_id", "position")
    filterset_class = PatientFilter
    paginate_by = settings.REPORTS_PER_PAGE
    template_name = "reports/patient_list.html"

    def paginate_queryset(self, queryset, page_size):
        return nearest_page(self.request, self.get_paginator(queryset, page_size))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criteria = self.filterset.criteria()
        context["selection"] = evidence.describe(**criteria)
        context["condition"], context["intervention"] = criteria.get("condition"), criteria.get("intervention")
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


def health(request):
    """For load balancers and monitoring: 200 when the database answers a query, else 503. Reads nothing else,
    writes nothing."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The details go to the log, not to whoever asks (the check answers over plain HTTP).
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
