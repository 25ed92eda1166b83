"""Decision sets, optimization runs and group quotes: the optimizing part of the store.

The optimizers run outside any transaction on what was read (network, forecast,
remaining capacity); publishing the result checks that the network did not change in
the meantime, locks the network's inventory rows in the global lock order (so it waits
only for the bookings in flight), writes the new decision set and its authorized
capacity, and drops the evaluate cache of the network.

Optimization runs belong to the store (server process) that created them: it holds a
lease on each of its queued and running runs and renews it from a heartbeat thread.
Another server reclaims a run (marks it failed) only once its lease expired, i.e. its
owner is gone. A run is finished with a conditional update (still running, still its
owner's) in the same transaction that publishes its decision set, so a run marked
failed never publishes nor turns "succeeded" later.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, or_, update

from ..errors import YieldoptError
from ..model import Network
from ._errors import ConflictError, NotFoundError
from ._optimize import OptimizationRequest, compute_decisions, quote_group
from ._queries import (
    Head,
    load_decisions,
    load_forecast,
    load_head,
    load_inventory,
    load_network,
    lock_inventory,
    run_from_row,
    select_run,
    set_authorized,
)
from ._records import DecisionSet, Forecast, InventoryRow, utc_now
from ._records import OptimizationRun as Run
from ._schema import decision_sets, networks, optimization_runs
from ._store_base import StoreBase

__all__ = ["DecisionsMixin"]

log = logging.getLogger("yieldopt.store")


class DecisionsMixin(StoreBase):
    """Optimize networks, publish and read decision sets, run optimizations, quote groups."""

    def optimize(
        self, network_id: str, request: OptimizationRequest, *, run_id: str | None = None
    ) -> DecisionSet:
        """Optimize a network's controls and publish them as a new decision set.

        The optimizers see the remaining capacity (authorized − sold) and the forecast
        demand still to come; the solver runs outside any transaction.

        Parameters
        ----------
        network_id : str
            Network id.
        request : OptimizationRequest
            Method and parameters.
        run_id : str, optional
            The optimization run this is; it is marked succeeded in the transaction
            that publishes, and nothing is published if it is no longer this store's
            running run (another server reclaimed it).

        Returns
        -------
        DecisionSet
            The published set.

        Raises
        ------
        NotFoundError
            If there is no such network.
        ConflictError
            If the method needs a forecast and there is none, the network changed
            while the optimizer ran, or the run was reclaimed.
        InputError
            On parameters the optimizer rejects.
        """
        head, network, forecast, inv = self._inputs(network_id)
        if forecast is None and request.method != "fcfs":
            raise ConflictError(
                f"network {network_id!r} has no forecast; PUT …/forecast first", ["method"]
            )
        sold = np.array([r.sold for r in inv], dtype=np.int64)
        body = compute_decisions(network, forecast, sold, request)
        fc_rev = forecast.revision if forecast else 0
        return self._publish(network_id, head, fc_rev, body, run_id)

    def _inputs(self, network_id: str) -> tuple[Head, Network, Forecast | None, list[InventoryRow]]:
        """Read what the optimizers work on, in one transaction.

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
        return head, network, forecast, inv

    def _publish(
        self,
        network_id: str,
        read: Head,
        forecast_revision: int,
        body: dict[str, Any],
        run_id: str | None = None,
    ) -> DecisionSet:
        def work(conn: Connection) -> DecisionSet:
            lock_inventory(conn, network_id)
            head = load_head(conn, network_id, lock="update")
            if (head.incarnation, head.revision) != (read.incarnation, read.revision):
                raise ConflictError("the network changed while optimizing; run it again")
            ds = DecisionSet(
                network=network_id,
                version=head.decision_version + 1,
                created_at=utc_now(),
                network_revision=head.revision,
                forecast_revision=forecast_revision,
                **body,
            )
            if run_id is not None:
                self._finish_run(
                    conn, run_id, status="succeeded", version=ds.version, expect="running"
                )
            conn.execute(
                insert(decision_sets).values(
                    network_id=network_id,
                    version=ds.version,
                    method=ds.method,
                    network_revision=head.revision,
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
            # Authorized may fall below sold (an oversold resource whose overbooking is
            # withdrawn): it is kept as published and the inventory shows the deficit as
            # a negative ``available``; bookings of it are refused until it is made up.
            set_authorized(conn, network_id, ds.authorized)
            return ds

        try:
            return self._transact(work)
        finally:
            self._cache.invalidate(network_id)

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
        """Queue an optimization run owned by this store (execute it with :meth:`execute_run`).

        The store keeps the run's lease alive while it is queued or running.
        """
        run_id = uuid.uuid4().hex

        def work(conn: Connection) -> None:
            load_head(conn, network_id)
            conn.execute(
                insert(optimization_runs).values(
                    id=run_id,
                    network_id=network_id,
                    status="queued",
                    method=request.method,
                    params=request.to_dict(),
                    created_at=utc_now(),
                    owner=self.owner,
                    lease_expires_at=time.time() + self.run_lease,
                )
            )

        self._transact(work)
        self._start_heartbeat()
        return self.get_run(network_id, run_id)

    def execute_run(self, network_id: str, run_id: str, *, reraise: bool = False) -> Run:
        """Run a queued optimization and record its outcome.

        A run that is no longer this store's queued run (reclaimed by another server
        after its lease expired) is left as it is.

        Parameters
        ----------
        network_id, run_id : str
            The run.
        reraise : bool
            Re-raise a failure (after recording it) instead of only recording it.
        """
        run = self.get_run(network_id, run_id)
        started = self._transact(
            lambda conn: self._finish_run(conn, run_id, status="running", expect="queued")
        )
        if not started:
            if reraise:
                raise ConflictError(f"optimization run {run_id} was reclaimed: {run.error}")
            return self.get_run(network_id, run_id)
        try:
            self.optimize(network_id, OptimizationRequest.from_dict(run.params), run_id=run_id)
        except YieldoptError as exc:
            self._fail_run(run_id, str(exc))
            if reraise:
                raise
        except Exception as exc:
            log.exception("optimization run %s failed", run_id)
            self._fail_run(run_id, type(exc).__name__)
            if reraise:
                raise
        return self.get_run(network_id, run_id)

    def _fail_run(self, run_id: str, error: str) -> None:
        self._transact(
            lambda conn: self._finish_run(
                conn, run_id, status="failed", error=error, expect="running"
            )
        )

    def _finish_run(
        self,
        conn: Connection,
        run_id: str,
        *,
        status: str,
        expect: str,
        error: str | None = None,
        version: int | None = None,
    ) -> bool:
        """Move this store's run from status ``expect`` to ``status``; whether it did.

        Raises
        ------
        ConflictError
            When finishing as ``"succeeded"`` a run that is no longer this store's
            running run (the publish that called it rolls back).
        """
        values: dict[str, Any] = {"status": status, "error": error, "decision_version": version}
        if status in ("succeeded", "failed"):
            values["finished_at"] = utc_now()
            values["lease_expires_at"] = None
        res = conn.execute(
            update(optimization_runs)
            .where(
                (optimization_runs.c.id == run_id)
                & (optimization_runs.c.status == expect)
                & (optimization_runs.c.owner == self.owner)
            )
            .values(**values)
        )
        if res.rowcount != 1 and status == "succeeded":
            raise ConflictError(f"optimization run {run_id} was reclaimed; nothing published")
        return res.rowcount == 1

    def _start_heartbeat(self) -> None:
        """Start the thread renewing the leases of this store's runs (once)."""
        if self._heartbeat is not None:
            return
        with self._heartbeat_start:
            if self._heartbeat is None and not self._closed.is_set():
                self._heartbeat = threading.Thread(
                    target=self._renew_leases, name="yieldopt-run-lease", daemon=True
                )
                self._heartbeat.start()

    def _renew_leases(self) -> None:
        # Renew at a third of the lease: two heartbeats may fail before it lapses.
        while not self._closed.wait(self.run_lease / 3):
            try:
                self._transact(
                    lambda conn: conn.execute(
                        update(optimization_runs)
                        .where(
                            (optimization_runs.c.owner == self.owner)
                            & optimization_runs.c.status.in_(("queued", "running"))
                        )
                        .values(lease_expires_at=time.time() + self.run_lease)
                    )
                )
            except Exception:  # the database is down for now: try again next beat
                log.warning("could not renew optimization run leases", exc_info=True)

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
        """Mark runs whose owner is gone (lease expired, or no owner) as failed; return how many.

        Runs of live servers (their lease renewed) are left alone, so a server starting
        next to others does not fail their work.
        """
        now = time.time()
        return self._transact(
            lambda conn: (
                conn.execute(
                    update(optimization_runs)
                    .where(
                        optimization_runs.c.status.in_(("queued", "running"))
                        & or_(
                            optimization_runs.c.owner.is_(None),
                            optimization_runs.c.lease_expires_at.is_(None),
                            optimization_runs.c.lease_expires_at < now,
                        )
                    )
                    .values(
                        status="failed",
                        error="interrupted by a restart",
                        finished_at=utc_now(),
                        lease_expires_at=None,
                    )
                ).rowcount
            )
        )

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
        _, network, forecast, inv = self._inputs(network_id)
        remaining = np.array([max(r.available, 0) for r in inv], dtype=np.int64)
        return quote_group(network, forecast, remaining, request, shift_days)
