"""Importing an uploaded file in two steps: keep it and dry-run it (`check`), then import it when the curator
confirms (`confirm`). The file is kept between the two under a random token; `waiting` is where the caller keeps
the tokens its curator may confirm (the admin keeps them in the curator's session), so a token from anyone else
imports nothing."""

import re
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile

from reports.importers.results import ImportResult
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


@dataclass(frozen=True)
class Checked:
    """A dry run of an uploaded file."""

    result: ImportResult
    token: str  # confirms the import; empty when the file cannot be imported


def check(*, upload: UploadedFile, format: str, skip_refused: bool, waiting: MutableMapping[str, dict]) -> Checked:
    """Keep the uploaded file and see what importing it would change. A file that can be imported waits in
    `waiting` for `confirm`; one that cannot is removed at once. `format` is empty to detect it from the file."""
    token = keep(upload)
    result = import_file(
        file=path(token), name=upload.name, format=format or None, dry_run=True, skip_refused=skip_refused
    )
    if not (result.ok or (skip_refused and result.skip_refused)):
        discard(token)
        return Checked(result=result, token="")
    waiting[token] = {"name": upload.name, "format": format, "skip_refused": skip_refused}
    return Checked(result=result, token=token)


def confirm(*, token: str, waiting: MutableMapping[str, dict], user: AbstractBaseUser | None) -> ImportResult | None:
    """Import a checked upload for `user`, then remove its file. None when the token is not waiting in `waiting`
    (never checked here, or confirmed already) or its file is gone."""
    upload = waiting.pop(token, None)
    stored = path(token)
    if upload is None or stored is None:
        return None
    result = import_file(
        file=stored,
        name=upload["name"],
        format=upload["format"] or None,
        skip_refused=upload.get("skip_refused", False),
        user=user,
        via="admin",
    )
    discard(token)
    return result
