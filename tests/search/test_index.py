"""The search index is installed by migrate, kept by triggers, and put back when a migration loses them."""

import pytest
from django.db import connection

import reports.search.index as search_index
from reports.models import CaseReport
from reports.search.engine import matching
from reports.search.query import parse
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_migrate_installs_every_trigger():
    assert search_index.installed_triggers(connection) >= search_index.EXPECTED_TRIGGERS


def test_the_index_holds_one_document_per_report():
    make_report(title="One")
    make_report(title="Two")
    assert search_index.index_size(connection) == (2, 2)
    CaseReport.objects.all().delete()
    assert search_index.index_size(connection) == (0, 0)


def test_install_puts_back_lost_triggers_and_missing_documents():
    report = make_report(title="Indexed before the loss")
    with connection.cursor() as cursor:
        for name in ("casebase_search_casereport_insert", "casebase_search_author_insert"):
            if connection.vendor == "postgresql":
                table = "reports_casereport" if "casereport" in name else "reports_author"
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(
            "DELETE FROM reports_searchindex" if connection.vendor == "postgresql" else "DELETE FROM reports_search"
        )
    assert "casebase_search_casereport_insert" not in search_index.installed_triggers(connection)
    search_index.install(connection)
    assert search_index.installed_triggers(connection) >= search_index.EXPECTED_TRIGGERS
    assert search_index.index_size(connection) == (1, 1)
    make_report(title="Indexed after")
    assert search_index.index_size(connection) == (2, 2)
    assert report.pk


def test_a_deferred_writer_refreshes_the_documents_itself():
    from django.db import transaction

    with transaction.atomic(), search_index.deferred(connection):
        report = make_report(title="Written while postponed")
        assert not matching(CaseReport.objects.all(), query=parse("postponed")).exists()
        search_index.refresh(connection, [report.pk])
        assert matching(CaseReport.objects.all(), query=parse("postponed")).exists()
    make_report(title="Refreshed straight away")
    assert matching(CaseReport.objects.all(), query=parse("straight")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_deferring_needs_a_transaction():
    with pytest.raises(RuntimeError, match="needs a transaction"), search_index.deferred(connection):
        pass


def test_a_database_error_while_deferred_comes_out_as_itself():
    # Found by fuzzing the importers: leaving deferred() with an error, it switched the index back on in the broken
    # transaction, and that query's TransactionManagementError (or InFailedSqlTransaction) hid the real error.
    from django.db import IntegrityError, transaction

    from reports.models import Keyword

    with pytest.raises(IntegrityError), transaction.atomic(), search_index.deferred(connection):
        Keyword.objects.bulk_create([Keyword(name="")])  # reports_keyword_name_not_empty
    make_report(title="Indexed again after the rollback")
    assert search_index.index_size(connection) == (1, 1)
