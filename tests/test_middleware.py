"""The 503 page is for a database that cannot answer; a database error that is a bug stays a 500. Every request
has an id, and what it logs names it, with its user and path."""

import io
import logging

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import path

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


# Request ids and the log lines of a 500 ---------------------------------------------------------------------------


def fails(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("fails/", fails)]


@pytest.fixture
def stderr_log():
    """What the real stderr handler of settings.LOGGING writes, its formatter and filter included."""
    (handler,) = [handler for handler in logging.getLogger().handlers if handler.name == "stderr"]
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_500_is_logged_with_its_path_user_and_request_id_on_every_line(stderr_log, django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user(username="anna", password="a-long-test-password"))
    response = client.get("/fails/?page=2", headers={"X-Request-ID": "proxy-7f3a"})
    assert response.status_code == 500
    assert response["X-Request-ID"] == "proxy-7f3a"
    lines = stderr_log.getvalue().splitlines()
    context = "request=proxy-7f3a user=anna GET /fails/"
    assert lines[0].endswith(f"ERROR django.request {context}: Internal Server Error: /fails/")
    assert any(line.endswith("RuntimeError: the view broke") for line in lines)
    assert all(line.startswith(f"{context} | ") for line in lines[1:]), lines


@pytest.mark.django_db
def test_each_request_gets_a_new_id_unless_a_sane_one_came_with_it(client):
    first, second = client.get("/health/"), client.get("/health/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/health/", headers={"X-Request-ID": "abc-123"})["X-Request-ID"] == "abc-123"
    for forged in ("two words", "x" * 200, "line\nbreak", "<script>", ""):
        kept = client.get("/health/", headers={"X-Request-ID": forged})["X-Request-ID"]
        assert kept != forged
        assert len(kept) == 32


def test_a_line_written_outside_a_request_says_so(stderr_log):
    logging.getLogger("reports.test").warning("from a command")
    assert stderr_log.getvalue().rstrip().endswith("WARNING reports.test -: from a command")
