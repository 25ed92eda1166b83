"""Queries shared by the store's operations, one function each, on a given connection.

Mostly reads; also the few statements that more than one operation writes with
(setting authorized capacity) and the row locks.

Lock order. Every transaction that locks inventory rows does so in one global order,
:func:`lock_order` (resource id, by code point), so no two of them wait on each other in
a cycle: bookings take capacity in that order, cancellations give it back in that order,
and admin writes (network updates, deletions, publishing decisions) first lock all the
network's inventory rows in that order (:func:`lock_inventory`). Bookings and
cancellations take no lock on the network row, so admin writes never queue behind a
stream of bookings; a booking instead re-reads the network row after taking its
capacity and starts again if the network or its decisions changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Row, select, update

from ..control import resource_order
from ..model import BookingStatus, Network, Reason
from ._errors import NotFoundError
from ._records import Booking, DecisionSet, Forecast, InventoryRow, OptimizationRun
from ._schema import (
    bookings,
    decision_sets,
    forecasts,
    inventory,
    networks,
    optimization_runs,
    products,
    resources,
    segments,
)

__all__ = [
    "Head",
    "booking_from_row",
    "inventory_where",
    "load_booking_row",
    "load_decisions",
    "load_forecast",
    "load_head",
    "load_inventory",
    "load_network",
    "lock_inventory",
    "lock_order",
    "run_from_row",
    "select_booking",
    "select_run",
    "set_authorized",
]


@dataclass(frozen=True)
class Head:
    """The networks row: revisions and current decision version."""

    id: str
    revision: int
    decision_version: int
    forecast_revision: int
    incarnation: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        """What compiled controls depend on: incarnation, revision, decision version."""
        return (self.incarnation, self.revision, self.decision_version)


def load_head(
    conn: Connection, network_id: str, lock: Literal["update", "delete"] | None = None
) -> Head:
    """Read a network's row, optionally locking it on PostgreSQL.

    ``lock="update"`` takes ``FOR NO KEY UPDATE``, which does not wait for (nor block)
    the key-share locks that inserting a booking takes through its foreign key;
    ``lock="delete"`` takes ``FOR UPDATE``. Only admin writes lock the row.

    Raises
    ------
    NotFoundError
        If there is no such network.
    """
    stmt = select(
        networks.c.id,
        networks.c.revision,
        networks.c.decision_version,
        networks.c.forecast_revision,
        networks.c.incarnation,
    ).where(networks.c.id == network_id)
    if lock is not None:
        stmt = stmt.with_for_update(key_share=lock == "update")
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFoundError("network", network_id)
    return Head(*row)


def load_network(conn: Connection, network_id: str) -> Network:
    """Rebuild the stored network (resources, products, segments in their order)."""
    where = {"network_id": network_id}
    res = conn.execute(
        select(resources.c.id, resources.c.capacity)
        .filter_by(**where)
        .order_by(resources.c.position)
    ).mappings()
    prods = conn.execute(
        select(products.c.id, products.c.resources, products.c.price, products.c.segment)
        .filter_by(**where)
        .order_by(products.c.position)
    ).mappings()
    segs = conn.execute(
        select(
            segments.c.id, segments.c.ancillary, segments.c.cost_to_serve, segments.c.future_value
        )
        .filter_by(**where)
        .order_by(segments.c.position)
    ).mappings()
    return Network.from_records(
        [dict(r) for r in res], [dict(p) for p in prods], [dict(s) for s in segs]
    )


def load_forecast(conn: Connection, network_id: str) -> Forecast | None:
    """Return the stored forecast, or ``None`` if none was set."""
    row = conn.execute(
        select(forecasts.c.demand, forecasts.c.revision, forecasts.c.updated_at).where(
            forecasts.c.network_id == network_id
        )
    ).first()
    return None if row is None else Forecast(list(row.demand), row.revision, row.updated_at)


def load_decisions(
    conn: Connection, network_id: str, version: int | None = None
) -> DecisionSet | None:
    """Return a decision set (the latest when ``version`` is ``None``), or ``None``."""
    stmt = select(decision_sets.c.body).where(decision_sets.c.network_id == network_id)
    if version is None:
        stmt = stmt.order_by(decision_sets.c.version.desc()).limit(1)
    else:
        stmt = stmt.where(decision_sets.c.version == version)
    body = conn.execute(stmt).scalar_one_or_none()
    return None if body is None else DecisionSet.from_dict(body)


def load_inventory(conn: Connection, network_id: str) -> list[InventoryRow]:
    """Inventory counts per resource, in network order."""
    rows = conn.execute(
        select(resources.c.id, resources.c.capacity, inventory.c.authorized, inventory.c.sold)
        .join(
            inventory,
            (inventory.c.network_id == resources.c.network_id)
            & (inventory.c.resource_id == resources.c.id),
        )
        .where(resources.c.network_id == network_id)
        .order_by(resources.c.position)
    )
    return [InventoryRow(r.id, int(r.capacity), int(r.authorized), int(r.sold)) for r in rows]


def booking_from_row(row: Row[Any]) -> Booking:
    """Build a :class:`Booking` from a ``bookings`` row."""
    m = row._mapping
    return Booking(
        id=m["id"],
        network=m["network_id"],
        product=m["product_id"],
        resources=list(m["resources"]),
        quantity=int(m["quantity"]),
        price=float(m["price"]),
        value=float(m["value"]),
        bid_price_total=float(m["bid_price_total"]),
        segment=m["segment"],
        status=BookingStatus(m["status"]),
        reason=Reason(m["reason"]),
        decision_version=int(m["decision_version"]),
        idempotency_key=m["idempotency_key"],
        created_at=m["created_at"],
        cancelled_at=m["cancelled_at"],
        asserted=tuple(m["asserted"].split(",")) if m["asserted"] else (),
        asserted_by=m["asserted_by"],
    )


def run_from_row(row: Row[Any]) -> OptimizationRun:
    """Build an :class:`OptimizationRun` from an ``optimization_runs`` row."""
    m = row._mapping
    return OptimizationRun(
        id=m["id"],
        network=m["network_id"],
        status=m["status"],
        method=m["method"],
        params=dict(m["params"]),
        decision_version=m["decision_version"],
        error=m["error"],
        created_at=m["created_at"],
        finished_at=m["finished_at"],
    )


def select_booking(network_id: str, booking_id: str):
    """Select one booking row by id."""
    return select(bookings).where(
        (bookings.c.network_id == network_id) & (bookings.c.id == booking_id)
    )


def select_run(network_id: str, run_id: str):
    """Select one optimization run row by id."""
    return select(optimization_runs).where(
        (optimization_runs.c.network_id == network_id) & (optimization_runs.c.id == run_id)
    )


def load_booking_row(conn: Connection, network_id: str, booking_id: str) -> Row[Any]:
    """Read a booking's row (confirmed or cancelled; kept rejections do not count).

    Raises
    ------
    NotFoundError
        For an unknown id or a kept rejection.
    """
    row = conn.execute(select_booking(network_id, booking_id)).first()
    if row is None or row.status == "rejected":
        raise NotFoundError("booking", booking_id)
    return row


def lock_order(resource_ids: Iterable[str]) -> list[str]:
    """Return ids in the global order in which inventory rows are locked: by code point.

    Code-point order is the order of PostgreSQL's ``COLLATE "C"`` on UTF-8 text and of
    SQLite's ``BINARY`` collation, so :func:`lock_inventory` can let the database sort.
    It is :func:`yieldopt.control.resource_order`, the order compiled controls list a
    product's resources in.
    """
    return resource_order(resource_ids)


def lock_inventory(conn: Connection, network_id: str) -> list[str]:
    """Lock all inventory rows of a network in :func:`lock_order` (PostgreSQL).

    Admin writes call this first, before touching the network row, so they wait only
    for the bookings in flight on those rows and then hold off new ones. On SQLite the
    write transaction (``BEGIN IMMEDIATE``) already excludes every other writer.

    Returns
    -------
    list of str
        The resource ids, in lock order.
    """
    stmt = select(inventory.c.resource_id).where(inventory.c.network_id == network_id)
    if conn.dialect.name == "postgresql":
        # Rows are locked as the sorted rows come out, i.e. in this order.
        stmt = stmt.order_by(inventory.c.resource_id.collate("C")).with_for_update()
        return list(conn.execute(stmt).scalars())
    return lock_order(conn.execute(stmt).scalars())


def inventory_where(network_id: str, resource_id: str) -> ColumnElement[bool]:
    """Where-clause selecting the inventory row of one resource."""
    return (inventory.c.network_id == network_id) & (inventory.c.resource_id == resource_id)


def set_authorized(conn: Connection, network_id: str, authorized: Mapping[str, int]) -> None:
    """Set the authorized capacity of resources.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        In a write transaction.
    network_id : str
        Network id.
    authorized : mapping of str to int
        New authorized capacity (units) by resource id; other resources keep theirs.
    """
    for rid, auth in authorized.items():
        conn.execute(
            update(inventory).where(inventory_where(network_id, rid)).values(authorized=auth)
        )
