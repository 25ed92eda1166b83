"""Backtest of the occupancy forecast: replayed as-of dates against what happened.

For every as-of day ``t`` of ``start, start + step, .. <= end`` and lead ``L`` of
``lead_days``, the night ``n = t + L`` is forecast as of ``t`` and compared with the
rooms **actually occupied** that night: the rooms of checked-out stays covering it,
from the full export. Beside each forecast method, two naive forecasts:

* ``naive-last-year``: the rooms occupied on the same weekday 52 weeks earlier,
  ``n − 364``;
* ``naive-pickup``: on the books for ``n`` as of ``t`` plus the average pickup to
  the final count of the 8 most recent same-weekday nights whose outcome is known
  on ``t`` (``n − 7k``, ``7k >= L``), each from its own day ``L`` days ahead.

Errors per method and lead (:func:`occupancy_errors`): with forecasts ``f`` and
actuals ``a`` over the nights, ``WAPE = Σ|f − a| / Σa``, ``bias = Σ(f − a) / Σa``
(positive: over-forecast) and ``MAE = mean |f − a|`` (rooms). Every method is
scored on the same nights (those where all have a forecast; a naive method with
no forecast at all, as with less than a year of data, is left out).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ..forecast import FORECAST_METHODS
from ..ingest import Property
from ._forecast import MAX_HORIZON, check_whole, forecast_nights
from ._state import property_rows

__all__ = ["BACKTEST_COLUMNS", "NAIVE_METHODS", "backtest_occupancy", "occupancy_errors"]

NAIVE_METHODS = ("naive-last-year", "naive-pickup")
BACKTEST_COLUMNS = ("method", "days_before", "nights", "actual", "forecast", "wape", "bias", "mae")
_LAST_YEAR = 364
_PICKUP_WEEKS = 8


def occupancy_errors(detail: pd.DataFrame) -> pd.DataFrame:
    """Score forecasts against actuals per method and days before arrival.

    Parameters
    ----------
    detail : DataFrame
        One row per forecast: ``method``, ``days_before``, ``forecast`` and
        ``actual`` (rooms).

    Returns
    -------
    DataFrame
        :data:`BACKTEST_COLUMNS`: ``nights`` scored, ``actual`` and ``forecast``
        (rooms summed), ``wape`` and ``bias`` (shares of the actual rooms; NaN when
        nothing was occupied), ``mae`` (rooms per night).
    """
    for col in ("method", "days_before", "forecast", "actual"):
        if col not in detail.columns:
            raise InputError("detail", f"missing column {col!r}")
    d = detail.assign(
        err=detail["forecast"] - detail["actual"],
        abs_err=(detail["forecast"] - detail["actual"]).abs(),
    )
    g = d.groupby(["method", "days_before"], sort=True)
    out = g.agg(
        nights=("actual", "size"),
        actual=("actual", "sum"),
        forecast=("forecast", "sum"),
        err=("err", "sum"),
        abs_err=("abs_err", "sum"),
    )
    total = out["actual"].where(out["actual"] > 0)
    out["wape"] = out["abs_err"] / total
    out["bias"] = out["err"] / total
    out["mae"] = out["abs_err"] / out["nights"]
    return out.reset_index()[list(BACKTEST_COLUMNS)]


class _RoomNights:
    """The full export as room-nights: actual occupancy and on-the-books by lead."""

    def __init__(self, res: pd.DataFrame) -> None:
        stays = res[res["nights"].to_numpy() > 0]
        nights = stays["nights"].to_numpy()
        idx = np.repeat(np.arange(len(stays)), nights)
        k = np.arange(idx.size) - np.repeat(np.cumsum(nights) - nights, nights)
        arrival = stays["arrival"].to_numpy().astype("datetime64[D]")
        self.first = arrival.min()
        self.last = arrival.max()  # later nights still miss arrivals
        self.night = (arrival[idx] - self.first).astype(np.int64) + k
        self.booked = (
            stays["booked_at"].to_numpy().astype("datetime64[D]")[idx] - self.first
        ).astype(np.int64)
        c = stays["cancelled_at"].to_numpy().astype("datetime64[D]")[idx]
        self.cancelled = np.where(
            np.isnat(c), np.iinfo(np.int64).max, (c - self.first).astype(np.int64)
        )
        self.rooms = stays["rooms"].to_numpy(dtype=np.float64)[idx]
        self.span = int((self.last - self.first).astype(np.int64)) + 1
        shown = stays["status"].to_numpy(dtype=object)[idx] == "checked_out"
        self.actual = np.bincount(self.night[shown], self.rooms[shown], self.span + 64)

    def otb_at_lead(self, lead: int) -> np.ndarray:
        """Rooms on the books for each night as of ``lead`` days before it."""
        day = self.night - lead
        held = (self.booked <= day) & (self.cancelled > day)
        return np.bincount(self.night[held], self.rooms[held], self.span + 64)

    def index(self, days: np.ndarray) -> np.ndarray:
        return (days - self.first).astype(np.int64)


def backtest_occupancy(
    reservations: pd.DataFrame,
    property: Property,  # the contract's word, shadowing the builtin here only
    *,
    start: DateLike,
    end: DateLike,
    step_days: int = 7,
    lead_days: Sequence[int] = (1, 7, 14, 30, 60),
    methods: Sequence[str] = ("additive-advanced",),
    max_los: int = 14,
    window: int = 8,
) -> pd.DataFrame:
    """Replay as-of dates and score ``forecast_occupancy`` against what happened (module doc).

    Parameters
    ----------
    reservations : DataFrame
        The full reservation table (the actuals come from it; each forecast only
        sees what was known on its as-of day).
    property : Property
        The hotel (capacities by room type are pooled: the whole hotel is scored).
    start, end : date
        First and last as-of day.
    step_days : int
        Days between as-of days.
    lead_days : sequence of int
        Days before arrival scored (1 to 365).
    methods : sequence of str
        Forecast methods (:data:`yieldopt.forecast.FORECAST_METHODS`).
    max_los, window
        As in :func:`forecast_nights`.

    Returns
    -------
    DataFrame
        :data:`BACKTEST_COLUMNS`, one row per method (the given ones, then
        :data:`NAIVE_METHODS`) and lead; ``detail`` in ``.attrs`` holds the forecast
        per as-of day, night and method.

    Raises
    ------
    InputError
        ``start``/``end`` (order, or no night left to score), ``step_days``,
        ``lead_days``, ``methods``.
    """
    first_day = np.datetime64(parse_day(start, "start"), "D")
    last_day = np.datetime64(parse_day(end, "end"), "D")
    if last_day < first_day:
        raise InputError("end", f"{last_day} is before start {first_day}")
    step = check_whole("step_days", step_days, 1, 3660)
    leads = sorted({check_whole("lead_days", int(x), 1, MAX_HORIZON) for x in lead_days})
    if not leads:
        raise InputError("lead_days", "name at least one lead")
    methods = list(methods)
    bad = [m for m in methods if m not in FORECAST_METHODS]
    if bad or not methods:
        raise InputError("methods", f"must be among {', '.join(FORECAST_METHODS)}, got {bad}")
    res = property_rows(reservations, property)
    rn = _RoomNights(res)
    otb = {lead: rn.otb_at_lead(lead) for lead in leads}

    rows: list[pd.DataFrame] = []
    n_days = int((last_day - first_day).astype(np.int64)) // step + 1
    as_ofs = first_day + (np.arange(n_days) * step).astype("timedelta64[D]")
    lead_arr = np.asarray(leads, dtype=np.int64)
    for t in as_ofs:
        nights = t + lead_arr.astype("timedelta64[D]")
        keep = nights <= rn.last
        if not keep.any():
            continue
        n_idx = rn.index(nights[keep])
        frame = {"as_of": t, "night": nights[keep], "days_before": lead_arr[keep]}
        actual = rn.actual[n_idx]
        for method in methods:
            fc = forecast_nights(
                res, property, t, horizon=leads[-1], method=method, max_los=max_los, window=window
            )
            occ = fc.nights.groupby("night", sort=True)["forecast_occupancy"].sum().to_numpy()
            rows.append(
                pd.DataFrame(
                    frame
                    | {"method": method, "forecast": occ[lead_arr[keep] - 1], "actual": actual}
                )
            )
        ly = n_idx - _LAST_YEAR
        last_year = np.where(ly >= 0, rn.actual[np.maximum(ly, 0)], np.nan)
        rows.append(
            pd.DataFrame(
                frame | {"method": NAIVE_METHODS[0], "forecast": last_year, "actual": actual}
            )
        )
        pick = np.full(n_idx.size, np.nan)
        for i, (night, lead) in enumerate(zip(n_idx, lead_arr[keep], strict=True)):
            weeks = -(-int(lead) // 7) + np.arange(_PICKUP_WEEKS)
            past = night - 7 * weeks
            past = past[past >= 0]
            if past.size:
                o = otb[int(lead)]
                pick[i] = o[night] + float(np.mean(rn.actual[past] - o[past]))
        rows.append(
            pd.DataFrame(frame | {"method": NAIVE_METHODS[1], "forecast": pick, "actual": actual})
        )
    if not rows:
        raise InputError("end", f"no night to score: every night is after the data ({rn.last})")
    detail = pd.concat(rows, ignore_index=True)
    # Score every method on the same nights: those where all have a forecast. A naive
    # method with no forecast at all (less than a year of data) is left out instead.
    has_any = detail.groupby("method")["forecast"].transform(lambda s: s.notna().any())
    detail = detail[has_any.to_numpy(dtype=bool)]
    missing = detail["forecast"].isna().groupby([detail["as_of"], detail["night"]])
    detail = detail[~missing.transform("any").to_numpy(dtype=bool)]
    out = occupancy_errors(detail)
    order = {m: i for i, m in enumerate([*methods, *NAIVE_METHODS])}
    out = out.sort_values(
        ["method", "days_before"], key=lambda s: s.map(order) if s.name == "method" else s
    )
    out = out.reset_index(drop=True)
    out.attrs["detail"] = detail.reset_index(drop=True)
    return out
