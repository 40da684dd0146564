"""How much of a file casebase holds in memory at once, and the one stream wrapper that enforces a whole-file limit.

A reader's memory has to stay bounded whatever the file holds: a few megabytes of gzip can hold gigabytes of XML or
text. PubMed XML is read as a stream, so its limits are per record (pubmed_xml.py); the formats that are read whole
(MEDLINE, the PubMed page, casebase JSON) are read through `Bounded`, and CSV line by line with a longest line.

Each limit is far above what real files need: the largest of the 50,788 records in two PubMed baseline files has
12,645 XML elements and 528 KB of XML, and PubMed's own exports stop at 10,000 records. The figures of reading files
that unpack to gigabytes are printed by bench/import_bomb.py.
"""

from typing import BinaryIO

from reports.importers.errors import RecordError

MB = 1024 * 1024

# PubMed XML, per record (and per stretch of the file between two records). libxml2 adds its own limits, kept on
# (huge_tree off): 256 levels of nesting and 10 MB in one text or attribute value.
RECORD_ELEMENTS = 250_000  # the largest real record has 12,645; each element costs a few hundred bytes in memory
RECORD_BYTES = 16 * 1024 * 1024  # the largest real record is 528 KB of XML

# Files read whole, in bytes (after decompression): each is held in memory whole while it is read.
MEDLINE_BYTES = 128 * 1024 * 1024  # PubMed saves at most 10,000 records as MEDLINE, a few tens of megabytes
PAGE_BYTES = 8 * 1024 * 1024  # one abstract page saved as text is a few tens of kilobytes
# A casebase export holds the whole database (about 12 KB a report with references, in the test files) and must be
# imported again whole, so its limit is the largest: it stops a gzip bomb, not a large export.
JSON_BYTES = 1024 * 1024 * 1024

# CSV, per line. The csv module caps a field at 131,072 characters on its own.
CSV_LINE_BYTES = 4 * 1024 * 1024


def size(n: int) -> str:
    """`n` bytes as a curator reads it: '16 MB', '512 KB'."""
    if n >= 1024 * MB and n % (1024 * MB) == 0:
        return f"{n // (1024 * MB):,} GB"
    return f"{n // MB:,} MB" if n >= MB else f"{n // 1024:,} KB"


class Bounded:
    """A binary stream that raises RecordError once more than `limit` bytes have been read from it."""

    def __init__(self, stream: BinaryIO, *, limit: int, source: str, what: str):
        self.stream, self.limit, self.source, self.what = stream, limit, source, what
        self.done = 0

    def read(self, n: int = -1) -> bytes:
        # Never more than one byte past the limit, so that a read(-1) cannot take the whole file either.
        room = self.limit + 1 - self.done  # at least 1: the read that passes the limit raises
        data = self.stream.read(room if n is None or n < 0 else min(n, room)) or b""
        self.done += len(data)
        if self.done > self.limit:
            raise RecordError(
                f"the file is larger than {size(self.limit)}: casebase reads {self.what} of at most "
                f"{size(self.limit)}; split it into smaller files",
                source=self.source,
            )
        return data
