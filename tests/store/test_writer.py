"""Group commit on SQLite: pieces share commits, a failing piece is rolled back alone."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

import yieldopt as yo
from yieldopt.store import BookingRequest, GroupCommitter, Store, create_engine, upgrade
from yieldopt.store._schema import networks


def add_network(name: str, fail: bool = False):
    def work(conn: sa.Connection) -> str:
        conn.execute(networks.insert().values(id=name, revision=1, created_at="t", updated_at="t"))
        if fail:
            raise ValueError(f"{name} failed")
        return name

    return work


def test_pieces_share_commits_and_fail_alone(sqlite_url):
    engine = create_engine(sqlite_url)
    upgrade(engine)
    gc = GroupCommitter(engine, threading.Lock())
    commits = []
    real = gc._commit
    gc._commit = lambda batch: (commits.append(len(batch)), real(batch))[1]
    barrier = threading.Barrier(40)

    def submit(i: int):
        barrier.wait()
        try:
            return gc.run(add_network(f"n{i}", fail=i % 10 == 3))
        except ValueError as exc:
            return str(exc)

    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(submit, range(40)))
    gc.close()
    assert results[3] == "n3 failed" and results[4] == "n4"
    with engine.connect() as conn:
        stored = set(conn.execute(sa.select(networks.c.id)).scalars())
    assert stored == {f"n{i}" for i in range(40) if i % 10 != 3}
    assert sum(commits) == 40 and len(commits) < 40  # batched
    engine.dispose()


def test_book_async_matches_book(sqlite_url):
    store = Store.open(sqlite_url)
    store.put_network(
        "n",
        yo.Network.from_records(
            [{"id": "a", "capacity": 3}], [{"id": "a1", "resources": ["a"], "price": 10}]
        ),
    )

    async def main():
        return await asyncio.gather(
            *(store.book_async("n", BookingRequest("a1"), f"k{i}") for i in range(5)),
            store.book_async("n", BookingRequest("a1"), "k0"),
        )

    results = asyncio.run(main())
    statuses = [b.status for b, _ in results[:5]]
    assert statuses.count("confirmed") == 3 and statuses.count("rejected") == 2
    assert results[5][1] is True  # the replayed key
    assert [r.sold for r in store.inventory("n")] == [3]
    store.close()


def test_integrity_error_fails_only_its_piece(sqlite_url):
    engine = create_engine(sqlite_url)
    upgrade(engine)
    gc = GroupCommitter(engine, threading.Lock())
    gc.run(add_network("dup"))
    with pytest.raises(sa.exc.IntegrityError):
        gc.run(add_network("dup"))
    assert gc.run(add_network("other")) == "other"
    gc.close()
    engine.dispose()


class BrokenLock:
    def __enter__(self):
        raise OSError("disk full")

    def __exit__(self, *exc):
        return False


def test_transaction_failure_reaches_every_caller(sqlite_url):
    engine = create_engine(sqlite_url)
    upgrade(engine)
    gc = GroupCommitter(engine, BrokenLock())
    futures = [gc.submit(add_network(f"n{i}")) for i in range(5)]
    for f in futures:
        with pytest.raises(OSError, match="disk full"):
            f.result()
    gc.close()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(networks)).scalar() == 0
    engine.dispose()
