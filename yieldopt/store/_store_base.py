"""Transactions and in-process state shared by the parts of :class:`~yieldopt.store.Store`.

Every write runs in one transaction. On SQLite, writes also pass an in-process lock, so
the threads of one server queue in memory instead of polling SQLite's busy handler
(other processes still wait on the database lock with the busy timeout), and bookings
and cancellations are group-committed by one writer thread
(:class:`~yieldopt.store.GroupCommitter`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from sqlalchemy import Connection, Engine, select

from ._cache import ControlsCache
from ._engine import is_sqlite
from ._writer import GroupCommitter

__all__ = ["StoreBase"]

T = TypeVar("T")


class StoreBase:
    """The engine, its transactions and the evaluate cache, for the parts of the store.

    :class:`~yieldopt.store.Store` combines this with the operations on networks,
    decisions and bookings; use it, not this class.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        See :class:`~yieldopt.store.Store`.
    evaluate_ttl : float
        See :class:`~yieldopt.store.Store`.
    """

    def __init__(self, engine: Engine, *, evaluate_ttl: float = 1.0) -> None:
        self.engine = engine
        sqlite = is_sqlite(engine)
        self._lock = threading.Lock() if sqlite else nullcontext()
        self._cache = ControlsCache(evaluate_ttl)
        # SQLite: bookings and cancellations share commits (one disk sync per batch).
        self._committer = GroupCommitter(engine, self._lock) if sqlite else None

    def close(self) -> None:
        """Finish queued writes and close the database connections."""
        if self._committer is not None:
            self._committer.close()
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """Open a write transaction (behind the in-process write lock on SQLite)."""
        with (
            self._lock,
            self.engine.connect().execution_options(yieldopt_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Open a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _run_write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(conn)`` in a write transaction: group-committed on SQLite."""
        if self._committer is not None:
            return self._committer.run(work)
        with self._write() as conn:
            return work(conn)

    def ping(self) -> bool:
        """Whether the database answers."""
        with self._read() as conn:
            return conn.execute(select(1)).scalar_one() == 1
