"""Forecasts of remaining demand in long format, the contract the optimizers read.

One row per product, service date and days-before bucket:

===============  ==============================================================
column           meaning
===============  ==============================================================
unique_id        product id
ds               service date (midnight timestamp)
days_before      bucket start: days before service (exclusive upper edge)
days_before_end  bucket end: days before service (inclusive lower edge)
mean             expected demand booked in the bucket (units)
std              standard deviation of that demand (units)
===============  ==============================================================

A row covers bookings made ``b`` days before service with
``days_before_end <= b < days_before``; the first bucket of a service date starts
at its days to go on ``as_of``, so the rows of one service date add up to the
demand still to come.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ._buckets import DEFAULT_DCPS, Targets, as_dcps, make_targets
from ._cube import Cube, build_cube, data_end
from ._history import validate_closures, validate_history
from ._impute import unconstrain_cube
from ._pickup import pickup_forecast
from ._smoothing import smoothing_forecast
from ._unconstrain import UNCONSTRAIN_METHODS

__all__ = [
    "FORECAST_COLUMNS",
    "FORECAST_METHODS",
    "check_int",
    "forecast_cube",
    "forecast_demand",
    "forecast_pickup",
    "forecast_smoothing",
    "parse_day",
    "total_demand",
]

FORECAST_METHODS = (
    "additive-advanced",
    "additive-classical",
    "multiplicative-advanced",
    "multiplicative-classical",
    "smoothing",
)
FORECAST_COLUMNS = ("unique_id", "ds", "days_before", "days_before_end", "mean", "std")


def check_int(name: str, value: int, low: int) -> int:
    """Return ``value`` as an int; raise naming ``name`` unless it is a whole number >= low."""
    try:
        ok = not isinstance(value, bool) and int(value) == value and value >= low
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise InputError(name, f"must be a whole number >= {low}, got {value!r}")
    return int(value)


def forecast_cube(
    cube: Cube,
    method: str,
    as_of: np.datetime64,
    *,
    horizon: int,
    dcps: np.ndarray,
    window: int,
    by_weekday: bool,
    unconstrain: str,
) -> pd.DataFrame:
    """Forecast from a prepared cube (used by the public functions and the backtest)."""
    as_of_day = cube.day(as_of)
    targets = make_targets(cube.products.size, as_of_day, horizon, dcps)
    cube = unconstrain_cube(cube, as_of_day, unconstrain)
    if method == "smoothing":
        mean, std = smoothing_forecast(
            cube, targets, as_of_day, window=window, by_weekday=by_weekday
        )
    else:
        kind, variant = method.split("-")
        mean, std = pickup_forecast(
            cube,
            targets,
            as_of_day,
            kind=kind,
            advanced=variant == "advanced",
            window=window,
            by_weekday=by_weekday,
        )
    return _long(cube, targets, mean, std)


def _long(cube: Cube, t: Targets, mean: np.ndarray, std: np.ndarray) -> pd.DataFrame:
    ds = (cube.start + t.s.astype("timedelta64[D]")).astype("datetime64[s]")
    return pd.DataFrame(
        {
            "unique_id": pd.array(cube.products[t.p], dtype="str"),
            "ds": ds,
            "days_before": t.a.astype(np.int64),
            "days_before_end": t.c.astype(np.int64),
            "mean": mean.astype(np.float64),
            "std": np.nan_to_num(std.astype(np.float64), nan=0.0),
        }
    )


def forecast_demand(
    history: pd.DataFrame,
    method: str = "additive-advanced",
    *,
    closures: pd.DataFrame | None = None,
    as_of: DateLike | None = None,
    horizon: int | None = None,
    dcps: Sequence[int] = DEFAULT_DCPS,
    window: int = 8,
    by_weekday: bool = True,
    unconstrain: str = "em",
) -> pd.DataFrame:
    """Forecast remaining demand per product, service date and days-before bucket.

    Parameters
    ----------
    history : DataFrame
        Booking history (long format, see :func:`validate_history`).
    method : str
        One of :data:`FORECAST_METHODS`: additive or multiplicative pickup
        (classical: complete curves only; advanced: also incomplete curves), or
        exponential ``smoothing`` of final demand with weekday seasonality.
    closures : DataFrame, optional
        When products stopped selling (see :func:`validate_closures`); their demand
        is censored and unconstrained.
    as_of : date, optional
        Forecast day: bookings up to and including this day are known. Default: the
        last day of data in the history. Only what was known on ``as_of`` is used.
    horizon : int, optional
        Forecast service dates ``as_of + 1 .. as_of + horizon``; default: the largest DCP.
    dcps : sequence of int
        Data-collection points (days before service) that bound the buckets.
    window : int
        Comparable past service dates per estimate.
    by_weekday : bool
        Compare only service dates of the same weekday.
    unconstrain : str
        Unconstraining method for censored history (see :func:`unconstrain`).

    Returns
    -------
    DataFrame
        Long format: ``unique_id``, ``ds``, ``days_before``, ``days_before_end``,
        ``mean``, ``std`` (units); rows of a service date sum to its remaining demand.
    """
    hist = validate_history(history)
    clos = None if closures is None else validate_closures(closures)
    return _run(hist, clos, method, as_of, horizon, dcps, window, by_weekday, unconstrain)


def _run(
    hist: pd.DataFrame,
    clos: pd.DataFrame | None,
    method: str,
    as_of: DateLike | None,
    horizon: int | None,
    dcps: Sequence[int],
    window: int,
    by_weekday: bool,
    unconstrain: str,
) -> pd.DataFrame:
    if method not in FORECAST_METHODS:
        raise InputError("method", f"must be one of {', '.join(FORECAST_METHODS)}, got {method!r}")
    if unconstrain not in UNCONSTRAIN_METHODS:
        raise InputError(
            "unconstrain", f"must be one of {', '.join(UNCONSTRAIN_METHODS)}, got {unconstrain!r}"
        )
    d = as_dcps(dcps)
    h = int(d[0]) if horizon is None else check_int("horizon", horizon, 1)
    if h < 1:
        raise InputError("horizon", "must be >= 1 (no DCP above 0 to default to)")
    window = check_int("window", window, 1)
    end = data_end(hist)
    day = end if as_of is None else parse_day(as_of, "as_of")
    if day > end:
        raise InputError("as_of", f"{day} is after the last day of data in the history ({end})")
    first = hist["service_date"].min().to_datetime64().astype("datetime64[D]")
    if day < first:
        raise InputError("as_of", f"{day} is before the first service date ({first})")
    cube = build_cube(hist, clos, horizon=max(h, int(d[0])), through=day + np.timedelta64(h, "D"))
    return forecast_cube(
        cube,
        method,
        day,
        horizon=h,
        dcps=d,
        window=window,
        by_weekday=bool(by_weekday),
        unconstrain=unconstrain,
    )


def forecast_pickup(
    history: pd.DataFrame,
    kind: str = "additive",
    variant: str = "advanced",
    **kwargs: object,
) -> pd.DataFrame:
    """Pickup forecast: ``kind`` additive or multiplicative, ``variant`` classical or advanced.

    Keyword arguments are those of :func:`forecast_demand`.
    """
    if kind not in ("additive", "multiplicative"):
        raise InputError("kind", f'must be "additive" or "multiplicative", got {kind!r}')
    if variant not in ("classical", "advanced"):
        raise InputError("variant", f'must be "classical" or "advanced", got {variant!r}')
    return forecast_demand(history, f"{kind}-{variant}", **kwargs)  # type: ignore[arg-type]


def forecast_smoothing(history: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    """Exponential-smoothing forecast; keyword arguments are those of :func:`forecast_demand`."""
    return forecast_demand(history, "smoothing", **kwargs)  # type: ignore[arg-type]


def total_demand(forecast: pd.DataFrame) -> pd.DataFrame:
    """Add up the buckets of each product and service date.

    Parameters
    ----------
    forecast : DataFrame
        Long-format forecast (:data:`FORECAST_COLUMNS`).

    Returns
    -------
    DataFrame
        ``unique_id``, ``ds``, ``mean`` (sum of bucket means) and ``std`` (square
        root of the summed variances, buckets taken as independent).
    """
    for col in ("unique_id", "ds", "mean", "std"):
        if col not in forecast.columns:
            raise InputError(col, "missing column in the forecast table")
    f = forecast.assign(var=forecast["std"] ** 2)
    out = f.groupby(["unique_id", "ds"], sort=True, observed=True)[["mean", "var"]].sum()
    out["std"] = np.sqrt(out.pop("var"))
    return out.reset_index()
