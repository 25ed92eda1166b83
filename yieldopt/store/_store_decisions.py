"""Decision sets and optimization runs: what the store persists of optimizing.

The store does not optimize. :meth:`~DecisionsMixin.optimization_inputs` reads what the
optimizers work on (network, forecast, inventory) in one transaction;
:mod:`yieldopt.decisions` computes the decision set outside any transaction and hands it
to :meth:`~DecisionsMixin.publish_decisions`, which checks that the network did not
change in the meantime, locks the network's inventory rows in the global lock order (so
it waits only for the bookings in flight), writes the new decision set and its
authorized capacity, and drops the evaluate cache of the network.

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
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, insert, or_, update

from ..control import Override, expiry_time, in_force
from ..model import Network, RunStatus
from ._errors import ConflictError, NotFoundError
from ._overrides_db import load_overrides, publish_set
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
)
from ._records import DecisionSet, Forecast, InventoryRow, utc_now
from ._records import OptimizationRun as Run
from ._schema import optimization_runs
from ._store_overrides import OverridesMixin

__all__ = ["DecisionsMixin", "OptimizationInputs", "RunRequest"]

log = logging.getLogger("yieldopt.store")


@dataclass(frozen=True)
class OptimizationInputs:
    """What the optimizers of one network work on, read in one transaction.

    Attributes
    ----------
    network_id : str
        Network id.
    head : Head
        The network row as read (incarnation, revision, decision version); publishing
        checks it is unchanged.
    network : Network
        The network.
    forecast : Forecast or None
        Demand still to come (``None``: none set).
    inventory : list of InventoryRow
        Capacity counts per resource, in network order.
    overrides : list of Override
        Overrides in force, in network order: the optimizers are told about them
        (:func:`~yieldopt.control.override_remaining`) and publishing refuses if others
        are in force by then.
    """

    network_id: str
    head: Head
    network: Network
    forecast: Forecast | None
    inventory: list[InventoryRow]
    overrides: list[Override] = field(default_factory=list, kw_only=True)

    @property
    def sold(self) -> NDArray[np.int64]:
        """Units sold per resource, shape (m,)."""
        return np.array([r.sold for r in self.inventory], dtype=np.int64)

    @property
    def available(self) -> NDArray[np.int64]:
        """Units left per resource, ``max(authorized − sold, 0)``, shape (m,)."""
        return np.array([max(r.available, 0) for r in self.inventory], dtype=np.int64)


class RunRequest(Protocol):
    """What a queued optimization run records of its request."""

    @property
    def method(self) -> str:
        """Method name."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the request as a JSON-ready dict (stored as the run's ``params``)."""
        ...


class DecisionsMixin(OverridesMixin):
    """Read optimization inputs, publish and read decision sets, keep optimization runs."""

    def optimization_inputs(self, network_id: str) -> OptimizationInputs:
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
            active = in_force(load_overrides(conn, network_id), self._now())[0]
        return OptimizationInputs(network_id, head, network, forecast, inv, overrides=active)

    def publish_decisions(
        self,
        inputs: OptimizationInputs,
        body: Mapping[str, Any],
        *,
        run_id: str | None = None,
    ) -> DecisionSet:
        """Publish a computed decision set as the network's next version.

        Parameters
        ----------
        inputs : OptimizationInputs
            What the decision set was computed from (:meth:`optimization_inputs`).
        body : mapping
            The decision set without network, version, timestamps and revisions
            (:func:`yieldopt.decisions.compute_decisions`).
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
        ConflictError
            If the network changed since ``inputs`` were read, or the run was reclaimed.
        """
        fc_rev = inputs.forecast.revision if inputs.forecast else 0
        return self._publish(
            inputs.network_id, inputs.head, fc_rev, dict(body), run_id, inputs.overrides
        )

    def _publish(
        self,
        network_id: str,
        read: Head,
        forecast_revision: int,
        body: dict[str, Any],
        run_id: str | None = None,
        told: list[Override] | None = None,
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
                    conn,
                    run_id,
                    status=RunStatus.SUCCEEDED,
                    version=ds.version,
                    expect=RunStatus.RUNNING,
                )
            # The overrides in force are kept through re-optimizations (laid over the
            # optimizer's values); the optimizer must have been told about the same ones.
            return publish_set(conn, network_id, ds, self._now(), expect=told or [])[0]

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
        due = expiry_time(ds.expires_at)
        if version is None and due is not None and due <= self._now().timestamp():
            # An override expired: publish the set without it (once, whoever is first).
            self.expire_overrides(network_id, ds.version)
            return self.decisions(network_id)
        return ds

    # ------------------------------------------------------------------ optimization runs
    def create_run(self, network_id: str, request: RunRequest) -> Run:
        """Queue an optimization run owned by this store.

        :func:`yieldopt.decisions.execute_run` executes it. The store keeps the run's
        lease alive while it is queued or running.
        """
        run_id = uuid.uuid4().hex

        def work(conn: Connection) -> None:
            load_head(conn, network_id)
            conn.execute(
                insert(optimization_runs).values(
                    id=run_id,
                    network_id=network_id,
                    status=RunStatus.QUEUED,
                    method=str(request.method),
                    params=request.to_dict(),
                    created_at=utc_now(),
                    owner=self.owner,
                    lease_expires_at=time.time() + self.run_lease,
                )
            )

        self._transact(work)
        self._start_heartbeat()
        return self.get_run(network_id, run_id)

    def start_run(self, run_id: str) -> bool:
        """Move this store's queued run to running; whether it did.

        ``False`` when the run is no longer this store's queued run (reclaimed by
        another server after its lease expired).
        """
        return self._transact(
            lambda conn: self._finish_run(
                conn, run_id, status=RunStatus.RUNNING, expect=RunStatus.QUEUED
            )
        )

    def fail_run(self, run_id: str, error: str) -> None:
        """Record that this store's running run failed, with why."""
        self._fail_run(run_id, error)

    def _fail_run(self, run_id: str, error: str) -> None:
        self._transact(
            lambda conn: self._finish_run(
                conn, run_id, status=RunStatus.FAILED, error=error, expect=RunStatus.RUNNING
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
        if status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
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
        if res.rowcount != 1 and status == RunStatus.SUCCEEDED:
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
                            & optimization_runs.c.status.in_((RunStatus.QUEUED, RunStatus.RUNNING))
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
                        optimization_runs.c.status.in_((RunStatus.QUEUED, RunStatus.RUNNING))
                        & or_(
                            optimization_runs.c.owner.is_(None),
                            optimization_runs.c.lease_expires_at.is_(None),
                            optimization_runs.c.lease_expires_at < now,
                        )
                    )
                    .values(
                        status=RunStatus.FAILED,
                        error="interrupted by a restart",
                        finished_at=utc_now(),
                        lease_expires_at=None,
                    )
                ).rowcount
            )
        )
