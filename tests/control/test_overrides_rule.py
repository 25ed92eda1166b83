"""The override rule in the compiled controls: closed before the bid price, a bid-price
override binding under any control; expiries read from ISO text."""

from __future__ import annotations

import datetime as dt

import pytest

import yieldopt as yo
from yieldopt.control import (
    BookingRequest,
    Controls,
    DecisionSet,
    Override,
    apply_overrides,
    parse_expiry,
)
from yieldopt.errors import InputError

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def network() -> yo.Network:
    return yo.Network.from_records(
        [{"id": "a", "capacity": 3}, {"id": "b", "capacity": 3}],
        [
            {"id": "ab", "resources": ["a", "b"], "price": 100.0},
            {"id": "b1", "resources": ["b"], "price": 40.0},
        ],
    )


def decisions(control: str, **kw) -> DecisionSet:
    return DecisionSet(
        "n", 1, "dlp", control, "t", 1, 1, None, {"a": 30.0, "b": 20.0}, {"a": 3, "b": 3}, **kw
    )


def override(resource: str, **kw) -> Override:
    fields = {"bid_price": None, "authorized": None, "closed": None, "expires_at": None}
    return Override(resource, reason="r", set_by="x", set_at="t", **{**fields, **kw})


def compile_with(control: str, *overrides: Override) -> Controls:
    ds = apply_overrides(decisions(control), overrides, NOW)
    return Controls.compile("n", 1, network(), ds)


def test_closed_is_checked_before_the_bid_price():
    c = compile_with("bid-price", override("a", closed=True))
    low = c.decide(BookingRequest("ab", price=1.0), [0, 0], [3, 3])  # would fail the bid price
    high = c.decide(BookingRequest("ab", price=1e6), [0, 0], [3, 3])
    assert (low.reason, high.reason) == ("closed", "closed")
    assert c.decide(BookingRequest("b1"), [0, 0], [3, 3]).accepted  # b is open


@pytest.mark.parametrize("control", ["nested", "fcfs"])
def test_bid_price_override_binds_under_any_control(control):
    plain = compile_with(control)
    assert plain.decide(BookingRequest("b1", price=1.0), [0, 0], [3, 3]).accepted
    c = compile_with(control, override("b", bid_price=50.0))
    d = c.decide(BookingRequest("b1"), [0, 0], [3, 3])  # 40 < 50
    assert d.reason == "bid_price" and d.assessment.bid_price_total == 50.0
    # ab pays a's optimized 30 plus b's overridden 50: 100 >= 80.
    ab = c.decide(BookingRequest("ab"), [0, 0], [3, 3])
    assert ab.accepted and ab.assessment.bid_price_total == 80.0


def test_authorized_override_limits_availability():
    c = compile_with("bid-price", override("b", authorized=1))
    ds = apply_overrides(decisions("bid-price"), [override("b", authorized=1)], NOW)
    assert ds.authorized == {"a": 3, "b": 1}
    assert c.decide(BookingRequest("b1", 2), [0, 0], [3, 1]).reason == "unavailable"


def test_compiled_controls_carry_the_earliest_expiry():
    first = "2026-12-02T00:00:00+00:00"
    c = compile_with(
        "bid-price",
        override("a", closed=True, expires_at="2026-12-03T00:00:00+00:00"),
        override("b", bid_price=1.0, expires_at=first),
    )
    assert c.expires_at == dt.datetime.fromisoformat(first).timestamp()
    assert not c.expired(NOW.timestamp())
    assert c.expired(c.expires_at)
    assert compile_with("bid-price").expires_at is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-12-04", "2026-12-04T00:00:00+00:00"),
        ("2026-12-04T18:30Z", "2026-12-04T18:30:00+00:00"),
        ("2026-12-04T18:30:00", "2026-12-04T18:30:00+00:00"),  # naive: UTC
        ("2026-12-04T20:30:00+02:00", "2026-12-04T18:30:00+00:00"),
        (dt.date(2026, 12, 4), "2026-12-04T00:00:00+00:00"),
        (None, None),
    ],
)
def test_expiry_forms(given, expected):
    assert parse_expiry(given, NOW) == expected


@pytest.mark.parametrize("given", ["2026-12-01T12:00Z", "2026-11-30", "soon", "2026-13-01", 5])
def test_expiry_must_be_a_future_iso_instant(given):
    with pytest.raises(InputError) as err:
        parse_expiry(given, NOW)
    assert err.value.field == "expires_at"
