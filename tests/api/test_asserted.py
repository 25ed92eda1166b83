"""Asserted prices and segments: a separate permission, bounded, and recorded on the booking."""

from __future__ import annotations

import sqlalchemy as sa

from yieldopt.store import SCHEMA_VERSION, BookingRequest, Store, create_engine

from ..store.conftest import hotel


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
