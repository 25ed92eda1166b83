"""Overrides in the store: part of the versioned decision, applied at once, kept through
re-optimizations, told to the optimizer, expired by a clock, audited; on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import sqlalchemy as sa
from scipy.optimize import linprog

import yieldopt as yo
from yieldopt.control import Override, apply_overrides
from yieldopt.decisions import OptimizationRequest, optimize_network
from yieldopt.errors import InputError
from yieldopt.store import BookingRequest, NotFoundError, Store, create_engine, upgrade
from yieldopt.store import _schema as schema

LEGS = {"A": 10, "B": 10, "C": 10}
# product: (legs, price, expected demand)
ROUTES = {
    "pA": (["A"], 100.0, 15.0),
    "pB": (["B"], 80.0, 15.0),
    "pAB": (["A", "B"], 150.0, 8.0),
    "pC": (["C"], 60.0, 5.0),
    "pBC": (["B", "C"], 120.0, 8.0),
}


def legs_network() -> yo.Network:
    return yo.Network.from_records(
        [{"id": k, "capacity": c} for k, c in LEGS.items()],
        [{"id": p, "resources": r, "price": v} for p, (r, v, _) in ROUTES.items()],
    )


def independent_lp(capacity: dict[str, float]) -> tuple[float, dict[str, float]]:
    """max Σ price·x s.t. legs' capacity, 0 <= x <= demand, solved by scipy (HiGHS)."""
    legs, prods = list(LEGS), list(ROUTES)
    a = np.array([[1.0 if leg in ROUTES[p][0] else 0.0 for p in prods] for leg in legs])
    price = np.array([ROUTES[p][1] for p in prods])
    bounds = [(0.0, ROUTES[p][2]) for p in prods]
    res = linprog(-price, A_ub=a, b_ub=[capacity[k] for k in legs], bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun, {k: -m for k, m in zip(legs, res.ineqlin.marginals, strict=True)}


@pytest.fixture
def legs(store):
    store.put_network("legs", legs_network())
    store.put_forecast("legs", [{"product": p, "mean": d} for p, (_, _, d) in ROUTES.items()])
    return store


def dlp(store: Store):
    return optimize_network(store, "legs", OptimizationRequest())


def test_closed_leg_is_refused_at_once_and_versions_increment(legs):
    first = dlp(legs)
    assert legs.evaluate("legs", BookingRequest("pAB", price=1000.0)).accepted
    o, ds = legs.put_override("legs", "B", closed=True, reason="strike", who="rm-anna")
    assert ds.version == first.version + 1
    assert o.set_by == "rm-anna" and o.closed is True
    for product in ("pB", "pAB", "pBC"):
        assert legs.evaluate("legs", BookingRequest(product)).reason == "closed"
        booking, _ = legs.book("legs", BookingRequest(product, price=10_000.0))
        assert booking.status == "rejected" and booking.reason == "closed"
    assert legs.evaluate("legs", BookingRequest("pA")).accepted
    assert [r.sold for r in legs.inventory("legs")] == [0, 0, 0]
    # Method unchanged, the optimizer's values kept in ``optimized``.
    assert ds.method == "dlp" and ds.params["source"] == "override"
    assert ds.optimized == {"bid_prices": first.bid_prices, "authorized": first.authorized}
    assert [o["resource"] for o in ds.overrides] == ["B"]


def test_optimizer_is_told_a_closed_leg_has_no_capacity(legs):
    legs.put_override("legs", "B", closed=True, reason="strike", who="rm-anna")
    ds = dlp(legs)
    objective, bids = independent_lp({"A": 10, "B": 0, "C": 10})
    assert ds.objective == pytest.approx(objective) == 1300.0  # pA 10 × 100 + pC 5 × 60
    for leg in ("A", "C"):
        assert ds.bid_prices[leg] == pytest.approx(bids[leg])
    assert (ds.bid_prices["A"], ds.bid_prices["C"]) == pytest.approx((100.0, 0.0))
    assert ds.allocation["pB"] == ds.allocation["pAB"] == ds.allocation["pBC"] == 0.0
    # ... and the override is kept through the re-optimization.
    assert ds.closed == {"B"} and ds.params.get("source") is None
    assert legs.evaluate("legs", BookingRequest("pB")).reason == "closed"
    # Without it the LP differs: the override really changed the other legs' prices.
    open_objective, open_bids = independent_lp(LEGS)
    legs.delete_override("legs", "B", who="rm-anna")
    reopened = dlp(legs)
    assert reopened.objective == pytest.approx(open_objective)
    assert reopened.bid_prices["A"] == pytest.approx(open_bids["A"])
    assert open_objective > objective


def test_authorized_override_is_what_the_optimizer_sells(legs):
    legs.book("legs", BookingRequest("pA", 4))
    _, ds = legs.put_override("legs", "A", authorized=6, reason="walls", who="rm-anna")
    assert ds.authorized["A"] == 6
    assert {r.resource: r.available for r in legs.inventory("legs")}["A"] == 2
    ds = dlp(legs)
    # The optimizer sees max(6 − 4, 0) = 2 units of A left.
    objective, bids = independent_lp({"A": 2, "B": 10, "C": 10})
    assert ds.objective == pytest.approx(objective)
    assert ds.bid_prices["B"] == pytest.approx(bids["B"])
    assert ds.authorized["A"] == 6 and ds.optimized["authorized"]["A"] == 10
    # Below sold: a deficit, and nothing more is sold.
    _, ds = legs.put_override("legs", "A", authorized=3, reason="less", who="rm-anna")
    row = {r.resource: r for r in legs.inventory("legs")}["A"]
    assert (row.authorized, row.sold, row.available) == (3, 4, -1)
    assert legs.evaluate("legs", BookingRequest("pA")).reason == "unavailable"


def test_bid_price_override_binds_and_delete_restores_the_optimized_values(legs):
    first = dlp(legs)
    _, ds = legs.put_override("legs", "C", bid_price=500.0, reason="event", who="rm-anna")
    assert ds.bid_prices == {**first.bid_prices, "C": 500.0}
    d = legs.evaluate("legs", BookingRequest("pBC"))
    assert d.reason == "bid_price"
    assert d.assessment.bid_price_total == pytest.approx(first.bid_prices["B"] + 500.0)
    restored = legs.delete_override("legs", "C", who="rm-ben", reason="event cancelled")
    assert restored.version == ds.version + 1
    assert restored.bid_prices == first.bid_prices and restored.authorized == first.authorized
    assert restored.overrides == [] and restored.optimized is None
    assert legs.evaluate("legs", BookingRequest("pBC")).assessment.bid_price_total == pytest.approx(
        first.bid_prices["B"] + first.bid_prices["C"]
    )
    with pytest.raises(NotFoundError):
        legs.delete_override("legs", "C", who="rm-ben")


def test_bid_price_override_binds_under_first_come_first_served(store):
    store.put_network("legs", legs_network())  # no decision set yet
    _, ds = store.put_override("legs", "A", bid_price=120.0, reason="floor", who="rm-anna")
    assert ds.version == 1 and ds.method == "fcfs"
    assert ds.optimized == {
        "bid_prices": dict.fromkeys(LEGS, 0.0),
        "authorized": dict(LEGS),
    }
    assert store.evaluate("legs", BookingRequest("pA")).reason == "bid_price"  # 100 < 120
    assert store.evaluate("legs", BookingRequest("pAB")).accepted  # 150 >= 120
    assert store.evaluate("legs", BookingRequest("pB")).accepted  # B has no bid price rule


def test_bad_overrides_name_the_field(legs):
    with pytest.raises(NotFoundError, match="resource 'Z'"):
        legs.put_override("legs", "Z", closed=True, reason="x", who="a")
    with pytest.raises(NotFoundError):
        legs.put_override("nope", "A", closed=True, reason="x", who="a")
    cases = [
        ({}, "bid_price"),
        ({"bid_price": -1.0}, "bid_price"),
        ({"bid_price": float("nan")}, "bid_price"),
        ({"authorized": -1}, "authorized"),
        ({"authorized": 2.5}, "authorized"),
        ({"closed": "yes"}, "closed"),
        ({"closed": True, "reason": " "}, "reason"),
        ({"closed": True, "expires_at": "2000-01-01"}, "expires_at"),
        ({"closed": True, "expires_at": "tomorrow"}, "expires_at"),
    ]
    for kwargs, field in cases:
        kwargs = {"reason": "why", **kwargs}
        with pytest.raises(InputError) as err:
            legs.put_override("legs", "A", who="a", **kwargs)
        assert err.value.field == field, kwargs
    assert legs.overrides("legs") == [] and legs.override_audit("legs") == []


def test_audit_names_who_and_keeps_old_and_new(legs):
    dlp(legs)
    legs.put_override("legs", "A", closed=True, reason="works", who="rm-anna")
    legs.put_override("legs", "A", authorized=8, reason="half open", who="rm-ben")
    legs.put_override("legs", "B", bid_price=90.0, reason="event", who="rm-anna")
    legs.delete_override("legs", "A", who="rm-carl", reason="done")
    log = legs.override_audit("legs")
    assert [(e.action, e.who, e.resource) for e in log] == [
        ("remove", "rm-carl", "A"),
        ("set", "rm-anna", "B"),
        ("set", "rm-ben", "A"),
        ("set", "rm-anna", "A"),
    ]
    assert [e.decision_version for e in log] == [5, 4, 3, 2]
    change = log[2]
    assert change.old["closed"] is True and change.new["authorized"] == 8
    assert change.old["reason"] == "works" and change.reason == "half open"
    assert log[0].new is None and log[0].reason == "done"
    assert [e.resource for e in legs.override_audit("legs", "A", limit=2)] == ["A", "A"]
    history = legs.decision_history("legs")
    assert [d.version for d in history] == [5, 4, 3, 2, 1]
    assert [len(d.overrides) for d in history] == [1, 2, 1, 1, 0]
    assert [o.resource for o in legs.overrides("legs")] == ["B"]


def test_expiry_publishes_once_and_is_audited_as_system(db_url):
    now = [dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)]
    a, b = Store.open(db_url), Store.open(db_url)
    try:
        for s in (a, b):
            s.clock = lambda: now[0]
        a.put_network("legs", legs_network())
        _, ds = a.put_override(
            "legs",
            "A",
            closed=True,
            reason="tonight",
            who="rm-anna",
            expires_at="2026-12-01T18:00Z",
        )
        assert ds.overrides[0]["expires_at"] == "2026-12-01T18:00:00+00:00"
        assert a.evaluate("legs", BookingRequest("pA")).reason == "closed"
        assert b.evaluate("legs", BookingRequest("pA")).reason == "closed"
        now[0] = dt.datetime(2026, 12, 1, 18, 0, 1, tzinfo=dt.UTC)
        # Both servers find it expired; only one publishes the version without it.
        assert a.evaluate("legs", BookingRequest("pA")).accepted
        assert b.evaluate("legs", BookingRequest("pA")).accepted
        booking, _ = b.book("legs", BookingRequest("pA"))
        assert booking.status == "confirmed" and booking.decision_version == 2
        assert a.decisions("legs").version == 2 and a.decisions("legs").overrides == []
        assert a.expire_overrides("legs") is None  # nothing left to expire
        log = a.override_audit("legs")
        assert [(e.action, e.who, e.decision_version) for e in log] == [
            ("expire", "system", 2),
            ("set", "rm-anna", 1),
        ]
    finally:
        a.close()
        b.close()


def test_expiry_is_found_by_book_decisions_and_overrides(store):
    now = [dt.datetime(2026, 12, 1, tzinfo=dt.UTC)]
    store.clock = lambda: now[0]
    store.put_network("legs", legs_network())
    store.put_override("legs", "A", closed=True, reason="x", who="a", expires_at="2026-12-02")
    store.put_override("legs", "B", closed=True, reason="y", who="a", expires_at="2026-12-03")
    assert store.decisions("legs").expires_at == "2026-12-02T00:00:00+00:00"
    now[0] = dt.datetime(2026, 12, 2, 0, 0, 1, tzinfo=dt.UTC)
    booking, _ = store.book("legs", BookingRequest("pA"))
    assert booking.status == "confirmed"
    assert [o.resource for o in store.overrides("legs")] == ["B"]
    now[0] = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    assert store.overrides("legs") == []
    assert store.decisions("legs").version == 4 and store.decisions("legs").closed == frozenset()


def test_overrides_go_with_the_network(legs):
    legs.put_override("legs", "A", closed=True, reason="x", who="a")
    legs.delete_network("legs")
    legs.put_network("legs", legs_network())
    assert legs.overrides("legs") == [] and legs.override_audit("legs") == []


def test_apply_overrides_is_pure_and_skips_expired():
    ds = yo.control.DecisionSet(
        "n", 3, "dlp", "bid-price", "t", 1, 1, 5.0, {"A": 10.0, "B": 2.0}, {"A": 4, "B": 5}
    )
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    live = Override("A", 30.0, 2, None, "r", None, "a", "t")
    old = Override("B", 99.0, None, None, "r", "2025-12-31T00:00:00+00:00", "a", "t")
    out = apply_overrides(ds, [live, old], now)
    assert out.bid_prices == {"A": 30.0, "B": 2.0} and out.authorized == {"A": 2, "B": 5}
    assert out.overrides == [live.to_dict()]
    assert out.optimized == {"bid_prices": ds.bid_prices, "authorized": ds.authorized}
    again = apply_overrides(out, [], now)  # starts from the optimized values
    assert again.bid_prices == ds.bid_prices and again.optimized is None
    assert ds.overrides == [] and ds.bid_prices["A"] == 10.0


def test_v4_database_upgrades_to_overrides_keeping_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'v4.db'}"
    s = Store.open(url)
    s.put_network("legs", legs_network())
    s.put_forecast("legs", [{"product": p, "mean": d} for p, (_, _, d) in ROUTES.items()])
    before = dlp(s)
    s.book("legs", BookingRequest("pA", 2))
    s.close()
    engine = create_engine(url)
    with engine.begin() as conn:  # back to a v4 database: no override tables
        conn.execute(sa.text("DROP TABLE override_audit"))
        conn.execute(sa.text("DROP TABLE overrides"))
        conn.execute(schema.schema_info.update().values(version=4))
    assert upgrade(engine) == schema.SCHEMA_VERSION == 5
    engine.dispose()
    s = Store.open(url)
    try:
        ds = s.decisions("legs")
        assert ds.bid_prices == before.bid_prices and ds.overrides == [] and ds.optimized is None
        assert [r.sold for r in s.inventory("legs")] == [2, 0, 0]
        _, ds = s.put_override("legs", "A", closed=True, reason="x", who="a")
        assert ds.version == 2
    finally:
        s.close()


def test_book_async_finds_an_expired_override(store):
    import asyncio

    now = [dt.datetime(2026, 12, 1, tzinfo=dt.UTC)]
    store.clock = lambda: now[0]
    store.put_network("legs", legs_network())
    store.put_override("legs", "A", closed=True, reason="x", who="a", expires_at="2026-12-02")
    refused, _ = asyncio.run(store.book_async("legs", BookingRequest("pA")))
    assert refused.reason == "closed"
    now[0] = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    booked, _ = asyncio.run(store.book_async("legs", BookingRequest("pA")))
    assert booked.status == "confirmed" and booked.decision_version == 2
