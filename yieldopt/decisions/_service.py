"""Optimize a stored network: read its inputs, compute a decision set, publish it.

The orchestration the HTTP API (and any other caller) runs: read what the optimizers
work on from a store, compute outside any transaction with :func:`compute_decisions`,
and hand the result back to the store to persist. The store is any object with the
methods of :class:`DecisionStore` (:class:`yieldopt.store.Store` is one), so this layer
does not import the store: it sits below it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from ..control import DecisionSet, Forecast, Override
from ..errors import ConflictError, YieldoptError
from ..model import Method, Network
from ._build import compute_decisions, quote_group
from ._cycle import cycle_decisions
from ._request import OptimizationRequest

__all__ = [
    "DecisionStore",
    "OptimizationInputs",
    "compute_for",
    "execute_run",
    "optimize_network",
    "quote_network_group",
]

log = logging.getLogger("yieldopt.decisions")


class OptimizationInputs(Protocol):
    """What the optimizers of one network work on, as a store reads it."""

    @property
    def network(self) -> Network:
        """The network."""
        ...

    @property
    def forecast(self) -> Forecast | None:
        """Demand still to come (``None``: none set)."""
        ...

    @property
    def sold(self) -> NDArray[np.int64]:
        """Units sold per resource, shape (m,)."""
        ...

    @property
    def available(self) -> NDArray[np.int64]:
        """Units left per resource, ``max(authorized − sold, 0)``, shape (m,)."""
        ...

    @property
    def overrides(self) -> list[Override]:
        """Revenue managers' overrides in force (the optimizers are told about them)."""
        ...


class _Run(Protocol):
    @property
    def params(self) -> dict[str, Any]: ...

    @property
    def error(self) -> str | None: ...


class DecisionStore(Protocol):
    """The persistence a decision service needs (:class:`yieldopt.store.Store` has it)."""

    def optimization_inputs(self, network_id: str) -> Any:
        """Read network, forecast and inventory in one transaction (:class:`OptimizationInputs`)."""
        ...

    def publish_decisions(
        self, inputs: Any, body: Mapping[str, Any], *, run_id: str | None = None
    ) -> DecisionSet:
        """Publish a computed decision set, checking the network is unchanged since ``inputs``."""
        ...

    def get_run(self, network_id: str, run_id: str) -> Any:
        """Return an optimization run."""
        ...

    def start_run(self, run_id: str) -> bool:
        """Move a queued run to running; whether it did."""
        ...

    def fail_run(self, run_id: str, error: str) -> None:
        """Record that a running run failed."""
        ...

    def cycle_inputs(self, network_id: str) -> Any:
        """Read the inputs and the reservations and bookings (``forecast: history``)."""
        ...


def optimize_network(
    store: DecisionStore,
    network_id: str,
    request: OptimizationRequest,
    *,
    run_id: str | None = None,
) -> DecisionSet:
    """Optimize a stored network's controls and publish them as a new decision set.

    The optimizers see the remaining capacity (authorized − sold, told about the
    overrides in force: none on a closed resource, ``max(authorized override − sold,
    0)`` on one with an authorized override) and the forecast demand still to come;
    they run outside any transaction. The store lays the overrides in force over the
    result when it publishes (they are kept until they expire or are removed). With
    ``request.forecast == "history"`` (the default when the network has no stored
    forecast) the demand is re-forecast by the daily cycle from the stored
    reservations and the bookings made through the service
    (:func:`~yieldopt.decisions.cycle_decisions`, hotel networks).

    Parameters
    ----------
    store : DecisionStore
        Where the network lives, e.g. :class:`yieldopt.store.Store`.
    network_id : str
        Network id.
    request : OptimizationRequest
        Method and parameters.
    run_id : str, optional
        The optimization run this is (see :func:`execute_run`).

    Returns
    -------
    DecisionSet
        The published set.

    Raises
    ------
    NotFoundError
        If there is no such network.
    ConflictError
        If the method needs a forecast and there is none (nor reservations to
        re-forecast from), the network changed while the optimizer ran, or the run
        was reclaimed.
    InputError
        On parameters the optimizer rejects.
    """
    inputs, body = compute_for(store, network_id, request)
    return store.publish_decisions(inputs, body, run_id=run_id)


def compute_for(
    store: DecisionStore,
    network_id: str,
    request: OptimizationRequest,
    alter: Callable[[Any], Any] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Read a stored network's inputs and compute its decision set body (nothing published).

    The part of :func:`optimize_network` before publishing: the stored forecast, or
    the daily cycle's re-forecast from the history (see there).

    Parameters
    ----------
    store : DecisionStore
        Where the network lives.
    network_id : str
        Network id.
    request : OptimizationRequest
        Method and parameters.
    alter : callable, optional
        Applied to the inputs before computing (a what-if changes prices or overrides).

    Returns
    -------
    inputs : OptimizationInputs or CycleInputs
        What it was computed from (as altered).
    body : dict
        See :func:`compute_decisions`.
    """
    inputs = store.optimization_inputs(network_id)
    source = request.forecast
    if source is None:
        stored = inputs.forecast is not None or request.method == Method.FCFS
        source = "stored" if stored else "history"
    if source == "history":
        cycle_inputs = store.cycle_inputs(network_id)
        if alter is not None:
            cycle_inputs = alter(cycle_inputs)
        return cycle_inputs, cycle_decisions(cycle_inputs, request)
    if inputs.forecast is None and request.method != Method.FCFS:
        raise ConflictError(
            f"network {network_id!r} has no forecast; PUT …/forecast first, or import "
            'reservations (POST …/reservations) and optimize with "forecast": "history"',
            ["forecast"],
        )
    if alter is not None:
        inputs = alter(inputs)
    body = compute_decisions(
        inputs.network, inputs.forecast, inputs.sold, request, overrides=inputs.overrides
    )
    return inputs, body


def execute_run(
    store: DecisionStore, network_id: str, run_id: str, *, reraise: bool = False
) -> Any:
    """Run a queued optimization (``store.create_run``) and record its outcome.

    A run that is no longer the store's queued run (reclaimed by another server after
    its lease expired) is left as it is.

    Parameters
    ----------
    store : DecisionStore
        The store that queued the run.
    network_id, run_id : str
        The run.
    reraise : bool
        Re-raise a failure (after recording it) instead of only recording it.

    Returns
    -------
    OptimizationRun
        The run as recorded afterwards.
    """
    run = store.get_run(network_id, run_id)
    if not store.start_run(run_id):
        if reraise:
            raise ConflictError(f"optimization run {run_id} was reclaimed: {run.error}")
        return store.get_run(network_id, run_id)
    try:
        optimize_network(
            store, network_id, OptimizationRequest.from_dict(run.params), run_id=run_id
        )
    except YieldoptError as exc:
        store.fail_run(run_id, str(exc))
        if reraise:
            raise
    except Exception as exc:
        log.exception("optimization run %s failed", run_id)
        store.fail_run(run_id, type(exc).__name__)
        if reraise:
            raise
    return store.get_run(network_id, run_id)


def quote_network_group(
    store: DecisionStore, network_id: str, request: Mapping[str, Any], shift_days: int = 3
) -> dict[str, Any]:
    """Quote a group by DLP displacement on a stored network's remaining capacity (read only).

    Parameters
    ----------
    store : DecisionStore
        Where the network lives.
    network_id : str
        Network id.
    request : mapping
        ``{"units", "rate", "ancillary"?, "cost_to_serve"?, "alternatives"?}``.
    shift_days : int
        Date shifts to quote for dated resource ids.

    Returns
    -------
    dict
        See :func:`quote_group`.
    """
    inputs = store.optimization_inputs(network_id)
    return quote_group(inputs.network, inputs.forecast, inputs.available, request, shift_days)
