"""Cleaning of text read from files, shared by every reader."""

import re
import unicodedata

# C0 and C1 control characters other than newline; NUL among them (PostgreSQL refuses NUL in text; SQLite
# would store it, so the two databases would disagree).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def strip_controls(text: str) -> str:
    """Only the control characters out; layout (indentation, runs of spaces) stays for readers that use it."""
    return _CONTROL.sub("", text)


def clean(text: str | None) -> str:
    """Text as stored: NFC, no control characters, tabs and runs of spaces as one space, no surrounding space.

    Newlines are kept (paragraphs of abstracts and COI statements), with CRLF and CR as LF.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", text).strip()


def clean_line(text: str | None) -> str:
    """Like clean(), and newlines become spaces too (titles, names, journal names)."""
    return " ".join(clean(text).split())
