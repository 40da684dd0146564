"""The limits on how much of a file is held in memory (reports/importers/limits.py), for the formats that are read
whole or by the line; PubMed XML's limits per record are tested with its reader (test_pubmed_xml.py)."""

import io

import pytest

from reports.importers import limits
from reports.importers.casebase_json import read_casebase_json
from reports.importers.errors import RecordError
from reports.importers.medline import read_medline
from reports.importers.pubmed_csv import read_pubmed_csv
from reports.importers.pubmed_page import read_pubmed_page


class Endless(io.RawIOBase):
    """`head`, then 16 MB of one letter, made as it is read and counting what was read. Four times the limits the
    tests set, and no more: a reader that read it whole would still take only tens of megabytes."""

    def __init__(self, head: bytes, size: int = 16 * 1024 * 1024):
        self.head, self.block, self.left, self.read_so_far = head, b"a" * 65_536, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.head[: len(buffer)] if self.head else self.block[: min(len(buffer), self.left)]
        if self.head:
            self.head = self.head[len(data) :]
        else:
            self.left -= len(data)
        buffer[: len(data)] = data
        self.read_so_far += len(data)
        return len(data)


def refusal(read, raw: Endless) -> RecordError:
    with pytest.raises(RecordError) as caught:
        list(read(io.BufferedReader(raw), source="big"))
    return caught.value


@pytest.mark.parametrize(
    ("read", "head", "limit", "words"),
    [
        (read_medline, b"PMID- 1\nAB  - ", "MEDLINE_BYTES", "MEDLINE files"),
        (read_pubmed_page, b"Cureus. 2019 Mar 11;11(3):e4225.\n\n", "PAGE_BYTES", "PubMed pages"),
        (read_casebase_json, b'{"format": "casebase", "version": 1, "reports": ["', "JSON_BYTES", "casebase exports"),
    ],
    ids=["medline", "pubmed_page", "casebase_json"],
)
def test_a_file_read_whole_is_refused_past_its_limit_having_read_no_more(read, head, limit, words, monkeypatch):
    monkeypatch.setattr(limits, limit, 2 * 1024 * 1024)
    raw = Endless(head)

    error = refusal(read, raw)

    assert str(error) == (
        f"big: the file is larger than 2 MB: casebase reads {words} of at most 2 MB; split it into smaller files"
    )
    assert raw.read_so_far <= 2 * 1024 * 1024 + 128 * 1024  # what was buffered past the limit, no more


def test_a_csv_line_longer_than_the_limit_is_refused_having_read_no_more():
    raw = Endless(b"PMID,Title\n1,A case\n2,")

    error = refusal(read_pubmed_csv, raw)

    assert str(error) == (
        "big: line 3 is longer than 4 MB: casebase reads CSV lines of at most 4 MB, far longer than a PubMed export has"
    )
    assert raw.read_so_far <= 4 * 1024 * 1024 + 128 * 1024


def test_a_file_just_within_a_limit_is_read():
    data = b"PMID- 1\nTI  - A case of something.\nDP  - 2020\n"
    stream = limits.Bounded(io.BytesIO(data), limit=len(data), source="x", what="MEDLINE files")
    assert stream.read() == data
    assert stream.read() == b""


def test_sizes_read_as_a_curator_reads_them():
    assert [limits.size(n) for n in (512 * 1024, 16 * 1024 * 1024, 1024 * 1024 * 1024)] == ["512 KB", "16 MB", "1 GB"]
