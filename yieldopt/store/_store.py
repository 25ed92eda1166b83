"""The store: networks, forecasts, decision sets, bookings and inventory in one database.

:class:`Store` is the one entry point the service and the CLI use. Every write runs in
one transaction. On SQLite, writes also pass an in-process lock, so the threads of one
server queue in memory instead of polling SQLite's busy handler (other processes still
wait on the database lock with the busy timeout), and bookings and cancellations are
group-committed by one writer thread (:class:`~yieldopt.store.GroupCommitter`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import InputError, YieldoptError
from ..model import Network
from ._bookings import cancel_booking, find_by_key, record_booking, take_capacity
from ._cache import ControlsCache, Snapshot
from ._controls import Controls, Decision
from ._engine import create_engine, is_sqlite
from ._errors import ConflictError, NotFoundError
from ._optimize import OptimizationRequest, compute_decisions, quote_group
from ._queries import (
    Head,
    booking_from_row,
    load_booking_row,
    load_decisions,
    load_forecast,
    load_head,
    load_inventory,
    load_network,
    run_from_row,
    select_run,
    set_authorized,
)
from ._records import Booking, BookingRequest, DecisionSet, Forecast, InventoryRow, utc_now
from ._records import OptimizationRun as Run
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
    upgrade,
)
from ._writer import GroupCommitter

__all__ = ["Store"]

T = TypeVar("T")

log = logging.getLogger("yieldopt.store")


class Store:
    """Durable state of the booking-control service.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`~yieldopt.store.create_engine`; the schema must be current
        (see :meth:`open`).
    evaluate_ttl : float
        Seconds an in-memory inventory snapshot serves :meth:`evaluate` before it is
        re-read (bookings made through this store update it at once).
    """

    def __init__(self, engine: Engine, *, evaluate_ttl: float = 1.0) -> None:
        self.engine = engine
        sqlite = is_sqlite(engine)
        self._lock = threading.Lock() if sqlite else nullcontext()
        self._cache = ControlsCache(evaluate_ttl)
        # SQLite: bookings and cancellations share commits (one disk sync per batch).
        self._committer = GroupCommitter(engine, self._lock) if sqlite else None

    @classmethod
    def open(cls, url: str | None = None, *, evaluate_ttl: float = 1.0, **engine_kw: Any) -> Store:
        """Connect to a database, create or upgrade its schema, and return the store.

        Parameters
        ----------
        url : str, optional
            Database URL (SQLite file ``yieldopt.db`` by default); see
            :func:`~yieldopt.store.create_engine`.
        evaluate_ttl : float
            See :class:`Store`.
        **engine_kw
            Passed to :func:`~yieldopt.store.create_engine` (``synchronous``, …).
        """
        engine = create_engine(url, **engine_kw)
        upgrade(engine)
        return cls(engine, evaluate_ttl=evaluate_ttl)

    def close(self) -> None:
        """Finish queued writes and close the database connections."""
        if self._committer is not None:
            self._committer.close()
        self.engine.dispose()

    def _run_write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(conn)`` in a write transaction: group-committed on SQLite."""
        if self._committer is not None:
            return self._committer.run(work)
        with self._write() as conn:
            return work(conn)

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with (
            self._lock,
            self.engine.connect().execution_options(yieldopt_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def ping(self) -> bool:
        """Whether the database answers."""
        with self._read() as conn:
            return conn.execute(select(1)).scalar_one() == 1

    # ------------------------------------------------------------------ networks
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
        now = utc_now()
        with self._write() as conn:
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
                        id=network_id, revision=1, created_at=now, updated_at=now
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
                for table in (resources, products, segments):
                    conn.execute(delete(table).filter_by(**key))
            _insert_definitions(conn, network_id, network)
            _carry_inventory(conn, network_id, network, old)
        self._cache.invalidate(network_id)
        return revision, head is None

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
        with self._write() as conn:
            load_head(conn, network_id, lock="update")
            for table in (
                bookings,
                optimization_runs,
                decision_sets,
                forecasts,
                inventory,
                products,
                segments,
                resources,
            ):
                conn.execute(delete(table).filter_by(network_id=network_id))
            conn.execute(delete(networks).where(networks.c.id == network_id))
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
        with self._write() as conn:
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

    # ------------------------------------------------------------------ decisions
    def optimize(self, network_id: str, request: OptimizationRequest) -> DecisionSet:
        """Optimize a network's controls and publish them as a new decision set.

        The optimizers see the remaining capacity (authorized − sold) and the forecast
        demand still to come; the solver runs outside any transaction.

        Parameters
        ----------
        network_id : str
            Network id.
        request : OptimizationRequest
            Method and parameters.

        Returns
        -------
        DecisionSet
            The published set.

        Raises
        ------
        NotFoundError
            If there is no such network.
        ConflictError
            If the method needs a forecast and there is none, or the network changed
            while the optimizer ran.
        InputError
            On parameters the optimizer rejects.
        """
        with self._read() as conn:
            head = load_head(conn, network_id)
            network = load_network(conn, network_id)
            forecast = load_forecast(conn, network_id)
            inv = load_inventory(conn, network_id)
        if forecast is None and request.method != "fcfs":
            raise ConflictError(
                f"network {network_id!r} has no forecast; PUT …/forecast first", ["method"]
            )
        sold = np.array([r.sold for r in inv], dtype=np.int64)
        body = compute_decisions(network, forecast, sold, request)
        fc_rev = forecast.revision if forecast else 0
        return self._publish(network_id, head.revision, fc_rev, body)

    def _publish(
        self, network_id: str, revision: int, forecast_revision: int, body: dict[str, Any]
    ) -> DecisionSet:
        with self._write() as conn:
            head = load_head(conn, network_id, lock="update")
            if head.revision != revision:
                raise ConflictError("the network changed while optimizing; run it again")
            ds = DecisionSet(
                network=network_id,
                version=head.decision_version + 1,
                created_at=utc_now(),
                network_revision=revision,
                forecast_revision=forecast_revision,
                **body,
            )
            conn.execute(
                insert(decision_sets).values(
                    network_id=network_id,
                    version=ds.version,
                    method=ds.method,
                    network_revision=revision,
                    forecast_revision=forecast_revision,
                    created_at=ds.created_at,
                    body=ds.to_dict(),
                )
            )
            conn.execute(
                update(networks)
                .where(networks.c.id == network_id)
                .values(decision_version=ds.version)
            )
            set_authorized(conn, network_id, ds.authorized)
        self._cache.invalidate(network_id)
        return ds

    def decisions(self, network_id: str, version: int | None = None) -> DecisionSet:
        """Return the latest decision set (or one version of it).

        Raises
        ------
        NotFoundError
            If there is no such network or no such decision set.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            ds = load_decisions(conn, network_id, version)
        if ds is None:
            raise NotFoundError("decision set", f"{network_id}@{version or 'latest'}")
        return ds

    # ------------------------------------------------------------------ optimization runs
    def create_run(self, network_id: str, request: OptimizationRequest) -> Run:
        """Queue an optimization run (execute it with :meth:`execute_run`)."""
        run_id = uuid.uuid4().hex
        with self._write() as conn:
            load_head(conn, network_id)
            conn.execute(
                insert(optimization_runs).values(
                    id=run_id,
                    network_id=network_id,
                    status="queued",
                    method=request.method,
                    params=request.to_dict(),
                    created_at=utc_now(),
                )
            )
        return self.get_run(network_id, run_id)

    def execute_run(self, network_id: str, run_id: str, *, reraise: bool = False) -> Run:
        """Run a queued optimization and record its outcome.

        Parameters
        ----------
        network_id, run_id : str
            The run.
        reraise : bool
            Re-raise a failure (after recording it) instead of only recording it.
        """
        run = self.get_run(network_id, run_id)
        self._finish_run(run_id, status="running")
        try:
            ds = self.optimize(network_id, OptimizationRequest.from_dict(run.params))
        except YieldoptError as exc:
            self._finish_run(run_id, status="failed", error=str(exc), done=True)
            if reraise:
                raise
        except Exception as exc:
            log.exception("optimization run %s failed", run_id)
            self._finish_run(run_id, status="failed", error=type(exc).__name__, done=True)
            if reraise:
                raise
        else:
            self._finish_run(run_id, status="succeeded", version=ds.version, done=True)
        return self.get_run(network_id, run_id)

    def _finish_run(
        self,
        run_id: str,
        *,
        status: str,
        error: str | None = None,
        version: int | None = None,
        done: bool = False,
    ) -> None:
        values: dict[str, Any] = {"status": status, "error": error, "decision_version": version}
        if done:
            values["finished_at"] = utc_now()
        with self._write() as conn:
            conn.execute(
                update(optimization_runs).where(optimization_runs.c.id == run_id).values(**values)
            )

    def get_run(self, network_id: str, run_id: str) -> Run:
        """Return an optimization run.

        Raises
        ------
        NotFoundError
            If there is no such run for this network.
        """
        with self._read() as conn:
            row = conn.execute(select_run(network_id, run_id)).first()
        if row is None:
            raise NotFoundError("optimization", run_id)
        return run_from_row(row)

    def fail_interrupted_runs(self) -> int:
        """Mark runs left queued or running by a stopped server as failed; return how many."""
        with self._write() as conn:
            res = conn.execute(
                update(optimization_runs)
                .where(optimization_runs.c.status.in_(("queued", "running")))
                .values(status="failed", error="interrupted by a restart", finished_at=utc_now())
            )
        return res.rowcount

    # ------------------------------------------------------------------ inventory
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
        cached = self._cache.controls(network_id, head.revision, head.decision_version)
        if cached is not None:
            return cached
        network = load_network(conn, network_id)
        ds = (
            load_decisions(conn, network_id, head.decision_version)
            if head.decision_version
            else None
        )
        controls = Controls.compile(network_id, head.revision, network, ds)
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
        if snap is None:
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
            decision = snap.controls.decide(request, snap.sold, snap.authorized)
        return decision

    # ------------------------------------------------------------------ bookings
    def book(
        self, network_id: str, request: BookingRequest, idempotency_key: str | None = None
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
        """
        work = self._book_work(network_id, request, idempotency_key)
        for attempt in range(3):
            try:
                return self._book_done(network_id, self._run_write(work))
            except IntegrityError:
                # Two requests with one key raced (PostgreSQL); the next try replays the winner.
                if idempotency_key is None or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def book_async(
        self, network_id: str, request: BookingRequest, idempotency_key: str | None = None
    ) -> tuple[Booking, bool]:
        """:meth:`book` for an event loop: waits for the commit without holding a thread.

        On SQLite the work goes straight to the group-commit thread; elsewhere
        :meth:`book` runs in a worker thread.
        """
        if self._committer is None:
            return await asyncio.to_thread(self.book, network_id, request, idempotency_key)
        work = self._book_work(network_id, request, idempotency_key)
        result = await asyncio.wrap_future(self._committer.submit(work))
        return self._book_done(network_id, result)

    def _book_work(
        self, network_id: str, request: BookingRequest, key: str | None
    ) -> Callable[[Connection], tuple[Booking, bool, int, tuple[int, ...]]]:
        def work(conn: Connection) -> tuple[Booking, bool, int, tuple[int, ...]]:
            head = load_head(conn, network_id, lock="share")
            if key is not None:
                found = find_by_key(conn, network_id, key, request)
                if found is not None:
                    return found, True, head.revision, ()
            controls = self._controls(conn, network_id, head)
            a = controls.assess(request)
            reason = take_capacity(conn, network_id, controls, a) if a.price_ok else "bid_price"
            booking = record_booking(conn, network_id, controls, a, reason, request, key)
            return booking, False, head.revision, a.resources

        return work

    def _book_done(
        self, network_id: str, result: tuple[Booking, bool, int, tuple[int, ...]]
    ) -> tuple[Booking, bool]:
        """After the commit: apply a new booking to the evaluate snapshot."""
        booking, replayed, revision, positions = result
        if not replayed and booking.status == "confirmed":
            self._cache.add_sold(network_id, revision, positions, booking.quantity)
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

        def work(conn: Connection) -> tuple[Booking, bool, int]:
            head = load_head(conn, network_id, lock="share")
            return (*cancel_booking(conn, network_id, booking_id), head.revision)

        booking, changed, revision = self._run_write(work)
        if changed:
            snap = self._cache.fresh(network_id)
            if snap is not None:
                index = {r: i for i, r in enumerate(snap.controls.resource_ids)}
                pos = [index[r] for r in booking.resources if r in index]
                self._cache.add_sold(network_id, revision, pos, -booking.quantity)
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

    # ------------------------------------------------------------------ group quotes
    def group_quote(
        self, network_id: str, request: Mapping[str, Any], shift_days: int = 3
    ) -> dict[str, Any]:
        """Quote a group by DLP displacement on the remaining capacity (read only).

        Parameters
        ----------
        network_id : str
            Network id.
        request : mapping
            ``{"units", "rate", "ancillary"?, "cost_to_serve"?, "alternatives"?}``.
        shift_days : int
            Date shifts to quote for dated resource ids.

        Returns
        -------
        dict
            See :func:`~yieldopt.store.quote_group`.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            network = load_network(conn, network_id)
            forecast = load_forecast(conn, network_id)
            inv = load_inventory(conn, network_id)
        remaining = np.array([r.available for r in inv], dtype=np.int64)
        return quote_group(network, forecast, remaining, request, shift_days)


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
    for table in (resources, products, segments):
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
        mean = _amount(f"{where}.mean", rec["mean"])
        std = None if rec.get("std") is None else _amount(f"{where}.std", rec["std"])
        period = rec.get("period")
        if period is not None:
            if isinstance(period, bool) or not isinstance(period, int) or period < 0:
                raise InputError(f"{where}.period", f"must be an integer >= 0, got {period!r}")
        if (product, period) in seen:
            raise InputError(where, f"duplicate record for product {product!r}, period {period}")
        seen.add((product, period))
        rows.append({"product": product, "mean": mean, "std": std, "period": period})
    return rows


def _amount(where: str, value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(where, f"must be a number, got {value!r}") from None
    if not math.isfinite(x) or x < 0:
        raise InputError(where, f"must be finite and non-negative, got {value!r}")
    return x
