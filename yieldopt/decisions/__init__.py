"""Build decision sets: network + forecast + method → decision set (later: the daily cycle).

The service layer of the core, above :mod:`yieldopt.control` and below the store, the
HTTP API and the CLI:

- :func:`compute_decisions` and :func:`quote_group` are pure: a network, its forecast
  and inventory counts in, a JSON-ready decision set body or group quote out;
- :func:`optimize_network`, :func:`execute_run` and :func:`quote_network_group` run them
  against a store (any :class:`DecisionStore`, e.g. :class:`yieldopt.store.Store`): read
  the inputs, compute outside any transaction, let the store persist the result.

Method names are :class:`~yieldopt.model.Method`; ``emsr-b`` is leg-based EMSR-b nesting
on every resource, the same rule as the simulator's ``emsr-b`` policy, and ``rlp``
samples :data:`~yieldopt.optimize.RLP_SAMPLES` LPs by default, as the simulator does.
"""

from ._build import MAX_OVERBOOKING_FACTOR, compute_decisions, quote_group
from ._request import METHODS, OptimizationRequest, Overbooking
from ._service import (
    DecisionStore,
    OptimizationInputs,
    execute_run,
    optimize_network,
    quote_network_group,
)

__all__ = [
    "MAX_OVERBOOKING_FACTOR",
    "METHODS",
    "DecisionStore",
    "OptimizationInputs",
    "OptimizationRequest",
    "Overbooking",
    "compute_decisions",
    "execute_run",
    "optimize_network",
    "quote_group",
    "quote_network_group",
]
