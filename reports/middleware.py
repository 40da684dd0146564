"""What every request goes through before the views.

A request id: each request is given one (or keeps the X-Request-ID a proxy in front sent, when it is a plain token),
answers with it in X-Request-ID, and every log line written while it is served names it, with the path and the
user (RequestContextFilter, set up in settings.LOGGING): a 500's traceback can be found from the id a visitor or the
proxy's log reports.

A database that cannot answer (stopped, restarting, refusing connections, out of disk) is a temporary state of
the service, not a bug: the visitor gets a plain 503 page that says so, never a traceback. The error is still
logged, and the site recovers by itself once the database answers again (connections are health-checked before
reuse: CONN_HEALTH_CHECKS in settings)."""

import contextvars
import logging
import re
import uuid

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import empty

logger = logging.getLogger(__name__)

# The request being served by this thread, for the log lines written while it is.
_current = contextvars.ContextVar("casebase_request", default=None)
# An id from outside is kept only when it cannot break a log line or pass for something else: letters, digits and
# a few separators, as uuids, hex ids and the ids of common proxies are.
_SANE_ID = re.compile(r"[A-Za-z0-9._:@-]{1,128}")


def request_id(request) -> str:
    """The id of this request: the incoming X-Request-ID when it is sane, otherwise a new one."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "").strip()
    return incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First of all middleware, so that every log line of the request, a 500's included, can name it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id(request)
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestContextFilter(logging.Filter):
    """Adds request_id, method, path and user to every log record, and all four as `context`
    ("request=3f2a… user=anna POST /admin/…"): those of the request being served; "-" outside one (a command, an
    import run from the shell)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        if request is None:
            record.request_id = record.method = record.path = record.user = record.context = "-"
            return True
        record.request_id = getattr(request, "id", "-")
        record.method, record.path, record.user = request.method, request.path, _user(request)
        record.context = f"request={record.request_id} user={record.user} {record.method} {record.path}"
        return True


def _user(request) -> str:
    user = getattr(request, "user", None)
    if user is None:
        return "-"
    # The user is read on first use; not from a database already known to be down, which would only wait again.
    if getattr(request, "database_unavailable", False) and getattr(user, "_wrapped", None) is empty:
        return "unknown"
    try:
        return user.get_username() if user.is_authenticated else "anonymous"
    except Exception:  # the user could not be read: the line is still written
        return "unknown"


class ContextFormatter(logging.Formatter):
    """Puts the request's id, user and path on every line of a record, a traceback's included, so that grepping
    the log for an id finds the whole of what that request wrote."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        first, *rest = text.split("\n")
        context = getattr(record, "context", "-")
        return "\n".join([first, *(f"{context} | {line}" for line in rest)])


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
        request.database_unavailable = True
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
