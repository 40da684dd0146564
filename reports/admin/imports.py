"""Importing files in the admin: the upload page (check a file, then confirm it) and the record of every import.

The check and the import each run as a job (reports/jobs/imports.py), so that a large file never holds a web worker;
this module turns a request into those calls and a job into its page."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from reports.importers import uploads
from reports.importers.readers import READERS
from reports.jobs import imports, running
from reports.models import CaseReport, ImportRun, Job


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


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _page(request: HttpRequest, **context) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/reports/casereport/import.html",
        {
            **admin.site.each_context(request),
            "opts": CaseReport._meta,
            "title": "Import case reports",
            "job": None,  # the check or import whose page this is
            "preview": None,  # the dry run's result, shown with a button to confirm
            "result": None,  # the confirmed import's result
            "form": ImportForm(),
            **context,
        },
    )


# Exempt from the CSRF middleware, whose check reads request.POST, that is the whole body: an upload over the limit
# is refused before any of it is read (an answer that changes nothing), and every other request is checked by
# Django's own CSRF protection (csrf_protect) on _check_or_import.
@csrf_exempt
@permission_required("reports.import_reports", raise_exception=True)
def import_view(request: HttpRequest) -> TemplateResponse:
    """Upload a file, see what it would change (a dry run), then confirm: the same import as the command."""
    if request.method == "POST" and uploads.too_large(content_length=_content_length(request)):
        messages.error(request, f"The upload is larger than {settings.IMPORT_MAX_UPLOAD_MB} MB; nothing was read.")
        return _page(request)
    return _check_or_import(request)


@csrf_protect
def _check_or_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if "confirm" in request.POST:
        job = imports.start_import(check_id=_job_id(request.POST.get("job", "")), user=request.user)
        if job is None:
            messages.error(request, "That upload is no longer waiting to be imported; upload the file again.")
            return _page(request)
        return redirect(job.get_absolute_url())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    job = imports.start_check(
        upload=form.cleaned_data["file"],
        format=form.cleaned_data["format"],
        skip_refused=form.cleaned_data["skip_refused"],
        user=request.user,
    )
    return redirect(job.get_absolute_url())


def _job_id(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


@permission_required("reports.import_reports", raise_exception=True)
def import_job_view(request: HttpRequest, job_id) -> TemplateResponse:
    """A check or an import of an uploaded file: how far it has got (the page reloads itself), then what the file
    would change, with the button to import it, or what it did."""
    job = get_object_or_404(Job, pk=job_id, kind__in=[Job.Kind.CHECK_IMPORT, Job.Kind.IMPORT], user=request.user)
    running.fail_stale(jobs=Job.objects.filter(pk=job.pk))
    job.refresh_from_db()
    outcome = imports.outcome(job)
    if job.kind == Job.Kind.CHECK_IMPORT:
        confirmable = bool(outcome and job.result.get("importable") and not job.params.get("import_job"))
        return _page(request, job=job, preview=outcome, confirmable=confirmable)
    return _page(request, job=job, result=outcome)


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


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Exports and imports run in the background: read only, each links to its own page."""

    list_display = ["__str__", "kind", "status", "user", "created_at", "finished_at", "done", "total", "error"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        # A curator sees the imports they ran and every export; a superuser sees them all.
        jobs = super().get_queryset(request)
        if request.user.is_superuser:
            return jobs
        return jobs.filter(Q(kind=Job.Kind.EXPORT) | Q(user=request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return obj.get_absolute_url()
