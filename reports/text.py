"""Reading and cleaning of text from files, shared by every reader."""

import codecs
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


READ_SIZE = 64 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class NotUTF8(ValueError):
    """A byte that is not UTF-8: where it is in the file (`offset` from 0, `line` from 1) and its value."""

    def __init__(self, *, offset: int, byte: int, line: int):
        self.offset, self.byte, self.line = offset, byte, line
        super().__init__(f"byte 0x{byte:02x} at offset {offset} (line {line}) is not UTF-8")


def read_utf8(stream) -> str:
    """The whole file as text, without a leading byte order mark.

    It is decoded as it is read, so that a file that is not UTF-8 (a binary file, or text in another encoding) is
    refused at its first bad byte, having read that far, instead of being read whole first. Raises NotUTF8.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts: list[str] = []
    done = 0
    while True:
        chunk = stream.read(READ_SIZE) or b""
        try:
            parts.append(decoder.decode(chunk, final=not chunk))
        except UnicodeDecodeError as error:
            held = len(error.object) - len(chunk)  # the start of a character the previous chunk ended inside
            before = "".join(parts) + error.object[: error.start].decode("utf-8")
            line = len(_LINE_BREAK.split(before))
            raise NotUTF8(offset=done - held + error.start, byte=error.object[error.start], line=line) from None
        if not chunk:
            return "".join(parts).removeprefix("\ufeff")
        done += len(chunk)
