"""Two curators editing the same record: the second save is refused, with what the first one changed.

A change form carries, hidden, the record's version when the curator opened it: the newest history entry of the
record and of each kind of row edited inline on its page (reports/audit.py keeps one for every save). When the
form comes back, a different version means someone saved in between; the form is shown again with the curator's
input kept and a message listing the other changes, instead of silently overwriting them.

Comparing the versions and writing happen in one transaction that holds the record's lock (locked_save), so two
saves sent at the same moment cannot both pass the comparison: the second waits for the first to commit, then sees
its version and is refused. A form sent without a version is refused too: it could not be checked.
"""

import contextlib
from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
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


@contextlib.contextmanager
def locked_save(*, model: type[Model], lookup: dict, related: list[tuple[type, str]] = ()) -> Iterator[None]:
    """A transaction in which nobody else can write the record of `model` that `lookup` names, nor its rows of
    each (model, foreign key name) in `related`, until it ends. Read the record, compare its version and save it
    inside; a second caller waits here until the first has committed, and then reads what the first one saved.

    PostgreSQL: SELECT ... FOR UPDATE on the record, then on its related rows (always in that order, so that two
    savers never hold each other's locks). SQLite locks the whole database for writing, and only at the first
    write of a transaction: a write that changes nothing takes that lock here, first thing, so that waiting is
    possible (SQLite refuses at once, "database is locked", a transaction that read before it asked to write
    while another one writes). Call it outside any other transaction on SQLite, for the same reason."""
    using = router.db_for_write(model)
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.features.has_select_for_update:
            record = model._base_manager.using(using).select_for_update().filter(**lookup)
            pks = list(record.values_list("pk", flat=True))
            for related_model, fk in related:
                rows = related_model._base_manager.using(using).select_for_update().filter(**{f"{fk}__in": pks})
                list(rows.order_by("pk").values_list("pk", flat=True))
        else:
            # A table without triggers: a statement that fires the search index's triggers opens the index
            # (reading it) before it asks for the write lock, and is then refused at once instead of waiting.
            table = connection.ops.quote_name(MigrationRecorder.Migration._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET id = id WHERE 0")  # changes no row: the write lock alone
        yield


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
        if not self.instance.pk:
            return cleaned
        seen = self.data.get(self.add_prefix("seen_version"), "")
        # The admin's pages always send the version; a form without one (a script, a page from before versions)
        # cannot be checked against other saves, so saving it could silently overwrite them.
        if not seen:
            raise ValidationError(
                "This form came without the version of the record it was opened at, so it cannot be checked "
                "against other curators' saves and was not saved. Reload the page and make your changes again.",
                code="unversioned",
            )
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
