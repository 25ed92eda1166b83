"""Database engines: a SQLite file by default (WAL, busy timeout), PostgreSQL by URL.

SQLite transactions are started explicitly: ``BEGIN IMMEDIATE`` for connections marked
``execution_options(yieldopt_write=True)`` (the write lock is taken up front, so a
read-then-write transaction can never fail half-way on a lock upgrade) and a plain
deferred ``BEGIN`` for reads, which in WAL mode never wait for writers.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.pool import StaticPool

from ._errors import StoreError

__all__ = ["DEFAULT_URL", "create_engine", "is_sqlite"]

DEFAULT_URL = "sqlite:///yieldopt.db"

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The engine.
    """
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: sa.URL, busy_timeout: float, synchronous: Synchronous) -> Engine:
    memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": busy_timeout, "check_same_thread": False},
    }
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        kwargs.update(pool_size=8, max_overflow=32, pool_timeout=60)
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN; pysqlite must not start its own.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("yieldopt_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def create_engine(
    url: str | sa.URL | None = None,
    *,
    busy_timeout: float = 10.0,
    synchronous: Synchronous = "FULL",
    pool_size: int = 10,
) -> Engine:
    """Create the SQLAlchemy engine of a store.

    Parameters
    ----------
    url : str or sqlalchemy.URL, optional
        ``sqlite:///path.db`` (default ``sqlite:///yieldopt.db``), ``sqlite://`` for an
        in-memory database, or ``postgresql+psycopg://user@host/db`` (needs the
        ``postgres`` extra).
    busy_timeout : float
        SQLite: seconds a writer waits for another process's write lock.
    synchronous : {"FULL", "NORMAL", "EXTRA", "OFF"}
        SQLite ``PRAGMA synchronous``. ``FULL`` (default) syncs the write-ahead log at
        every commit, so an accepted booking survives a power loss; ``NORMAL`` survives
        a process crash only.
    pool_size : int
        PostgreSQL: connections kept open (twice as many may be opened under load).

    Returns
    -------
    sqlalchemy.Engine

    Raises
    ------
    StoreError
        On a URL of an unsupported database.
    """
    try:
        parsed = sa.make_url(url or DEFAULT_URL)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"invalid database URL: {exc}") from None
    if str(synchronous).upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise StoreError(f"invalid SQLite synchronous mode {synchronous!r}")
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, busy_timeout, str(synchronous).upper())  # type: ignore[arg-type]
    if backend == "postgresql":
        return sa.create_engine(
            parsed, pool_size=pool_size, max_overflow=2 * pool_size, pool_pre_ping=True
        )
    raise StoreError(f"unsupported database {backend!r}: use sqlite or postgresql+psycopg")
