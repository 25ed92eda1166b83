"""Threads racing through one store: never oversold, inventory equals the bookings."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import yieldopt as yo
from yieldopt.store import BookingRequest, Store


def race(n_threads, fn, args):
    barrier = threading.Barrier(n_threads)

    def run(a):
        barrier.wait()
        return fn(a)

    with ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(run, args))


def test_threads_race_for_the_last_units(db_url):
    store = Store.open(db_url)
    net = yo.Network.from_records(
        [{"id": "a", "capacity": 40}, {"id": "b", "capacity": 40}],
        [
            {"id": "a1", "resources": ["a"], "price": 50},
            {"id": "ab", "resources": ["a", "b"], "price": 90},
            {"id": "b1", "resources": ["b"], "price": 50},
        ],
    )
    store.put_network("n", net)
    store.book("n", BookingRequest("a1", 30))  # 10 units of "a" left
    rng = np.random.default_rng(7)
    requests = [
        BookingRequest(str(rng.choice(["a1", "ab", "b1"])), int(rng.integers(1, 4)))
        for _ in range(48)
    ]
    results = race(16, lambda r: store.book("n", r)[0], requests)
    took = {"a": 30, "b": 0}
    for b in results:
        if b.status == "confirmed":
            for r in b.resources:
                took[r] += b.quantity
        else:
            assert b.reason == "unavailable"
    inv = {r.resource: r.sold for r in store.inventory("n")}
    assert inv == took
    assert inv["a"] <= 40 and inv["b"] <= 40
    store.close()


def test_concurrent_retries_of_one_key_book_once(db_url):
    store = Store.open(db_url)
    store.put_network(
        "n",
        yo.Network.from_records(
            [{"id": "a", "capacity": 100}], [{"id": "a1", "resources": ["a"], "price": 50}]
        ),
    )
    results = race(12, lambda _: store.book("n", BookingRequest("a1", 3), "same-key"), range(12))
    ids = {b.id for b, _ in results}
    assert len(ids) == 1 and sum(not replayed for _, replayed in results) == 1
    assert [r.sold for r in store.inventory("n")] == [3]
    store.close()


def test_concurrent_cancels_give_back_once(db_url):
    store = Store.open(db_url)
    store.put_network(
        "n",
        yo.Network.from_records(
            [{"id": "a", "capacity": 10}], [{"id": "a1", "resources": ["a"], "price": 50}]
        ),
    )
    b, _ = store.book("n", BookingRequest("a1", 4))
    results = race(8, lambda _: store.cancel("n", b.id)[1], range(8))
    assert sum(results) == 1
    assert [r.sold for r in store.inventory("n")] == [0]
    store.close()
