import pytest
from django.core.management import call_command

from reports.models import CaseReport


@pytest.fixture
def seed_report(db) -> CaseReport:
    """The seed case report, loaded from fixtures/seed.json the way `make run` loads it."""
    call_command("loaddata", "seed", verbosity=0)
    return CaseReport.objects.get()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="curator", password="a-long-test-password")
    client.force_login(user)
    return client
