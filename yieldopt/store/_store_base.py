"""Transactions and in-process state shared by the parts of :class:`~yieldopt.store.Store`.

Every write runs in one transaction. On SQLite, writes also pass an in-process lock, so
the threads of one server queue in memory instead of polling SQLite's busy handler
(other processes still wait on the database lock with the busy timeout), and bookings
and cancellations are group-committed by one writer thread
(:class:`~yieldopt.store.GroupCommitter`).

Write transactions run through :meth:`StoreBase._transact` (or ``_run_write``), the one
place where deadlocks and serialization failures are retried (see
:mod:`yieldopt.store._retry`) and where database failures become
:class:`~yieldopt.store.UnavailableError`; reads translate the same failures.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from sqlalchemy import Connection, Engine, select

from ._cache import ControlsCache
from ._engine import is_sqlite
from ._retry import as_unavailable, is_transient, retrying
from ._writer import GroupCommitter

__all__ = ["StoreBase"]

T = TypeVar("T")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    run_lease : float
        See :class:`~yieldopt.store.Store`.
    """

    def __init__(
        self, engine: Engine, *, evaluate_ttl: float = 1.0, run_lease: float = 30.0
    ) -> None:
        self.engine = engine
        sqlite = is_sqlite(engine)
        self._lock = threading.Lock() if sqlite else nullcontext()
        self._cache = ControlsCache(evaluate_ttl)
        # SQLite: bookings and cancellations share commits (one disk sync per batch).
        self._committer = GroupCommitter(engine, self._lock) if sqlite else None
        #: Identifies this store (one per server process) as the owner of its runs.
        self.owner = uuid.uuid4().hex
        self.run_lease = float(run_lease)
        self._closed = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self._heartbeat_start = threading.Lock()
        #: The current instant (aware, UTC) that override expiries are checked against;
        #: tests replace it to move time on.
        self.clock: Callable[[], dt.datetime] = _utc_now

    def _now(self) -> dt.datetime:
        return self.clock()

    def close(self) -> None:
        """Finish queued writes and close the database connections."""
        self._closed.set()
        if self._heartbeat is not None:
            self._heartbeat.join(10)
        if self._committer is not None:
            self._committer.close()
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Open a read transaction (database failures become ``UnavailableError``)."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except Exception as exc:
            unavailable = as_unavailable(exc)
            if unavailable is None or unavailable is exc:
                raise
            raise unavailable from exc

    def _transact(
        self,
        work: Callable[[Connection], T],
        retry: Callable[[BaseException], bool] = is_transient,
    ) -> T:
        """Run ``work(conn)`` in a write transaction, again after a deadlock and the like.

        ``work`` must be safe to run again from the start (it is, since a failed attempt
        rolls back entirely) and keep no state between attempts.
        """

        def attempt() -> T:
            with (
                self._lock,
                self.engine.connect().execution_options(yieldopt_write=True) as conn,
                conn.begin(),
            ):
                return work(conn)

        return retrying(attempt, retry)

    def _run_write(
        self,
        work: Callable[[Connection], T],
        retry: Callable[[BaseException], bool] = is_transient,
    ) -> T:
        """Run ``work(conn)`` like :meth:`_transact`, group-committed on SQLite."""
        if self._committer is not None:
            committer = self._committer
            return retrying(lambda: committer.run(work), retry)
        return self._transact(work, retry)

    def ping(self) -> bool:
        """Whether the database answers."""
        with self._read() as conn:
            return conn.execute(select(1)).scalar_one() == 1
