"""The management commands, run the way `make run` and curators run them."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
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
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
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


SEED_PAGE = "fixtures/source/000_8d3d7cb61a81a9c9.txt"
SEED_NBIB = "tests/data/medline/seed_31123647.nbib"
PUBMED_XML = "tests/data/pubmed/metapub/25364329.xml"


@pytest.mark.django_db
def test_import_reports_creates_then_says_nothing_changed():
    first = run("import_reports", SEED_PAGE, PUBMED_XML)
    assert "000_8d3d7cb61a81a9c9.txt: imported: created 1, updated 0, unchanged 0" in first
    assert "25364329.xml: imported: created 1, updated 0, unchanged 0" in first
    second = run("import_reports", SEED_PAGE, PUBMED_XML)
    assert second.count("created 0, updated 0, unchanged 1") == 2
    assert CaseReport.objects.count() == 2


@pytest.mark.django_db
def test_import_reports_merges_the_medline_record_into_the_seed_and_lists_what_it_replaced(seed_report):
    out = run("import_reports", SEED_NBIB)
    assert "created 0, updated 1, unchanged 0" in out
    assert CaseReport.objects.get().pmid == 31123647


@pytest.mark.django_db
def test_import_reports_dry_run_writes_nothing():
    out = run("import_reports", "--dry-run", PUBMED_XML)
    assert "would be: created 1" in out
    assert "(dry run: nothing written)" in out
    assert CaseReport.objects.count() == 0


@pytest.mark.django_db
def test_import_reports_fails_with_the_reason_when_a_file_is_refused(tmp_path):
    bad = tmp_path / "page.html"
    bad.write_text("<!DOCTYPE html><html><body>PubMed</body></html>", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 2 files had refused records: .*page\.html"):
        call_command("import_reports", PUBMED_XML, str(bad), stdout=out)
    assert "page.html: refused, nothing written" in out.getvalue()
    assert "HTML page" in out.getvalue()
    assert CaseReport.objects.count() == 1  # the good file still went in


@pytest.mark.django_db
def test_import_reports_takes_a_forced_format():
    with pytest.raises(CommandError):
        run("import_reports", "--format", "medline", PUBMED_XML)
    assert CaseReport.objects.count() == 0


@pytest.mark.django_db
def test_export_reports_writes_json_that_import_reports_reads_back(tmp_path, seed_report):
    target = tmp_path / "all.json"
    call_command("export_reports", "--output", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["reports"][0]["doi"] == "10.7759/cureus.4225"
    assert "created 0, updated 0, unchanged 1" in run("import_reports", str(target))


@pytest.mark.django_db
def test_export_reports_applies_the_list_filters(seed_report):
    out = run("export_reports", "--format", "csv", "--filter", "condition=sjogren", "--filter", "outcome=improved")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["intervention"] for row in rows] == ["Standard therapy", "Low-dose naltrexone"]
    assert run("export_reports", "--format", "csv", "--filter", "sex=male").strip().count("\n") == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--filter", "sex"], "write it as NAME=VALUE"),
        (["--filter", "colour=red"], "unknown filters: colour"),
        (["--filter", "year_min=soon"], "the filters cannot be used: year: Enter a number."),
    ],
)
def test_export_reports_explains_filters_it_cannot_use(arguments, message):
    with pytest.raises(CommandError, match=message):
        run("export_reports", *arguments)


MEDLINE_WITH_A_BAD_RECORD = (
    "PMID- 111\nTI  - A readable case.\nDP  - 2020 Jan\n\nPMID- 222\nDP  - 2020 Feb\nAB  - This record has no title.\n"
)


@pytest.mark.django_db
def test_import_reports_keeps_a_file_with_a_refused_record_out_unless_told_to_skip_it(tmp_path):
    path = tmp_path / "two.nbib"
    path.write_text(MEDLINE_WITH_A_BAD_RECORD, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_reports", str(path), stdout=out)
    assert "refused, nothing written (1 of 2 records" in out.getvalue()
    assert "record 2 (PMID 222), TI" in out.getvalue()
    assert CaseReport.objects.count() == 0

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 files had refused records"):
        call_command("import_reports", "--skip-refused", str(path), stdout=out)
    assert "imported: created 1, updated 0, unchanged 0" in out.getvalue()
    assert "1 records refused and left out" in out.getvalue()
    assert list(CaseReport.objects.values_list("pmid", flat=True)) == [111]
