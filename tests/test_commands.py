"""The management commands, run the way `make run` and curators run them."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import CaseReport
from reports.seed import SEED_FIXTURE


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_build_seed_fixture_check_passes_on_the_committed_fixture():
    assert "is up to date" in run("build_seed_fixture", "--check")


def test_build_seed_fixture_check_fails_and_rebuild_restores_a_stale_fixture(monkeypatch, tmp_path):
    stale = tmp_path / "seed.json"
    stale.write_text("[]\n", encoding="utf-8")
    monkeypatch.setattr("reports.management.commands.build_seed_fixture.SEED_FIXTURE", stale)
    with pytest.raises(CommandError, match="is out of date"):
        run("build_seed_fixture", "--check")
    assert "Wrote" in run("build_seed_fixture")
    assert stale.read_text(encoding="utf-8") == SEED_FIXTURE.read_text(encoding="utf-8")
    assert "nothing written" in run("build_seed_fixture")


@pytest.mark.django_db
def test_load_seed_fills_an_empty_database_once_and_keeps_curators_edits():
    assert run("load_seed") == "Loaded the seed case report.\n"
    CaseReport.objects.update(title="Edited by a curator")
    assert "holds 1 case report(s) already; the seed was not loaded" in run("load_seed")
    assert CaseReport.objects.get().title == "Edited by a curator"


@pytest.mark.django_db
def test_loaddata_seed_loaded_twice_changes_nothing():
    call_command("loaddata", "seed", verbosity=0)
    call_command("loaddata", "seed", verbosity=0)
    assert CaseReport.objects.count() == 1


@pytest.mark.django_db
def test_ensure_admin_creates_an_account_once_and_prints_its_generated_password_once():
    first = run("ensure_admin")
    assert first.startswith("Created the admin account 'admin' with the password: ")
    password = first.split("password: ", 1)[1].split("\n", 1)[0]
    assert len(password) >= 16
    assert authenticate(username="admin", password=password) is not None
    second = run("ensure_admin")
    assert "exists already (admin)" in second
    assert password not in second


@pytest.mark.django_db
def test_ensure_admin_generates_a_different_password_on_every_machine():
    passwords = set()
    for name in ("one", "two"):
        get_user_model().objects.filter(is_superuser=True).delete()
        passwords.add(run("ensure_admin", "--username", name).split("password: ", 1)[1].split("\n", 1)[0])
    assert len(passwords) == 2


@pytest.mark.django_db
def test_ensure_admin_will_not_take_over_an_ordinary_account():
    get_user_model().objects.create_user(username="admin", password="a-long-test-password")
    with pytest.raises(CommandError, match="the account 'admin' exists but is not one"):
        run("ensure_admin")
