"""The file formats casebase imports, each with its reader: the one list that detection, the import, the upload
form and the import command all take the formats from.

A format's name is what an imported report keeps as CaseReport.source_format, so every reader here has a value of
CaseReport.SourceFormat and every value but "curator" has a reader (tests/importers/test_readers.py checks both).
The order is the order a refused file's message and the upload form list them in.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from reports.cases.records import ArticleRecord, TermRecord
from reports.importers import casebase_json, medline, pubmed_csv, pubmed_page, pubmed_xml
from reports.importers.errors import RecordError


class ReadFile(Protocol):
    """What every reader module offers: a function from a binary stream to records, read as they are needed.

    A record that cannot be read is yielded as a RecordError and reading goes on; a file that cannot be read at all
    raises one. `source` names the file in those errors.
    """

    def __call__(self, stream: BinaryIO, *, source: str) -> Iterator[ArticleRecord | TermRecord | RecordError]: ...


@dataclass(frozen=True)
class Reader:
    format: str  # the CaseReport.SourceFormat value of what it imports
    label: str  # how the upload form and a refused file's message name the format
    read: ReadFile


READERS: dict[str, Reader] = {
    reader.format: reader
    for reader in (
        Reader(format="pubmed_page", label="PubMed abstract page (text)", read=pubmed_page.read_pubmed_page),
        Reader(format="medline", label="MEDLINE / .nbib", read=medline.read_medline),
        Reader(format="pubmed_xml", label="PubMed XML (.xml or .xml.gz)", read=pubmed_xml.read_pubmed_xml),
        Reader(format="pubmed_csv", label="PubMed CSV", read=pubmed_csv.read_pubmed_csv),
        Reader(format="casebase_json", label="casebase JSON export", read=casebase_json.read_casebase_json),
    )
}
