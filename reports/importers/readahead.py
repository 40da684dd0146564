"""Reading a large file in a second process while the first writes: the import then uses two cores.

Reading (decompressing, parsing, cleaning text) and reading a case report's suggested case from its abstract take
about as long as writing the rows does. In a child process they run beside the writer: the child sends the records,
in chunks, with the suggested case of each article already read (ArticleRecord.suggested), and the writer takes
them as they come. What the writer sees is what the reader yields, in the same order: records, refused records,
and the error that stops an unreadable file part-way through, raised in the writer's process where it would have
been raised anyway.

The child is forked (POSIX only) and never touches the database: the connection the parent holds stays the
parent's. The child lets go of its copy of that connection's socket at once (without a word to the server), so that
the server ends the parent's session, and rolls back its transaction, as soon as the parent dies, whatever the child
is doing then. The child is stopped when the import ends early for any reason, and dies with the writer: on Linux
the kernel kills it (PR_SET_PDEATHSIG), elsewhere it sees within a second that its parent is gone.

Whatever stops the child (a reader's bug, memory, a signal) reaches the writer as a RecordError that says the file
could not be read, never as a hang or a traceback.
"""

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from reports.cases.records import ArticleRecord
from reports.importers.errors import RecordError

CHUNK = 200  # records per message: large enough to keep the pickling cheap, small enough to start writing soon
AHEAD = 8  # chunks the reader may be ahead of the writer: bounds the memory used
MIN_BYTES = 2 * 1024 * 1024  # smaller files are read in the writer's process: a second one is not worth its start
PARENT_CHECK_SECONDS = 0.5  # how often the child asks whether the writer is still there (where the kernel cannot tell)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_END = "end"
_FAILED = "failed"
_RECORDS = "records"


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worth_it(size: int | None) -> bool:
    return available() and size is not None and size >= MIN_BYTES


def with_suggestions(records: Iterable) -> Iterator:
    """The reader's items, each article with the case its abstract suggests (read here, in the child)."""
    from reports.suggestions import suggest_for

    for item in records:
        if isinstance(item, ArticleRecord) and not item.patients:
            item.suggested = suggest_for(item)
        yield item


def read_ahead(make_records: Callable[[], Iterable], *, suggest: bool, source: str = "") -> Iterator:
    """The items `make_records()` yields, read in a child process. `make_records` is called in the child.
    `source` names the file in the error raised when the child fails."""
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=AHEAD)
    child = context.Process(target=_read, args=(make_records, suggest, channel, os.getpid()), daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=5)
            except queue.Empty:
                if not child.is_alive():
                    reason = _stopped(child.exitcode)
                    raise RecordError(f"the file could not be read: {reason}", source=source) from None
                continue
            if kind == _RECORDS:
                yield from payload
            elif kind == _FAILED:
                raise payload if isinstance(payload, RecordError) else RecordError(payload, source=source)
            else:
                return
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        channel.close()


def _stopped(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        hint = " (the system may have run out of memory)" if -exitcode == signal.SIGKILL else ""
        return f"the process reading it was stopped by {name}{hint}"
    return f"the process reading it stopped before the end of the file (exit code {exitcode})"


def _die_with(parent: int) -> None:
    """End this process when `parent` does, even while it is blocked (writing to a pipe nobody reads any more)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the kernel was told to watch it
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _let_go_of_databases() -> None:
    """Close this process's copies of the parent's database sockets, without the goodbye a close would send: the
    server then sees the connection end only when the parent's copy closes, and never waits for this process."""
    try:
        from django.db import connections
    except ImportError:
        return
    with open(os.devnull, "rb") as null:
        for connection in connections.all(initialized_only=True):
            fileno = getattr(connection.connection, "fileno", None)  # psycopg has one; SQLite's locks are not inherited
            if fileno is None:
                continue
            with contextlib.suppress(Exception):
                # dup2, not close: the number stays taken, so nothing opened later here is mistaken for the socket.
                os.dup2(null.fileno(), fileno())


def _read(make_records, suggest: bool, channel, parent: int) -> None:
    _die_with(parent)
    _let_go_of_databases()

    def send(message) -> None:
        while True:
            # Asked before every chunk, not only when the queue is full: a writer killed while it was keeping up
            # leaves the queue with room, and the reader would read the rest of the file for nobody.
            if os.getppid() != parent:  # the writer was killed: nobody will read this any more
                os._exit(1)
            try:
                channel.put(message, timeout=1)
                return
            except queue.Full:
                continue

    status = 0
    try:
        records = make_records()
        if suggest:
            records = with_suggestions(records)
        chunk = []
        for item in records:
            chunk.append(item)
            if len(chunk) >= CHUNK:
                send((_RECORDS, chunk))
                chunk = []
        if chunk:
            send((_RECORDS, chunk))
        send((_END, None))
    except RecordError as error:
        send((_FAILED, error))
    except BaseException as error:  # a reader's bug, or memory: the writer's process says so, instead of waiting
        chunk = None  # what was read so far goes, so that there is memory to say why
        status = 1
        with contextlib.suppress(BaseException):
            send((_FAILED, f"the file could not be read: {type(error).__name__}: {str(error)[:300]}"))
    finally:
        try:
            channel.close()
            if os.getppid() != parent:
                channel.cancel_join_thread()  # nobody reads the rest: do not wait to send it
            channel.join_thread()  # everything sent before the process ends
        finally:
            os._exit(status)  # no clean-up of objects inherited from the parent (its database connection above all)
