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
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return self._unavailable(request, error)

    def process_exception(self, request, exception):
        # Errors raised inside a view reach here before the default 500 handling.
        if isinstance(exception, (OperationalError, InterfaceError)) or _is_full(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error: Exception) -> HttpResponse:
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, error)
        return unavailable_response(error)


def _is_full(exception: Exception) -> bool:
    return isinstance(exception, DatabaseError) and any(words in str(exception).lower() for words in _FULL)
