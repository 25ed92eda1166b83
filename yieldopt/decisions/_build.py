"""From a network, forecast and inventory to a decision set body or a group quote.

Pure computation: it takes the remaining capacity (authorized − sold), the forecast
demand still to come and the optimization request, calls the core optimizers and lays
their results out as the body of a :class:`~yieldopt.control.DecisionSet` (JSON-ready).
No database access happens here; :mod:`yieldopt.decisions` runs it against a store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..control import Forecast, Override, override_remaining
from ..errors import InputError
from ..model import Method, Network
from ..optimize import (
    GroupQuote,
    authorized_capacity,
    davn,
    dlp,
    group_quote,
    los_controls,
    min_los,
    rlp,
)
from ._request import OptimizationRequest, Overbooking

__all__ = ["MAX_OVERBOOKING_FACTOR", "compute_decisions", "quote_group", "quote_record"]

#: Most authorized capacity a decision set may carry, as a multiple of the capacity.
#: Real no-show and cancellation rates overbook by a few percent to a few tens of
#: percent; selling more than twice what exists means a show or cancellation rate that
#: is almost surely wrong, and every unit beyond would be a customer turned away.
MAX_OVERBOOKING_FACTOR = 2.0


def _authorized(network: Network, ob: Overbooking | None) -> NDArray[np.int64]:
    """Return the authorized capacity per resource, at most ``MAX_OVERBOOKING_FACTOR`` × capacity.

    Raises
    ------
    InputError
        On field ``overbooking`` when the overbooking limit of a resource exceeds the
        bound, naming the resource.
    """
    cap = network.capacity.astype(np.int64)
    if ob is None:
        return cap
    auth = np.asarray(
        authorized_capacity(
            cap, ob.show_prob, ob.denied_cost, ob.spoilage_cost, cancel_prob=ob.cancel_prob
        ),
        dtype=np.int64,
    )
    bound = np.floor(cap * MAX_OVERBOOKING_FACTOR).astype(np.int64)
    over = np.flatnonzero(auth > bound)
    if over.size:
        i = int(over[0])
        raise InputError(
            "overbooking",
            f"would authorize {int(auth[i])} units on resource "
            f"{network.resource_ids[i]!r} (capacity {int(cap[i])}), more than "
            f"{MAX_OVERBOOKING_FACTOR:g} × its capacity"
            + (f", and on {over.size - 1} more resources" if over.size > 1 else "")
            + "; a show or cancellation rate that low is almost surely wrong, and every"
            " unit beyond the bound would be a customer turned away at the door",
        )
    return auth


def _limits(
    network: Network,
    thresholds: NDArray[np.float64],
    sold: NDArray[np.int64],
    remaining: NDArray[np.int64],
) -> dict[str, dict[str, int]]:
    """Nested limits on ``sold`` from thresholds (units that must remain beyond a sale).

    A product may sell while more than its threshold remains: with ``s`` units sold since
    the optimization, ``R − s > θ`` ⇔ ``s + 1 <= ceil(R − θ)``; ``q`` units need
    ``s + q <= ceil(R − θ)``. Expressed on the absolute ``sold`` counter.
    """
    out: dict[str, dict[str, int]] = {}
    ids = network.resource_ids
    for j, p in enumerate(network.products):
        row = {}
        for r in p.resources:
            i = network.resource_index[r]
            theta = thresholds[i, j]
            room = 0 if not math.isfinite(theta) else math.ceil(remaining[i] - theta - 1e-9)
            row[ids[i]] = int(sold[i] + min(max(room, 0), remaining[i]))
        out[p.id] = row
    return out


def _los(network: Network, bid: pd.Series) -> tuple[list[dict], list[dict]] | tuple[None, None]:
    table = los_controls(network, bid)
    if not pd.api.types.is_datetime64_any_dtype(table["arrival"]):
        return None, None
    arrival = table["arrival"].dt.strftime("%Y-%m-%d")
    los = [
        {"product": p, "arrival": a, "los": int(n), "open": bool(o)}
        for p, a, n, o in zip(table["product"], arrival, table["los"], table["open"], strict=True)
    ]
    mins = min_los(table, by=None)
    # Arrivals are dates here (checked above), so the index formats as ISO days.
    days = pd.DatetimeIndex(mins.index).strftime("%Y-%m-%d")
    rows = [
        {"arrival": a, "min_los": None if np.isnan(m) else int(m)}
        for a, m in zip(days, mins.to_numpy(), strict=True)
    ]
    return los, rows


def compute_decisions(
    network: Network,
    forecast: Forecast | None,
    sold: NDArray[np.int64],
    request: OptimizationRequest,
    overrides: Sequence[Override] = (),
) -> dict[str, Any]:
    """Compute the controls of a network (the body of a decision set, without version).

    Parameters
    ----------
    network : Network
        The network.
    forecast : Forecast or None
        Demand still to come; required by every method but ``fcfs``.
    sold : ndarray of int, shape (m,)
        Units sold per resource; the optimizers work on ``authorized − sold``.
    request : OptimizationRequest
        Method and parameters.
    overrides : sequence of Override
        Revenue managers' overrides in force; the optimizers are told about them
        (:func:`~yieldopt.control.override_remaining`: nothing left on a closed
        resource, ``max(authorized override − sold, 0)`` on one with an authorized
        override). The body keeps the optimizer's own ``authorized``; the store lays
        the overrides over it when it publishes.

    Returns
    -------
    dict
        ``method``, ``control``, ``objective``, ``bid_prices``, ``authorized``,
        ``booking_limits``, ``allocation``, ``los``, ``min_los``, ``params``.

    Raises
    ------
    InputError
        On parameters the core rejects (e.g. ``overbooking.show_prob`` outside (0, 1]).
    """
    ob = request.overbooking
    try:
        authorized = _authorized(network, ob)
    except InputError as exc:
        if exc.field == "overbooking":
            raise
        raise InputError(f"overbooking.{exc.field}", str(exc).split(": ", 1)[-1]) from None
    sold = np.asarray(sold, dtype=np.int64)
    remaining = override_remaining(
        network.resource_ids, np.maximum(authorized - sold, 0), sold, overrides
    )
    means, stds = (forecast or Forecast([])).totals()
    known = network.product_index
    mean = network.demand_vector({p: m for p, m in means.items() if p in known})
    std = network.demand_vector({p: s for p, s in stds.items() if p in known}, "stds")
    ids = network.resource_ids
    method = request.method
    out: dict[str, Any] = {
        "method": method.value,
        "control": method.control.value,
        "objective": None,
        "bid_prices": dict.fromkeys(ids, 0.0),
        "authorized": {r: int(a) for r, a in zip(ids, authorized, strict=True)},
        "booking_limits": {},
        "allocation": {},
        "los": None,
        "min_los": None,
        "params": request.to_dict(),
    }
    if method == Method.FCFS:
        return out
    if method == Method.RLP:
        res = rlp(network, mean, n_samples=request.samples, seed=request.seed, capacity=remaining)
        bid, objective = res.bid_prices, res.objective
    else:
        base = dlp(network, mean, capacity=remaining)
        bid, objective = base.bid_prices, base.objective
        out["allocation"] = {k: float(v) for k, v in base.allocation.items()}
    if method in (Method.DAVN, Method.EMSR_B):
        # emsr-b is leg-based EMSR-b on every resource: DAVN's nesting on full product
        # values (zero displacement prices), the simulator's emsr-b policy. On a single
        # resource whose values lie more than a class width apart it is classic EMSR-b.
        displacement = None if method == Method.DAVN else np.zeros(len(network.resources))
        thresholds = davn(
            network,
            mean,
            std,
            n_classes=request.classes,
            capacity=remaining,
            bid_prices=displacement,
        ).thresholds
        out["booking_limits"] = _limits(network, thresholds, sold, remaining)
    out["objective"] = float(objective)
    out["bid_prices"] = {k: float(v) for k, v in bid.items()}
    out["los"], out["min_los"] = _los(network, bid)
    return out


def quote_group(
    network: Network,
    forecast: Forecast | None,
    remaining: NDArray[np.int64],
    request: Mapping[str, Any],
    shift_days: int = 3,
) -> dict[str, Any]:
    """Quote a group against the remaining capacity and the forecast demand.

    Parameters
    ----------
    network : Network
        The network.
    forecast : Forecast or None
        Individual demand still to come (none when ``None``).
    remaining : ndarray of int, shape (m,)
        Units left per resource (authorized − sold).
    request : mapping
        ``{"units", "rate", "ancillary"?, "ancillary_per_unit"?, "cost_to_serve"?,
        "attrition"?, "commission"?, "alternatives"?}`` as in
        :meth:`~yieldopt.optimize.GroupRequest.from_record`.
    shift_days : int
        Date shifts to quote (±1..±shift_days) for dated resource ids.

    Returns
    -------
    dict
        The quote's figures and its ``alternatives`` as records.
    """
    means, _ = (forecast or Forecast([])).totals()
    known = network.product_index
    mean = network.demand_vector({p: m for p, m in means.items() if p in known})
    q = group_quote(network, mean, request, shift_days=shift_days, capacity=remaining)
    return quote_record(q)


def quote_record(q: GroupQuote) -> dict[str, Any]:
    """Return a group quote as a JSON-ready record (the HTTP answer's fields).

    Parameters
    ----------
    q : GroupQuote
        A quote of :func:`~yieldopt.optimize.group_quote`.

    Returns
    -------
    dict
        Decision, money figures (``None`` where not finite), units, bid prices and
        the ``alternatives`` as records.
    """
    alts = []
    for rec in q.alternatives.to_dict(orient="records"):
        shift = rec["shift_days"]
        alts.append(
            {
                "label": str(rec["label"]),
                "shift_days": None if pd.isna(shift) else int(shift),
                "units": {str(k): float(v) for k, v in rec["units"].items()},
                "total_units": float(rec["total_units"]),
                "fits": bool(rec["fits"]),
                "displaced_value": _num(rec["displaced_value"]),
                "bid_price_displacement": _num(rec["bid_price_displacement"]),
                "group_value": _num(rec["group_value"]),
                "break_even_rate": _num(rec["break_even_rate"]),
                "margin": _num(rec["margin"]),
                "decision": str(rec["decision"]),
            }
        )
    return {
        "decision": q.decision,
        "accept": q.accept,
        "fits": q.fits,
        "displaced_value": _num(q.displaced_value),
        "group_value": _num(q.group_value),
        "break_even_rate": _num(q.break_even_rate),
        "margin": _num(q.margin),
        "bid_price_displacement": _num(q.bid_price_displacement),
        "total_units": q.request.total_units,
        "expected_units": q.expected_units,
        "reason": q.reason,
        "bid_prices": {k: float(v) for k, v in q.bid_prices.items()},
        "alternatives": alts,
    }


def _num(x: Any) -> float | None:
    """Return a float for JSON: ``None`` for NaN or infinity."""
    f = float(x)
    return f if math.isfinite(f) else None
