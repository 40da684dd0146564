"""import_file: the one path from a file (a path, or an upload in the admin) to the database."""

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, OperationalError

from reports.importers import readahead
from reports.importers.errors import RecordError
from reports.importers.readers import READERS
from reports.importers.results import ImportResult, Problem
from reports.importers.upsert import import_records

logger = logging.getLogger(__name__)


class _CountingReader:
    """Counts the bytes read from the file itself (before any decompression), for the progress bar."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None]):
        self.raw = raw
        self.on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.on_read(len(data))
        return data

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.on_read(count or 0)
        return count

    def __getattr__(self, name):
        return getattr(self.raw, name)


def _read_or_refuse(records: Iterable, *, source: str) -> Iterator:
    """The reader's items. A reader that fails in a way it does not say itself (a bug, or memory) refuses the file
    with the reason, as any unreadable file is, instead of ending the import with a traceback."""
    iterator = iter(records)
    try:
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except RecordError:
                raise
            except Exception as error:
                logger.exception("reading %s failed", source)
                reason = f"{type(error).__name__}: {str(error)[:300]}".rstrip(": ")
                raise RecordError(f"the file could not be read: {reason}", source=source) from None
            yield item
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # a reading process stops now, not when the reader is collected


def database_problem(error: Exception) -> str:
    """A database error during an import, as a curator can act on it."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    lowered = text.lower()
    if any(words in lowered for words in ("disk is full", "no space left", "could not extend file", "disk full")):
        return f"the database is out of disk space ({text}); nothing from this file was written"
    if isinstance(error, OperationalError) and any(
        words in lowered for words in ("connection", "connect", "could not translate host", "server closed")
    ):
        return f"the database could not be reached ({text}); nothing from this file was written"
    return f"the database refused the import ({text}); nothing from this file was written"


def log_outcome(result: ImportResult) -> None:
    """One line in the log for each import: the file, its format, the counts and how it ended ("imported", "dry
    run", "refused": nothing written because of refused records, "failed": the database refused the import); a
    warning when it ended with nothing written."""
    if result.written:
        outcome = "imported"
    elif result.refused and result.refused[0].field == "database":
        outcome = "failed"
    elif result.refused and not result.skip_refused:
        outcome = "refused"
    else:
        outcome = "dry run"
    if result.dry_run and outcome != "dry run":
        outcome += " (dry run)"
    logger.log(
        logging.INFO if outcome in ("imported", "dry run") else logging.WARNING,
        "import of %s (%s): %s; %d records: %d created, %d updated, %d unchanged, %d refused, %d suggested; "
        "import run %s; %.1f s",
        result.source,
        result.format or "format unknown",
        outcome,
        result.records,
        result.created,
        result.updated,
        result.unchanged,
        len(result.refused),
        result.suggested,
        result.import_run or "none",
        result.seconds,
    )


def _logged(function: Callable[..., ImportResult]) -> Callable[..., ImportResult]:
    @functools.wraps(function)
    def logging_outcome(**kwargs) -> ImportResult:
        result = function(**kwargs)
        log_outcome(result)
        return result

    return logging_outcome


@_logged
def import_file(
    *,
    file: str | os.PathLike | BinaryIO,
    name: str | None = None,
    format: str | None = None,
    dry_run: bool = False,
    skip_refused: bool = False,
    suggest: bool = True,
    user=None,
    via: str = "other",
    on_bytes: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Detect the file's format (unless `format` is given), read it and merge it into the database.

    `on_bytes` is called with the number of bytes of the file read so far, as reading goes on. `skip_refused`
    imports the readable records of a file that has some unreadable ones; `suggest` gives case reports the
    patients their abstract states, as suggestions; `user` and `via` say who ran the import, for its record and the
    history (see upsert.import_records). `parallel` reads the file in a second process while this one writes
    (readahead.py); by default files of a few megabytes and more are read so.
    """
    from reports.importers.detect import open_for_import

    source = (
        name or Path(os.fspath(file) if isinstance(file, str | os.PathLike) else getattr(file, "name", "upload")).name
    )
    opened = None
    try:
        if isinstance(file, str | os.PathLike):
            try:
                opened = open(file, "rb")  # noqa: SIM115 (closed in finally, after the reader is done)
            except FileNotFoundError as error:
                raise RecordError(f"no such file: {os.fspath(file)}", source=source) from error
            except IsADirectoryError as error:
                raise RecordError(f"{os.fspath(file)} is a folder, not a file", source=source) from error
            except OSError as error:
                raise RecordError(f"cannot open the file: {error.strerror}", source=source) from error
            file = opened
        if on_bytes:
            done = 0

            def count(n: int) -> None:
                nonlocal done
                done += n
                on_bytes(done)

            file = _CountingReader(file, count)
        size = os.fstat(opened.fileno()).st_size if opened is not None else None
        with open_for_import(file, source=source, format=format) as (detected, stream):
            read = READERS[detected].read
            if readahead.worth_it(size) if parallel is None else parallel:
                # A second process reads (and suggests) while this one writes: readahead.py.
                reader = readahead.read_ahead(lambda: read(stream, source=source), suggest=suggest, source=source)
            else:
                reader = read(stream, source=source)
            return import_records(
                records=_read_or_refuse(reader, source=source),
                source=source,
                source_format=detected,
                dry_run=dry_run,
                skip_refused=skip_refused,
                suggest=suggest,
                user=user,
                via=via,
            )
    except RecordError as error:
        result = ImportResult(source=source, format=format or "", dry_run=dry_run)
        result.refused.append(Problem(error.record, error.pmid, error.field, error.message))
        return result
    except DatabaseError as error:
        # The file's transaction was rolled back as a whole: say why, in words, instead of a traceback.
        result = ImportResult(source=source, format=format or "", dry_run=dry_run)
        result.refused.append(Problem(None, None, "database", database_problem(error)))
        return result
    finally:
        if opened is not None:
            opened.close()
