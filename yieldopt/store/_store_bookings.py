"""Requests, bookings and inventory: the booking part of :class:`~yieldopt.store.Store`.

:meth:`~BookingsMixin.evaluate` decides from an in-memory snapshot of the compiled
controls and the inventory counts (see :mod:`yieldopt.store._cache`) and writes
nothing. :meth:`~BookingsMixin.book` decides again inside its write transaction and
takes the capacity there (see :mod:`yieldopt.store._bookings`); committed bookings and
cancellations are applied to the snapshot at once.

A booking locks only inventory rows, never the network row (so admin writes do not
queue behind bookings). It decides with the controls of the network's incarnation,
revision and decision version read at its start; after taking the capacity it reads
them again, and if an admin write committed in between it rolls back and decides
again (:class:`~yieldopt.store._retry.Stale`). Admin writes lock the inventory rows
before changing anything, so once a booking holds its rows, what it read stays current
until it commits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from ..control import Controls, Decision
from ._bookings import cancel_booking, find_by_key, record_booking, take_capacity
from ._cache import Snapshot
from ._queries import (
    Head,
    booking_from_row,
    load_booking_row,
    load_decisions,
    load_head,
    load_inventory,
    load_network,
)
from ._records import Booking, BookingRequest, InventoryRow
from ._retry import Stale, as_unavailable, is_transient
from ._schema import bookings
from ._store_overrides import OverridesMixin

__all__ = ["BookingsMixin"]


class _Expired(Exception):
    """An override compiled into the controls expired; expire it and decide again."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(version)


class BookingsMixin(OverridesMixin):
    """Evaluate and book requests, cancel and list bookings, read the inventory."""

    def inventory(self, network_id: str) -> list[InventoryRow]:
        """Capacity, authorized and sold units per resource, in network order.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            return load_inventory(conn, network_id)

    def _controls(self, conn: Connection, network_id: str, head: Head) -> Controls:
        cached = self._cache.controls(network_id, head.key)
        if cached is not None:
            return cached
        network = load_network(conn, network_id)
        ds = (
            load_decisions(conn, network_id, head.decision_version)
            if head.decision_version
            else None
        )
        controls = Controls.compile(network_id, head.revision, network, ds, head.incarnation)
        # On PostgreSQL each statement sees the latest commit: if an admin write committed
        # after ``head`` was read, the definitions may be newer than ``head`` says, so
        # such controls are not cached under ``head.key`` (the booking will retry).
        if conn.dialect.name == "sqlite" or load_head(conn, network_id).key == head.key:
            self._cache.put_controls(network_id, controls)
        return controls

    def _snapshot(self, network_id: str) -> Snapshot:
        with self._read() as conn:
            head = load_head(conn, network_id)
            controls = self._controls(conn, network_id, head)
            inv = {r.resource: r for r in load_inventory(conn, network_id)}
        rows = [inv[r] for r in controls.resource_ids]
        snap = Snapshot(
            controls, [r.sold for r in rows], [r.authorized for r in rows], time.monotonic()
        )
        self._cache.put(network_id, snap)
        return snap

    # ------------------------------------------------------------------ decisions on requests
    def evaluate_cached(self, network_id: str, request: BookingRequest) -> Decision | None:
        """Decide from the in-memory snapshot; ``None`` when it must be (re)loaded first.

        Never touches the database, so an event loop may call it directly.
        """
        snap = self._cache.fresh(network_id)
        if snap is None or snap.controls.expired(self._now().timestamp()):
            return None
        return snap.controls.decide(request, snap.sold, snap.authorized)

    def evaluate(self, network_id: str, request: BookingRequest) -> Decision:
        """Accept or reject a request by the current controls, without writing anything.

        Parameters
        ----------
        network_id : str
            Network id.
        request : BookingRequest
            The request.

        Returns
        -------
        Decision
            Decided against the in-memory snapshot of the inventory (at most
            ``evaluate_ttl`` seconds old); a booking re-checks it atomically.

        Raises
        ------
        NotFoundError
            If there is no such network.
        InputError
            On an unknown product or segment.
        """
        decision = self.evaluate_cached(network_id, request)
        if decision is None:
            snap = self._snapshot(network_id)
            if snap.controls.expired(self._now().timestamp()):
                self.expire_overrides(network_id, snap.controls.version)
                snap = self._snapshot(network_id)
            decision = snap.controls.decide(request, snap.sold, snap.authorized)
        return decision

    # ------------------------------------------------------------------ bookings
    def book(
        self,
        network_id: str,
        request: BookingRequest,
        idempotency_key: str | None = None,
        *,
        scope: str = "",
    ) -> tuple[Booking, bool]:
        """Decide a request and, if accepted, record it and take its capacity atomically.

        Parameters
        ----------
        network_id : str
            Network id.
        request : BookingRequest
            The request.
        idempotency_key : str, optional
            A retry with the same key returns the first outcome and changes nothing.
        scope : str
            Who holds the key (the service passes a digest naming the API key, at most
            64 characters): keys are unique per network and scope.

        Returns
        -------
        booking : Booking
            ``status`` is ``"confirmed"`` or ``"rejected"`` (with the ``reason``); a
            rejection without a key is not stored and has no id.
        replayed : bool
            Whether this is the stored outcome of an earlier request with the same key.

        Raises
        ------
        NotFoundError
            If there is no such network.
        InputError
            On an unknown product or segment.
        IdempotencyError
            If the key was used for a different request.
        UnavailableError
            If the database is unavailable (after retries).
        """
        work = self._book_work(network_id, request, idempotency_key, scope)

        def retry(exc: BaseException) -> bool:
            # Two requests with one key raced (PostgreSQL): the next try replays the winner.
            return is_transient(exc) or (
                idempotency_key is not None and isinstance(exc, IntegrityError)
            )

        for _ in range(3):
            try:
                return self._book_done(network_id, self._run_write(work, retry))
            except _Expired as exc:
                self.expire_overrides(network_id, exc.version)
        return self._book_done(network_id, self._run_write(work, retry))

    async def book_async(
        self,
        network_id: str,
        request: BookingRequest,
        idempotency_key: str | None = None,
        *,
        scope: str = "",
    ) -> tuple[Booking, bool]:
        """:meth:`book` for an event loop: waits for the commit without holding a thread.

        On SQLite the work goes straight to the group-commit thread (one writer: no
        deadlocks nor stale reads to retry); elsewhere :meth:`book` runs in a worker thread.
        """
        if self._committer is None:
            return await asyncio.to_thread(
                self.book, network_id, request, idempotency_key, scope=scope
            )
        work = self._book_work(network_id, request, idempotency_key, scope)
        try:
            result = await asyncio.wrap_future(self._committer.submit(work))
        except _Expired:
            # An override expired: publish without it (off the loop), then book as usual.
            return await asyncio.to_thread(
                self.book, network_id, request, idempotency_key, scope=scope
            )
        except Exception as exc:
            unavailable = as_unavailable(exc)
            if unavailable is None or unavailable is exc:
                raise
            raise unavailable from exc
        return self._book_done(network_id, result)

    def _book_work(
        self, network_id: str, request: BookingRequest, key: str | None, scope: str
    ) -> Callable[[Connection], tuple[Booking, bool, Head, tuple[int, ...]]]:
        def work(conn: Connection) -> tuple[Booking, bool, Head, tuple[int, ...]]:
            head = load_head(conn, network_id)  # no lock: re-checked below
            if key is not None:
                found = find_by_key(conn, network_id, key, request, scope)
                if found is not None:
                    return found, True, head, ()
            controls = self._controls(conn, network_id, head)
            if controls.expired(self._now().timestamp()):
                raise _Expired(controls.version)
            a = controls.assess(request)
            reason = a.refusal or take_capacity(conn, network_id, controls, a)
            if conn.dialect.name != "sqlite":
                # Now that this transaction holds its inventory rows, no admin write can
                # commit before it does; one that committed since ``head`` was read shows
                # here (each statement sees what was committed before it started).
                now = load_head(conn, network_id)
                if now.key != head.key:
                    raise Stale(network_id)
            booking = record_booking(conn, network_id, controls, a, reason, request, key, scope)
            return booking, False, head, a.resources

        return work

    def _book_done(
        self, network_id: str, result: tuple[Booking, bool, Head, tuple[int, ...]]
    ) -> tuple[Booking, bool]:
        """After the commit: apply a new booking to the evaluate snapshot."""
        booking, replayed, head, positions = result
        if not replayed and booking.status == "confirmed":
            self._cache.add_sold(network_id, head.key[:2], positions, booking.quantity)
        return booking, replayed

    def cancel(self, network_id: str, booking_id: str) -> tuple[Booking, bool]:
        """Cancel a booking and give its capacity back; a second cancel changes nothing.

        Returns
        -------
        booking : Booking
            The cancelled booking.
        changed : bool
            ``False`` when it was already cancelled.

        Raises
        ------
        NotFoundError
            If there is no such network or booking.
        """

        def work(conn: Connection) -> tuple[Booking, bool, Head]:
            head = load_head(conn, network_id)  # no lock: the cancellation locks its rows
            return (*cancel_booking(conn, network_id, booking_id), head)

        booking, changed, head = self._run_write(work)
        if changed:
            snap = self._cache.fresh(network_id)
            if snap is not None:
                index = {r: i for i, r in enumerate(snap.controls.resource_ids)}
                pos = [index[r] for r in booking.resources if r in index]
                self._cache.add_sold(network_id, head.key[:2], pos, -booking.quantity)
        return booking, changed

    def get_booking(self, network_id: str, booking_id: str) -> Booking:
        """Return a booking (confirmed or cancelled).

        Raises
        ------
        NotFoundError
            If there is no such booking.
        """
        with self._read() as conn:
            return booking_from_row(load_booking_row(conn, network_id, booking_id))

    def list_bookings(
        self, network_id: str, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[Booking], int]:
        """Bookings of a network, oldest first.

        Parameters
        ----------
        network_id : str
            Network id.
        status : {"confirmed", "cancelled"}, optional
            Only these; both by default.
        limit, offset : int
            Page.

        Returns
        -------
        bookings : list of Booking
        total : int
            Number of matching bookings.
        """
        wanted = (status,) if status else ("confirmed", "cancelled")
        cond = (bookings.c.network_id == network_id) & bookings.c.status.in_(wanted)
        with self._read() as conn:
            load_head(conn, network_id)
            total = conn.execute(
                select(func.count()).select_from(bookings).where(cond)
            ).scalar_one()
            rows = conn.execute(
                select(bookings)
                .where(cond)
                .order_by(bookings.c.created_at, bookings.c.id)
                .limit(limit)
                .offset(offset)
            ).all()
        return [booking_from_row(r) for r in rows], int(total)
