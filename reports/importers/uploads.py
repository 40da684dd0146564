"""Files uploaded in the admin, kept between the dry run a curator looks at and the import they confirm."""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

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
