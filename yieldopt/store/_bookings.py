"""Atomic booking and cancellation on an open write transaction.

Capacity is taken with one conditional ``UPDATE`` per resource,

    UPDATE inventory SET sold = sold + q
     WHERE network_id = :n AND resource_id = :r AND sold + q <= authorized [AND sold + q <= limit]

so the check and the take are one statement: on PostgreSQL the row lock makes a
concurrent update wait and re-check the condition against the committed row; on SQLite
the whole transaction holds the write lock (``BEGIN IMMEDIATE``). Resources are updated
in the global lock order (:func:`~yieldopt.store._queries.lock_order`), which
cancellations and admin writes share, so no two transactions wait on each other in a
cycle. If a later resource has no room, the earlier ones are given back in the same
transaction.

Idempotency keys belong to a network and a key holder (``scope``): two booking systems
that happen to send the same key never see each other's bookings.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select, update

from ..control import Assessment, Controls
from ..model import BookingStatus, Reason
from ._errors import IdempotencyError
from ._queries import (
    booking_from_row,
    inventory_where,
    load_booking_row,
    lock_order,
    select_booking,
)
from ._records import Booking, BookingRequest, utc_now
from ._schema import bookings, inventory

__all__ = ["cancel_booking", "find_by_key", "record_booking", "take_capacity"]


def find_by_key(
    conn: Connection, network_id: str, key: str, request: BookingRequest, scope: str = ""
) -> Booking | None:
    """Return the booking (or kept rejection) a key holder made earlier with a key.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        In a write transaction.
    network_id : str
        Network id.
    key : str
        The Idempotency-Key.
    request : BookingRequest
        The request now made with it.
    scope : str
        Who holds the key (see :meth:`~yieldopt.store.Store.book`).

    Raises
    ------
    IdempotencyError
        If the key was used for a different request.
    """
    row = conn.execute(
        select(bookings).where(
            (bookings.c.network_id == network_id)
            & (bookings.c.idempotency_scope == scope)
            & (bookings.c.idempotency_key == key)
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != request.fingerprint():
        raise IdempotencyError(
            "Idempotency-Key was already used for a different request; use a new key"
        )
    return booking_from_row(row)


def _change(conn: Connection, network_id: str, resource_id: str, delta: int, limit=None) -> bool:
    cond = inventory_where(network_id, resource_id)
    if delta > 0:
        cond &= inventory.c.sold + delta <= inventory.c.authorized
        if limit is not None:
            cond &= inventory.c.sold + delta <= limit
    res = conn.execute(update(inventory).where(cond).values(sold=inventory.c.sold + delta))
    return res.rowcount == 1


def take_capacity(conn: Connection, network_id: str, controls: Controls, a: Assessment) -> Reason:
    """Take ``a.quantity`` units of each resource of the product, all or none.

    The database repeats the availability and nested-limit checks of
    :meth:`~yieldopt.control.Controls.decide` atomically, in the same order.

    Returns
    -------
    Reason
        ``"accepted"``, or ``"unavailable"`` / ``"booking_limit"`` (nothing taken).
    """
    q = a.quantity
    taken: list[str] = []
    for i, limit in zip(a.resources, a.limits, strict=True):
        rid = controls.resource_ids[i]
        if _change(conn, network_id, rid, q, limit):
            taken.append(rid)
            continue
        for done in taken:
            _change(conn, network_id, done, -q)
        row = conn.execute(
            select(inventory.c.sold, inventory.c.authorized).where(inventory_where(network_id, rid))
        ).first()
        if row is None or row.sold + q > row.authorized:
            return Reason.UNAVAILABLE
        return Reason.BOOKING_LIMIT
    return Reason.ACCEPTED


def record_booking(
    conn: Connection | None,
    network_id: str,
    controls: Controls,
    a: Assessment,
    reason: Reason,
    request: BookingRequest,
    key: str | None,
    scope: str = "",
) -> Booking:
    """Insert the booking (or a rejection that carries an idempotency key) and return it.

    A rejection without a key is not stored (``conn`` may be ``None``); its id is ``None``.
    """
    accepted = reason == Reason.ACCEPTED
    booking = Booking(
        id=uuid.uuid4().hex if accepted or key else None,
        network=network_id,
        product=a.product,
        resources=[controls.resource_ids[i] for i in a.resources],
        quantity=a.quantity,
        price=a.price,
        value=a.value,
        bid_price_total=a.bid_price_total,
        segment=a.segment,
        status=BookingStatus.CONFIRMED if accepted else BookingStatus.REJECTED,
        reason=reason,
        decision_version=controls.version,
        idempotency_key=key,
        created_at=utc_now(),
        asserted=request.asserted,
        asserted_by=request.asserted_by if request.asserted else None,
    )
    if conn is not None and booking.id is not None:
        conn.execute(
            bookings.insert().values(
                id=booking.id,
                network_id=network_id,
                product_id=booking.product,
                resources=booking.resources,
                quantity=booking.quantity,
                price=booking.price,
                value=booking.value,
                bid_price_total=booking.bid_price_total,
                segment=booking.segment,
                status=booking.status,
                reason=reason,
                decision_version=booking.decision_version,
                idempotency_key=key,
                idempotency_scope=scope,
                request_hash=request.fingerprint(),
                created_at=booking.created_at,
                asserted=",".join(booking.asserted) or None,
                asserted_by=booking.asserted_by,
            )
        )
    return booking


def cancel_booking(conn: Connection, network_id: str, booking_id: str) -> tuple[Booking, bool]:
    """Cancel a confirmed booking and give its capacity back, once.

    Returns
    -------
    booking : Booking
        The booking as stored afterwards.
    changed : bool
        ``False`` if it was already cancelled (nothing changes).

    Raises
    ------
    NotFoundError
        For an unknown id or a kept rejection.
    """
    row = load_booking_row(conn, network_id, booking_id)
    now = utc_now()
    order = lock_order(row.resources)
    if row.status == "confirmed" and conn.dialect.name == "postgresql":
        # Inventory rows first, in the lock order, then the booking row: the order in
        # which bookings (inventory, then a new booking row) and admin writes (all the
        # inventory, then the network's bookings) lock, so none waits in a cycle.
        for rid in order:
            conn.execute(
                select(inventory.c.sold).where(inventory_where(network_id, rid)).with_for_update()
            )
    # Conditional on the status, so two concurrent cancels give the capacity back once.
    res = conn.execute(
        update(bookings)
        .where((bookings.c.id == booking_id) & (bookings.c.status == "confirmed"))
        .values(status="cancelled", cancelled_at=now)
    )
    changed = res.rowcount == 1
    if changed:
        for rid in order:
            _change(conn, network_id, rid, -int(row.quantity))
    after = conn.execute(select_booking(network_id, booking_id)).first()
    assert after is not None  # the row was read above in this transaction
    return booking_from_row(after), changed
