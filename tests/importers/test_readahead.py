"""Reading in a second process (reports.importers.readahead) gives the database exactly what reading in the
writer's process gives: the same records, suggestions, refusals and errors, and nothing written from a file that
breaks part-way."""

import ctypes
import dataclasses
import gzip
import os
import pickle
import re
import signal
from pathlib import Path

import pytest
from django.db import connection

from reports.exporters import iter_json
from reports.importers import readahead, readers
from reports.importers.errors import RecordError
from reports.importers.service import import_file
from reports.models import CaseReport, ImportRun, Journal, Keyword, MeshDescriptor, Substance

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,  # every import here forks a reader process; the synthetic file alone takes about 6 s
    pytest.mark.skipif(not readahead.available(), reason="reading ahead needs fork (POSIX)"),
]

PUBMED = Path(__file__).resolve().parent.parent / "data" / "pubmed"
FILES = [
    PUBMED / "metapub" / "25364329.xml",
    PUBMED / "biopython" / "pubmed4.xml",
    PUBMED / "biopython" / "pubmed7.xml",
]


def _export() -> str:
    """Everything the export carries, but the times of writing (the two imports run a second apart)."""
    text = "".join(iter_json(CaseReport.objects.order_by("pmid")))
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"]*", "(time)", text)


def _forget_everything():
    CaseReport.objects.all().delete()
    for model in (Journal, Keyword, MeshDescriptor, Substance):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """450 generated case reports: several chunks, and patients suggested from their abstracts."""
    from bench.synth import PROFILE
    from bench.synth import generate as synth

    path = tmp_path_factory.mktemp("readahead") / "synth-450.xml.gz"
    synth.write(reports=450, seed=3, out=path, profile=synth.load_profile(PROFILE), case_share=1.0)
    return path


@pytest.mark.parametrize("name", [*(p.name for p in FILES), "synthetic"])
def test_a_file_read_ahead_imports_exactly_as_read_in_one_process(name, request):
    path = request.getfixturevalue("synthetic") if name == "synthetic" else next(p for p in FILES if p.name == name)
    alone = import_file(file=path, parallel=False)
    if name == "synthetic":
        assert (alone.created, alone.suggested > 100) == (450, True)
    expected = _export()
    _forget_everything()
    ahead = import_file(file=path, parallel=True)
    assert ahead.written
    assert (ahead.created, ahead.suggested, ahead.refused, ahead.conflicts) == (
        alone.created,
        alone.suggested,
        alone.refused,
        alone.conflicts,
    )
    assert _export() == expected
    assert import_file(file=path, parallel=True).unchanged == alone.created  # and re-reading it changes nothing


def test_a_file_that_breaks_part_way_is_refused_with_the_same_words_and_nothing_written(tmp_path):
    broken = tmp_path / "broken.xml.gz"
    data = (PUBMED / "biopython" / "pubmed4.xml").read_bytes()
    broken.write_bytes(gzip.compress(data[: len(data) * 2 // 3]))
    alone = import_file(file=broken, parallel=False)
    ahead = import_file(file=broken, parallel=True)
    assert not ahead.written
    assert [p.message for p in ahead.refused] == [p.message for p in alone.refused]
    assert ahead.refused
    assert not CaseReport.objects.exists()
    assert not ImportRun.objects.exists()


def test_a_dry_run_read_ahead_writes_nothing():
    result = import_file(file=FILES[1], parallel=True, dry_run=True)
    assert result.created == 1
    assert not CaseReport.objects.exists()


def test_a_reader_that_fails_unexpectedly_stops_the_import_with_its_reason():
    def broken_reader():
        yield from []
        raise KeyError("no such element")

    with pytest.raises(RecordError) as caught:
        list(readahead.read_ahead(broken_reader, suggest=False, source="a.xml"))
    assert str(caught.value) == "a.xml: the file could not be read: KeyError: 'no such element'"


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        (lambda: os._exit(0), "the process reading it stopped before the end of the file (exit code 0)"),
        (
            lambda: os.kill(os.getpid(), signal.SIGKILL),
            "the process reading it was stopped by SIGKILL (the system may have run out of memory)",
        ),
    ],
    ids=["exits", "is-killed"],
)
def test_a_reading_process_that_dies_is_the_files_refusal(how, reason):
    def dying_reader():
        yield 1
        how()

    with pytest.raises(RecordError) as caught:
        list(readahead.read_ahead(dying_reader, suggest=False, source="a.xml"))
    assert str(caught.value) == f"a.xml: the file could not be read: {reason}"


def test_a_reading_process_that_dies_is_refused_through_import_file_with_nothing_written(tmp_path, monkeypatch):
    def dies(stream, *, source):
        yield from []
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setitem(readers.READERS, "pubmed_xml", dataclasses.replace(readers.READERS["pubmed_xml"], read=dies))
    result = import_file(file=FILES[1], parallel=True)
    assert [p.message for p in result.refused] == [
        "the file could not be read: the process reading it was stopped by SIGKILL (the system may have run out "
        "of memory)"
    ]
    assert not CaseReport.objects.exists()
    assert not ImportRun.objects.exists()


def _socket_of(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="only a server's socket can hold its session")
@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc (Linux)")
def test_the_reading_process_keeps_no_copy_of_the_database_connection():
    connection.ensure_connection()
    fd = connection.connection.fileno()
    assert _socket_of(fd).startswith("socket:")
    seen = list(readahead.read_ahead(lambda: iter([_socket_of(fd)]), suggest=False))
    assert seen == ["/dev/null"]
    with connection.cursor() as cursor:  # the parent's connection is untouched
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_the_reading_process_is_killed_by_the_kernel_when_its_parent_dies():
    def death_signal() -> int:
        # prctl(PR_GET_PDEATHSIG) in the child itself: the kernel's promise, not a later check of the parent.
        libc = ctypes.CDLL(None)
        value = ctypes.c_int()
        libc.prctl(2, ctypes.byref(value), 0, 0, 0)
        return value.value

    assert list(readahead.read_ahead(lambda: iter([death_signal()]), suggest=False)) == [signal.SIGKILL]


def test_records_come_in_order_across_chunks():
    items = list(readahead.read_ahead(lambda: iter(range(readahead.CHUNK * 2 + 7)), suggest=False))
    assert items == list(range(readahead.CHUNK * 2 + 7))


def test_a_record_error_crosses_processes_whole():
    error = RecordError("unexpected end of file", source="a.xml", record=3, pmid=42, field="title")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.source, copy.record, copy.pmid, copy.field, str(copy)) == (
        error.message,
        error.source,
        error.record,
        error.pmid,
        error.field,
        str(error),
    )


def test_only_files_of_some_size_are_read_ahead_by_default():
    assert not readahead.worth_it(None)  # an upload of unknown size
    assert not readahead.worth_it(readahead.MIN_BYTES - 1)
    assert readahead.worth_it(readahead.MIN_BYTES)
