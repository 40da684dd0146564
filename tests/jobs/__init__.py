"""Running the queued jobs in the test's own process, as a worker does (`manage.py db_worker --batch`)."""

import io
import signal

from django.core.management import call_command


def run_jobs() -> None:
    """Run every job waiting in the queue, then return: the real worker's loop, in this process."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, stdout=io.StringIO())
    finally:
        # The worker takes over Ctrl-C for a graceful stop; the test run gets it back.
        for number, handler in handlers.items():
            signal.signal(number, handler)
