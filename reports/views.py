"""Public pages: the filterable list of case reports and a page per report."""

from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from reports.filters import CaseReportFilter
from reports.models import CaseReport


class CaseReportListView(FilterView):
    queryset = CaseReport.objects.for_list()
    filterset_class = CaseReportFilter
    paginate_by = settings.REPORTS_PER_PAGE
    template_name = "reports/casereport_list.html"

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end (or not a number) shows the nearest page instead of an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class CaseReportDetailView(DetailView):
    queryset = CaseReport.objects.for_detail()
    template_name = "reports/casereport_detail.html"
    context_object_name = "report"
