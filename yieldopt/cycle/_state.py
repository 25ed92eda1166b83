"""The reservations as they stood on the as-of date, and the rates learnt from them.

Everything the daily cycle computes starts from :func:`known_as_of`: the export cut
at the close of the as-of day (later bookings dropped, later cancellations and
outcomes not yet known). The forecasts and controls read nothing else, so cutting
the export at the as-of date beforehand changes none of their results.

Rates learnt from the outcomes known then:

* the **cancellation curve** ``p_c(h)``: of the rooms held ``h`` days before arrival
  (booked at least ``h`` days before, not cancelled by then), the share cancelled
  afterwards; by segment, shrunk toward the hotel-wide curve where a segment holds
  few rooms at that lead;
* the **no-show rate** by segment (:func:`yieldopt.ingest.cancellation_rates`);
* the **average rate** per room-night by pool and segment, from the stays booked in
  the last year that were not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ..ingest import Property, cancellation_rates, validate_reservations

__all__ = ["MAX_LEAD", "Rates", "known_as_of", "learn_rates", "property_rows"]

MAX_LEAD = 365
"""Longest lead (days before arrival) kept apart; longer leads count as this one."""

# Pseudo-rooms of the hotel-wide figure mixed into a segment's (empirical-Bayes style
# shrinkage): a segment holding 5 rooms at a lead must not get a 0 % or 100 % rate.
_SHRINK_ROOMS = 20.0
# Days of bookings that set the average rate and the length-of-stay mix: last year's.
RECENT_DAYS = 365


def property_rows(reservations: pd.DataFrame, prop: Property) -> pd.DataFrame:
    """Validate the reservations and keep those of ``prop``.

    An export of one property under another name (e.g. named after its file) is
    taken as that property's; with several properties the name must match.

    Raises
    ------
    InputError
        ``property`` when several properties are present and none is ``prop.name``;
        ``reservations`` when none is left.
    """
    res = validate_reservations(reservations)
    names = res["property"].unique()
    if prop.name in names:
        res = res[res["property"].to_numpy() == prop.name]
    elif len(names) > 1:
        raise InputError(
            "property",
            f"no reservation of {prop.name!r}; the export has {sorted(map(str, names))}",
        )
    if len(res) == 0:
        raise InputError("reservations", "no reservation to work from")
    return res.reset_index(drop=True)


def known_as_of(reservations: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Cut the reservations to what was known at the close of ``as_of``.

    Parameters
    ----------
    reservations : DataFrame
        A validated reservation table.
    as_of : date
        The as-of day.

    Returns
    -------
    DataFrame
        Reservations booked on or before ``as_of``; a cancellation after it is not
        known yet (status ``booked``, no ``cancelled_at``), nor a no-show or a
        check-out of a stay not yet due (no-show arriving later, stay departing later).
    """
    day = np.datetime64(parse_day(as_of, "as_of"), "D")
    booked = reservations["booked_at"].to_numpy().astype("datetime64[D]")
    out = reservations[booked <= day].copy()
    cancelled = out["cancelled_at"].to_numpy().astype("datetime64[D]")
    later = ~np.isnat(cancelled) & (cancelled > day)
    arrival = out["arrival"].to_numpy().astype("datetime64[D]")
    departure = out["departure"].to_numpy().astype("datetime64[D]")
    status = out["status"].to_numpy(dtype=object)
    open_ = later | ((status == "no_show") & (arrival > day))
    open_ |= (status == "checked_out") & (departure > day)
    out.loc[open_, "status"] = "booked"
    out.loc[later, "cancelled_at"] = pd.NaT
    return out


@dataclass(frozen=True)
class Rates:
    """Cancellation, no-show and rate figures learnt as of a date.

    Attributes
    ----------
    segments : list of str
        Segments, sorted; the row order of ``cancel_curve``.
    cancel_curve : ndarray, shape (len(segments) + 1, MAX_LEAD + 1)
        ``cancel_curve[s, h]``: probability that a room held ``h`` days before arrival
        is cancelled before it arrives; the last row is the hotel-wide curve.
    no_show : ndarray, shape (len(segments) + 1,)
        No-show rate of the rooms not cancelled, per segment, last: hotel-wide.
    avg_rate : DataFrame
        Indexed by ``(pool, segment)``: ``rate`` (money per room-night, rooms-weighted
        over last year's stays not cancelled) and ``rooms``.
    """

    segments: list[str]
    cancel_curve: np.ndarray
    no_show: np.ndarray
    avg_rate: pd.DataFrame

    def index(self, segment: np.ndarray) -> np.ndarray:
        """Row of each segment in the arrays (unknown segments: the hotel-wide row)."""
        pos = np.searchsorted(np.asarray(self.segments, dtype=object), segment)
        pos = np.minimum(pos, max(len(self.segments) - 1, 0))
        known = np.asarray(self.segments, dtype=object)[pos] == segment if self.segments else False
        return np.where(known, pos, len(self.segments))

    def cancel_prob(self, segment: np.ndarray, lead: np.ndarray) -> np.ndarray:
        """Probability of cancelling before arrival, held ``lead`` days before it."""
        h = np.clip(np.asarray(lead, dtype=np.int64), 0, MAX_LEAD)
        return self.cancel_curve[self.index(segment), h]


def _cancel_curves(known: pd.DataFrame, day: np.datetime64, segments: list[str]) -> np.ndarray:
    arrival = known["arrival"].to_numpy().astype("datetime64[D]")
    done = arrival <= day  # only stays due by the as-of day have a known outcome
    k = known[done]
    arrival = arrival[done]
    booked = k["booked_at"].to_numpy().astype("datetime64[D]")
    lead = np.minimum((arrival - booked).astype(np.int64), MAX_LEAD)
    cancelled = k["cancelled_at"].to_numpy().astype("datetime64[D]")
    is_c = ~np.isnat(cancelled)
    # Days before arrival of the cancellation; -1 (never, or on/after arrival day's close).
    c_lead = np.where(is_c, (arrival - np.where(is_c, cancelled, arrival)).astype(np.int64), -1)
    c_lead = np.clip(c_lead, -1, MAX_LEAD)
    rooms = k["rooms"].to_numpy(dtype=np.float64)
    seg = np.searchsorted(np.asarray(segments, dtype=object), k["segment"].to_numpy(dtype=object))
    g, width = len(segments), MAX_LEAD + 2
    # A room is held at every lead h with c_lead < h <= lead: a difference array per
    # segment over h, summed up; the cancelled ones again for the numerator.
    start = np.minimum(c_lead + 1, lead + 1)
    held = np.bincount(seg * width + start, rooms, g * width)
    held -= np.bincount(seg * width + lead + 1, rooms, g * width)
    canc = np.bincount((seg * width + start)[is_c], rooms[is_c], g * width)
    canc -= np.bincount((seg * width + lead + 1)[is_c], rooms[is_c], g * width)
    held = np.cumsum(held.reshape(g, width), axis=1)[:, : MAX_LEAD + 1]
    canc = np.cumsum(canc.reshape(g, width), axis=1)[:, : MAX_LEAD + 1]
    all_held, all_canc = held.sum(axis=0), canc.sum(axis=0)
    pooled = np.divide(all_canc, all_held, out=np.full(MAX_LEAD + 1, np.nan), where=all_held > 0)
    # Leads nobody was held at (beyond the longest lead seen) take the nearest shorter lead.
    pooled = pd.Series(pooled).ffill().fillna(0.0).to_numpy()
    curves = (canc + _SHRINK_ROOMS * pooled) / (held + _SHRINK_ROOMS)
    return np.vstack([curves, pooled])


def learn_rates(known: pd.DataFrame, as_of: DateLike, pool: np.ndarray) -> Rates:
    """Learn the :class:`Rates` of the reservations known as of ``as_of``.

    Parameters
    ----------
    known : DataFrame
        Output of :func:`known_as_of`.
    as_of : date
        The as-of day.
    pool : ndarray of str, shape (len(known),)
        Pool (room type, or one pool for the hotel) of each reservation.

    Raises
    ------
    InputError
        ``as_of`` when no reservation had arrived by then (no outcome is known).
    """
    day = np.datetime64(parse_day(as_of, "as_of"), "D")
    segments = sorted(map(str, known["segment"].unique()))
    r = cancellation_rates(known, day, by="segment")
    stayed = r["rooms"] - r["cancelled"]
    pooled_ns = float(r["no_show"].sum() / max(stayed.sum(), 1.0))
    ns = (r["no_show"] + _SHRINK_ROOMS * pooled_ns) / (stayed + _SHRINK_ROOMS)
    no_show = np.append(ns.reindex(segments).fillna(pooled_ns).to_numpy(), pooled_ns)

    booked = known["booked_at"].to_numpy().astype("datetime64[D]")
    recent = (booked > day - np.timedelta64(RECENT_DAYS, "D")) & (known["status"] != "cancelled")
    recent &= known["nights"].to_numpy() > 0
    if not recent.any():  # a hotel with no recent stays: every stay ever known
        recent = (known["status"] != "cancelled").to_numpy() & (known["nights"].to_numpy() > 0)
    rn = (known["rooms"] * known["nights"]).to_numpy(dtype=np.float64)[recent]
    frame = pd.DataFrame(
        {
            "pool": pool[recent],
            "segment": known["segment"].to_numpy(dtype=object)[recent],
            "rooms": rn,
            "revenue": rn * known["rate"].to_numpy(dtype=np.float64)[recent],
        }
    )
    avg = frame.groupby(["pool", "segment"], sort=True)[["rooms", "revenue"]].sum()
    avg["rate"] = avg["revenue"] / avg["rooms"].where(avg["rooms"] > 0)
    return Rates(
        segments=segments,
        cancel_curve=_cancel_curves(known, day, segments),
        no_show=no_show,
        avg_rate=avg[["rate", "rooms"]].fillna({"rate": 0.0}),
    )
