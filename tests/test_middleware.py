"""The 503 page is for a database that cannot answer; a database error that is a bug stays a 500."""

from django.db import OperationalError
from django.test import RequestFactory

from reports.middleware import DatabaseUnavailableMiddleware

middleware = DatabaseUnavailableMiddleware(lambda request: None)
request = RequestFactory().get("/")


def test_a_refused_connection_or_a_full_disk_is_a_503():
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    full = OperationalError("database or disk is full")
    for error in (refused, full):
        response = middleware.process_exception(request, error)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
    assert b"run out of disk space" in middleware.process_exception(request, full).content


def test_a_database_error_that_is_a_bug_is_left_to_django():
    assert middleware.process_exception(request, OperationalError("no such column: reports_patient.nope")) is None
    assert middleware.process_exception(request, ValueError("not a database error")) is None
