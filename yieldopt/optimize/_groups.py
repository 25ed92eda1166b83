"""Group quotes: displacement of a block of units on several resources, by re-solving.

A group (a tour, a conference block) asks for ``k_i`` units of several resources ``i``
(30 rooms on night 1, 25 on night 2) at one offered rate per unit and resource
(per room-night), and brings its terms: ancillary spend, costs, attrition and
commission (:class:`~._group_request.GroupRequest`). Setting its units aside leaves
``c − k`` for the individual demand, so the value it **displaces** is the drop in the
deterministic LP optimum,

    displaced = DLP(c) − DLP(c − k),

found by re-solving. The whole block ``k`` is set aside even when attrition is expected
(it is held until the cut-off; no wash is modelled). With ``K = Σ_i k_i`` the group is worth

    group value = (1 − attrition) · K · (rate · (1 − commission) + ancillary_per_unit
                  − cost_to_serve) + ancillary,

``(rate − cost_to_serve) · K + ancillary`` without attrition and commission, and the
quote recommends accepting iff group value >= displaced. The bid-price estimate
``Σ_i k_i π_i`` is reported alongside: bid prices are marginal values, so for a group
that is large against the remaining capacity it underestimates the displacement (the
LP optimum is concave in capacity, hence ``DLP(c) − DLP(c − k) >= π·k`` for its bid
prices ``π``).

When resource ids carry an ISO date (``"std/2026-12-01"``), the same pattern is
tried on dates shifted by ±1..±N days, next to any explicit alternatives, so the
revenue manager can offer the group cheaper dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..errors import InputError
from ..model import Network
from ._group_request import GroupRequest
from ._lp import Solver, get_solver
from ._network_lp import DemandLike, _capacity, dlp_arrays
from ._rule import accepts

__all__ = ["GroupQuote", "GroupRequest", "group_quote"]

# A date not glued to other digits, so "x12026-12-01" is not read as a date.
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


def _resource_date(resource_id: str) -> tuple[dt.date, int, int] | None:
    """Return the one ISO date in ``resource_id`` and its span, or ``None``.

    Ids with no valid date, or more than one, are not treated as dated.
    """
    found = list(_ISO_DATE.finditer(resource_id))
    if len(found) != 1:
        return None
    try:
        day = dt.date.fromisoformat(found[0].group())
    except ValueError:
        return None
    return day, found[0].start(), found[0].end()


@dataclass(frozen=True, eq=False)
class GroupQuote:
    """Result of :func:`group_quote` for the requested pattern (alternatives in a frame).

    Attributes
    ----------
    request : GroupRequest
        The request quoted.
    fits : bool
        Whether every requested resource has the units in capacity. If not, the
        displacement figures are NaN and the decision is reject.
    displaced_value : float
        ``DLP(c) − DLP(c − k)`` (money), >= 0; NaN if the group does not fit.
    group_value : float
        :meth:`GroupRequest.value` of the block (money): ``(rate − cost_to_serve) ·
        total units + ancillary`` when there is no attrition, commission or ancillary
        spend per unit.
    break_even_rate : float
        Rate per unit and resource (money per room-night) at which the group value
        equals the displaced value (:meth:`GroupRequest.break_even_rate`); negative
        when the other terms alone cover the displacement; NaN if the group does not
        fit.
    accept : bool
        Recommendation: ``group_value >= displaced_value`` (and the group fits).
    margin : float
        ``group_value − displaced_value`` (money); NaN if the group does not fit.
    bid_price_displacement : float
        Bid-price estimate of the displacement, ``Σ_i k_i π_i`` (money), a lower
        bound of ``displaced_value``.
    objective : float
        DLP optimum with the full capacity (money).
    objective_reduced : float
        DLP optimum with the group's units set aside (money); NaN if it does not fit.
    bid_prices : pandas.Series
        Bid prices of the full-capacity DLP by resource id (money per unit).
    alternatives : pandas.DataFrame
        One row per pattern quoted (the request, date shifts, explicit alternatives),
        cheapest displacement first; columns ``label``, ``shift_days``, ``resources``
        (tuple of ids), ``units`` (dict by id), ``total_units`` (held), ``fits``,
        ``displaced_value``, ``bid_price_displacement``, ``group_value``,
        ``break_even_rate``, ``margin``, ``accept``, ``decision``.
    reason : str
        Why the group cannot be accepted as asked (empty if it fits).
    """

    request: GroupRequest
    fits: bool
    displaced_value: float
    group_value: float
    break_even_rate: float
    accept: bool
    margin: float
    bid_price_displacement: float
    objective: float
    objective_reduced: float
    bid_prices: pd.Series = field(repr=False)
    alternatives: pd.DataFrame = field(repr=False)
    reason: str = ""

    @property
    def expected_units(self) -> float:
        """Units expected to materialize, ``(1 − attrition)`` of the block (room-nights)."""
        return (1.0 - self.request.attrition) * self.request.total_units

    @property
    def decision(self) -> str:
        """``"accept"`` or ``"reject"``."""
        return "accept" if self.accept else "reject"


def _check_known(name: str, units: Mapping[str, float], network: Network) -> None:
    unknown = [r for r in units if r not in network.resource_index]
    if unknown:
        raise InputError(name, f"unknown resource id(s): {unknown[:5]}")


def _date_shifts(
    units: Mapping[str, float], network: Network, shift_days: int
) -> list[tuple[int, dict[str, float]]]:
    """Move the request's pattern by ±1..±shift_days days, where all shifted ids exist.

    Dated ids move, undated ones (a meeting room) stay; no dated id, no shift.
    """
    dates = {r: _resource_date(r) for r in units}
    if all(d is None for d in dates.values()):
        return []
    out = []
    for shift in sorted(range(-shift_days, shift_days + 1), key=lambda s: (abs(s), s)):
        if shift == 0:
            continue
        moved: dict[str, float] = {}
        for rid, k in units.items():
            d = dates[rid]
            if d is None:
                moved[rid] = k
            else:
                day, start, end = d
                new = (day + dt.timedelta(days=shift)).isoformat()
                moved[rid[:start] + new + rid[end:]] = k
        if all(r in network.resource_index for r in moved):
            out.append((shift, moved))
    return out


def group_quote(
    network: Network,
    demand: DemandLike,
    request: GroupRequest | Mapping[str, Any],
    *,
    shift_days: int = 3,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> GroupQuote:
    """Quote a group by displacement: re-solve the DLP without the group's units.

    Parameters
    ----------
    network : Network
        Resources, products (values include segment adjustments) and segments.
    demand : mapping, Series or array_like
        Expected individual demand by product id (units) still to come.
    request : GroupRequest or mapping
        The group; a mapping goes through :meth:`GroupRequest.from_record`.
    shift_days : int
        Also quote the pattern moved by ±1..±``shift_days`` days when the resource ids
        carry ISO dates (0 for none). Each alternative costs one LP solve.
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's (e.g. remaining), shape (m,) or by
        resource id (units).
    solver : str or Solver, optional
        See :func:`~yieldopt.optimize.get_solver`.

    Returns
    -------
    GroupQuote
        The figures for the request as asked, plus ``alternatives``: every pattern
        quoted, sorted by displaced value (patterns that do not fit last).

    Raises
    ------
    InputError
        On unknown resource ids (field ``"units"`` or ``"alternatives[i]"``), bad
        demand, capacity or ``shift_days``.
    """
    if not isinstance(request, GroupRequest):
        request = GroupRequest.from_record(request)
    if (
        not isinstance(shift_days, int | np.integer)
        or isinstance(shift_days, bool)
        or shift_days < 0
    ):
        raise InputError("shift_days", f"must be a non-negative integer, got {shift_days!r}")
    _check_known("units", request.units, network)
    for i, alt in enumerate(request.alternatives):
        _check_known(f"alternatives[{i}]", alt, network)

    engine = get_solver(solver)
    d = network.demand_vector(demand)
    cap = _capacity(network, capacity)
    values, incidence = network.values, network.incidence
    base = dlp_arrays(values, incidence, cap, d, engine)

    # Requested pattern first, then date shifts, then explicit alternatives; drop repeats.
    candidates: list[tuple[str, int | None, dict[str, float]]] = [
        ("requested", 0, dict(request.units))
    ]
    candidates += [
        (f"{s:+d} day{'s' if abs(s) > 1 else ''}", s, u)
        for s, u in _date_shifts(request.units, network, int(shift_days))
    ]
    candidates += [(f"alternative {i}", None, dict(a)) for i, a in enumerate(request.alternatives)]
    seen: list[dict[str, float]] = []
    unique = []
    for cand in candidates:
        if cand[2] not in seen:
            seen.append(cand[2])
            unique.append(cand)

    # Patterns as a (k, m) matrix: fit, totals and bid-price estimates in one go.
    unit_matrix = np.zeros((len(unique), cap.size))
    for row, (_, _, units) in enumerate(unique):
        for rid, k in units.items():
            unit_matrix[row, network.resource_index[rid]] = k
    fits = np.all(unit_matrix <= cap, axis=1)
    totals = unit_matrix.sum(axis=1)
    group_value = request.value(totals)
    bid_estimate = unit_matrix @ base.duals

    reduced = np.full(len(unique), np.nan)
    for fit in np.flatnonzero(fits):
        reduced[fit] = dlp_arrays(values, incidence, cap - unit_matrix[fit], d, engine).objective
    # Removing capacity cannot raise the optimum; clip solver noise below zero.
    displaced = np.maximum(base.objective - reduced, 0.0)
    margin = group_value - displaced
    break_even = request.break_even_rate(displaced, totals)
    # The one accept rule: the group's value covers what it displaces (ties accept, so
    # solver noise in a difference of two LP optima cannot flip a break-even decision;
    # NaN displacement, a group that does not fit, rejects).
    accept = fits & accepts(group_value, displaced)

    frame = pd.DataFrame(
        {
            "label": [c[0] for c in unique],
            "shift_days": pd.array([c[1] for c in unique], dtype="Int64"),
            "resources": [tuple(c[2]) for c in unique],
            "units": [c[2] for c in unique],
            "total_units": totals,
            "fits": fits,
            "displaced_value": displaced,
            "bid_price_displacement": bid_estimate,
            "group_value": group_value,
            "break_even_rate": break_even,
            "margin": margin,
            "accept": accept,
            "decision": np.where(accept, "accept", "reject"),
        }
    )
    frame = frame.sort_values(
        ["fits", "displaced_value"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)

    reason = ""
    if not fits[0]:
        over = [
            f"{rid} needs {k:g} units, capacity {cap[network.resource_index[rid]]:g}"
            for rid, k in request.units.items()
            if k > cap[network.resource_index[rid]]
        ]
        reason = "does not fit: " + "; ".join(over)
    return GroupQuote(
        request=request,
        fits=bool(fits[0]),
        displaced_value=float(displaced[0]),
        group_value=float(group_value[0]),
        break_even_rate=float(break_even[0]),
        accept=bool(accept[0]),
        margin=float(margin[0]),
        bid_price_displacement=float(bid_estimate[0]),
        objective=float(base.objective),
        objective_reduced=float(reduced[0]),
        bid_prices=pd.Series(base.duals, index=network.resource_ids, name="bid_price"),
        alternatives=frame,
        reason=reason,
    )
