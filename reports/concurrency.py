"""Two curators editing the same record: the second save is refused, with what the first one changed.

A change form carries, hidden, the record's version when the curator opened it: the newest history entry of the
record and of each kind of row edited inline on its page (reports/audit.py keeps one for every save). When the
form comes back, a different version means someone saved in between; the form is shown again with the curator's
input kept and a message listing the other changes, instead of silently overwriting them.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from reports.audit import has_history


def version(obj, related: list[tuple[type, str]]) -> str:
    """The newest history id of `obj`, then of the rows of each (model, foreign key name) that belong to it."""
    parts = [_newest(type(obj), {"id": obj.pk})]
    parts += [_newest(model, {f"{fk}_id": obj.pk}) for model, fk in related]
    return ".".join(str(part) for part in parts)


def _newest(model, lookup: dict) -> int:
    if not has_history(model):
        return 0
    changes = getattr(model, model._meta.simple_history_manager_attribute)
    return changes.filter(**lookup).order_by("-history_id").values_list("history_id", flat=True).first() or 0


def changes_since(obj, related: list[tuple[type, str]], seen: str) -> list[str]:
    """What was saved after version `seen`, in words: "age: 47 → 48 (by anna, 2026-11-26 09:30)"."""
    try:
        seen_ids = [int(part) for part in seen.split(".")]
    except ValueError:
        return ["(the version this form was opened at is unreadable)"]
    lines = []
    for (model, lookup), since in zip(
        [(type(obj), {"id": obj.pk}), *[(model, {f"{fk}_id": obj.pk}) for model, fk in related]], seen_ids, strict=False
    ):
        if not has_history(model):
            continue
        changes = getattr(model, model._meta.simple_history_manager_attribute)
        for record in (
            changes.filter(**lookup, history_id__gt=since).order_by("history_id").select_related("history_user")
        ):
            who = f"by {record.history_user}" if record.history_user else "by an import or a command"
            when = record.history_date.strftime("%Y-%m-%d %H:%M")
            name = model._meta.verbose_name
            if record.history_type == "+":
                lines.append(f"{name} “{record.instance}” added ({who}, {when})")
            elif record.history_type == "-":
                lines.append(f"{name} “{record.instance}” deleted ({who}, {when})")
            else:
                previous = record.prev_record
                if previous is None:
                    lines.append(f"{name} “{record.instance}” changed ({who}, {when})")
                    continue
                delta = record.diff_against(previous)
                for change in delta.changes:
                    label = model._meta.get_field(change.field).verbose_name
                    lines.append(f"{name} {label}: {change.old} → {change.new} ({who}, {when})")
    return lines


class VersionedForm(forms.ModelForm):
    """The change form of a record that others may edit at the same time."""

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # (model, foreign key name) of the rows edited inline on the record's page; set by the admin (get_form).
    version_related: list[tuple[type, str]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = version(self.instance, self.version_related)

    @cached_property
    def changed_data(self):
        # The version is bookkeeping, not the curator's change: an untouched form stays unchanged.
        return [name for name in super().changed_data if name != "seen_version"]

    def clean(self):
        cleaned = super().clean()
        seen = self.data.get(self.add_prefix("seen_version"), "")
        # A form sent without a version (a script, an old page) is not checked; the admin's forms always send it.
        if seen and self.instance.pk:
            current = version(self.instance, self.version_related)
            if seen != current:
                changes = changes_since(self.instance, self.version_related, seen)
                raise ValidationError(
                    "Someone else saved this record while you were editing it, so your changes were not saved. "
                    "What they changed: "
                    + ("; ".join(changes) if changes else "(see the history)")
                    + ". Your entries are still below: reload the page to see their version, then make your "
                    "changes again.",
                    code="stale",
                )
        return cleaned
