"""Hotel recommended rate per stay night from a rate ladder, with the reason shown.

The rule, applied per night in this order; ``reason`` names the last step that set the rate:

1. **Base rate.** Without a response curve, by demand pressure ``ρ = forecast demand /
   rooms left``: the ladder rate at position ``round(clip(ρ, 0, 1) · (K − 1))`` (lowest
   rate when nothing is expected, highest when demand covers the rooms) — reason
   ``"demand"``. With a response curve ``P`` (``price_sensitivity``, e.g.
   :class:`~yieldopt.optimize.ExponentialResponse`): the ladder rate maximizing the
   expected contribution over the opportunity cost, ``(r − bid price) · P(r)`` — reason
   ``"price_sensitivity"``.
2. **Bid price.** A room is not sold below its opportunity cost: a rate under the night's
   bid price rises to the lowest ladder rate at or above it (the top rate if none is) —
   reason ``"bid_price"``.
3. **Maximum step.** With yesterday's recommendation ``previous`` for the night, the rate
   moves at most ``max_step`` (money) from it: the ladder rate within
   ``[previous − max_step, previous + max_step]`` closest to the rate of step 2 (the ladder
   rate closest to ``previous`` when none lies in that band) — reason ``"max_step"``.
4. **Floor and ceiling.** The revenue manager's hard bounds win over everything: the rate
   is raised to the lowest ladder rate ``>= floor`` or lowered to the highest ``<=
   ceiling`` — reason ``"floor"`` or ``"ceiling"``.

Every recommended rate is a rung of the ladder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .._validate import as_nonnegative
from ..errors import InputError

__all__ = ["RATE_REASONS", "los_rates", "rate_ladder", "recommend_rates"]

RATE_REASONS = ("demand", "price_sensitivity", "bid_price", "max_step", "floor", "ceiling")
"""Values of the ``reason`` column of :func:`recommend_rates`."""


class _Curve(Protocol):
    def probability(self, price: ArrayLike) -> NDArray[np.float64]: ...


def rate_ladder(spec: str | ArrayLike) -> NDArray[np.float64]:
    """Return a rate ladder: ascending distinct rates (money per room-night).

    Parameters
    ----------
    spec : str or array_like
        ``"min:max:step"`` (e.g. ``"80:300:5"``: 80, 85, …, 300) or ``"r1,r2,…"``, or the
        rates themselves.

    Returns
    -------
    ndarray, shape (K,)

    Examples
    --------
    >>> rate_ladder("80:100:10").tolist()
    [80.0, 90.0, 100.0]
    """
    if isinstance(spec, str):
        try:
            if ":" in spec:
                lo, hi, step = (float(x) for x in spec.split(":"))
                if step <= 0 or hi < lo:
                    raise ValueError("need min <= max and step > 0")
                # Half a step of slack so max itself is a rung despite rounding.
                rates = np.arange(lo, hi + step / 2, step)
            else:
                rates = np.array([float(x) for x in spec.split(",")])
        except ValueError as exc:
            raise InputError("ladder", f"expected 'min:max:step' or 'r1,r2,...', {exc}") from None
    else:
        rates = np.asarray(spec, dtype=np.float64)
    rates = as_nonnegative("ladder", rates, min_ndim=1)
    if rates.ndim != 1 or rates.size == 0:
        raise InputError("ladder", "must hold at least one rate")
    return np.unique(rates)


def _per_night(
    name: str, value: float | ArrayLike | pd.Series | None, index: pd.Index, fill: float
):
    if value is None:
        return np.full(len(index), fill)
    if isinstance(value, pd.Series):
        out = value.reindex(index).to_numpy(dtype=np.float64)
        return np.where(np.isnan(out), fill, out)
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (len(index),)).copy()
    if np.any(np.isnan(arr)) or np.any(arr < 0):
        raise InputError(name, "must be non-negative numbers")
    return arr


def recommend_rates(
    bid_prices: pd.Series,
    forecast: pd.Series | ArrayLike,
    ladder: str | ArrayLike,
    *,
    floor: float | pd.Series | None = None,
    ceiling: float | pd.Series | None = None,
    max_step: float | None = None,
    price_sensitivity: _Curve | None = None,
    previous: pd.Series | None = None,
) -> pd.DataFrame:
    """Recommended rate per night from a ladder, with the reason (rule in the module notes).

    Parameters
    ----------
    bid_prices : Series
        Bid price (opportunity cost, money per room-night) by night.
    forecast : Series or array_like, shape (N,)
        Demand pressure per night: expected demand / rooms left (``>= 0``; 1 or more is
        demand covering the rooms). A Series is aligned on the nights (missing: 0).
    ladder : str or array_like
        Rates allowed (:func:`rate_ladder`: ``"80:300:5"`` or the rates).
    floor, ceiling : float or Series by night, optional
        Hard bounds (money); default the ladder's ends.
    max_step : float, optional
        Largest change from ``previous`` (money per day); needs ``previous``.
    price_sensitivity : response curve, optional
        Anything with ``probability(price)``; switches the base rate to the
        contribution-maximizing ladder rate.
    previous : Series, optional
        Yesterday's recommended rate by night; nights it lacks have no step limit.

    Returns
    -------
    DataFrame
        One row per night: ``night``, ``recommended_rate``, ``reason`` (one of
        :data:`RATE_REASONS`), ``bid_price``.

    Examples
    --------
    >>> nights = pd.Index(["2026-07-01", "2026-07-02"], name="night")
    >>> out = recommend_rates(pd.Series([0.0, 130.0], index=nights), [0.5, 0.2], "80:160:20")
    >>> out[["recommended_rate", "reason"]].values.tolist()
    [[120.0, 'demand'], [140.0, 'bid_price']]
    """
    if not isinstance(bid_prices, pd.Series):
        raise InputError("bid_prices", "must be a Series by night")
    rungs = rate_ladder(ladder)
    index = bid_prices.index
    n, k = len(index), rungs.size
    bid = as_nonnegative("bid_prices", bid_prices.to_numpy(dtype=np.float64))
    if isinstance(forecast, pd.Series):
        rho = forecast.reindex(index).fillna(0.0).to_numpy(dtype=np.float64)
    else:
        rho = np.asarray(forecast, dtype=np.float64)
    if rho.shape != (n,):
        raise InputError("forecast", f"needs one value per night ({n}), got shape {rho.shape}")
    rho = as_nonnegative("forecast", rho)
    reason = np.empty(n, dtype=object)

    # 1. Base rate.
    if price_sensitivity is None:
        pos = np.rint(np.clip(rho, 0.0, 1.0) * (k - 1)).astype(np.int64)
        reason[:] = "demand"
    else:
        prob = np.asarray(price_sensitivity.probability(rungs), dtype=np.float64)
        contribution = (rungs[None, :] - bid[:, None]) * prob[None, :]  # (N, K)
        pos = np.argmax(contribution, axis=1)
        reason[:] = "price_sensitivity"
    rate = rungs[pos]

    # 2. At least the bid price.
    low = rate < bid
    up = rungs[np.minimum(np.searchsorted(rungs, bid, side="left"), k - 1)]
    rate = np.where(low, up, rate)
    reason[low] = "bid_price"

    # 3. At most max_step from yesterday's recommendation.
    if max_step is not None:
        step = float(as_nonnegative("max_step", max_step))
        if previous is None:
            raise InputError("previous", "max_step needs yesterday's recommendation by night")
        prev = previous.reindex(index).to_numpy(dtype=np.float64)
        has = ~np.isnan(prev)
        prev_f = np.where(has, prev, rate)
        in_band = np.abs(rungs[None, :] - prev_f[:, None]) <= step + 1e-9  # (N, K)
        # Closest rung to the target inside the band, else closest to yesterday's rate.
        to_target = np.where(in_band, np.abs(rungs[None, :] - rate[:, None]), np.inf)
        limited = np.where(
            in_band.any(axis=1),
            rungs[np.argmin(to_target, axis=1)],
            rungs[np.argmin(np.abs(rungs[None, :] - prev_f[:, None]), axis=1)],
        )
        moved = has & (np.abs(rate - prev_f) > step + 1e-9)
        rate = np.where(moved, limited, rate)
        reason[moved] = "max_step"

    # 4. Floor and ceiling, snapped onto the ladder.
    lo = _per_night("floor", floor, index, rungs[0])
    hi = _per_night("ceiling", ceiling, index, rungs[-1])
    lo_pos = np.searchsorted(rungs, lo - 1e-9, side="left")
    hi_pos = np.searchsorted(rungs, hi + 1e-9, side="right") - 1
    if np.any(lo_pos >= k) or np.any(hi_pos < 0) or np.any(lo_pos > hi_pos):
        raise InputError("floor", "no ladder rate lies between floor and ceiling")
    lo_rate, hi_rate = rungs[lo_pos], rungs[hi_pos]
    below, above = rate < lo_rate, rate > hi_rate
    rate = np.clip(rate, lo_rate, hi_rate)
    reason[below] = "floor"
    reason[above] = "ceiling"
    return pd.DataFrame(
        {"night": index.to_numpy(), "recommended_rate": rate, "reason": reason, "bid_price": bid}
    )


def los_rates(rates: pd.DataFrame | Sequence[float], max_los: int = 7) -> pd.DataFrame:
    """Rate by arrival and length of stay: the mean of the nights' recommended rates.

    Parameters
    ----------
    rates : DataFrame or sequence
        :func:`recommend_rates` output (consecutive nights in order) or the rates.
    max_los : int
        Longest stay (nights, ``>= 1``); stays running past the last night are left out.

    Returns
    -------
    DataFrame
        ``arrival`` (position or night), ``los``, ``rate`` (money per night), ``total``.

    Examples
    --------
    >>> los_rates([100.0, 120.0, 140.0], max_los=2)["rate"].tolist()
    [100.0, 120.0, 140.0, 110.0, 130.0]
    """
    if int(max_los) != max_los or max_los < 1:
        raise InputError("max_los", f"must be a positive integer, got {max_los!r}")
    if isinstance(rates, pd.DataFrame):
        r = rates["recommended_rate"].to_numpy(dtype=np.float64)
        nights = rates["night"].to_numpy()
    else:
        r = as_nonnegative("rates", rates, min_ndim=1)
        nights = np.arange(r.size)
    cum = np.concatenate([[0.0], np.cumsum(r)])
    rows = []
    for los in range(1, int(max_los) + 1):  # a loop over stay lengths, vectorized over arrivals
        start = np.arange(max(r.size - los + 1, 0))
        total = cum[start + los] - cum[start]
        rows.append(
            pd.DataFrame(
                {"arrival": nights[start], "los": los, "rate": total / los, "total": total}
            )
        )
    return pd.concat(rows, ignore_index=True)
