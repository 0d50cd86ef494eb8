"""Group commit for intake: one writer thread stores queued submissions in shared transactions.

Why: every intake request is a write, and on SQLite writes are serial anyway. A transaction per
request in the threadpool cost a thread hop, BEGIN IMMEDIATE and COMMIT each, and the threads
queued on the write lock while handing the GIL back and forth with the event loop. Here the
event loop queues a submission and awaits a future; the writer takes everything queued (up to
`max_batch`), stores it in ONE transaction, commits, and only then resolves the futures, so a
202 still means "durably stored". There is no artificial wait: an idle server commits a single
submission at once, a busy one batches whatever arrived during the previous commit.

A failing submission must not fail its neighbours: if a batch's transaction raises, it is
rolled back and its submissions are stored again one transaction each. One the database refuses
to store (a value its column type rejects) is kept as a dead letter instead: a 422 the sender
sees and ops can replay, not a 500 that loses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.exc import DataError, DBAPIError, StatementError

from flows.receive import Received, keep_dead_letter
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.web.sources import accept_in

log = logging.getLogger("leadflow.web.intake")


@dataclass
class _Pending:
    source: str
    body: bytes
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Received]


_STOP = None  # the queue's sentinel


class IntakeWriter:
    """The process's single intake writer (thread-safe; start/stop may repeat, as tests do)."""

    def __init__(self, store: Store, settings: Settings, *, max_batch: int = 64) -> None:
        self.store = store
        self.settings = settings
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0  # transactions committed (a batch, or one retried submission)

    async def accept(self, source: str, body: bytes) -> Received:
        """Store one submission (or its dead letter); returns once its transaction committed."""
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Received] = loop.create_future()
        self._queue.put(_Pending(source, body, loop, future))
        return await future

    def start(self) -> None:
        """Start the writer thread if it is not running (lazily on the first submission)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="intake-writer",
                                                daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Store everything queued, then stop the thread (blocking: call it off the loop)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(_STOP)
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            _settle(batch, self._write(batch))
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> list[Received | BaseException]:
        try:
            with self.store.session() as session:
                results: list[Received | BaseException] = [
                    accept_in(session, self.settings, item.source, item.body) for item in batch]
            self.batches += 1
            return results
        except Exception as exc:  # the batch's boundary: each item is retried on its own
            if len(batch) == 1:
                return [self._failed(batch[0], exc)]
        log.warning("intake: a batch of %d failed; storing them one by one", len(batch))
        return [self._write_one(item) for item in batch]

    def _write_one(self, item: _Pending) -> Received | BaseException:
        try:
            with self.store.session() as session:
                received = accept_in(session, self.settings, item.source, item.body)
            self.batches += 1
            return received
        except Exception as exc:
            return self._failed(item, exc)

    def _failed(self, item: _Pending, exc: Exception) -> Received | BaseException:
        if _refused_value(exc):
            return self._keep_refused(item, exc)
        # The database is unavailable or broken: a 500 to that request alone (the sender
        # retries; the Forms reconciler picks the response up either way).
        log.exception("intake %s: storing a submission failed", item.source, exc_info=exc)
        return exc

    def _keep_refused(self, item: _Pending, refused: Exception) -> Received | BaseException:
        cause = type(getattr(refused, "orig", None) or refused).__name__
        log.error("intake %s: the database refused a submission (%s); keeping a dead letter",
                  item.source, cause)
        errors = [f"body: the database refused to store it ({cause}); replay it once fixed"]
        try:
            text: str | None = item.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        # As text if the database takes it, else as the bytes themselves (base64 is ASCII).
        forms: list[str | bytes] = [item.body] if text is None else [text, item.body]
        failure: BaseException = refused
        for raw in forms:
            try:
                with self.store.session() as session:
                    received = keep_dead_letter(session, item.source, raw, errors)
                self.batches += 1
                return received
            except Exception as exc:
                failure = exc
        log.error("intake %s: keeping a dead letter failed too: %s", item.source,
                  type(failure).__name__)
        return failure


def _refused_value(exc: Exception) -> bool:
    # DataError: a value the column type refuses (PostgreSQL: too long, a NUL). A StatementError
    # that is no DBAPIError: the driver could not even send a value (e.g. it does not encode).
    # Everything else (connection lost, locked, disk full) is the database's trouble, not the
    # submission's.
    return isinstance(exc, DataError) or (
        isinstance(exc, StatementError) and not isinstance(exc, DBAPIError))


def _settle(batch: list[_Pending], results: list[Received | BaseException]) -> None:
    # One wake-up per event loop per batch (not one per request): call_soon_threadsafe writes
    # to the loop's self-pipe, which showed up in the profile when done per request.
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Received],
                                                        Received | BaseException]]]
    by_loop = defaultdict(list)
    for item, result in zip(batch, results, strict=True):
        by_loop[item.loop].append((item.future, result))
    for loop, outcomes in by_loop.items():
        # A closed loop (its server stopped) has nobody waiting for these answers.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_resolve, outcomes)


def _resolve(outcomes: list[tuple[asyncio.Future[Received], Received | BaseException]]) -> None:
    for future, result in outcomes:
        if future.done():  # the request was cancelled (client gone); its row is stored anyway
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
