"""Importing an uploaded file in two steps: keep it (`keep`) and dry-run it (`check`), then import it when the
curator confirms (`confirm`). The file is kept between the two under a random token that only the server knows:
the admin runs both steps as jobs (reports/jobs/imports.py), each owned by the curator who uploaded the file, so
nobody else can confirm it."""

import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser

from reports.importers.results import ImportResult, Problem
from reports.importers.service import import_file

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# An upload nobody confirmed within a day is not going to be: it is removed when the next one arrives.
KEEP_SECONDS = 24 * 60 * 60


def _folder() -> Path:
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(upload) -> str:
    """Save an uploaded file under a random token; the token is all the browser ever sees."""
    folder = _folder()
    for old in folder.iterdir():
        if _TOKEN.match(old.name) and old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with open(folder / token, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def path(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    candidate = _folder() / token
    return candidate if candidate.exists() else None


def discard(token: str) -> None:
    found = path(token)
    if found:
        found.unlink(missing_ok=True)


def too_large(*, content_length: int) -> bool:
    """Whether a request of this many bytes brings more than the upload limit, so it is refused unread. The form's
    other fields and the multipart framing get 64 KB beyond the file's own limit."""
    return content_length > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024


def importable(result: ImportResult) -> bool:
    """Whether a checked file may be imported: nothing refused, or the curator chose to leave the refused out."""
    return result.ok or result.skip_refused  # the import turns skip_refused off when the file is unreadable


def check(
    *, token: str, name: str, format: str, skip_refused: bool, on_bytes: Callable[[int], None] | None = None
) -> ImportResult:
    """See what importing a kept upload would change (a dry run). A file that cannot be imported is removed at once;
    one that can waits for `confirm`. `format` is empty to detect it from the file."""
    stored = path(token)
    if stored is None:
        result = ImportResult(source=name, format=format, dry_run=True)
        result.refused.append(Problem(None, None, "", "the uploaded file is no longer kept; upload it again"))
        return result
    result = import_file(
        file=stored, name=name, format=format or None, dry_run=True, skip_refused=skip_refused, on_bytes=on_bytes
    )
    if not importable(result):
        discard(token)
    return result


def confirm(
    *,
    token: str,
    name: str,
    format: str,
    skip_refused: bool,
    user: AbstractBaseUser | None,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportResult | None:
    """Import a checked upload for `user`, then remove its file. None when its file is gone (confirmed already, or
    removed since)."""
    stored = path(token)
    if stored is None:
        return None
    try:
        return import_file(
            file=stored,
            name=name,
            format=format or None,
            skip_refused=skip_refused,
            user=user,
            via="admin",
            on_bytes=on_bytes,
        )
    finally:
        discard(token)
