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


_V3_ONLY = {
    "networks": {"incarnation"},
    "optimization_runs": {"owner", "lease_expires_at"},
    "bookings": {"idempotency_scope"},
}


def _v2_metadata() -> sa.MetaData:
    """The tables as schema version 2 had them (before incarnations, scopes and leases)."""
    m = sa.MetaData()
    for t in schema.metadata.sorted_tables:
        drop = _V3_ONLY.get(t.name, set())
        args: list = [
            sa.Column(
                c.name,
                c.type,
                nullable=c.nullable,
                server_default=None if c.server_default is None else c.server_default.arg,
            )
            for c in t.columns
            if c.name not in drop
        ]
        args.append(sa.PrimaryKeyConstraint(*[c.name for c in t.primary_key.columns]))
        for con in t.constraints:
            if isinstance(con, sa.ForeignKeyConstraint):
                targets = [e.target_fullname for e in con.elements]
                args.append(
                    sa.ForeignKeyConstraint(
                        [c.name for c in con.columns], targets, ondelete=con.ondelete
                    )
                )
            elif isinstance(con, sa.CheckConstraint):
                args.append(sa.CheckConstraint(str(con.sqltext), name=con.name))
        if t.name == "bookings":
            args.append(
                sa.UniqueConstraint(
                    "network_id", "idempotency_key", name="bookings_idempotency_key"
                )
            )
        args += [sa.Index(i.name, *[c.name for c in i.columns]) for i in t.indexes]
        sa.Table(t.name, m, *args)
    return m


def test_v2_database_upgrades_to_incarnations_scopes_and_leases(db_url):
    engine = create_engine(db_url)
    v2 = _v2_metadata()
    v2.create_all(engine)
    t = v2.tables
    with engine.begin() as conn:
        conn.execute(t["yieldopt_schema"].insert().values(id=1, version=2, upgraded_at="t"))
        conn.execute(
            t["networks"].insert().values(id="n", revision=1, created_at="t", updated_at="t")
        )
        conn.execute(
            t["resources"].insert().values(network_id="n", id="a", position=0, capacity=10)
        )
        conn.execute(
            t["products"]
            .insert()
            .values(network_id="n", id="a1", position=0, resources=["a"], price=50.0)
        )
        conn.execute(
            t["inventory"].insert().values(network_id="n", resource_id="a", authorized=10, sold=2)
        )
        conn.execute(
            t["bookings"]
            .insert()
            .values(
                id="b" * 32,
                network_id="n",
                product_id="a1",
                resources=["a"],
                quantity=2,
                price=50.0,
                value=100.0,
                bid_price_total=0.0,
                status="confirmed",
                reason="accepted",
                decision_version=0,
                idempotency_key="k-1",
                request_hash=BookingRequest("a1", 2).fingerprint(),
                created_at="t",
            )
        )
        conn.execute(
            t["optimization_runs"]
            .insert()
            .values(
                id="r" * 32,
                network_id="n",
                status="running",
                method="dlp",
                params={},
                created_at="t",
            )
        )
    assert upgrade(engine) == SCHEMA_VERSION  # through v3 to the current version
    with engine.connect() as conn:
        incarnation = conn.execute(sa.text("SELECT incarnation FROM networks")).scalar_one()
    assert len(incarnation) == 32
    store = Store(engine)
    # The old booking keeps its key in the empty scope; other holders may reuse the key.
    assert store.book("n", BookingRequest("a1", 2), "k-1")[0].id == "b" * 32
    other, replayed = store.book("n", BookingRequest("a1", 2), "k-1", scope="holder-b")
    assert not replayed and other.status == "confirmed"
    assert [r.sold for r in store.inventory("n")] == [4]
    assert store.fail_interrupted_runs() == 1  # a run without an owner is reclaimed
    store.close()
