"""Build decision sets: network + forecast + method → decision set; the service's daily cycle.

The service layer of the core, above :mod:`yieldopt.control` and below the store, the
HTTP API and the CLI:

- :func:`compute_decisions` and :func:`quote_group` are pure: a network, its forecast
  and inventory counts in, a JSON-ready decision set body or group quote out;
- :func:`optimize_network`, :func:`execute_run` and :func:`quote_network_group` run them
  against a store (any :class:`DecisionStore`, e.g. :class:`yieldopt.store.Store`): read
  the inputs, compute outside any transaction, let the store persist the result.

- :func:`preview_what_if` computes, without publishing, what raised authorized capacity
  or changed prices would give; :func:`publish_what_if` applies it (overrides, a network
  update, a re-optimization).
- :func:`import_reservations`, :func:`cycle_decisions` and :func:`night_controls` join
  the service to the daily cycle: a reservation export in, a re-forecast from it (and
  the bookings made through the service), per-night controls out (see
  :mod:`yieldopt.decisions._cycle`).

Method names are :class:`~yieldopt.model.Method`; ``emsr-b`` is leg-based EMSR-b nesting
on every resource, the same rule as the simulator's ``emsr-b`` policy, and ``rlp``
samples :data:`~yieldopt.optimize.RLP_SAMPLES` LPs by default, as the simulator does.
"""

from ._build import MAX_OVERBOOKING_FACTOR, compute_decisions, quote_group, quote_record
from ._cycle import (
    CONTROLS_COLUMNS,
    MAX_CONTROL_NIGHTS,
    MAX_CSV_BYTES,
    CycleStore,
    NightLayout,
    cycle_decisions,
    cycle_reservations,
    import_reservations,
    inflate,
    night_controls,
    night_layout,
)
from ._request import FORECAST_SOURCES, METHODS, OptimizationRequest, Overbooking
from ._service import (
    DecisionStore,
    OptimizationInputs,
    compute_for,
    execute_run,
    optimize_network,
    quote_network_group,
)
from ._whatif import WhatIfStore, preview_what_if, publish_what_if

__all__ = [
    "CONTROLS_COLUMNS",
    "FORECAST_SOURCES",
    "MAX_CONTROL_NIGHTS",
    "MAX_CSV_BYTES",
    "MAX_OVERBOOKING_FACTOR",
    "METHODS",
    "CycleStore",
    "DecisionStore",
    "NightLayout",
    "OptimizationInputs",
    "OptimizationRequest",
    "Overbooking",
    "WhatIfStore",
    "compute_decisions",
    "compute_for",
    "cycle_decisions",
    "cycle_reservations",
    "execute_run",
    "import_reservations",
    "inflate",
    "night_controls",
    "night_layout",
    "optimize_network",
    "preview_what_if",
    "publish_what_if",
    "quote_group",
    "quote_network_group",
    "quote_record",
]
