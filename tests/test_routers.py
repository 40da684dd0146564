"""Which database a query goes to: public page reads to a replica when there is one, everything else to the
primary. bench/replica.py shows it with a real streaming replica."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from casebase.routers import PrimaryReplicaRouter, ReadReplicasMiddleware
from reports.models import CaseReport

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URLS named one replica (the router only needs its name here)."""
    monkeypatch.setattr("casebase.routers.replicas", lambda: ["replica_1"])


def read_during(method: str, path: str) -> list[str]:
    """The database the router picks for a read while the middleware handles this request."""
    chosen = []

    def view(request):
        chosen.append(router.db_for_read(CaseReport))
        return None

    ReadReplicasMiddleware(view)(getattr(RequestFactory(), method.lower())(path))
    return chosen


def test_public_page_reads_go_to_a_replica(with_replica):
    assert read_during("GET", "/") == ["replica_1"]
    assert read_during("HEAD", "/reports/1/") == ["replica_1"]


def test_the_admin_and_writes_use_the_primary(with_replica):
    assert read_during("GET", "/admin/reports/casereport/") == ["default"]
    assert read_during("POST", "/admin/reports/casereport/1/change/") == ["default"]
    assert router.db_for_write(CaseReport) == "default"


def test_commands_and_code_outside_a_request_use_the_primary(with_replica):
    assert router.db_for_read(CaseReport) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    chosen = []

    def view(request):
        with transaction.atomic():
            chosen.append(router.db_for_read(CaseReport))
        return None

    ReadReplicasMiddleware(view)(RequestFactory().get("/"))
    assert chosen == ["default"]


def test_without_replicas_everything_uses_the_primary():
    assert read_during("GET", "/") == ["default"]


def test_migrations_run_on_the_primary_only(with_replica):
    assert router.allow_migrate("default", "reports")
    assert not router.allow_migrate("replica_1", "reports")
