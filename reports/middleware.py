"""A database that cannot answer (stopped, restarting, refusing connections, out of disk) is a temporary state of
the service, not a bug: the visitor gets a plain 503 page that says so, never a traceback. The error is still
logged, and the site recovers by itself once the database answers again (connections are health-checked before
reuse: CONN_HEALTH_CHECKS in settings)."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Words in the database's own message that mean "no space left" rather than "not reachable".
_FULL = ("disk is full", "no space left", "could not extend file", "disk full", "database or disk is full")


def unavailable_response(error: Exception) -> HttpResponse:
    full = any(words in str(error).lower() for words in _FULL)
    html = render_to_string("reports/unavailable.html", {"full": full})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A database that is down, restarting or full; any other database error is a bug and gets Django's own
        # error handling (500, logged and reported).
        if not _is_unavailable(exception):
            return None
        logger.error("Database unavailable for %s %s", request.method, request.path, exc_info=exception)
        return unavailable_response(exception)


# Words in the drivers' messages that mean the database cannot be reached or written, rather than a bad query.
_UNAVAILABLE = (
    "connection",
    "connect to server",
    "could not connect",
    "server closed",
    "terminating",
    "shutting down",
    "starting up",
    "in recovery",
    "timeout",
    "timed out",
    "database is locked",
)


def _is_unavailable(exception: Exception) -> bool:
    if isinstance(exception, InterfaceError):
        return True
    message = str(exception).lower()
    if isinstance(exception, DatabaseError) and any(words in message for words in _FULL):
        return True
    return isinstance(exception, OperationalError) and any(words in message for words in _UNAVAILABLE)
