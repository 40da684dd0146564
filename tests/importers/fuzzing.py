"""What the import fuzz tests share: hostile inputs made from the real files in tests/data, and the one property
every input must have when it goes through import_file.

The property: a file is imported whole, or refused with the importer's own message (result.refused, each problem
saying in words what is wrong), and a refused file leaves every row of the database as it was. Nothing else may
happen: no exception out of import_file, no import that runs for ever, no part of a refused file left behind.
"""

import contextlib
import io
import random
import re
import signal
import time
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from hypothesis import currently_in_test_context, event
from hypothesis import strategies as st

import reports.search.index as search_index
from reports.importers.results import ImportResult, Problem
from reports.importers.service import import_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
# Every real file the tests have, whatever its format: PubMed's exports, abstract pages (the seed's among them),
# and the two that casebase refuses (an HTML page and a PMC full text).
EVERY_REAL_FILE = [
    *sorted(path for path in DATA.rglob("*") if path.suffix in {".xml", ".txt", ".nbib", ".csv", ".html"}),
    ROOT / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt",
]

# The real files import in well under a second each; an input that takes this long has sent a reader into a loop
# or a pattern into catastrophic backtracking.
HANG_SECONDS = 10
# A refusal is read by a curator in the admin or a terminal: a sentence or two, quoting a little of the file.
LONGEST_MESSAGE = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Bytes that readers, databases or browsers treat specially, spliced into real files: NUL and other control
# characters, line ends of every kind, a BOM and a right-to-left override in mid-file, broken UTF-8 (a lone lead
# byte, an encoded surrogate), numbers too large for any column, text whose case folding or normal form changes
# its length, digits that are not ASCII, and the markup and SQL of attacks.
HOSTILE_PIECES = [
    b"\x00",
    b"\x01\x02\x1b[2J",
    b"\x7f",
    "\x85\u2028\u2029".encode(),
    b"\r",
    b"\r\n",
    b"\n\n",
    "\ufeff".encode(),
    "\u202e".encode(),
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"99999999999999999999999999999999",
    b"2147483648",
    b"9223372036854775808",
    b"-1",
    b"0",
    b"1e999",
    b"NaN",
    "İßﬁ ǅ e\u0301 \U0001d518\U0001d52b".encode(),
    "١٢٣ ² ٣".encode(),
    "😀\u200d🔥".encode(),
    b"A" * 5000,
    b"<script>alert(1)</script>",
    b"' OR 1=1 --",
    b"'; DROP TABLE reports_casereport; --",
]


def real_files(*paths: Path) -> list[bytes]:
    return [path.read_bytes() for path in paths]


@st.composite
def damaged(draw, originals: list[bytes], pieces: list[bytes] = ()) -> bytes:
    """One of the real files, damaged in one to six places: a byte flipped, a piece inserted or put in place of a
    stretch, a stretch deleted, a stretch of a real file (this one or another) spliced in, or the file cut short.
    Half the places are in the first 300 bytes, where the headers and prologs that readers check first are."""
    data = bytearray(draw(st.sampled_from(originals)))
    piece = st.sampled_from([*HOSTILE_PIECES, *pieces]) | st.binary(min_size=1, max_size=16)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(0, min(len(data), 300)) | st.integers(0, len(data)))
        end = draw(st.integers(at, min(len(data), at + 300)))
        action = draw(st.sampled_from(["flip", "insert", "replace", "delete", "splice", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(piece)
        elif action == "replace":
            data[at:end] = draw(piece)
        elif action == "delete":
            del data[at:end]
        elif action == "splice":
            other = draw(st.sampled_from(originals))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start : start + draw(st.integers(0, 2000))]
        elif action == "truncate":
            del data[at:]
    return bytes(data)


class Hang(AssertionError):
    pass


@contextlib.contextmanager
def time_limit(seconds: float = HANG_SECONDS):
    """Fails the test, instead of stalling the run, when the block takes longer than `seconds`."""

    def interrupt(signum, frame):
        raise Hang(f"still running after {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # In case the interruption was swallowed by an `except Exception` on its way out.
    assert time.monotonic() - started < seconds, f"took {time.monotonic() - started:.1f} s"


def rows() -> dict[str, list[tuple]]:
    """Every row of every casebase table (history and import records included), and the size of the search index.

    Read with plain SQL: the ORM's conversions of a few thousand rows would take longer than the import."""
    tables = {}
    with connection.cursor() as cursor:
        for model in apps.get_app_config("reports").get_models():
            table, key = (connection.ops.quote_name(name) for name in (model._meta.db_table, model._meta.pk.column))
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            tables[model._meta.db_table] = cursor.fetchall()
    tables["search index"] = [search_index.index_size(connection)]
    return tables


def assert_clear(problem: Problem) -> None:
    """A refusal a curator can read: words, not a traceback, and short."""
    assert isinstance(problem, Problem)
    assert isinstance(problem.message, str)
    assert problem.message.strip(), problem
    text = str(problem)
    assert len(text) <= LONGEST_MESSAGE, f"{len(text)} characters: {text[:200]}..."
    assert not _CONTROL.search(text), repr(text)
    assert "Traceback" not in text


def assert_imports_whole_or_refuses_cleanly(
    data: bytes | io.RawIOBase, *, name: str, format: str | None = None, skip_refused: bool = False
) -> ImportResult:
    """Import `data` (as an upload would be: a binary file object) and check the property of the module docstring.

    With `skip_refused` the records that can be imported are, and the refused ones are listed (a file that cannot
    be read to its end is still refused whole). What the import writes is rolled back afterwards, so every example
    starts from the same rows.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with transaction.atomic():
        before = rows()
        with time_limit():
            result = import_file(file=stream, name=name, format=format, skip_refused=skip_refused)
        assert isinstance(result, ImportResult)
        if currently_in_test_context():  # --hypothesis-show-statistics shows how many inputs got how far
            event("imported" if result.written else f"refused ({result.format or 'format not told'})")
        for problem in result.refused:
            assert_clear(problem)
        if result.written:
            assert result.ok or skip_refused
            assert result.created + result.updated + result.unchanged <= result.records
            if result.ok:
                assert result.created + result.updated + result.unchanged == result.records
        else:
            assert result.refused
            assert result.summary().startswith(f"{name}: refused, nothing written")
            assert rows() == before
        transaction.set_rollback(True)
    return result


class RandomBytes(io.RawIOBase):
    """`size` random bytes, made as they are read: a large upload of garbage that is never in memory whole.
    `read_so_far` says how much of it the importer read."""

    def __init__(self, size: int, *, seed: int = 0):
        self.size = size
        self.read_so_far = 0
        self._random = random.Random(seed)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = self._random.randbytes(count)
        self.read_so_far += count
        return count
