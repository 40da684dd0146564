"""The history in the admin: every history page, Revert for those who may change, and the deleted records."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from reports import audit
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    Diagnosis,
    Finding,
    Intervention,
    Journal,
    Keyword,
    MeshDescriptor,
    Outcome,
    Patient,
    PublicationType,
    Substance,
    Treatment,
)

# Every model that keeps history (reports/audit.py), in the order the deleted-records page names them.
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


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages for everyone who may view the record; changing it from an old version (Revert, or restoring
    a deleted record) only for those who may change it: the history's form would otherwise let a viewer save."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self.has_change_permission(request, obj) or super().revert_disabled(request, obj)


def deleted_view(request: HttpRequest) -> TemplateResponse:
    """Records that were deleted, with a link to each one's last version, whose Revert brings it back."""
    visible = [model for model in HISTORY_MODELS if request.user.has_perm(f"reports.view_{model._meta.model_name}")]
    if not visible:
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "opts": CaseReport._meta,
        "title": "Deleted records",
        "deleted": audit.deleted_records(models_=visible),
    }
    return TemplateResponse(request, "admin/reports/deleted.html", context)
