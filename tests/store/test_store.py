"""Store behaviour on both backends: networks, forecasts, decisions, bookings, inventory."""

import time

import numpy as np
import pytest

import yieldopt as yo
from yieldopt.decisions import OptimizationRequest, Overbooking, execute_run, optimize_network
from yieldopt.errors import InputError
from yieldopt.store import (
    BookingRequest,
    ConflictError,
    IdempotencyError,
    NotFoundError,
    Store,
)
from yieldopt.store._schema import optimization_runs

from .conftest import HOTEL_DEMAND, HOTEL_NIGHTS, hotel, hotel_records


def sold(store, network="hotel"):
    return [r.sold for r in store.inventory(network)]


def confirmed_units(store, network="hotel"):
    """Sold units per resource recomputed from the confirmed bookings."""
    rows, _ = store.list_bookings(network, status="confirmed", limit=1000)
    ids = [r.resource for r in store.inventory(network)]
    out = dict.fromkeys(ids, 0)
    for b in rows:
        for r in b.resources:
            out[r] += b.quantity
    return [out[r] for r in ids]


# ---------------------------------------------------------------------- networks
def test_network_round_trip_and_revisions(store):
    net = hotel()
    assert store.put_network("hotel", net) == (1, True)
    back, rev = store.get_network("hotel")
    assert rev == 1 and back.to_records() == net.to_records()
    assert store.put_network("hotel", net) == (2, False)
    assert store.list_networks() == ["hotel"]
    with pytest.raises(NotFoundError):
        store.get_network("nope")


def test_capacity_below_sold_is_a_conflict_and_changes_nothing(store):
    store.put_network("hotel", hotel(20))
    store.book("hotel", BookingRequest("sat-2", 5))
    lower = hotel_records(20)
    lower["resources"][1]["capacity"] = 4
    with pytest.raises(ConflictError) as err:
        store.put_network("hotel", yo.Network.from_records(**lower))
    assert err.value.fields == ["resources[1].capacity"]
    assert store.get_network("hotel")[1] == 1
    lower["resources"][1]["capacity"] = 5  # down to exactly what is sold is fine
    store.put_network("hotel", yo.Network.from_records(**lower))
    assert [(r.capacity, r.sold, r.available) for r in store.inventory("hotel")][1] == (5, 5, 0)


def test_removing_a_resource_with_sales_is_a_conflict(store):
    store.put_network("hotel", hotel())
    store.book("hotel", BookingRequest("sun-1", 1))
    recs = hotel_records()
    recs["resources"] = recs["resources"][:2]
    recs["products"] = [p for p in recs["products"] if HOTEL_NIGHTS[2] not in p["resources"]]
    with pytest.raises(ConflictError, match="cannot remove"):
        store.put_network("hotel", yo.Network.from_records(**recs))
    # A resource with nothing sold may go.
    recs = hotel_records()
    recs["resources"] = recs["resources"][1:]
    recs["products"] = [p for p in recs["products"] if HOTEL_NIGHTS[0] not in p["resources"]]
    store.put_network("hotel", yo.Network.from_records(**recs))
    assert [r.resource for r in store.inventory("hotel")] == list(HOTEL_NIGHTS[1:])


def test_capacity_change_keeps_the_overbooking_margin(hotel_store):
    ob = Overbooking(show_prob=0.9, denied_cost=300.0, spoilage_cost=100.0)
    ds = optimize_network(hotel_store, "hotel", OptimizationRequest("dlp", overbooking=ob))
    assert ds.authorized == dict.fromkeys(HOTEL_NIGHTS, 21)
    recs = hotel_records(30)
    hotel_store.put_network("hotel", yo.Network.from_records(**recs))
    assert [(r.capacity, r.authorized) for r in hotel_store.inventory("hotel")] == [(30, 31)] * 3


def test_publishing_authorized_below_sold_shows_the_deficit(hotel_store):
    ob = Overbooking(show_prob=0.9, denied_cost=300.0, spoilage_cost=100.0)
    optimize_network(
        hotel_store, "hotel", OptimizationRequest("fcfs", overbooking=ob)
    )  # 21 authorized
    hotel_store.book("hotel", BookingRequest("sat-1", 21))
    optimize_network(hotel_store, "hotel", OptimizationRequest("fcfs"))  # overbooking withdrawn: 20
    sat = hotel_store.inventory("hotel")[1]
    assert (sat.capacity, sat.authorized, sat.sold, sat.available) == (20, 20, 21, -1)
    b, _ = hotel_store.book("hotel", BookingRequest("sat-1", 1))
    assert (b.status, b.reason) == ("rejected", "unavailable")


def test_absurd_overbooking_is_refused_naming_the_field(hotel_store):
    ob = Overbooking(show_prob=0.01, denied_cost=1.0, spoilage_cost=1000.0)
    with pytest.raises(InputError) as err:
        optimize_network(hotel_store, "hotel", OptimizationRequest("fcfs", overbooking=ob))
    assert err.value.field == "overbooking"
    assert "2 × its capacity" in str(err.value) and "capacity 20" in str(err.value)
    assert [r.authorized for r in hotel_store.inventory("hotel")] == [20, 20, 20]


def test_delete_network(hotel_store):
    hotel_store.book("hotel", BookingRequest("sat-2"))
    hotel_store.delete_network("hotel")
    assert hotel_store.list_networks() == []
    with pytest.raises(NotFoundError):
        hotel_store.inventory("hotel")


# ---------------------------------------------------------------------- forecasts
def test_forecast_validation_names_the_field(store):
    store.put_network("hotel", hotel())
    cases = [
        ([{"product": "nope", "mean": 1}], "demand[0].product"),
        ([{"product": "sat-1", "mean": -1}], "demand[0].mean"),
        ([{"product": "sat-1", "mean": 1, "std": float("inf")}], "demand[0].std"),
        ([{"product": "sat-1", "mean": 1, "period": -2}], "demand[0].period"),
        ([{"product": "sat-1", "mean": 1}, {"product": "sat-1", "mean": 2}], "demand[1]"),
    ]
    for demand, field in cases:
        with pytest.raises(InputError) as err:
            store.put_forecast("hotel", demand)
        assert err.value.field == field
    with pytest.raises(NotFoundError):
        store.get_forecast("hotel")


def test_forecast_periods_add_up(store):
    store.put_network("hotel", hotel())
    fc = store.put_forecast(
        "hotel",
        [
            {"product": "sat-1", "mean": 3, "std": 3, "period": 0},
            {"product": "sat-1", "mean": 1, "std": 4, "period": 1},
            {"product": "sun-1", "mean": 4},
        ],
    )
    means, stds = fc.totals()
    assert means == {"sat-1": 4.0, "sun-1": 4.0}
    assert stds == {"sat-1": 5.0, "sun-1": 2.0}
    assert store.get_forecast("hotel").revision == 1


# ---------------------------------------------------------------------- decisions
def test_dlp_decisions_match_the_core_and_carry_los(hotel_store):
    ds = optimize_network(hotel_store, "hotel", OptimizationRequest("dlp"))
    ref = yo.dlp(hotel(), HOTEL_DEMAND)
    assert ds.version == 1 and ds.control == "bid-price"
    assert ds.bid_prices == pytest.approx(ref.bid_prices.to_dict())
    assert ds.objective == pytest.approx(ref.objective)
    assert ds.authorized == dict.fromkeys(HOTEL_NIGHTS, 20)
    mins = {r["arrival"]: r["min_los"] for r in ds.min_los}
    assert mins == {"2026-12-04": 1, "2026-12-05": 2, "2026-12-06": 1}
    assert hotel_store.decisions("hotel").version == 1
    assert (
        optimize_network(hotel_store, "hotel", OptimizationRequest("rlp", samples=5)).version == 2
    )
    assert hotel_store.decisions("hotel", 1).method == "dlp"
    assert hotel_store.decisions("hotel").method == "rlp"


def test_decisions_use_remaining_capacity(hotel_store):
    hotel_store.book("hotel", BookingRequest("sat-2", 10))
    ds = optimize_network(hotel_store, "hotel", OptimizationRequest("dlp"))
    cap = {"std/2026-12-04": 20, "std/2026-12-05": 10, "std/2026-12-06": 10}
    ref = yo.dlp(hotel(), HOTEL_DEMAND, capacity=cap)
    assert ds.bid_prices == pytest.approx(ref.bid_prices.to_dict())


def test_davn_limits_are_enforced_by_bookings(store):
    net = yo.Network.from_records(
        [{"id": "a", "capacity": 3}, {"id": "b", "capacity": 3}],
        [
            {"id": "ab", "resources": ["a", "b"], "price": 100},
            {"id": "a1", "resources": ["a"], "price": 60},
        ],
    )
    store.put_network("n", net)
    store.put_forecast("n", [{"product": "ab", "mean": 2}, {"product": "a1", "mean": 5}])
    ds = optimize_network(store, "n", OptimizationRequest("davn"))
    assert ds.control == "nested"
    limit = ds.booking_limits["a1"]["a"]
    for _ in range(limit):
        assert store.book("n", BookingRequest("a1"))[0].status == "confirmed"
    b, _ = store.book("n", BookingRequest("a1"))
    assert (b.status, b.reason) == ("rejected", "booking_limit")
    assert store.book("n", BookingRequest("ab"))[0].status == "confirmed"


def test_emsr_b_on_a_single_leg(store):
    fares = [400.0, 300.0, 200.0, 100.0]
    net = yo.Network.from_records(
        [{"id": "leg", "capacity": 100}],
        [{"id": f"c{i}", "resources": ["leg"], "price": f} for i, f in enumerate(fares)],
    )
    means, stds = [15.0, 25.0, 35.0, 60.0], [5.0, 8.0, 10.0, 15.0]
    store.put_network("leg", net)
    store.put_forecast(
        "leg",
        [
            {"product": f"c{i}", "mean": m, "std": s}
            for i, (m, s) in enumerate(zip(means, stds, strict=True))
        ],
    )
    ds = optimize_network(store, "leg", OptimizationRequest("emsr-b"))
    expected = yo.booking_limits(yo.emsr_b(fares, means, stds), 100)
    got = [ds.booking_limits[f"c{i}"]["leg"] for i in range(4)]
    assert got == [int(np.ceil(b - 1e-9)) for b in expected]


def test_emsr_b_on_a_network_nests_every_resource_on_full_values(hotel_store):
    """emsr-b is leg-based EMSR-b per resource, the simulator's emsr-b policy.

    Saturday is used by fri-3 (320, mean 3), sat-2 (210, 15), fri-2 (200, 6) and sat-1
    (100, 25). Ten equal bands of width 32 below 320 put 210 and 200 in one virtual
    class (fare 207.14…, the demand-weighted mean), so EMSR-b runs on three classes with
    Poisson spreads; a product may sell while more than the protection of the classes
    above it remains: limit = ceil(20 − protection), at least 0.
    """
    ds = optimize_network(hotel_store, "hotel", OptimizationRequest("emsr-b"))
    assert ds.control == "nested" and ds.method == "emsr-b"
    mid = (15 * 210.0 + 6 * 200.0) / 21
    y = yo.emsr_b([320.0, mid, 100.0], [3.0, 21.0, 25.0], np.sqrt([3.0, 21.0, 25.0]))
    sat = HOTEL_NIGHTS[1]
    top, low = (max(int(np.ceil(20 - p - 1e-9)), 0) for p in y)
    expected = {"fri-3": 20, "sat-2": top, "fri-2": top, "sat-1": low}
    assert {p: ds.booking_limits[p][sat] for p in expected} == expected


def test_optimization_needs_a_forecast(store):
    store.put_network("hotel", hotel())
    with pytest.raises(ConflictError, match="no forecast"):
        optimize_network(store, "hotel", OptimizationRequest("dlp"))
    assert optimize_network(store, "hotel", OptimizationRequest("fcfs")).control == "fcfs"


def test_bad_overbooking_parameter_names_the_field(hotel_store):
    with pytest.raises(InputError) as err:
        Overbooking(show_prob=1.5, denied_cost=1.0, spoilage_cost=1.0)
    assert err.value.field == "overbooking.show_prob"
    ob = Overbooking(show_prob=0.9, denied_cost=-1.0, spoilage_cost=1.0)
    with pytest.raises(InputError) as err:
        optimize_network(hotel_store, "hotel", OptimizationRequest("dlp", overbooking=ob))
    assert err.value.field == "overbooking.denied_cost"


def test_runs_record_outcomes(hotel_store):
    run = hotel_store.create_run("hotel", OptimizationRequest("dlp"))
    assert run.status == "queued"
    done = execute_run(hotel_store, "hotel", run.id)
    assert (done.status, done.decision_version) == ("succeeded", 1)
    hotel_store.put_network("other", hotel())
    failed = execute_run(
        hotel_store, "other", hotel_store.create_run("other", OptimizationRequest()).id
    )
    assert failed.status == "failed" and "no forecast" in failed.error
    queued = hotel_store.create_run("hotel", OptimizationRequest())
    # Its owner (this store) is alive: a starting server leaves it alone.
    assert hotel_store.fail_interrupted_runs() == 0
    assert hotel_store.get_run("hotel", queued.id).status == "queued"


def test_only_runs_of_a_gone_owner_are_reclaimed_and_stay_failed(db_url):
    dead = Store.open(db_url, run_lease=0.3)
    dead.put_network("hotel", hotel())
    dead.put_forecast("hotel", [{"product": p, "mean": d} for p, d in HOTEL_DEMAND.items()])
    alive = Store.open(db_url, run_lease=30.0)
    mine = alive.create_run("hotel", OptimizationRequest("dlp"))
    stuck = dead.create_run("hotel", OptimizationRequest("dlp"))
    assert alive.fail_interrupted_runs() == 0  # both owners renew their leases
    dead._closed.set()  # the owner stops its heartbeat (its process is gone)
    dead._heartbeat.join(5)
    time.sleep(0.5)
    assert alive.fail_interrupted_runs() == 1
    run = alive.get_run("hotel", stuck.id)
    assert (run.status, run.error) == ("failed", "interrupted by a restart")
    assert alive.get_run("hotel", mine.id).status == "queued"
    # The reclaimed run cannot flip to succeeded nor publish anything afterwards.
    assert execute_run(dead, "hotel", stuck.id).status == "failed"
    with pytest.raises(ConflictError, match="reclaimed"):
        execute_run(dead, "hotel", stuck.id, reraise=True)
    with pytest.raises(NotFoundError):
        alive.decisions("hotel")
    assert execute_run(alive, "hotel", mine.id).status == "succeeded"
    assert alive.decisions("hotel").version == 1
    dead.close()
    alive.close()


def test_a_run_reclaimed_while_it_optimizes_publishes_nothing(hotel_store, monkeypatch):
    run = hotel_store.create_run("hotel", OptimizationRequest("dlp"))
    real = hotel_store.optimization_inputs

    def reclaimed_meanwhile(network_id):
        # Another server reclaims the run while the solver runs (its lease lapsed).
        with hotel_store.engine.begin() as conn:
            conn.execute(
                optimization_runs.update()
                .where(optimization_runs.c.id == run.id)
                .values(status="failed", error="interrupted by a restart")
            )
        return real(network_id)

    monkeypatch.setattr(hotel_store, "optimization_inputs", reclaimed_meanwhile)
    done = execute_run(hotel_store, "hotel", run.id)
    assert (done.status, done.decision_version) == ("failed", None)
    with pytest.raises(NotFoundError):
        hotel_store.decisions("hotel")


# ---------------------------------------------------------------------- bookings
def test_booking_takes_capacity_on_every_resource(hotel_store):
    b, replayed = hotel_store.book("hotel", BookingRequest("fri-3", 2))
    assert b.status == "confirmed" and not replayed and b.decision_version == 0
    assert sold(hotel_store) == [2, 2, 2] == confirmed_units(hotel_store)
    assert hotel_store.get_booking("hotel", b.id) == b


def test_multi_resource_booking_is_all_or_nothing(hotel_store):
    hotel_store.book("hotel", BookingRequest("sun-1", 19))
    b, _ = hotel_store.book("hotel", BookingRequest("fri-3", 2))
    assert (b.status, b.reason, b.id) == ("rejected", "unavailable", None)
    assert sold(hotel_store) == [0, 0, 19]


def test_bid_price_rejection_and_price_override(hotel_store):
    optimize_network(hotel_store, "hotel", OptimizationRequest("dlp"))
    b, _ = hotel_store.book("hotel", BookingRequest("sat-1"))
    assert (b.status, b.reason, b.decision_version) == ("rejected", "bid_price", 1)
    b, _ = hotel_store.book("hotel", BookingRequest("sat-1", price=250.0))
    assert b.status == "confirmed" and b.margin == pytest.approx(50.0)


def test_idempotency_key_replays_the_first_outcome(hotel_store):
    req = BookingRequest("sat-2", 3)
    first, replayed = hotel_store.book("hotel", req, "abc")
    again, replayed_again = hotel_store.book("hotel", req, "abc")
    assert not replayed and replayed_again and again == first
    assert sold(hotel_store) == [0, 3, 3]
    with pytest.raises(IdempotencyError):
        hotel_store.book("hotel", BookingRequest("sat-2", 4), "abc")
    # The same key on another network is another request.
    hotel_store.put_network("twin", hotel())
    assert hotel_store.book("twin", req, "abc")[0].id != first.id


def test_rejection_with_key_is_replayed_even_after_capacity_frees(hotel_store):
    hotel_store.book("hotel", BookingRequest("sun-1", 20))
    rej, _ = hotel_store.book("hotel", BookingRequest("sun-1"), "k")
    assert rej.status == "rejected" and rej.id is not None
    with pytest.raises(NotFoundError):
        hotel_store.get_booking("hotel", rej.id)  # not a booking
    assert hotel_store.book("hotel", BookingRequest("sun-1"), "k")[0] == rej


def test_cancel_gives_capacity_back_once(hotel_store):
    b, _ = hotel_store.book("hotel", BookingRequest("fri-2", 4))
    c1, changed1 = hotel_store.cancel("hotel", b.id)
    c2, changed2 = hotel_store.cancel("hotel", b.id)
    assert (changed1, changed2) == (True, False)
    assert c1.status == c2.status == "cancelled" and c1.cancelled_at == c2.cancelled_at
    assert sold(hotel_store) == [0, 0, 0]
    # The replayed key returns the (now cancelled) booking and takes nothing.
    with pytest.raises(NotFoundError):
        hotel_store.cancel("hotel", "0" * 32)


def test_unknown_product_or_network(hotel_store):
    with pytest.raises(InputError) as err:
        hotel_store.book("hotel", BookingRequest("nope"))
    assert err.value.field == "product"
    with pytest.raises(NotFoundError):
        hotel_store.book("nope", BookingRequest("sat-1"))


def test_list_bookings_pages(hotel_store):
    ids = [hotel_store.book("hotel", BookingRequest("sat-2"))[0].id for _ in range(5)]
    hotel_store.cancel("hotel", ids[0])
    page, total = hotel_store.list_bookings("hotel", limit=2, offset=1)
    assert total == 5 and len(page) == 2
    assert hotel_store.list_bookings("hotel", status="cancelled")[1] == 1


# ---------------------------------------------------------------------- evaluate
def test_evaluate_writes_nothing_and_follows_bookings(hotel_store):
    optimize_network(hotel_store, "hotel", OptimizationRequest("dlp"))
    statements = []

    from sqlalchemy import event

    def record(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    event.listen(hotel_store.engine, "before_cursor_execute", record)
    d = hotel_store.evaluate("hotel", BookingRequest("sat-2", 2))
    first = list(statements)
    for _ in range(50):
        hotel_store.evaluate("hotel", BookingRequest("sat-2", 2))
    event.remove(hotel_store.engine, "before_cursor_execute", record)
    assert d.accepted and d.decision_version == 1
    assert set(first) <= {"SELECT", "BEGIN"}, first  # one snapshot load, reads only
    assert statements == first  # then served from memory
    hotel_store.book("hotel", BookingRequest("sun-1", 20))
    d = hotel_store.evaluate("hotel", BookingRequest("sat-2"))
    assert (d.accepted, d.reason) == (False, "unavailable")


def test_evaluate_sees_new_versions_at_once(hotel_store):
    assert hotel_store.evaluate("hotel", BookingRequest("sat-1")).decision_version == 0
    optimize_network(hotel_store, "hotel", OptimizationRequest("dlp"))
    d = hotel_store.evaluate("hotel", BookingRequest("sat-1"))
    assert (d.decision_version, d.reason) == (1, "bid_price")


def test_evaluate_snapshot_refreshes_after_ttl(db_url):
    a, b = Store.open(db_url, evaluate_ttl=0.0), Store.open(db_url, evaluate_ttl=60.0)
    a.put_network("hotel", hotel())
    assert b.evaluate("hotel", BookingRequest("sun-1", 20)).accepted
    a.book("hotel", BookingRequest("sun-1", 20))  # another process
    assert b.evaluate("hotel", BookingRequest("sun-1")).accepted  # stale within the TTL
    b._cache.ttl = 0.0
    assert b.evaluate("hotel", BookingRequest("sun-1")).reason == "unavailable"
    a.close()
    b.close()
