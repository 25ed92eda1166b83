"""Group commit for SQLite: one writer thread commits many bookings with one disk sync.

SQLite has one writer at a time, and a durable commit costs a sync of the write-ahead
log. Instead of every request thread queueing for the write lock and syncing on its own,
the threads hand their work to :class:`GroupCommitter`; its thread runs everything queued
so far in one ``BEGIN IMMEDIATE`` transaction, each piece inside its own savepoint (so a
piece that fails is rolled back alone), commits once, and only then wakes the callers. A
caller is answered only after its work is on disk, so no accepted booking is lost.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

__all__ = ["GroupCommitter"]

T = TypeVar("T")
_STOP = object()


class GroupCommitter:
    """A writer thread that runs queued work in shared transactions.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A SQLite engine (see :func:`~yieldopt.store.create_engine`).
    lock : context manager
        Held around each batch, shared with the store's other writes in this process.
    max_batch : int
        Most pieces of work per transaction.
    """

    def __init__(
        self, engine: Engine, lock: AbstractContextManager[Any], max_batch: int = 64
    ) -> None:
        self.engine = engine
        self.lock = lock
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(conn)`` in the next batch; return its result once committed.

        Raises
        ------
        Exception
            Whatever ``work`` raised (its savepoint is rolled back, the batch goes on),
            or the commit's error.
        """
        return self.submit(work).result()

    def submit(self, work: Callable[[Connection], T]) -> Future[T]:
        """Queue ``work(conn)`` for the next batch; the future resolves once committed."""
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="yieldopt-group-commit", daemon=True
                    )
                    self._thread.start()
        future: Future[T] = Future()
        self._queue.put((work, future))
        return future

    def close(self) -> None:
        """Stop the writer thread after the work already queued."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(10)
            self._thread = None

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(item is _STOP for item in batch)
            work = [item for item in batch if item is not _STOP]
            if work:
                self._commit(work)
            if stop:
                return

    def _commit(self, batch: list[tuple[Callable[[Connection], Any], Future[Any]]]) -> None:
        results: list[tuple[bool, Any]] = []
        try:
            with (
                self.lock,
                self.engine.connect().execution_options(yieldopt_write=True) as conn,
                conn.begin(),
            ):
                for work, _ in batch:
                    try:
                        with conn.begin_nested():
                            results.append((True, work(conn)))
                    except Exception as exc:
                        results.append((False, exc))
        except Exception as exc:  # the commit (or BEGIN) failed: nothing was written
            for _, future in batch:
                future.set_exception(exc)
            return
        for (ok, value), (_, future) in zip(results, batch, strict=True):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
