import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.importers import uploads


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
