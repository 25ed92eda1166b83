"""Database tables of the booking-control store, and the schema version with its upgrade path.

The store keeps one row per network (with its revision, current decision version and
incarnation: a random id drawn when the network is created, so a network deleted and
created again under the same id is never mistaken for the old one),
the definitions (resources, products, segments), one forecast document per network,
versioned decision sets, the live inventory per resource (authorized and sold units),
bookings with their idempotency keys, optimization runs, and the reservations imported
from a booking system's export, the revenue managers' overrides and their audit.

``SCHEMA_VERSION`` is the version this code writes. :func:`upgrade` brings any older
database forward one step at a time through ``MIGRATIONS``; each step runs in its own
transaction together with the version bump, so a failed step leaves the database at the
previous version with all its data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Double,
    Engine,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from ._errors import StoreError

__all__ = [
    "DEFINITIONS",
    "MIGRATIONS",
    "NETWORK_TABLES",
    "SCHEMA_VERSION",
    "bookings",
    "decision_sets",
    "forecasts",
    "inventory",
    "metadata",
    "networks",
    "optimization_runs",
    "override_audit",
    "overrides",
    "products",
    "reservations",
    "resources",
    "schema_info",
    "schema_version",
    "segments",
    "upgrade",
]

SCHEMA_VERSION = 5

_Json = JSON().with_variant(JSONB(), "postgresql")
_ID = 200  # longest id (characters)

metadata = MetaData()

schema_info = Table(
    "yieldopt_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("upgraded_at", String(40), nullable=False),
)

networks = Table(
    "networks",
    metadata,
    Column("id", String(_ID), primary_key=True),
    # uuid4 hex drawn on create (added in v3): revisions and decision versions restart at
    # 1 when a network is deleted and created again, the incarnation never repeats.
    Column("incarnation", String(32), nullable=False, server_default=""),
    Column("revision", Integer, nullable=False),
    Column("decision_version", Integer, nullable=False, server_default="0"),
    Column("forecast_revision", Integer, nullable=False, server_default="0"),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)


def _owned(
    name: str, *columns: Column[Any] | CheckConstraint, pk: tuple[str, ...], **kw: Any
) -> Table:
    """Return a table of rows that belong to one network (deleted with it)."""
    return Table(
        name,
        metadata,
        Column("network_id", String(_ID), nullable=False),
        *columns,
        PrimaryKeyConstraint("network_id", *pk),
        ForeignKeyConstraint(["network_id"], ["networks.id"], ondelete="CASCADE"),
        **kw,
    )


resources = _owned(
    "resources",
    Column("id", String(_ID), nullable=False),
    Column("position", Integer, nullable=False),
    Column("capacity", BigInteger, nullable=False),
    pk=("id",),
)

products = _owned(
    "products",
    Column("id", String(_ID), nullable=False),
    Column("position", Integer, nullable=False),
    Column("resources", _Json, nullable=False),
    Column("price", Double, nullable=False),
    Column("segment", String(_ID)),
    pk=("id",),
)

segments = _owned(
    "segments",
    Column("id", String(_ID), nullable=False),
    Column("position", Integer, nullable=False),
    Column("ancillary", Double, nullable=False),
    Column("cost_to_serve", Double, nullable=False),
    Column("future_value", Double, nullable=False),
    pk=("id",),
)

# One document per network: [{"product", "mean", "std", "period"}], replaced as a whole.
forecasts = _owned(
    "forecasts",
    Column("revision", Integer, nullable=False),
    Column("demand", _Json, nullable=False),
    Column("updated_at", String(40), nullable=False),
    pk=(),
)

decision_sets = _owned(
    "decision_sets",
    Column("version", Integer, nullable=False),
    Column("method", String(40), nullable=False),
    Column("network_revision", Integer, nullable=False),
    Column("forecast_revision", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("body", _Json, nullable=False),
    pk=("version",),
)

# Live counts per resource; bookings take capacity with a conditional UPDATE of ``sold``.
inventory = _owned(
    "inventory",
    Column("resource_id", String(_ID), nullable=False),
    Column("authorized", BigInteger, nullable=False),
    Column("sold", BigInteger, nullable=False),
    CheckConstraint("sold >= 0", name="inventory_sold_nonnegative"),
    pk=("resource_id",),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("network_id", String(_ID), nullable=False),
    Column("product_id", String(_ID), nullable=False),
    Column("resources", _Json, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("price", Double, nullable=False),
    Column("value", Double, nullable=False),
    Column("bid_price_total", Double, nullable=False),
    Column("segment", String(_ID)),
    # confirmed | cancelled | rejected (rejections are kept only to replay an idempotency key)
    Column("status", String(16), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("decision_version", Integer, nullable=False),
    Column("idempotency_key", String(255)),
    Column("request_hash", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("cancelled_at", String(40)),
    # Fields the client asserted instead of the product's defaults ("price", "segment",
    # comma-separated) and the id of the API key that asserted them (audit; added in v2).
    Column("asserted", String(40)),
    Column("asserted_by", String(64)),
    # Who the key belongs to (a digest naming the API key holder, never the key; added in
    # v3): two booking systems may send the same Idempotency-Key without seeing each
    # other's bookings. Empty for bookings made before v3.
    Column("idempotency_scope", String(64), nullable=False, server_default=""),
    ForeignKeyConstraint(["network_id"], ["networks.id"], ondelete="CASCADE"),
    UniqueConstraint(
        "network_id", "idempotency_scope", "idempotency_key", name="bookings_idempotency_key"
    ),
    Index("bookings_network_status", "network_id", "status"),
)

optimization_runs = Table(
    "optimization_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("network_id", String(_ID), nullable=False),
    Column("status", String(16), nullable=False),  # queued | running | succeeded | failed
    Column("method", String(40), nullable=False),
    Column("params", _Json, nullable=False),
    Column("decision_version", Integer),
    Column("error", Text),
    Column("created_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    # The store (server process) that runs it, and until when (Unix time) its lease holds;
    # the owner renews it while the run is queued or running. Others reclaim it only
    # once the lease expired (added in v3; NULL for older runs).
    Column("owner", String(32)),
    Column("lease_expires_at", Double),
    ForeignKeyConstraint(["network_id"], ["networks.id"], ondelete="CASCADE"),
    Index("optimization_runs_network", "network_id"),
)

# One row per imported reservation (the reservation contract of yieldopt.ingest; added in
# v4), keyed by its reservation_id: importing it again replaces it. Dates are ISO text
# (days for arrival and departure); the optional contract columns (rate_code, channel,
# customer_id, is_repeat, consent, ancillary_*) live in ``extra``.
reservations = _owned(
    "reservations",
    Column("reservation_id", String(_ID), nullable=False),
    Column("property", String(_ID), nullable=False),
    Column("arrival", String(10), nullable=False),
    Column("departure", String(10), nullable=False),
    Column("nights", Integer, nullable=False),
    Column("room_type", String(_ID), nullable=False),
    Column("segment", String(_ID), nullable=False),
    Column("booked_at", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("cancelled_at", String(40)),
    Column("rooms", BigInteger, nullable=False),
    Column("rate", Double, nullable=False),
    Column("guests", BigInteger, nullable=False),
    Column("extra", _Json, nullable=False),
    Column("imported_at", String(40), nullable=False),
    pk=("reservation_id",),
)

# Revenue managers' overrides in force, one per resource (added in v5). The decision set
# published with them lists them too (``DecisionSet.overrides``); this table is what the
# next publish lays over the optimizer's values.
overrides = _owned(
    "overrides",
    Column("resource_id", String(_ID), nullable=False),
    Column("bid_price", Double),
    Column("authorized", BigInteger),
    Column("closed", Boolean),
    Column("reason", Text, nullable=False),
    Column("expires_at", String(40)),
    Column("set_by", String(64), nullable=False),
    Column("set_at", String(40), nullable=False),
    pk=("resource_id",),
)

# Every change of an override (added in v5): kept when the override goes away, deleted
# with the network. ``who`` is the API key's name, never the key; ``old``/``new`` the
# override records before and after (null when there was none / is none).
override_audit = Table(
    "override_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("network_id", String(_ID), nullable=False),
    Column("resource_id", String(_ID), nullable=False),
    Column("at", String(40), nullable=False),
    Column("who", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # set | remove | expire
    Column("old", _Json),
    Column("new", _Json),
    Column("reason", Text),
    Column("decision_version", Integer, nullable=False),
    ForeignKeyConstraint(["network_id"], ["networks.id"], ondelete="CASCADE"),
    Index("override_audit_network", "network_id", "resource_id"),
)

#: Tables defining a network, in the order of ``Network.to_records()``.
DEFINITIONS = (resources, products, segments)

#: Tables of rows that belong to one network, rows that refer to others first.
NETWORK_TABLES = (
    override_audit,
    overrides,
    reservations,
    bookings,
    optimization_runs,
    decision_sets,
    forecasts,
    inventory,
    products,
    segments,
    resources,
)


def _v1_asserted_columns(conn: Connection) -> None:
    """v1 -> v2: record on each booking what the client asserted, and which key did."""
    conn.execute(text("ALTER TABLE bookings ADD COLUMN asserted VARCHAR(40)"))
    conn.execute(text("ALTER TABLE bookings ADD COLUMN asserted_by VARCHAR(64)"))


def _v2_incarnations_scopes_leases(conn: Connection) -> None:
    """v2 -> v3: network incarnations, idempotency keys per key holder, run leases.

    Existing networks get an incarnation each; existing bookings keep their keys in the
    empty scope (their holder is unknown); existing runs have no owner, so the next
    server to start reclaims them as before. Columns already there are kept (the step
    also completes a database patched by hand).
    """
    have = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in _V3_COLUMNS}
    for table, columns in _V3_COLUMNS.items():
        for name, ddl in columns.items():
            if name not in have[table]:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))
    for network_id in conn.execute(
        select(networks.c.id).where(networks.c.incarnation == "")
    ).scalars():
        conn.execute(
            networks.update()
            .where(networks.c.id == network_id)
            .values(incarnation=uuid.uuid4().hex)
        )
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE bookings DROP CONSTRAINT bookings_idempotency_key"))
        conn.execute(
            text(
                "ALTER TABLE bookings ADD CONSTRAINT bookings_idempotency_key "
                "UNIQUE (network_id, idempotency_scope, idempotency_key)"
            )
        )
        return
    # SQLite cannot drop a constraint: rebuild the table (no table refers to bookings).
    # This creates the v3 table from the current definition: should bookings change in
    # a later version, freeze the v3 definition here.
    conn.execute(text("DROP INDEX bookings_network_status"))
    conn.execute(text("ALTER TABLE bookings RENAME TO bookings_v2"))
    bookings.create(conn)
    cols = ", ".join(c.name for c in bookings.columns)
    conn.execute(text(f"INSERT INTO bookings ({cols}) SELECT {cols} FROM bookings_v2"))
    conn.execute(text("DROP TABLE bookings_v2"))


def _v3_reservations(conn: Connection) -> None:
    """v3 -> v4: the reservations imported from a booking system's export.

    Creates the table as v4 defines it (frozen here should it change later); a table
    already there (a database patched by hand) is kept.
    """
    reservations.create(conn, checkfirst=True)


def _v4_overrides(conn: Connection) -> None:
    """v4 -> v5: revenue managers' overrides and their audit.

    Creates the tables as v5 defines them (frozen here should they change later);
    tables already there are kept. Stored decision sets read as before (no overrides,
    ``optimized`` null).
    """
    overrides.create(conn, checkfirst=True)
    override_audit.create(conn, checkfirst=True)


_V3_COLUMNS = {
    "networks": {"incarnation": "VARCHAR(32) NOT NULL DEFAULT ''"},
    "optimization_runs": {"owner": "VARCHAR(32)", "lease_expires_at": "FLOAT"},
    "bookings": {"idempotency_scope": "VARCHAR(64) NOT NULL DEFAULT ''"},
}


#: Upgrade steps: ``MIGRATIONS[v]`` turns a version-``v`` database into version ``v + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _v1_asserted_columns,
    2: _v2_incarnations_scopes_leases,
    3: _v3_reservations,
    4: _v4_overrides,
}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def schema_version(engine: Engine) -> int | None:
    """Return the schema version of the database, or ``None`` if it has no yieldopt tables.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The database.
    """
    if not inspect(engine).has_table(schema_info.name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(schema_info.c.version)).scalar_one_or_none()


def _lock(conn: Connection) -> None:
    """Serialize concurrent upgrades (several server processes starting at once)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7251034)"))


def upgrade(engine: Engine) -> int:
    """Create the tables of a new database or upgrade an older one, keeping its data.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The database (see :func:`~yieldopt.store.create_engine`).

    Returns
    -------
    int
        The schema version after the upgrade.

    Raises
    ------
    StoreError
        If the database was written by a newer yieldopt, or has tables but no version.
    """
    target = SCHEMA_VERSION
    write = {"yieldopt_write": True}
    with engine.connect().execution_options(**write) as conn, conn.begin():
        _lock(conn)
        if not inspect(conn).has_table(schema_info.name):
            if inspect(conn).has_table(networks.name):
                raise StoreError("database has yieldopt tables but no schema version")
            metadata.create_all(conn)
            conn.execute(schema_info.insert().values(id=1, version=target, upgraded_at=_now()))
            return target
    while True:
        with engine.connect().execution_options(**write) as conn, conn.begin():
            _lock(conn)
            version = conn.execute(select(schema_info.c.version)).scalar_one()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"database schema version {version} is newer than this yieldopt "
                    f"({SCHEMA_VERSION}); upgrade yieldopt"
                )
            if version >= target:
                return version
            step = MIGRATIONS.get(version)
            if step is None:
                raise StoreError(f"no upgrade from schema version {version}")
            step(conn)
            conn.execute(schema_info.update().values(version=version + 1, upgraded_at=_now()))
