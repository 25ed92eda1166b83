"""What :func:`~yieldopt.simulate.simulate` returns, and how chunk results become it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..control import ControlModel
from ..model import PolicyName, Scenario
from ._metrics import summarize
from ._resources import booking_curve_frame, days_before, product_mix_frame, resource_frame

__all__ = ["ARRAY_FIELDS", "PATH_FIELDS", "SimulationResult", "collect"]

#: Per-path scalars of :class:`~yieldopt.simulate.Outcome` kept in ``paths``.
PATH_FIELDS = (
    "revenue",
    "value",
    "booking_revenue",
    "units_sold",
    "occupied",
    "denied",
    "denied_cost",
    "spill",
    "requests",
)
#: Per-path arrays of an Outcome that a chunk sends back besides ``PATH_FIELDS``.
ARRAY_FIELDS = (
    "curve",
    "bid_prices",
    "product_units",
    "product_shown",
    "resource_spill",
    "spill_reasons",
    "request_curve",
)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    summary : DataFrame
        One row per policy: ``policy``, ``revenue_mean``, ``revenue_hw95`` (95% half-width),
        ``value_mean``, ``value_hw95``, ``load_factor``, ``adr``, ``revpar``, ``spill``,
        ``denied``, ``denied_cost``, ``rom``, ``samples``.
    paths : DataFrame
        One row per policy and sample path with the per-path metrics.
    booking_curves : DataFrame
        One row per policy (not ``hindsight``) and horizon bin (20 bins): ``policy``,
        ``horizon`` (bin start, fraction of the horizon, 0 = opening of sales),
        ``days_before`` (days before arrival at the bin's end, the time the cumulative
        columns refer to), ``days_before_start``, ``bookings`` (mean bookings made in the
        bin, kept or later cancelled), ``cumulative`` (bookings), ``requests_cumulative``
        (simulated requests), ``forecast_cumulative`` (expected requests as the
        optimizers believed them: the forecast they planned with) and
        ``expected_cumulative`` (expected requests from the true arrival rates).
    bid_prices : DataFrame
        Mean bid price per resource at the opening and after each re-optimization
        (bid-price policies): ``policy``, ``horizon``, ``days_before``, ``resource``,
        ``bid_price`` (money per unit).
    scenario : str
        Scenario name.
    seconds : float
        Wall-clock time of the simulation.
    settings : dict
        Samples, seed, re-optimizations and executor used.
    resources : DataFrame
        One row per policy (``hindsight`` included) and resource (stay night, leg), in
        the network's resource order: ``capacity``, ``authorized`` (units);
        ``sold_*`` (kept bookings: not cancelled, no-shows included), ``occupied_*``
        (shown customers served), ``revenue_*`` (booking revenue of kept bookings, each
        price split equally over the product's resources; money), ``denied_*`` (shown
        customers denied service) and ``spill_*`` (requests lost, counted on every
        resource of the request's most expensive product), each as ``_mean``, ``_std``
        (ddof 1) and ``_hw95`` (95% half-width) over sample paths; ``occupancy``
        (``occupied_mean / capacity``, the load factor for legs) and
        ``occupancy_hw95``, ``sold_ratio`` and ``authorized_ratio`` (over capacity),
        ``revenue_per_unit`` (ADR by night, average fare by leg), ``spill_capacity``,
        ``spill_controls``, ``spill_choice`` (mean spill by reason: nothing left, the
        policy closed what was left, the customer declined the offer; NaN for
        ``hindsight``) and ``samples``.
    product_mix : DataFrame
        Mean units and revenue per policy, resource and product class (fare class or
        rate plan, see :func:`~yieldopt.simulate.product_classes`): ``policy``,
        ``resource``, ``product_class``, ``units_mean``, ``revenue_mean``, ``share``.
    horizon_days : float
        Booking horizon in days: sales open this many days before arrival (or
        departure) and close at it; ``days_before = horizon_days * (1 - horizon)``.
    """

    summary: pd.DataFrame
    paths: pd.DataFrame
    booking_curves: pd.DataFrame
    bid_prices: pd.DataFrame
    scenario: str
    seconds: float
    settings: dict = field(default_factory=dict)
    resources: pd.DataFrame = field(default_factory=pd.DataFrame)
    product_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    horizon_days: float = float("nan")


def _stack(parts: Sequence[dict[str, Any]], key: str) -> NDArray[np.float64] | None:
    """Concatenate one per-path array over chunks, in path order (``None`` if absent)."""
    if parts[0].get(key) is None:
        return None
    return np.concatenate([p[key] for p in parts])


def collect(
    sc: Scenario,
    model: ControlModel,
    names: list[str],
    tasks: list[tuple[Any, ...]],
    results: list[Any],
    reopt: NDArray[np.float64],
    seconds: float,
    settings: dict[str, Any],
    horizon_days: float,
) -> SimulationResult:
    """Join chunk results (in task order) into one :class:`SimulationResult`.

    Every statistic is taken over per-path arrays concatenated in path order, so it is
    the same float however the paths were chunked and wherever the chunks ran.
    """
    frames, curves, bids, per_resource, mixes = [], [], [], [], []
    ids = np.concatenate([t[2] for t in tasks])
    when = np.concatenate([[0.0], reopt[reopt > 0]])
    for name in names:
        parts = [r[name] for r in results]
        frame = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in PATH_FIELDS})
        frame.insert(0, "path", ids)
        frame.insert(0, "policy", name)
        frames.append(frame)
        arrays = {k: _stack(parts, k) for k in ARRAY_FIELDS}
        if name != PolicyName.HINDSIGHT:
            curve, requests = arrays["curve"], arrays["request_curve"]
            assert curve is not None and requests is not None  # play records both
            curves.append(booking_curve_frame(model, name, curve, requests, horizon_days))
        per_resource.append(resource_frame(model, name, arrays))
        mixes.append(product_mix_frame(model, name, arrays))
        if arrays["bid_prices"] is not None:
            mean = arrays["bid_prices"].mean(axis=0)
            for k, frac in enumerate(when):
                bids.append(
                    pd.DataFrame(
                        {
                            "policy": name,
                            "horizon": frac,
                            "days_before": float(days_before(frac, horizon_days)),
                            "resource": model.network.resource_ids,
                            "bid_price": mean[k],
                        }
                    )
                )
    paths = pd.concat(frames, ignore_index=True)
    summary = summarize(paths, float(model.capacity.sum()), sc.kind == "hotel")

    def join(xs: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(xs, ignore_index=True) if xs else pd.DataFrame()

    return SimulationResult(
        summary=summary,
        paths=paths,
        booking_curves=join(curves),
        bid_prices=join(bids),
        scenario=sc.name,
        seconds=seconds,
        settings=settings,
        resources=join(per_resource),
        product_mix=join(mixes),
        horizon_days=float(horizon_days),
    )
