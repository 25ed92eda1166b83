"""Asserted prices and segments: a separate permission, bounded, and recorded on the booking."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from yieldopt.store import SCHEMA_VERSION, BookingRequest, Store, create_engine
from yieldopt_api.main import create_app
from yieldopt_api.security import KeyRing, Role, key_id
from yieldopt_api.settings import Settings

from ..store.conftest import hotel
from .conftest import ADMIN_H, BOOK_H, FORECAST, HOTEL, READ_H, TestClient
from .server import ADMIN, BOOK, KEYS, auth


def test_v1_database_gains_the_asserted_columns(db_url):
    """A database written before the audit columns upgrades in place and keeps its bookings."""
    store = Store.open(db_url)
    store.put_network("hotel", hotel())
    old, _ = store.book("hotel", BookingRequest("sat-2", 1))
    store.close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE bookings DROP COLUMN asserted"))
        conn.execute(sa.text("ALTER TABLE bookings DROP COLUMN asserted_by"))
        conn.execute(sa.text("UPDATE yieldopt_schema SET version = 1"))
    engine.dispose()
    store = Store.open(db_url)
    try:
        assert store.get_booking("hotel", old.id).asserted == ()
        new, _ = store.book("hotel", BookingRequest("sat-2", 1, price=250.0, asserted_by="k1"))
        got = store.get_booking("hotel", new.id)
        assert (got.asserted, got.asserted_by, got.price) == (("price",), "k1", 250.0)
        with store.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version FROM yieldopt_schema")).scalar()
        assert version == SCHEMA_VERSION
    finally:
        store.close()


# ---------------------------------------------------------------- over HTTP
ASSERT_BOOK = "assert-book-k3y-0001"
ASSERT_READ = "assert-read-k3y-0001"
N = "/v1/networks/hotel"
NET = {**HOTEL, "segments": [{"id": "corp", "future_value": 500.0}]}


@pytest.fixture
def api(sqlite_url):
    keys = f"{KEYS},{ASSERT_BOOK}:book+assert,{ASSERT_READ}:read+assert"
    with TestClient(create_app(Settings(db_url=sqlite_url, api_keys=keys))) as c:
        assert c.put(N, json=NET, headers=ADMIN_H).status_code == 201
        assert c.put(f"{N}/forecast", json=FORECAST, headers=ADMIN_H).is_success
        assert c.post(f"{N}/optimizations", json={"method": "dlp"}, headers=ADMIN_H).is_success
        yield c


def _refused(r, status, field):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["field"] == field and body["detail"].startswith(f"{field}: ")
    return body


@pytest.mark.parametrize("path", ["bookings", "evaluate"])
def test_asserting_a_segment_or_a_price_above_list_needs_the_grant(api, path):
    headers = BOOK_H if path == "bookings" else READ_H
    # sat-1 lists at 100, below Saturday's bid price: 10 000 would pass the control.
    r = api.post(f"{N}/{path}", json={"product": "sat-1", "price": 10_000}, headers=headers)
    assert "+assert" in _refused(r, 403, "price")["detail"]
    r = api.post(f"{N}/{path}", json={"product": "sat-1", "segment": "corp"}, headers=headers)
    _refused(r, 403, "segment")
    # At or below the list price, a price is no lever: allowed (and recorded, below).
    r = api.post(f"{N}/{path}", json={"product": "sat-2", "price": 210}, headers=headers)
    assert r.status_code in (200, 201), r.text
    granted = auth(ASSERT_BOOK if path == "bookings" else ASSERT_READ)
    for key in (granted, ADMIN_H):
        for extra in ({"price": 900.0}, {"segment": "corp"}):
            r = api.post(f"{N}/{path}", json={"product": "sat-1", **extra}, headers=key)
            assert r.status_code in (200, 201), r.text
    assert [r["sold"] for r in api.get(f"{N}/inventory", headers=READ_H).json()][1] == (
        5 if path == "bookings" else 0
    )


def test_asserted_prices_are_bounded(api):
    granted = auth(ASSERT_BOOK)
    # 10 x the list price (the default max_price_factor) passes, more does not.
    ok = api.post(f"{N}/evaluate", json={"product": "sat-1", "price": 1000.0}, headers=granted)
    assert ok.status_code == 200
    r = api.post(f"{N}/bookings", json={"product": "sat-1", "price": 1000.5}, headers=granted)
    assert "10 times the list price" in _refused(r, 422, "price")["detail"]
    for bad in (float("inf"), 1e13, -1):
        r = api.post(
            f"{N}/bookings",
            content=json.dumps({"product": "sat-1", "price": bad}),
            headers={**granted, "Content-Type": "application/json"},
        )
        _refused(r, 422, "price")


def test_booking_records_what_was_asserted_and_by_which_key(api):
    r = api.post(
        f"{N}/bookings", json={"product": "sat-1", "price": 900}, headers=auth(ASSERT_BOOK)
    )
    assert r.status_code == 201, r.text
    got = api.get(f"{N}/bookings/{r.json()['booking_id']}", headers=READ_H).json()
    assert got["asserted"] == ["price"] and got["asserted_by"] == key_id(ASSERT_BOOK)
    r = api.post(f"{N}/bookings", json={"product": "sat-2", "price": 200}, headers=BOOK_H)
    got = api.get(f"{N}/bookings/{r.json()['booking_id']}", headers=READ_H).json()
    assert got["asserted"] == ["price"] and got["asserted_by"] == key_id(BOOK)
    r = api.post(f"{N}/bookings", json={"product": "sat-2"}, headers=BOOK_H)
    got = api.get(f"{N}/bookings/{r.json()['booking_id']}", headers=READ_H).json()
    assert got["asserted"] == [] and got["asserted_by"] is None
    assert BOOK not in r.text and ASSERT_BOOK not in json.dumps(got)


def test_assert_grant_syntax():
    ring = KeyRing.parse(f"{ASSERT_BOOK}:book+assert,{BOOK}:book,{ADMIN}:admin")
    assert ring.lookup(ASSERT_BOOK).can_assert and ring.lookup(ASSERT_BOOK).role is Role.book
    assert not ring.lookup(BOOK).can_assert
    assert ring.lookup(ADMIN).can_assert
    with pytest.raises(ValueError, match=r"unknown flag 'sudo'"):
        KeyRing.parse(f"{BOOK}:book+sudo")
