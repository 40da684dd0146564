"""Reading a large file in a second process while the first writes: the import then uses two cores.

Reading (decompressing, parsing, cleaning text) and reading a case report's suggested case from its abstract take
about as long as writing the rows does. In a child process they run beside the writer: the child sends the records,
in chunks, with the suggested case of each article already read (ArticleRecord.suggested), and the writer takes
them as they come. What the writer sees is what the reader yields, in the same order: records, refused records,
and the error that stops an unreadable file part-way through, raised in the writer's process where it would have
been raised anyway.

The child is forked (POSIX only) and never touches the database: the connection the parent holds stays the
parent's. It is stopped when the import ends early for any reason, and stops by itself when the writer is killed.
"""

import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable, Iterator

from reports.cases.records import ArticleRecord
from reports.importers.errors import RecordError

CHUNK = 200  # records per message: large enough to keep the pickling cheap, small enough to start writing soon
AHEAD = 8  # chunks the reader may be ahead of the writer: bounds the memory used
MIN_BYTES = 2 * 1024 * 1024  # smaller files are read in the writer's process: a second one is not worth its start

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


def read_ahead(make_records: Callable[[], Iterable], *, suggest: bool) -> Iterator:
    """The items `make_records()` yields, read in a child process. `make_records` is called in the child."""
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
                    raise RuntimeError(f"the process reading the file stopped (exit code {child.exitcode})") from None
                continue
            if kind == _RECORDS:
                yield from payload
            elif kind == _FAILED:
                raise payload
            else:
                return
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        channel.close()


def _read(make_records, suggest: bool, channel, parent: int) -> None:
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
    except Exception as error:  # a reader's bug: the writer's process says so, instead of waiting forever
        send((_FAILED, RuntimeError(f"reading the file failed: {type(error).__name__}: {error}")))
    finally:
        channel.close()
        if os.getppid() != parent:
            channel.cancel_join_thread()  # nobody reads the rest: do not wait to send it
        channel.join_thread()  # everything sent before the process ends
        os._exit(0)  # no clean-up of objects inherited from the parent (its database connection above all)
