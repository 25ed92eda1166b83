"""Rolling-origin backtests: which forecast method to trust on this history.

For each origin ``o`` and method, the remaining demand of every product and
service date ``o + 1 .. o + horizon`` is forecast from what was known on ``o``
and compared with the gross bookings actually made after ``o``. Service dates
that closed are left out: their true demand is unknown (the bookings after ``o``
only bound it from below). Per method, over all forecasts ``f`` and actuals ``a``:

* ``mae = mean(|f - a|)`` (units),
* ``wape = sum(|f - a|) / sum(a)``,
* ``bias = mean(f - a)`` (units; positive means over-forecasting).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ._buckets import DEFAULT_DCPS, as_dcps
from ._cube import build_cube, data_end
from ._forecast import (
    FORECAST_METHODS,
    DateLike,
    check_int,
    forecast_cube,
    parse_day,
    total_demand,
)
from ._history import validate_closures, validate_history
from ._unconstrain import UNCONSTRAIN_METHODS

__all__ = ["BacktestResult", "backtest_forecasts"]


@dataclass(frozen=True)
class BacktestResult:
    """Backtest output.

    Attributes
    ----------
    summary : DataFrame
        Indexed by ``method``: ``n``, ``mae``, ``wape``, ``bias``; best WAPE first.
    detail : DataFrame
        One row per method, origin, product and service date: ``method``,
        ``origin``, ``unique_id``, ``ds``, ``days_ahead``, ``forecast``, ``actual``.
    """

    summary: pd.DataFrame
    detail: pd.DataFrame


def backtest_forecasts(
    history: pd.DataFrame,
    methods: Sequence[str] = FORECAST_METHODS,
    *,
    closures: pd.DataFrame | None = None,
    origins: Sequence[DateLike] | None = None,
    n_origins: int = 6,
    step: int = 7,
    horizon: int = 28,
    dcps: Sequence[int] = DEFAULT_DCPS,
    window: int = 8,
    by_weekday: bool = True,
    unconstrain: str = "em",
) -> BacktestResult:
    """Compare forecast methods on a rolling origin (see the module docstring).

    Parameters
    ----------
    history : DataFrame
        Booking history.
    methods : sequence of str
        Methods from ``FORECAST_METHODS``.
    closures : DataFrame, optional
        Closures of the history.
    origins : sequence of date, optional
        Forecast days. Default: ``n_origins`` days ``step`` days apart, the last one
        ``horizon`` days before the end of the data so every target is complete.
    n_origins, step : int
        Number and spacing (days) of the default origins.
    horizon : int
        Days ahead forecast from each origin.
    dcps, window, by_weekday, unconstrain
        Passed to the forecasts (see ``forecast_demand``).

    Returns
    -------
    BacktestResult
    """
    for m in methods:
        if m not in FORECAST_METHODS:
            raise InputError("methods", f"unknown method {m!r}; use {', '.join(FORECAST_METHODS)}")
    if not methods:
        raise InputError("methods", "name at least one method")
    if unconstrain not in UNCONSTRAIN_METHODS:
        raise InputError("unconstrain", f"must be one of {', '.join(UNCONSTRAIN_METHODS)}")
    checks = {"n_origins": n_origins, "step": step, "horizon": horizon, "window": window}
    for name, v in checks.items():
        check_int(name, v, 1)
    hist = validate_history(history)
    clos = None if closures is None else validate_closures(closures)
    end = data_end(hist)
    if origins is None:
        last = end - np.timedelta64(horizon, "D")
        days = [last - np.timedelta64(step * k, "D") for k in range(n_origins)][::-1]
    else:
        days = [parse_day(o, "origins") for o in origins]
    first = hist["service_date"].min().to_datetime64().astype("datetime64[D]")
    for o in days:
        if o < first or o > end:
            raise InputError("origins", f"{o} lies outside the history ({first} .. {end})")
    d = as_dcps(dcps)
    through = max(days) + np.timedelta64(horizon, "D")
    cube = build_cube(hist, clos, horizon=max(horizon, int(d[0])), through=through)
    rows = []
    for o in days:
        o_day = cube.day(o)
        for m in methods:
            f = total_demand(
                forecast_cube(
                    cube,
                    m,
                    o,
                    horizon=horizon,
                    dcps=d,
                    window=window,
                    by_weekday=by_weekday,
                    unconstrain=unconstrain,
                )
            )
            s = o_day + np.arange(1, horizon + 1)
            p = np.searchsorted(cube.products, f["unique_id"].to_numpy(dtype=object))
            s_f = (f["ds"].to_numpy().astype("datetime64[D]") - cube.start).astype(np.int64)
            h = s_f - o_day
            actual = cube.readings[p, s_f, 0] - cube.readings[p, s_f, h]
            usable = (s_f <= cube.day(end)) & (cube.closed[p, s_f] < 0)
            del s
            rows.append(
                pd.DataFrame(
                    {
                        "method": m,
                        "origin": np.datetime64(o, "s"),
                        "unique_id": f["unique_id"].to_numpy()[usable],
                        "ds": f["ds"].to_numpy()[usable],
                        "days_ahead": h[usable],
                        "forecast": f["mean"].to_numpy()[usable],
                        "actual": actual[usable],
                    }
                )
            )
    detail = pd.concat(rows, ignore_index=True)
    err = detail["forecast"] - detail["actual"]
    g = detail.assign(abs_err=err.abs(), err=err).groupby("method", sort=False)
    summary = pd.DataFrame(
        {
            "n": g.size(),
            "mae": g["abs_err"].mean(),
            "wape": g["abs_err"].sum() / g["actual"].sum(),
            "bias": g["err"].mean(),
        }
    ).sort_values("wape", kind="stable")
    return BacktestResult(summary=summary, detail=detail)
