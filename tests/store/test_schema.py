"""Schema version and upgrade path: a new database is current, an upgrade keeps the data."""

import pytest
import sqlalchemy as sa

import yieldopt.store._schema as schema
from yieldopt.store import (
    SCHEMA_VERSION,
    BookingRequest,
    Store,
    StoreError,
    create_engine,
    schema_version,
    upgrade,
)

from .conftest import hotel


def test_new_database_gets_current_version(db_url):
    engine = create_engine(db_url)
    assert schema_version(engine) is None
    assert upgrade(engine) == SCHEMA_VERSION
    assert schema_version(engine) == SCHEMA_VERSION
    assert upgrade(engine) == SCHEMA_VERSION  # idempotent
    engine.dispose()


def test_sqlite_uses_wal_and_busy_timeout(sqlite_url):
    engine = create_engine(sqlite_url, busy_timeout=7.5)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7500
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_upgrade_runs_migrations_and_keeps_data(db_url, monkeypatch):
    store = Store.open(db_url)
    store.put_network("hotel", hotel())
    booking, _ = store.book("hotel", BookingRequest("sat-2", 2), "key-1")
    store.close()

    def add_note_column(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE bookings ADD COLUMN note VARCHAR(100)"))
        conn.execute(sa.text("UPDATE bookings SET note = 'migrated'"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION, add_note_column)
    engine = create_engine(db_url)
    assert upgrade(engine) == SCHEMA_VERSION + 1
    with engine.connect() as conn:
        notes = conn.execute(sa.text("SELECT id, note FROM bookings")).all()
    assert notes == [(booking.id, "migrated")]
    upgraded = Store(engine)
    assert upgraded.get_booking("hotel", booking.id).quantity == 2
    assert [r.sold for r in upgraded.inventory("hotel")] == [0, 2, 2]
    engine.dispose()


def test_failed_migration_leaves_version_and_data(sqlite_url, monkeypatch):
    store = Store.open(sqlite_url)
    store.put_network("hotel", hotel())
    store.close()

    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE networks ADD COLUMN half_done INTEGER"))
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION, broken)
    engine = create_engine(sqlite_url)
    with pytest.raises(RuntimeError, match="migration bug"):
        upgrade(engine)
    assert schema_version(engine) == SCHEMA_VERSION
    cols = [c["name"] for c in sa.inspect(engine).get_columns("networks")]
    assert "half_done" not in cols  # the step rolled back as a whole
    assert Store(engine).list_networks() == ["hotel"]
    engine.dispose()


def test_newer_database_is_refused(sqlite_url):
    engine = create_engine(sqlite_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(schema.schema_info.update().values(version=SCHEMA_VERSION + 5))
    with pytest.raises(StoreError, match="newer than this yieldopt"):
        upgrade(engine)
    engine.dispose()


def test_tables_without_version_are_refused(sqlite_url):
    engine = create_engine(sqlite_url)
    schema.networks.create(engine)
    with pytest.raises(StoreError, match="no schema version"):
        upgrade(engine)
    engine.dispose()


def test_unsupported_url():
    with pytest.raises(StoreError, match="unsupported database"):
        create_engine("mysql://localhost/x")
    with pytest.raises(StoreError, match="invalid database URL"):
        create_engine("not a url")
