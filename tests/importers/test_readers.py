"""The one list of formats casebase imports (reports/importers/readers.py)."""

import inspect

from reports.importers.readers import READERS
from reports.models import CaseReport


def test_every_reader_has_a_source_format_and_every_imported_source_format_has_a_reader():
    imported = {value for value in CaseReport.SourceFormat.values if value != CaseReport.SourceFormat.CURATOR}
    assert set(READERS) == imported


def test_every_reader_is_registered_under_its_own_format():
    assert all(name == reader.format for name, reader in READERS.items())


def test_every_reader_reads_a_binary_stream_and_takes_the_source_by_keyword():
    for reader in READERS.values():
        parameters = inspect.signature(reader.read).parameters
        assert list(parameters) == ["stream", "source"], reader.format
        assert parameters["source"].kind is inspect.Parameter.KEYWORD_ONLY, reader.format
