"""Running the queued jobs in the test's own process, as a worker does (`manage.py db_worker --batch`)."""

import io
import signal
from unittest import mock

from django.core.management import call_command


def run_jobs() -> None:
    """Run every job waiting in the queue, then return: the real worker's loop, in this process.

    The worker closes stale connections between jobs, as a request's end does; inside a test's transaction that
    would close the test's own connection, so it is skipped here, as Django's test client skips it for requests.
    The tests in test_worker.py run the worker as its own process, connection handling and all."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, stdout=io.StringIO())
    finally:
        # The worker takes over Ctrl-C for a graceful stop; the test run gets it back.
        for number, handler in handlers.items():
            signal.signal(number, handler)
