"""WSGI entry point for casebase (gunicorn casebase.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")

application = get_wsgi_application()
