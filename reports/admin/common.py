"""What every part of the admin shares: numbered new rows, stale saves refused, suggestions confirmed by an edit,
the sentence a suggestion came from, a link to another record's page."""

import contextlib

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html

from reports.cases.store import edited_by_curator
from reports.concurrency import VersionedForm, locked_save
from reports.models import Origin


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


class RefusesStaleSaves:
    """Change forms carry the version they were opened at; a save over someone else's newer save is refused
    (reports/concurrency.py). A save (the change form, or Revert from the history) holds the record's lock from
    before it reads the record until it commits, so that of two saves sent at once the second sees the first."""

    form = VersionedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.version_related = self._version_related()
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (None, {"fields": ["seen_version"], "classes": ["hidden"]})]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self._locked(request, object_id):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with self._locked(request, object_id):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _version_related(self) -> list[tuple[type, str]]:
        related = []
        for inline in self.inlines:
            fk = _fk_name(inline.model, self.model, getattr(inline, "fk_name", None))
            if fk:
                related.append((inline.model, fk))
        return related

    def _locked(self, request, object_id):
        """The record's lock for a POST to an existing record's form; nothing for a page that only shows it."""
        if request.method != "POST" or object_id is None:
            return contextlib.nullcontext()
        opts = self.model._meta
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        try:
            field = opts.get_field(to_field) if to_field else opts.pk
            value = field.to_python(unquote(object_id))
        except (FieldDoesNotExist, ValidationError, ValueError):
            return contextlib.nullcontext()  # the view itself refuses an unknown field or a malformed id
        return locked_save(model=self.model, lookup={field.name: value}, related=self._version_related())


def _fk_name(model, parent, name: str | None) -> str | None:
    if name:
        return name
    for field in model._meta.get_fields():
        if getattr(field, "many_to_one", False) and field.related_model is parent:
            return field.name
    return None


class ConfirmsSuggestions:
    """A curator who saves a change to a machine-suggested record has checked it: it becomes curated
    (cases.store.edited_by_curator). The record's own form and its inline rows are treated alike; rows the curator
    left untouched stay suggested."""

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            edited_by_curator(row=obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed():
                edited_by_curator(row=inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.display(description="suggested from")
def suggestion(obj):
    """The sentence a machine suggestion was read from; empty for curated records."""
    if getattr(obj, "origin", None) != Origin.SUGGESTED:
        return ""
    return f"Suggested: {obj.evidence}" if obj.evidence else "Suggested"
