"""Booking curves, final demand and cancellation / no-show rates of a history.

Readings follow the DCP convention of :mod:`._buckets`: the reading at ``d`` days
before service counts what was booked at least ``d`` days before service, i.e. on
hand at the close of that day. ``booked`` is gross (cancelled bookings still count:
they were demand); ``on_hand`` subtracts the cancellations made by then.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ._buckets import DEFAULT_DCPS, as_dcps
from ._cube import data_end, days_before
from ._forecast import DateLike, parse_day
from ._history import validate_closures, validate_history

__all__ = ["booking_curves", "cancellation_rates", "final_demand"]


def _as_of(hist: pd.DataFrame, as_of: DateLike | None) -> np.datetime64:
    end = data_end(hist)
    if as_of is None:
        return end
    day = parse_day(as_of, "as_of")
    if day > end:
        raise InputError("as_of", f"{day} is after the last day of data in the history ({end})")
    return day


def _closed_days_before(clos: pd.DataFrame | None, keys: pd.DataFrame) -> np.ndarray:
    """Days before service of each key's closure (-1 when open); keys: product, service_date."""
    if clos is None or len(clos) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    c = clos.assign(
        closed=(
            clos["service_date"].to_numpy().astype("datetime64[D]")
            - clos["closed_at"].to_numpy().astype("datetime64[D]")
        ).astype(np.int64)
    )
    merged = keys.merge(c[["product", "service_date", "closed"]], how="left")
    return merged["closed"].fillna(-1).to_numpy(dtype=np.int64)


def booking_curves(
    history: pd.DataFrame,
    *,
    closures: pd.DataFrame | None = None,
    dcps: Sequence[int] = DEFAULT_DCPS,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Cumulative bookings by days before service at the data-collection points.

    Parameters
    ----------
    history : DataFrame
        Booking history (see ``validate_history``).
    closures : DataFrame, optional
        Closures; readings taken at or after a closure are flagged ``censored``.
    dcps : sequence of int
        Data-collection points, days before service.
    as_of : date, optional
        Only readings taken by this day are returned (and only what was known then
        counts); default the last day of data.

    Returns
    -------
    DataFrame
        One row per product, service date and DCP already reached: ``product``,
        ``service_date``, ``days_before``, ``booked`` (gross units),
        ``on_hand`` (units net of cancellations made by then) and ``censored``.
    """
    hist = validate_history(history)
    clos = None if closures is None else validate_closures(closures)
    day = _as_of(hist, as_of)
    hist = hist[hist["booked_at"].to_numpy().astype("datetime64[D]") <= day]
    asc = as_dcps(dcps)[::-1]
    k = asc.size
    keys, curve = _curve_keys(hist)
    b = days_before(hist)
    q = hist["quantity"].to_numpy(dtype=np.float64)
    n = len(keys)
    booked = _cumulative(curve, np.searchsorted(asc, b, side="right") - 1, q, n, k)
    cancel_day = hist["cancelled_at"].to_numpy().astype("datetime64[D]")
    svc = hist["service_date"].to_numpy().astype("datetime64[D]")
    cb = (svc - cancel_day).astype(np.int64)
    counted = ~np.isnat(cancel_day) & (cancel_day <= day) & (cb >= 0)
    cancelled = _cumulative(
        curve[counted], np.searchsorted(asc, cb[counted], side="right") - 1, q[counted], n, k
    )
    closed = _closed_days_before(clos, keys)
    out = pd.DataFrame(
        {
            "product": np.repeat(keys["product"].to_numpy(dtype=object), k),
            "service_date": np.repeat(keys["service_date"].to_numpy(), k),
            "days_before": np.tile(asc, n),
            "booked": booked.ravel(),
            "on_hand": (booked - cancelled).ravel(),
            "censored": (closed[:, None] >= asc[None, :]).ravel(),
        }
    )
    taken = (
        out["service_date"].to_numpy().astype("datetime64[D]")
        - out["days_before"].to_numpy().astype("timedelta64[D]")
    ) <= day
    out = out[taken].sort_values(
        ["product", "service_date", "days_before"], ascending=[True, True, False], kind="stable"
    )
    out["product"] = out["product"].astype("str")
    return out.reset_index(drop=True)


def _curve_keys(hist: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    idx = pd.MultiIndex.from_arrays([hist["product"], hist["service_date"]])
    codes, uniques = pd.factorize(idx, sort=True)
    keys = pd.DataFrame(
        {
            "product": pd.array(uniques.get_level_values(0).to_numpy(), dtype="str"),
            "service_date": uniques.get_level_values(1).to_numpy(),
        }
    )
    return keys, codes.astype(np.int64)


def _cumulative(curve: np.ndarray, bin_: np.ndarray, q: np.ndarray, n: int, k: int) -> np.ndarray:
    counts = np.bincount(curve * k + bin_, weights=q, minlength=n * k).reshape(n, k)
    return np.flip(np.cumsum(np.flip(counts, axis=1), axis=1), axis=1)


def final_demand(
    history: pd.DataFrame,
    *,
    closures: pd.DataFrame | None = None,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Compute final demand per product and complete service date.

    Parameters
    ----------
    history, closures, as_of
        As in :func:`booking_curves`; a service date is complete when it is on or
        before ``as_of``.

    Returns
    -------
    DataFrame
        Every product and every service date from the first one in the history to
        ``as_of`` (zero when nothing was booked): ``product``, ``service_date``,
        ``demand`` (gross units), ``cancelled``, ``no_show`` and ``net`` (units that
        were not cancelled), ``censored`` (the product closed) and
        ``closed_days_before`` (-1 when it never closed).
    """
    hist = validate_history(history)
    clos = None if closures is None else validate_closures(closures)
    day = _as_of(hist, as_of)
    first = hist["service_date"].min()
    products = np.sort(hist["product"].unique().astype(object))
    hist = hist[hist["service_date"].to_numpy().astype("datetime64[D]") <= day]
    status = hist["status"].to_numpy(dtype=object)
    q = hist["quantity"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(
        {
            "product": hist["product"],
            "service_date": hist["service_date"],
            "demand": q,
            "cancelled": np.where(status == "cancelled", q, 0.0),
            "no_show": np.where(status == "no_show", q, 0.0),
        }
    )
    sums = frame.groupby(["product", "service_date"], sort=True).sum()
    dates = pd.date_range(first, pd.Timestamp(day), freq="D").as_unit("s")
    full = pd.MultiIndex.from_product([products, dates], names=["product", "service_date"])
    out = sums.reindex(full, fill_value=0.0).reset_index()
    out["product"] = out["product"].astype("str")
    out["net"] = out["demand"] - out["cancelled"]
    closed = _closed_days_before(clos, out[["product", "service_date"]])
    out["censored"] = closed >= 0
    out["closed_days_before"] = closed
    return out


def cancellation_rates(
    history: pd.DataFrame,
    *,
    by: str | Sequence[str] = "segment",
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Compute cancellation and no-show rates by segment (or product, or both).

    Only service dates on or before ``as_of`` count, whose outcome is final.

    Parameters
    ----------
    history : DataFrame
        Booking history.
    by : str or sequence of str
        Grouping columns among ``segment`` and ``product``.
    as_of : date, optional
        Default: the last day of data.

    Returns
    -------
    DataFrame
        Indexed by ``by``: ``bookings``, ``cancelled``, ``no_show`` (units),
        ``cancellation_rate = cancelled / bookings``,
        ``no_show_rate = no_show / (bookings - cancelled)`` and
        ``show_rate = 1 - no_show_rate``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    for key in keys:
        if key not in ("segment", "product"):
            raise InputError("by", f'must name "segment" and/or "product", got {key!r}')
    hist = validate_history(history)
    day = _as_of(hist, as_of)
    hist = hist[hist["service_date"].to_numpy().astype("datetime64[D]") <= day]
    status = hist["status"].to_numpy(dtype=object)
    q = hist["quantity"].to_numpy(dtype=np.float64)
    frame = hist[keys].assign(
        bookings=q,
        cancelled=np.where(status == "cancelled", q, 0.0),
        no_show=np.where(status == "no_show", q, 0.0),
    )
    out = frame.groupby(keys, sort=True).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cancellation_rate"] = out["cancelled"] / out["bookings"]
        out["no_show_rate"] = out["no_show"] / (out["bookings"] - out["cancelled"])
    out["show_rate"] = 1.0 - out["no_show_rate"]
    return out
