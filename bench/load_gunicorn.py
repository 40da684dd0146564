"""gunicorn settings for bench/load.py: the server errors' tracebacks go to gunicorn's error log.

With DEBUG off Django logs a failed request only to the admins' mail, so a 500 in the load test would leave no
trace; bench/load.py shows the first ones from this log. The other settings are on gunicorn's command line.
"""

import logging


def post_worker_init(worker):
    # Called in each worker after the app (and Django's logging configuration) is loaded.
    handler = logging.StreamHandler()  # stderr: gunicorn's error log
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [django.request] %(levelname)s %(message)s"))
    logging.getLogger("django.request").addHandler(handler)
