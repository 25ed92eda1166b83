"""What was known on a date: rooms on the books, pickup and pace, cancellation rates.

As of a day ``t`` (a calendar day; what happened during it counts, as at the
close of that day):

* a reservation is **on the books** when it was booked on or before ``t`` and not
  cancelled on or before ``t``; a later cancellation does not count yet, and
  no-shows and checked-out stays count as they were booked;
* a reservation's **outcome is known** when its arrival day is on or before ``t``:
  it was cancelled by then, or it arrived (or not: a no-show).

Nothing else is read, so cutting the export at ``t`` (dropping what was booked
later, blanking later cancellations and statuses) changes none of the results.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.typing import NaTType

from ..errors import InputError
from ._contract import validate_reservations
from ._names import closest

__all__ = ["cancellation_rates", "no_show_rate", "on_the_books", "pace"]

DateLike = str | pd.Timestamp | np.datetime64
LAST_YEAR_DAYS = 364
"""Days back to the same weekday one year earlier (52 weeks)."""


def _day(value: DateLike, field: str) -> np.datetime64:
    try:
        ts: pd.Timestamp | NaTType = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if not isinstance(ts, pd.Timestamp) or pd.isna(ts):
        raise InputError(field, f"not a date: {value!r} (use ISO 8601, e.g. 2016-08-01)")
    return np.datetime64(ts.tz_localize(None) if ts.tzinfo else ts, "D")


def _keys(res: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    for key in keys:
        if key not in res.columns:
            raise InputError("by", f"no reservation column {key!r}{closest(key, res.columns)}")
    return keys


def _nights(value: int | Sequence[DateLike] | pd.DatetimeIndex, start: np.datetime64):
    """Stay nights as days: ``n`` nights from ``start``, or the dates given."""
    if isinstance(value, int | np.integer):
        if value < 1:
            raise InputError("nights", f"must be at least 1, got {value}")
        return start + np.arange(int(value)).astype("timedelta64[D]")
    try:
        days = pd.DatetimeIndex(list(value)).to_numpy().astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InputError("nights", f"must be a number of nights or dates ({exc})") from None
    if len(days) == 0 or np.isnat(days).any():
        raise InputError("nights", "must hold at least one date and no empty values")
    return days


class _Book:
    """A validated reservation table as arrays, with its grouping codes."""

    def __init__(self, reservations: pd.DataFrame, by: str | Sequence[str] | None) -> None:
        res = validate_reservations(reservations)
        self.keys = _keys(res, by)
        self.arrival = res["arrival"].to_numpy().astype("datetime64[D]")
        self.departure = res["departure"].to_numpy().astype("datetime64[D]")
        self.booked = res["booked_at"].to_numpy().astype("datetime64[D]")
        self.status = res["status"].to_numpy(dtype=object)
        cancelled = res["cancelled_at"].to_numpy().astype("datetime64[D]")
        # NaT compares False: a reservation never cancelled is cancelled by no date.
        self.cancelled = np.where(np.isnat(cancelled), np.datetime64("9999-12-31"), cancelled)
        self.rooms = res["rooms"].to_numpy(dtype=np.float64)
        self.rate = res["rate"].to_numpy(dtype=np.float64)
        if self.keys:
            groups = res.groupby(self.keys, sort=True, dropna=False)
            self.codes = groups.ngroup().to_numpy()
            self.labels = groups.size().index.to_frame(index=False)[self.keys]
        else:
            self.codes = np.zeros(len(res), dtype=np.int64)
            self.labels = pd.DataFrame(index=[0])

    def held(self, as_of: np.datetime64) -> np.ndarray:
        """Mask of the reservations on the books at the close of ``as_of``."""
        return (self.booked <= as_of) & (self.cancelled > as_of)

    def rooms_on(
        self, as_of: np.datetime64, nights: np.ndarray, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Rooms (or ``weights`` per room-night) on the books, shape (groups, len(nights))."""
        return self._level(self.held(as_of), self.departure, nights, weights)

    def final_on(self, nights: np.ndarray) -> np.ndarray:
        """Rooms on the books for each night as of that night itself, (groups, nights).

        Bookings precede arrival, so only cancellations matter: a stay cancelled
        on day ``c`` still counts for its nights before ``c``.
        """
        end = np.minimum(self.departure, self.cancelled)
        return self._level(np.ones(len(end), dtype=bool), end, nights, None)

    def _level(
        self,
        keep: np.ndarray,
        departure: np.ndarray,
        nights: np.ndarray,
        weights: np.ndarray | None,
    ) -> np.ndarray:
        lo, hi = nights.min(), nights.max() + np.timedelta64(1, "D")
        span = int((hi - lo).astype(np.int64))
        g = len(self.labels)
        keep = keep & (self.arrival < hi) & (departure > lo) & (departure > self.arrival)
        w = (self.rooms if weights is None else weights)[keep]
        # A stay adds its rooms from its (clipped) arrival and removes them at its
        # departure: a difference array per group, summed up along the nights.
        start = (np.maximum(self.arrival[keep], lo) - lo).astype(np.int64)
        end = (np.minimum(departure[keep], hi) - lo).astype(np.int64)
        row = self.codes[keep] * (span + 1)
        diff = np.bincount(row + start, weights=w, minlength=g * (span + 1))
        diff -= np.bincount(row + end, weights=w, minlength=g * (span + 1))
        level = np.cumsum(diff.reshape(g, span + 1), axis=1)[:, :span]
        return level[:, (nights - lo).astype(np.int64)]


def _long(book: _Book, nights: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per group and night from (groups, nights) arrays."""
    g = len(book.labels)
    out = pd.DataFrame({"night": np.tile(nights.astype("datetime64[s]"), g)})
    for key in book.keys:
        out[key] = np.repeat(book.labels[key].to_numpy(), len(nights))
    for name, values in columns.items():
        out[name] = values.reshape(-1)
    return out


def on_the_books(
    reservations: pd.DataFrame,
    as_of: DateLike,
    *,
    by: str | Sequence[str] | None = None,
    nights: int | Sequence[DateLike] | pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Rooms on the books per stay night, as known at the close of ``as_of``.

    Parameters
    ----------
    reservations : DataFrame
        The reservation table (see :func:`validate_reservations`).
    as_of : date
        The as-of day: reservations booked on or before it and not cancelled on or
        before it count.
    by : str or sequence of str, optional
        Reservation columns to split by, e.g. ``("room_type", "segment")``.
    nights : int or sequence of dates, optional
        The stay nights reported: ``n`` nights from ``as_of``, or the dates given.
        Default: every night from the first to the last one on the books.

    Returns
    -------
    DataFrame
        One row per (group and) night, every combination listed (zeros too):
        ``night``, the ``by`` columns, ``rooms`` (rooms on the books) and
        ``revenue`` (their rate for that night, money).
    """
    book = _Book(reservations, by)
    day = _day(as_of, "as_of")
    if nights is None:
        held = book.held(day) & (book.departure > book.arrival)
        if not held.any():
            cols = {"night": pd.Series(dtype="datetime64[s]")}
            cols |= {k: pd.Series(dtype=object) for k in book.keys}
            return pd.DataFrame(cols | {"rooms": [], "revenue": []})
        first = book.arrival[held].min()
        last = book.departure[held].max()
        days = first + np.arange(int((last - first).astype(np.int64))).astype("timedelta64[D]")
    else:
        days = _nights(nights, day)
    rooms = book.rooms_on(day, days)
    revenue = book.rooms_on(day, days, book.rooms * book.rate)
    return _long(book, days, {"rooms": rooms.astype(np.int64), "revenue": revenue})


def pace(
    reservations: pd.DataFrame,
    as_of: DateLike,
    nights: int | Sequence[DateLike] | pd.DatetimeIndex,
    *,
    by: str | Sequence[str] | None = None,
    pickup_days: int = 7,
) -> pd.DataFrame:
    """Rooms on the books, pickup and pace against the same weekday one year earlier.

    The comparison night is ``night - 364 days`` (the same weekday), read as of
    ``as_of - 364 days``: the same number of days before arrival.

    Parameters
    ----------
    reservations : DataFrame
        The reservation table.
    as_of : date
        The as-of day.
    nights : int or sequence of dates
        Stay nights: ``n`` nights from ``as_of`` or the dates given.
    by : str or sequence of str, optional
        Reservation columns to split by.
    pickup_days : int
        Pickup window: rooms gained over the last ``pickup_days`` days.

    Returns
    -------
    DataFrame
        One row per (group and) night: ``night``, the ``by`` columns,
        ``days_before`` (night − as_of, days), ``rooms`` (on the books),
        ``pickup`` (rooms − rooms as of ``as_of − pickup_days``), ``ly_night``,
        ``ly_rooms`` and ``ly_pickup`` (the same for the comparison night and day),
        ``pace = rooms − ly_rooms``, and ``ly_final`` (the comparison night's
        rooms as of that night itself; empty when that night is after ``as_of``,
        as it was not known then).
    """
    if isinstance(pickup_days, bool) or not isinstance(pickup_days, int | np.integer):
        raise InputError("pickup_days", f"must be a whole number of days, got {pickup_days!r}")
    if pickup_days < 1:
        raise InputError("pickup_days", f"must be at least 1, got {pickup_days}")
    book = _Book(reservations, by)
    day = _day(as_of, "as_of")
    days = _nights(nights, day)
    back = np.timedelta64(LAST_YEAR_DAYS, "D")
    window = np.timedelta64(int(pickup_days), "D")
    rooms = book.rooms_on(day, days)
    ly_days = days - back
    ly_rooms = book.rooms_on(day - back, ly_days)
    # The comparison night's final count, known only once that night has passed.
    final = np.where(ly_days <= day, book.final_on(ly_days), np.nan)
    g = len(book.labels)
    return _long(
        book,
        days,
        {
            "days_before": np.tile((days - day).astype(np.int64), g),
            "rooms": rooms.astype(np.int64),
            "pickup": (rooms - book.rooms_on(day - window, days)).astype(np.int64),
            "ly_night": np.tile(ly_days.astype("datetime64[s]"), g),
            "ly_rooms": ly_rooms.astype(np.int64),
            "ly_pickup": (ly_rooms - book.rooms_on(day - back - window, ly_days)).astype(np.int64),
            "pace": (rooms - ly_rooms).astype(np.int64),
            "ly_final": final,
        },
    )


def cancellation_rates(
    reservations: pd.DataFrame,
    as_of: DateLike,
    *,
    by: str | Sequence[str] | None = "segment",
    window: int | None = None,
) -> pd.DataFrame:
    """Estimate cancellation and no-show rates from the reservations whose outcome is known.

    Counts rooms of reservations booked and due to arrive on or before ``as_of``
    (their outcome is final then): cancelled by ``as_of``, no-show, or shown.

    Parameters
    ----------
    reservations : DataFrame
        The reservation table.
    as_of : date
        The as-of day.
    by : str or sequence of str, optional
        Reservation columns to split by (default ``segment``); None for one row.
    window : int, optional
        Only arrivals in the last ``window`` days up to ``as_of`` (recent behaviour).

    Returns
    -------
    DataFrame
        Indexed by ``by`` (or one row ``all``): ``reservations``, ``rooms``,
        ``cancelled`` and ``no_show`` (rooms), ``cancellation_rate = cancelled /
        rooms``, ``no_show_rate = no_show / (rooms − cancelled)`` and
        ``show_rate = 1 − no_show_rate``.
    """
    book = _Book(reservations, by)
    day = _day(as_of, "as_of")
    known = (book.booked <= day) & (book.arrival <= day)
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
            raise InputError("window", f"must be a whole number of days >= 1, got {window!r}")
        known &= book.arrival > day - np.timedelta64(int(window), "D")
    if not known.any():
        raise InputError("as_of", f"no reservation had arrived by {day}: no outcome is known")
    cancelled = known & (book.cancelled <= day)
    no_show = known & ~cancelled & (book.status == "no_show")
    g = len(book.labels)

    def total(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(book.codes[mask], weights=None if w is None else w[mask], minlength=g)

    rooms = total(known, book.rooms)
    out = pd.DataFrame(
        {
            "reservations": total(known).astype(np.int64),
            "rooms": rooms,
            "cancelled": total(cancelled, book.rooms),
            "no_show": total(no_show, book.rooms),
        },
        index=pd.MultiIndex.from_frame(book.labels)
        if len(book.keys) > 1
        else (pd.Index(book.labels[book.keys[0]], name=book.keys[0]) if book.keys else ["all"]),
    )
    out = out[out["reservations"] > 0].copy()
    out["cancellation_rate"] = out["cancelled"] / out["rooms"]
    stayed = out["rooms"] - out["cancelled"]
    out["no_show_rate"] = np.where(stayed > 0, out["no_show"] / stayed.where(stayed > 0, 1), 0.0)
    out["show_rate"] = 1.0 - out["no_show_rate"]
    return out


def no_show_rate(
    reservations: pd.DataFrame,
    as_of: DateLike,
    *,
    by: str | Sequence[str] | None = None,
    window: int | None = None,
) -> float | pd.Series:
    """No-show rate of the reservations due by ``as_of`` and not cancelled by then.

    See :func:`cancellation_rates`; returns its ``no_show_rate``: one number, or a
    Series indexed by ``by``.
    """
    rates = cancellation_rates(reservations, as_of, by=by, window=window)["no_show_rate"]
    return float(rates.iloc[0]) if by is None else rates
