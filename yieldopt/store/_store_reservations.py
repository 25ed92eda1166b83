"""Imported reservations: the part of :class:`~yieldopt.store.Store` that keeps them.

A booking system's export (the reservation contract of :mod:`yieldopt.ingest`) is
stored per network, one row per ``reservation_id``; importing a reservation again
replaces it, so a daily re-import of a growing export is idempotent. The store only
persists and loads: reading the export, its data-quality report and the daily cycle
live in :mod:`yieldopt.ingest`, :mod:`yieldopt.cycle` and :mod:`yieldopt.decisions`.

:meth:`~ReservationsMixin.cycle_inputs` reads, in one transaction, what the daily cycle
of the service works on: the network, its forecast and inventory (as
:meth:`~yieldopt.store.Store.optimization_inputs`), the imported reservations and the
bookings made through the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from ..control import in_force
from ..ingest import RESERVATION_COLUMNS
from ..model import BookingStatus
from ._overrides_db import load_overrides
from ._queries import booking_from_row, load_forecast, load_head, load_inventory, load_network
from ._records import Booking, utc_now
from ._schema import bookings, reservations
from ._store_base import StoreBase
from ._store_decisions import OptimizationInputs

__all__ = ["RESERVATION_FIELDS", "CycleInputs", "ReservationsMixin"]

#: Columns of a stored reservation record besides ``extra``: the contract's required ones,
#: defined once in :mod:`yieldopt.ingest`.
RESERVATION_FIELDS = RESERVATION_COLUMNS
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class CycleInputs(OptimizationInputs):
    """:class:`~yieldopt.store.OptimizationInputs` plus the reservations and bookings.

    Attributes
    ----------
    reservations : list of dict
        Imported reservations: :data:`RESERVATION_FIELDS` (dates as ISO text,
        ``cancelled_at`` ``None`` when not cancelled) plus the optional contract
        columns that were present, by import time and id.
    bookings : list of Booking
        Confirmed and cancelled bookings made through the service (no rejections),
        oldest first.
    """

    reservations: list[dict[str, Any]]
    bookings: list[Booking]


class ReservationsMixin(StoreBase):
    """Import, count and read the reservations of a network."""

    def put_reservations(
        self, network_id: str, records: Sequence[Mapping[str, Any]]
    ) -> tuple[int, int]:
        """Store reservations, replacing any stored under the same ``reservation_id``.

        Parameters
        ----------
        network_id : str
            Network id.
        records : sequence of mapping
            :data:`RESERVATION_FIELDS` (dates as ISO text, ``cancelled_at`` ``None``
            when not cancelled); any other key is kept as an optional column. Ids are
            unique within ``records`` (the contract's validation ensures it).

        Returns
        -------
        added : int
            Reservations not stored before.
        replaced : int
            Reservations that replaced a stored one with the same id.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        now = utc_now()
        rows = []
        for rec in records:
            row = {k: rec[k] for k in RESERVATION_FIELDS}
            row["extra"] = {k: v for k, v in rec.items() if k not in RESERVATION_FIELDS}
            rows.append({"network_id": network_id, "imported_at": now, **row})
        ids = [r["reservation_id"] for r in rows]

        def work(conn: Connection) -> tuple[int, int]:
            # The network row serializes imports of one network (and keeps it alive).
            load_head(conn, network_id, lock="update")
            replaced = 0
            table = reservations.c
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                replaced += (
                    conn.execute(
                        delete(reservations).where(
                            (table.network_id == network_id) & table.reservation_id.in_(chunk)
                        )
                    ).rowcount
                    or 0
                )
            if rows:
                conn.execute(insert(reservations), rows)
            return len(rows) - replaced, replaced

        return self._transact(work)

    def count_reservations(self, network_id: str) -> int:
        """Return the number of reservations stored for a network.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            return _count(conn, network_id)

    def reservations(self, network_id: str) -> list[dict[str, Any]]:
        """Return the stored reservations of a network, by import time and id (see CycleInputs).

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            return _load_reservations(conn, network_id)

    def cycle_inputs(self, network_id: str) -> CycleInputs:
        """Read network, forecast, inventory, reservations and bookings in one transaction.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            head = load_head(conn, network_id)
            network = load_network(conn, network_id)
            forecast = load_forecast(conn, network_id)
            inv = load_inventory(conn, network_id)
            res = _load_reservations(conn, network_id)
            active = in_force(load_overrides(conn, network_id), self._now())[0]
            made = conn.execute(
                select(bookings)
                .where(
                    (bookings.c.network_id == network_id)
                    & bookings.c.status.in_([BookingStatus.CONFIRMED, BookingStatus.CANCELLED])
                )
                .order_by(bookings.c.created_at, bookings.c.id)
            ).all()
        return CycleInputs(
            network_id,
            head,
            network,
            forecast,
            inv,
            res,
            [booking_from_row(r) for r in made],
            overrides=active,
        )


def _count(conn: Connection, network_id: str) -> int:
    n = conn.execute(
        select(func.count())
        .select_from(reservations)
        .where(reservations.c.network_id == network_id)
    ).scalar_one()
    return int(n)


def _load_reservations(conn: Connection, network_id: str) -> list[dict[str, Any]]:
    cols = [reservations.c[k] for k in RESERVATION_FIELDS]
    result = conn.execute(
        select(*cols, reservations.c.extra)
        .where(reservations.c.network_id == network_id)
        .order_by(reservations.c.imported_at, reservations.c.reservation_id)
    )
    out = []
    for row in result:
        m = row._mapping
        rec = {k: m[k] for k in RESERVATION_FIELDS}
        rec.update(m["extra"] or {})
        out.append(rec)
    return out
