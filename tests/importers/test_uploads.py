import json
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.importers import uploads
from reports.models import CaseReport

SEED_PAGE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def test_an_upload_is_kept_under_a_random_token_until_discarded():
    token = uploads.keep(SimpleUploadedFile("a.xml", b"<xml/>"))
    assert uploads.path(token).read_bytes() == b"<xml/>"
    assert uploads.keep(SimpleUploadedFile("a.xml", b"<xml/>")) != token
    uploads.discard(token)
    assert uploads.path(token) is None


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "0" * 31, "g" * 32, "/" + "0" * 31])
def test_a_token_that_is_not_one_of_ours_finds_nothing(token):
    assert uploads.path(token) is None


def test_uploads_nobody_confirmed_within_a_day_are_removed(upload_dir):
    stale = uploads.keep(SimpleUploadedFile("old.xml", b"old"))
    day_ago = time.time() - uploads.KEEP_SECONDS - 60
    os.utime(uploads.path(stale), (day_ago, day_ago))
    fresh = uploads.keep(SimpleUploadedFile("new.xml", b"new"))
    assert uploads.path(stale) is None
    assert uploads.path(fresh) is not None


def kept(name: str, content: bytes) -> dict:
    return {"token": uploads.keep(SimpleUploadedFile(name, content)), "name": name, "format": "", "skip_refused": False}


@pytest.mark.django_db
def test_a_checked_upload_waits_until_it_is_confirmed_once_then_is_removed(upload_dir):
    upload = kept("seed.txt", SEED_PAGE.read_bytes())
    checked = uploads.check(**upload)
    assert checked.summary().startswith("seed.txt: would be: created 1, updated 0, unchanged 0")
    assert uploads.importable(checked)
    assert [p.name for p in upload_dir.iterdir()] == [upload["token"]]
    assert CaseReport.objects.count() == 0

    done = uploads.confirm(**upload, user=None)
    assert done.summary().startswith("seed.txt: imported: created 1, updated 0, unchanged 0")
    assert list(upload_dir.iterdir()) == []
    assert uploads.confirm(**upload, user=None) is None
    assert CaseReport.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_upload_is_removed_at_once_and_cannot_be_confirmed(upload_dir):
    upload = kept("page.html", b"<!DOCTYPE html><html></html>")
    checked = uploads.check(**upload)
    assert not uploads.importable(checked)
    assert list(upload_dir.iterdir()) == []
    assert uploads.confirm(**upload, user=None) is None


@pytest.mark.django_db
def test_an_upload_no_longer_kept_is_refused_with_the_reason(upload_dir):
    upload = kept("seed.txt", SEED_PAGE.read_bytes())
    uploads.discard(upload["token"])
    checked = uploads.check(**upload)
    assert not uploads.importable(checked)
    assert "no longer kept" in checked.summary() or "no longer kept" in str(checked.refused[0])
    assert CaseReport.objects.count() == 0


@pytest.mark.django_db
def test_the_result_of_a_check_reads_back_from_json_as_it_was(upload_dir):
    content = b"PMID- 111\nTI  - A readable case.\nDP  - 2020 Jan\n\nPMID- 222\nDP  - 2020 Feb\n"
    upload = {**kept("two.nbib", content), "skip_refused": True}
    checked = uploads.check(**upload)
    again = type(checked).from_json(json.loads(json.dumps(checked.as_json())))
    assert again == checked
    assert again.summary() == checked.summary()
    assert str(again.refused[0]).startswith("record 2 (PMID 222)")


def test_an_upload_is_too_large_past_the_limit_and_the_room_for_the_form(settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    assert not uploads.too_large(content_length=1024 * 1024 + 64 * 1024)
    assert uploads.too_large(content_length=1024 * 1024 + 64 * 1024 + 1)
