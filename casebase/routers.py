"""Reads from PostgreSQL streaming replicas, writes to the primary.

A replica is a read-only copy a little behind the primary, so only reads that can be a moment out of date go to
one: the public pages a visitor reads (GET and HEAD outside the admin). The middleware below marks those
requests; everything else (the admin, every write, imports and other commands, anything inside a transaction)
uses the primary, so a curator always sees what they just saved and an import reads what it wrote.
"""

import contextvars
import random

from django.conf import settings
from django.db import connections

_reading_replicas: contextvars.ContextVar[bool] = contextvars.ContextVar("casebase_read_replicas", default=False)

PRIMARY = "default"


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reading_replicas.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        choices = replicas()
        return random.choice(choices) if choices else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas copy the primary's schema; migrations run on the primary only.
        return db == PRIMARY


class ReadReplicasMiddleware:
    """Lets the public pages' reads go to the replicas (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public_read = request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")
        token = _reading_replicas.set(public_read and bool(replicas()))
        try:
            return self.get_response(request)
        finally:
            _reading_replicas.reset(token)
