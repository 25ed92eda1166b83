"""Transient database faults: deadlocks are retried, an unavailable database is a clear error."""

import sqlite3

import pytest
import sqlalchemy as sa

import yieldopt as yo
from yieldopt.store import BookingRequest, Store, UnavailableError, create_engine
from yieldopt.store._queries import lock_order
from yieldopt.store._retry import ATTEMPTS, is_transient, retrying


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate
        super().__init__(f"sqlstate {sqlstate}")


def _db_error(sqlstate: str) -> sa.exc.OperationalError:
    return sa.exc.OperationalError("UPDATE inventory …", {}, _PgError(sqlstate))


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_deadlocks_and_serialization_failures_are_retried(sqlstate):
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) < 3:
            raise _db_error(sqlstate)
        return "done"

    assert retrying(attempt) == "done" and len(calls) == 3


def test_retries_are_bounded_then_the_database_is_unavailable():
    calls = []

    def attempt():
        calls.append(1)
        raise _db_error("40P01")

    with pytest.raises(UnavailableError) as err:
        retrying(attempt)
    assert len(calls) == ATTEMPTS and err.value.retry_after >= 1


def test_other_errors_are_not_retried():
    calls = []

    def attempt():
        calls.append(1)
        raise sa.exc.IntegrityError("INSERT …", {}, _PgError("23505"))

    with pytest.raises(sa.exc.IntegrityError):
        retrying(attempt)
    assert len(calls) == 1
    assert not is_transient(ValueError("x"))


def test_a_locked_sqlite_database_is_unavailable_not_an_error(sqlite_url):
    store = Store.open(sqlite_url, busy_timeout=0.2)
    store.put_network(
        "n",
        yo.Network.from_records(
            [{"id": "a", "capacity": 10}], [{"id": "a1", "resources": ["a"], "price": 50}]
        ),
    )
    holder = sqlite3.connect(sa.make_url(sqlite_url).database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        with pytest.raises(UnavailableError, match="busy"):
            store.book("n", BookingRequest("a1", 1))
        with pytest.raises(UnavailableError):
            store.put_network(
                "m",
                yo.Network.from_records(
                    [{"id": "a", "capacity": 1}], [{"id": "a1", "resources": ["a"], "price": 5}]
                ),
            )
    finally:
        holder.rollback()
        holder.close()
    assert store.book("n", BookingRequest("a1", 1))[0].status == "confirmed"
    store.close()


def test_an_unreachable_database_is_unavailable():
    store = Store(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with pytest.raises(UnavailableError, match="unavailable"):
        store.inventory("n")
    with pytest.raises(UnavailableError):
        store.book("n", BookingRequest("a1", 1))
    store.close()


def test_postgres_sorts_inventory_rows_in_the_lock_order(pg_url):
    ids = ["b", "B", "a-2", "a_1", "a10", "a9", "Ä", "z", "é", "~", "0"]
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        got = conn.execute(
            sa.text('SELECT x FROM unnest(CAST(:ids AS text[])) AS t(x) ORDER BY x COLLATE "C"'),
            {"ids": ids},
        ).scalars()
        assert list(got) == lock_order(ids)
    engine.dispose()


def test_stale_reads_have_their_own_larger_budget():
    # A burst of admin writes makes bookings re-decide many times; that is progress, not a
    # database fault, so it does not use up the fault budget (which would give a 503).
    from yieldopt.store._retry import STALE_ATTEMPTS, Stale

    calls = []

    def attempt():
        calls.append(1)
        if len(calls) < ATTEMPTS + 3:
            raise Stale("n")
        return "booked"

    assert retrying(attempt) == "booked" and len(calls) == ATTEMPTS + 3

    calls.clear()

    def always_stale():
        calls.append(1)
        raise Stale("n")

    with pytest.raises(UnavailableError):
        retrying(always_stale)
    assert len(calls) == STALE_ATTEMPTS
