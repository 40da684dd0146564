import io
import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from reports.models import CaseReport

# The fuzz tests (hypothesis) try the same inputs on every run and every machine, so that CI is reproducible and a
# failure seen once is seen again; a test that does not set its own max_examples tries 40, which keeps the fuzz
# tests to about a minute on SQLite. No deadline: the import examples write to the database, whose speed varies;
# tests/importers/fuzzing.py has its own limit for a hang. HYPOTHESIS_PROFILE=thorough tries 1000 new inputs per
# test, for hunting bugs (it takes a long while). Neither keeps an example database in the working tree.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, max_examples=40, deadline=None)
hypothesis_settings.register_profile("thorough", database=None, max_examples=1000, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def seed_report(db) -> CaseReport:
    """The seed case report, loaded from fixtures/seed.json the way `make run` loads it (with its history)."""
    call_command("load_seed", verbosity=0, stdout=io.StringIO())
    return CaseReport.objects.get()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="curator", password="a-long-test-password")
    client.force_login(user)
    return client
