"""Who changed what and when, for every curated record (django-simple-history).

Each model listed in the data model keeps a Historical<Model> table: one row per save or delete, with the
values after it, the date, the user and a reason. Admin edits get the curator from the request (middleware);
writes outside a request (imports, suggest_cases, a shell) run inside `acting(...)`, which names the user (if any)
and the reason ("Import 12 of pubmed.xml.gz"), so that they are recorded too.

Bulk writes and QuerySet.update() bypass Django's signals, so the writers use `create` and `update` below, which
write the history rows in bulk alongside (COPY on PostgreSQL for new rows, reports.bulk; simple-history's bulk
helper for changes).
"""

import contextlib
import contextvars
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from reports import bulk


@dataclass(frozen=True)
class Actor:
    reason: str
    user: object | None = None  # a User, or None for a command run from a terminal


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("casebase_history_actor", default=None)


@contextlib.contextmanager
def acting(*, reason: str, user=None):
    """Inside, every change is recorded with this reason and user (unless a request names the user)."""
    token = _actor.set(Actor(reason=reason[:100], user=user))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor | None:
    return _actor.get()


def _user(request=None, instance=None, **kwargs):
    if request is not None:
        return request.user
    actor = _actor.get()
    return actor.user if actor else None


class History(HistoricalRecords):
    """HistoricalRecords that falls back on the current `acting(...)` for the user and the reason.

    A model declared with `changes = History()` keeps every save and delete, with who and why;
    `Model.changes.all()` lists them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("get_user", _user)
        super().__init__(**kwargs)

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        if reason:
            return reason
        actor = _actor.get()
        return actor.reason if actor else None


def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def create(model: type[models.Model], objs: Iterable[models.Model]) -> list:
    """Insert new objects (bulk, COPY on PostgreSQL: reports.bulk), with a history row ("+") for each when the
    model keeps history; the objects come back with their primary keys."""
    objs = bulk.insert(model, list(objs))
    if objs and has_history(model) and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        actor = _actor.get()
        historical = getattr(model, model._meta.simple_history_manager_attribute).model
        columns = [
            field.attname
            for field in historical.tracked_fields
            if not field.generated  # the history table computes its own
        ]
        when = timezone.now()
        # As simple-history decides: the acting user, else the curator of the current request.
        user = (actor.user if actor else None) or historical.get_default_history_user(objs[0])
        user_id = user.pk if user is not None else None
        reason = actor.reason if actor else None
        bulk.insert_values(
            historical,
            [*columns, "history_date", "history_type", "history_user_id", "history_change_reason"],
            [[*(getattr(obj, name) for name in columns), when, "+", user_id, reason] for obj in objs],
        )
    return objs


def update(model: type[models.Model], objs: Iterable[models.Model], fields: list[str]) -> int:
    """bulk_update, with a history row for each object when the model keeps history."""
    objs = list(objs)
    if not objs:
        return 0
    if not has_history(model):
        return model.objects.bulk_update(objs, fields)
    actor = _actor.get()
    return bulk_update_with_history(
        objs,
        model,
        fields,
        default_user=actor.user if actor else None,
        default_change_reason=actor.reason if actor else None,
    )


def update_where(queryset: models.QuerySet, **values) -> int:
    """QuerySet.update(**values), recorded: the rows are read, changed and written back in bulk."""
    objs = list(queryset)
    for obj in objs:
        for name, value in values.items():
            setattr(obj, name, value)
    return update(queryset.model, objs, list(values))


@dataclass(frozen=True)
class Deleted:
    model: type[models.Model]
    record: object  # the historical row written at the deletion: the values the record had then

    @property
    def kind(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def restore_url(self) -> str:
        from django.urls import reverse

        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[self.record.id, self.record.history_id],
        )


def deleted_records(*, models_: Iterable[type[models.Model]], limit: int = 200) -> list[Deleted]:
    """Records deleted and not restored since, newest first: `limit` of each model at most."""
    found = []
    for model in models_:
        changes = getattr(model, model._meta.simple_history_manager_attribute)
        gone = (
            changes.filter(history_type="-")
            .exclude(id__in=model.objects.values("pk"))
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        found += [Deleted(model, record) for record in gone]
    return sorted(found, key=lambda deleted: deleted.record.history_date, reverse=True)


def record_initial(*, reason: str) -> int:
    """A first history entry ("+") for every record that has none: those written without signals, such as a
    fixture loaded with loaddata (the seed). Returns how many were recorded."""
    from django.apps import apps

    actor = _actor.get()
    recorded = 0
    for model in apps.get_app_config("reports").get_models():
        if not has_history(model):
            continue
        changes = getattr(model, model._meta.simple_history_manager_attribute)
        missing = list(model.objects.exclude(pk__in=changes.values("id")))
        if missing:
            changes.bulk_history_create(
                missing, default_change_reason=reason, default_user=actor.user if actor else None
            )
            recorded += len(missing)
    return recorded
