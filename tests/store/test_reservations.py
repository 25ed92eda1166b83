"""Imported reservations in the store: by id, replaced on re-import, deleted with the
network, read with the bookings in one go; the v3 -> v4 upgrade keeps the data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from yieldopt.store import NotFoundError, Store, schema_version, upgrade
from yieldopt.store import _schema as schema
from yieldopt.store._engine import create_engine

from .conftest import hotel


def rec(rid: str, rooms: int = 1, **extra) -> dict:
    return {
        "reservation_id": rid,
        "property": "Inn",
        "arrival": "2026-12-04",
        "departure": "2026-12-06",
        "nights": 2,
        "room_type": "std",
        "segment": "direct",
        "booked_at": "2026-11-01T00:00:00",
        "status": "booked",
        "cancelled_at": None,
        "rooms": rooms,
        "rate": 99.5,
        "guests": 2,
        **extra,
    }


def test_put_replace_and_read(store):
    store.put_network("hotel", hotel())
    assert store.put_reservations("hotel", [rec("a"), rec("b", channel="web")]) == (2, 0)
    assert store.put_reservations("hotel", [rec("b", rooms=3), rec("c")]) == (1, 1)
    assert store.count_reservations("hotel") == 3
    got = {r["reservation_id"]: r for r in store.reservations("hotel")}
    assert got["b"]["rooms"] == 3 and "channel" not in got["b"]  # replaced as a whole
    assert got["a"] == rec("a")
    assert store.put_reservations("hotel", [rec("x", ancillary_meal=12.0, is_repeat=True)])
    x = next(r for r in store.reservations("hotel") if r["reservation_id"] == "x")
    assert (x["ancillary_meal"], x["is_repeat"]) == (12.0, True)


def test_many_reservations_in_chunks(store):
    store.put_network("hotel", hotel())
    rows = [rec(f"r{i}") for i in range(1_234)]
    assert store.put_reservations("hotel", rows) == (1_234, 0)
    assert store.put_reservations("hotel", rows) == (0, 1_234)
    assert store.count_reservations("hotel") == 1_234


def test_cycle_inputs_and_delete(store):
    from yieldopt.store import BookingRequest

    store.put_network("hotel", hotel())
    store.put_reservations("hotel", [rec("a")])
    booking, _ = store.book("hotel", BookingRequest("fri-2", 2))
    inputs = store.cycle_inputs("hotel")
    assert [r["reservation_id"] for r in inputs.reservations] == ["a"]
    assert [(b.id, b.quantity) for b in inputs.bookings] == [(booking.id, 2)]
    assert inputs.sold.sum() == 4  # two nights × two rooms
    store.delete_network("hotel")
    with pytest.raises(NotFoundError):
        store.reservations("hotel")
    with pytest.raises(NotFoundError):
        store.put_reservations("hotel", [rec("a")])
    store.put_network("hotel", hotel())
    assert store.count_reservations("hotel") == 0  # gone with the network


def test_upgrade_from_v3_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine)
    with engine.begin() as conn:  # back to a v3 database: no reservations table
        conn.execute(sa.text("DROP TABLE reservations"))
        conn.execute(schema.schema_info.update().values(version=3))
    engine.dispose()
    store = Store.open(url)
    try:
        assert schema_version(store.engine) == schema.SCHEMA_VERSION
        store.put_network("hotel", hotel())
        assert store.put_reservations("hotel", [rec("a")]) == (1, 0)
    finally:
        store.close()
