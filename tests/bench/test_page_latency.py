"""bench/page_latency.py: the query set is built from what the database holds, every page of it answers, and the
raw SQL re-run is the page's own queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import page_latency
from reports.importers.service import import_file
from tests.test_audit import SPINE_XML

pytestmark = pytest.mark.django_db


def test_nearest_rank_percentiles():
    values = [float(n) for n in range(1, 21)]  # 1 .. 20
    assert page_latency.percentile(values, 0.5) == 10
    assert page_latency.percentile(values, 0.95) == 19
    assert page_latency.percentile(values, 0.99) == 20
    assert page_latency.percentile([7.0], 0.95) == 7


def test_the_query_set_covers_every_kind_of_page_and_each_answers(client):
    import_file(file=SPINE_XML)  # one case report with a suggested patient, condition and treatment
    pages = page_latency.query_set()
    assert {kind for kind, _, _ in pages} == {"list", "search", "filter", "evidence", "report"}
    for _, label, url in pages:
        assert client.get(url).status_code == 200, label


def test_the_raw_sql_is_the_pages_own_queries_run_again(client):
    import_file(file=SPINE_XML)
    with CaptureQueriesContext(connection) as captured:
        client.get("/?q=spine")
    statements = [q["sql"] for q in captured.captured_queries]
    assert statements
    with CaptureQueriesContext(connection) as again:
        assert page_latency.raw_sql_ms(connection, statements) > 0
    assert again.captured_queries == []  # straight on the DB-API cursor: nothing through Django
