"""Networks and their forecasts: the part of :class:`~yieldopt.store.Store` that defines them.

Replacing a network carries its inventory over by resource id (sold units stay,
authorized capacity keeps its overbooking margin) and refuses to drop capacity below
what is sold. Forecasts are validated record by record, naming the offending field.

Replacing or deleting a network first locks its inventory rows in the global lock
order (see :mod:`yieldopt.store._queries`), then its row: it waits only for the
bookings in flight, never for a queue of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .._validate import as_amount
from ..errors import InputError
from ..model import Network, OverrideAction
from ._errors import ConflictError, NotFoundError
from ._overrides_db import SYSTEM, load_overrides, remove_override
from ._queries import (
    Head,
    load_forecast,
    load_head,
    load_inventory,
    load_network,
    lock_inventory,
    set_authorized,
)
from ._records import Forecast, InventoryRow, utc_now
from ._retry import is_transient
from ._schema import DEFINITIONS, NETWORK_TABLES, forecasts, inventory, networks, products
from ._store_base import StoreBase

__all__ = ["NetworksMixin"]


class NetworksMixin(StoreBase):
    """Create, read, replace and delete networks and their forecasts."""

    def put_network(self, network_id: str, network: Network) -> tuple[int, bool]:
        """Create or replace a network's resources, products and segments.

        Inventory carries over by resource id: sold units stay, authorized capacity moves
        with the capacity (keeping its overbooking margin), new resources start empty.

        Parameters
        ----------
        network_id : str
            Network id.
        network : Network
            The new definition.

        Returns
        -------
        revision : int
            The network's new revision.
        created : bool
            Whether the network is new.

        Raises
        ------
        ConflictError
            If a capacity is lowered below what is sold, or a resource with sold units
            is removed (nothing changes).
        """

        def work(conn: Connection) -> tuple[int, bool]:
            now = utc_now()
            lock_inventory(conn, network_id)
            try:
                head: Head | None = load_head(conn, network_id, lock="update")
            except NotFoundError:
                head = None
            old = {r.resource: r for r in load_inventory(conn, network_id)} if head else {}
            _check_capacity(network, old)
            key = {"network_id": network_id}
            if head is None:
                conn.execute(
                    insert(networks).values(
                        id=network_id,
                        incarnation=uuid.uuid4().hex,
                        revision=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
                revision = 1
            else:
                revision = head.revision + 1
                conn.execute(
                    update(networks)
                    .where(networks.c.id == network_id)
                    .values(revision=revision, updated_at=now)
                )
                for table in DEFINITIONS:
                    conn.execute(delete(table).filter_by(**key))
            _insert_definitions(conn, network_id, network)
            _carry_inventory(conn, network_id, network, old)
            if head is not None:
                _carry_overrides(conn, network_id, network, head.decision_version)
            return revision, head is None

        def retry(exc: BaseException) -> bool:
            # Two creates raced (PostgreSQL): the next try replaces the winner's network.
            return is_transient(exc) or isinstance(exc, IntegrityError)

        try:
            return self._transact(work, retry)
        finally:
            self._cache.invalidate(network_id)

    def get_network(self, network_id: str) -> tuple[Network, int]:
        """Return a stored network and its revision.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            head = load_head(conn, network_id)
            return load_network(conn, network_id), head.revision

    def list_networks(self) -> list[str]:
        """Ids of all networks, sorted."""
        with self._read() as conn:
            return list(conn.execute(select(networks.c.id).order_by(networks.c.id)).scalars())

    def delete_network(self, network_id: str) -> None:
        """Delete a network with everything stored for it.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """

        def work(conn: Connection) -> None:
            lock_inventory(conn, network_id)
            load_head(conn, network_id, lock="delete")
            for table in NETWORK_TABLES:
                conn.execute(delete(table).filter_by(network_id=network_id))
            conn.execute(delete(networks).where(networks.c.id == network_id))

        try:
            self._transact(work)
        finally:
            self._cache.invalidate(network_id)

    # ------------------------------------------------------------------ forecasts
    def put_forecast(self, network_id: str, demand: Sequence[Mapping[str, Any]]) -> Forecast:
        """Replace a network's forecast.

        Parameters
        ----------
        network_id : str
            Network id.
        demand : sequence of mapping
            ``{"product", "mean", "std"?, "period"?}`` records (units; ``period`` a
            booking-period index >= 0); at most one record per product and period.

        Returns
        -------
        Forecast

        Raises
        ------
        InputError
            On an unknown product, a duplicate, or a negative or non-finite number,
            naming the field (``demand[3].product``).
        NotFoundError
            If there is no such network.
        """
        now = utc_now()

        # Bookings do not depend on the forecast: only the network row is locked.
        def work(conn: Connection) -> Forecast:
            head = load_head(conn, network_id, lock="update")
            known = set(
                conn.execute(select(products.c.id).filter_by(network_id=network_id)).scalars()
            )
            rows = _forecast_rows(demand, known)
            revision = head.forecast_revision + 1
            conn.execute(delete(forecasts).filter_by(network_id=network_id))
            conn.execute(
                insert(forecasts).values(
                    network_id=network_id, revision=revision, demand=rows, updated_at=now
                )
            )
            conn.execute(
                update(networks)
                .where(networks.c.id == network_id)
                .values(forecast_revision=revision)
            )
            return Forecast(rows, revision, now)

        return self._transact(work)

    def get_forecast(self, network_id: str) -> Forecast:
        """Return a network's forecast.

        Raises
        ------
        NotFoundError
            If there is no such network or it has no forecast.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            fc = load_forecast(conn, network_id)
        if fc is None:
            raise NotFoundError("forecast", network_id)
        return fc


# ---------------------------------------------------------------------- helpers
def _check_capacity(network: Network, old: Mapping[str, InventoryRow]) -> None:
    problems: list[tuple[str, str]] = []
    for i, r in enumerate(network.resources):
        row = old.get(r.id)
        if row is not None and r.capacity < row.capacity and r.capacity < row.sold:
            problems.append(
                (f"resources[{i}].capacity", f"{r.id!r}: capacity {r.capacity} < {row.sold} sold")
            )
    keep = set(network.resource_ids)
    for rid, row in old.items():
        if rid not in keep and row.sold > 0:
            problems.append(("resources", f"{rid!r} has {row.sold} units sold; cannot remove it"))
    if problems:
        raise ConflictError(
            "capacity below what is sold: " + "; ".join(m for _, m in problems),
            [f for f, _ in problems],
        )


def _insert_definitions(conn: Connection, network_id: str, network: Network) -> None:
    """Insert a network's resources, products and segments, keeping their order."""
    records = network.to_records()
    for table in DEFINITIONS:
        rows = [
            {"network_id": network_id, "position": i, **rec}
            for i, rec in enumerate(records[table.name])
        ]
        if rows:  # a network has resources; products and segments may be empty
            conn.execute(insert(table), rows)


def _carry_inventory(
    conn: Connection, network_id: str, network: Network, old: Mapping[str, InventoryRow]
) -> None:
    keep = set(network.resource_ids)
    gone = [rid for rid in old if rid not in keep]
    if gone:
        conn.execute(
            delete(inventory).where(
                (inventory.c.network_id == network_id) & inventory.c.resource_id.in_(gone)
            )
        )
    new = []
    for r in network.resources:
        row = old.get(r.id)
        if row is None:
            new.append(
                {"network_id": network_id, "resource_id": r.id, "authorized": r.capacity, "sold": 0}
            )
        elif row.capacity != r.capacity:
            # Keep the overbooking margin in units; authorized never drops below capacity.
            auth = max(r.capacity, row.authorized + r.capacity - row.capacity)
            set_authorized(conn, network_id, {r.id: auth})
    if new:
        conn.execute(insert(inventory), new)


def _carry_overrides(conn: Connection, network_id: str, network: Network, version: int) -> None:
    """Keep overrides with the network: authorized overrides stay, removed resources lose theirs.

    The capacity carry-over above moves authorized with the capacity; an authorized
    override stays what the revenue manager set. An override of a resource no longer in
    the network is removed and audited (by ``system``).
    """
    keep = set(network.resource_ids)
    stamp = utc_now()
    for o in load_overrides(conn, network_id):
        if o.resource not in keep:
            remove_override(
                conn,
                network_id,
                o,
                at=stamp,
                who=SYSTEM,
                action=OverrideAction.REMOVE,
                reason="resource removed from the network",
                version=version,
            )
        elif o.authorized is not None:
            set_authorized(conn, network_id, {o.resource: o.authorized})


def _forecast_rows(demand: Sequence[Mapping[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int | None]] = set()
    for i, rec in enumerate(demand):
        where = f"demand[{i}]"
        if not isinstance(rec, Mapping) or rec.get("product") is None or rec.get("mean") is None:
            raise InputError(where, 'must be a record {"product", "mean", "std"?, "period"?}')
        product = str(rec["product"])
        if product not in known:
            raise InputError(f"{where}.product", f"unknown product {product!r}")
        mean = as_amount(f"{where}.mean", rec["mean"])
        std = None if rec.get("std") is None else as_amount(f"{where}.std", rec["std"])
        period = rec.get("period")
        if period is not None:
            if isinstance(period, bool) or not isinstance(period, int) or period < 0:
                raise InputError(f"{where}.period", f"must be an integer >= 0, got {period!r}")
        if (product, period) in seen:
            raise InputError(where, f"duplicate record for product {product!r}, period {period}")
        seen.add((product, period))
        rows.append({"product": product, "mean": mean, "std": std, "period": period})
    return rows
