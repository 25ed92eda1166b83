"""Compiled controls decide requests exactly by the published rule, with no database."""

import pytest

import yieldopt as yo
from yieldopt.control import BookingRequest, Controls, DecisionSet
from yieldopt.errors import InputError

from ..store.conftest import HOTEL_NIGHTS, hotel


def decisions(bid, control="bid-price", limits=None, version=3) -> DecisionSet:
    return DecisionSet(
        network="hotel",
        version=version,
        method="dlp",
        control=control,
        created_at="",
        network_revision=1,
        forecast_revision=1,
        objective=None,
        bid_prices=dict(zip(HOTEL_NIGHTS, bid, strict=True)),
        authorized=dict.fromkeys(HOTEL_NIGHTS, 20),
        booking_limits=limits or {},
    )


def test_bid_price_rule_and_margin():
    c = Controls.compile("hotel", 1, hotel(), decisions([0.0, 200.0, 0.0]))
    sold, auth = [0, 0, 0], [20, 20, 20]
    d = c.decide(BookingRequest("sat-1"), sold, auth)
    assert (d.accepted, d.reason, d.decision_version) == (False, "bid_price", 3)
    assert d.assessment.bid_price_total == 200.0 and d.assessment.margin == -100.0
    d = c.decide(BookingRequest("sat-2", 2), sold, auth)
    assert d.accepted and d.assessment.value == 420.0 and d.assessment.bid_price_total == 400.0
    # A higher offered price opens a closed product; the marginal price is accepted.
    assert c.decide(BookingRequest("sat-1", price=200.0), sold, auth).accepted
    assert not c.decide(BookingRequest("sat-1", price=199.99), sold, auth).accepted


def test_segment_adjusts_value():
    recs = {
        "resources": [{"id": "leg", "capacity": 5}],
        "products": [{"id": "y", "resources": ["leg"], "price": 100.0, "segment": "biz"}],
        "segments": [
            {"id": "biz", "ancillary": 30.0, "cost_to_serve": 10.0},
            {"id": "tour", "cost_to_serve": 60.0},
        ],
    }
    net = yo.Network.from_records(**recs)
    ds = DecisionSet("n", 1, "dlp", "bid-price", "", 1, 1, None, {"leg": 110.0}, {"leg": 5})
    c = Controls.compile("n", 1, net, ds)
    assert c.decide(BookingRequest("y"), [0], [5]).assessment.value == 120.0
    d = c.decide(BookingRequest("y", segment="tour"), [0], [5])
    assert (d.assessment.value, d.reason) == (40.0, "bid_price")
    with pytest.raises(InputError) as err:
        c.decide(BookingRequest("y", segment="nope"), [0], [5])
    assert err.value.field == "segment"
    with pytest.raises(InputError) as err:
        c.decide(BookingRequest("nope"), [0], [5])
    assert err.value.field == "product"


def test_availability_on_every_resource_and_nested_limits():
    limits = {"fri-3": dict(zip(HOTEL_NIGHTS, [20, 20, 7], strict=True))}
    c = Controls.compile("hotel", 1, hotel(), decisions([0, 0, 0], "nested", limits))
    auth = [20, 20, 20]
    assert c.decide(BookingRequest("fri-3", 2), [18, 5, 5], auth).accepted
    assert c.decide(BookingRequest("fri-3", 3), [18, 5, 5], auth).reason == "unavailable"
    assert c.decide(BookingRequest("fri-3", 2), [0, 0, 5], auth).accepted
    assert c.decide(BookingRequest("fri-3", 3), [0, 0, 5], auth).reason == "booking_limit"
    # Nested control ignores the bid prices.
    assert c.decide(BookingRequest("fri-3", 1, price=0.0), [0, 0, 0], auth).accepted


def test_no_decision_set_is_first_come_first_served():
    c = Controls.compile("hotel", 4, hotel(), None)
    assert c.version == 0 and c.control == "fcfs"
    d = c.decide(BookingRequest("sat-1", price=0.0), [0, 19, 0], [20, 20, 20])
    assert d.accepted and d.decision_version == 0
    assert c.decide(BookingRequest("sat-1", 2), [0, 19, 0], [20, 20, 20]).reason == "unavailable"


def test_request_validation():
    with pytest.raises(InputError, match="quantity"):
        BookingRequest("x", 0)
    with pytest.raises(InputError, match="price"):
        BookingRequest("x", 1, float("nan"))
    assert BookingRequest("x", 1).fingerprint() != BookingRequest("x", 2).fingerprint()
