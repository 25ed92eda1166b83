"""Decision sets, optimization runs and group quotes: the optimizing part of the store.

The optimizers run outside any transaction on what was read (network, forecast,
remaining capacity); publishing the result checks that the network did not change in
the meantime, writes the new decision set and its authorized capacity, and drops the
evaluate cache of the network.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy import insert, update

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
        head, network, forecast, inv = self._inputs(network_id)
        if forecast is None and request.method != "fcfs":
            raise ConflictError(
                f"network {network_id!r} has no forecast; PUT …/forecast first", ["method"]
            )
        sold = np.array([r.sold for r in inv], dtype=np.int64)
        body = compute_decisions(network, forecast, sold, request)
        fc_rev = forecast.revision if forecast else 0
        return self._publish(network_id, head.revision, fc_rev, body)

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
        remaining = np.array([r.available for r in inv], dtype=np.int64)
        return quote_group(network, forecast, remaining, request, shift_days)
