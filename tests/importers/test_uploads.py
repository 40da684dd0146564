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


@pytest.mark.django_db
def test_a_checked_upload_waits_until_it_is_confirmed_once_then_is_removed(upload_dir):
    waiting = {}
    checked = uploads.check(
        upload=SimpleUploadedFile("seed.txt", SEED_PAGE.read_bytes()), format="", skip_refused=False, waiting=waiting
    )
    assert checked.result.summary().startswith("seed.txt: would be: created 1, updated 0, unchanged 0")
    assert list(waiting) == [checked.token]
    assert CaseReport.objects.count() == 0

    done = uploads.confirm(token=checked.token, waiting=waiting, user=None)
    assert done.summary().startswith("seed.txt: imported: created 1, updated 0, unchanged 0")
    assert (waiting, list(upload_dir.iterdir())) == ({}, [])
    assert uploads.confirm(token=checked.token, waiting=waiting, user=None) is None
    assert CaseReport.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_upload_is_removed_at_once_and_cannot_be_confirmed(upload_dir):
    waiting = {}
    checked = uploads.check(
        upload=SimpleUploadedFile("page.html", b"<!DOCTYPE html><html></html>"),
        format="",
        skip_refused=False,
        waiting=waiting,
    )
    assert (checked.token, waiting, list(upload_dir.iterdir())) == ("", {}, [])


@pytest.mark.django_db
def test_a_token_not_waiting_here_imports_nothing(upload_dir):
    token = uploads.keep(SimpleUploadedFile("seed.txt", SEED_PAGE.read_bytes()))
    assert uploads.confirm(token=token, waiting={}, user=None) is None
    assert CaseReport.objects.count() == 0


def test_an_upload_is_too_large_past_the_limit_and_the_room_for_the_form(settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    assert not uploads.too_large(content_length=1024 * 1024 + 64 * 1024)
    assert uploads.too_large(content_length=1024 * 1024 + 64 * 1024 + 1)
