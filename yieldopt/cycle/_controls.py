"""Tonight's controls for every stay night: bid price, authorized capacity, MinLOS, CTA.

From a :class:`~._forecast.NightForecast`:

* **authorized capacity** per night: the cost-optimal overbooking limit
  (:func:`yieldopt.optimize.authorized_capacity`) of the rooms, with the hotel-wide
  show rate (1 − no-show rate), the probability that a reservation held ``h`` days
  before arrival cancels (the cancellation curve at the night's days ahead), the
  walk cost as the denied cost and the average rate per room-night as the cost of
  a room left empty, capped at ``max_overbooking`` above the rooms;
* **bid prices** (last room value) per night from the network optimizer over
  nights × length of stay: resources are the nights (per room type) with the
  rooms still to sell, ``max(authorized − on the books, 0)`` reservations;
  products are stays (arrival, length of stay, segment) at the segment's average
  rate per night × nights; demand is the forecast of new (gross) bookings;
  :func:`yieldopt.dlp` (or ``rlp``) gives ``.bid_prices``; a stay's value is its
  price plus its segment's value adjustment (``segments``: the CRM records of
  :func:`yieldopt.segments.reservation_values`, as ``run`` feeds the scenario's
  segments; without them every adjustment is 0, classic revenue management);
* **minimum length of stay** and **closed to arrival** from those bid prices
  (:func:`yieldopt.optimize.los_controls`), for a reference stay at the
  transient rate (rooms-weighted average rate of the segments that are not group
  segments): a stay is open when its value covers the bid prices of its nights;
  MinLOS is the shortest open stay, closed to arrival when none up to ``max_los``
  is open. Stays reaching past the horizon use the ``max_los − 1`` nights after it,
  whose bid prices see only the demand arriving within the horizon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._table import DateLike
from ..errors import InputError
from ..ingest import Property
from ..model import Network, Product, Resource, Segment
from ..optimize import (
    authorized_capacity,
    dlp,
    los_controls,
    min_los,
    recommend_rates,
    rlp,
)
from ._forecast import DEFAULT_MAX_LOS, NightForecast, forecast_nights

__all__ = [
    "CONTROL_COLUMNS",
    "OPTIMIZERS",
    "NightlyControls",
    "nightly_controls",
]

CONTROL_COLUMNS = (
    "night",
    "capacity",
    "on_the_books",
    "forecast_remaining",
    "forecast_remaining_std",
    "forecast_occupancy",
    "bid_price",
    "authorized",
    "min_los",
    "closed_to_arrival",
)
"""Columns of :attr:`NightlyControls.controls` (``room_type`` after ``night`` when split)."""

OPTIMIZERS = ("dlp", "rlp")
_REFERENCE = "__transient__"  # the reference stays of MinLOS/CTA; no demand of their own


@dataclass(frozen=True, eq=False)
class NightlyControls:
    """Tonight's controls for every stay night, and what they were computed from.

    Attributes
    ----------
    controls : DataFrame
        One row per stay night (and room type): :data:`CONTROL_COLUMNS` plus
        ``expected_cancellations``, ``gross_remaining`` and ``forecast_occupancy_std``
        (rooms), ``remaining`` (reservations still to sell: ``max(authorized −
        on_the_books, 0)``). ``bid_price`` is money per room-night, ``min_los``
        nights (``<NA>`` when closed to arrival). With a rate ladder also
        ``recommended_rate`` (money per room-night) and ``rate_reason``
        (:func:`yieldopt.optimize.recommend_rates`).
    forecast : NightForecast
        The as-of state and forecast (``.pace``, ``.rates``, ``.demand``).
    network : Network
        Nights × stays, capacity = ``remaining``; resource ids are the night's ISO
        date (``<room type>/<date>`` with room types).
    demand : pandas.Series
        Expected new (gross) bookings by product id (rooms), the optimizer's demand,
        in the network's product order.
    los : DataFrame
        :func:`yieldopt.optimize.los_controls` of every stay product, with ``pool``.
    objective : float
        The optimizer's objective (money): the value of the rooms still to sell.
    optimizer : str
        ``dlp`` or ``rlp``.
    """

    controls: pd.DataFrame
    forecast: NightForecast
    network: Network = field(repr=False)
    demand: pd.Series = field(repr=False)
    los: pd.DataFrame = field(repr=False)
    objective: float
    optimizer: str

    @property
    def pace(self) -> pd.DataFrame:
        """Pace against the same weekday last year (:func:`yieldopt.ingest.pace`)."""
        return self.forecast.pace

    @property
    def inputs(self) -> dict[str, Any]:
        """What the controls were computed from (as plain values)."""
        f, p = self.forecast, self.forecast.hotel
        return {
            "property": p.name,
            "as_of": str(f.as_of),
            "horizon": f.horizon,
            "method": f.method,
            "optimizer": self.optimizer,
            "max_los": f.max_los,
            "capacity": {k: int(v) for k, v in zip(f.pools, f.capacity, strict=True)},
            "walk_cost": p.walk_cost,
            "currency": p.currency,
            "no_show_rate": float(f.rates.no_show[-1]),
            "segment_adjustment": {s.id: float(s.adjustment) for s in self.network.segments},
            "average_rate": {
                f"{pool}|{seg}": float(rate)
                for pool, seg, rate in f.rates.avg_rate["rate"]
                .reset_index()
                .itertuples(index=False)
            },
        }

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready record: ``inputs``, ``objective``, ``controls`` (records).

        Dates are ISO text, missing values ``None``.
        """
        c = self.controls.copy()
        c["night"] = c["night"].dt.strftime("%Y-%m-%d")
        c["min_los"] = c["min_los"].astype(object).where(c["min_los"].notna(), None)
        records = c.to_dict(orient="records")
        for rec in records:
            for key, value in rec.items():
                if isinstance(value, np.generic):
                    rec[key] = value.item()
        return {"inputs": self.inputs, "objective": float(self.objective), "controls": records}


def _resource_ids(pools: list[str], nights: np.ndarray, split: bool) -> np.ndarray:
    days = np.datetime_as_string(nights, unit="D").astype(object)
    if not split:
        return days
    return np.concatenate([p + "/" + days for p in pools])


def _segment(sid: str, given: Mapping[str, Mapping[str, Any]]) -> Segment:
    """Build segment ``sid`` with its value adjustments from ``given`` (zeros when absent)."""
    rec = given.get(sid)
    if rec is None:
        return Segment(sid)
    adj = {}
    for key in ("ancillary", "cost_to_serve", "future_value"):
        value = rec.get(key)
        try:
            number = 0.0 if value is None else float(value)
        except (TypeError, ValueError):
            raise InputError(
                f"segments[{sid!r}].{key}", f"must be a number, got {value!r}"
            ) from None
        if not np.isfinite(number):
            raise InputError(f"segments[{sid!r}].{key}", f"must be finite, got {value!r}")
        adj[key] = number
    return Segment(sid, **adj)


def _segment_records(
    segments: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Mapping[str, Any]]:
    """Index segment records by id; ``None`` gives no records."""
    out: dict[str, Mapping[str, Any]] = {}
    for i, rec in enumerate(segments or ()):
        if not isinstance(rec, Mapping) or "id" not in rec:
            raise InputError(f"segments[{i}]", "must be a record with an 'id'")
        out[str(rec["id"])] = rec
    return out


def _network(
    fc: NightForecast,
    remaining: np.ndarray,
    nights: np.ndarray,
    segments: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Network, pd.Series]:
    """Nights × stays of every pool; demand by product id; segments valued by ``segments``."""
    split = fc.has_room_types
    span = nights.size
    rid = _resource_ids(fc.pools, nights, split).reshape(len(fc.pools), span)
    resources = tuple(
        Resource(str(r), int(c))
        for r, c in zip(rid.reshape(-1), remaining.reshape(-1), strict=True)
    )
    rates = fc.rates.avg_rate["rate"]
    groups = set(fc.hotel.group_segments)
    d = fc.demand
    horizon = fc.horizon
    los = np.arange(1, fc.max_los + 1)
    products: list[Product] = []
    demand: dict[str, float] = {}
    pool_rates = fc.rates.avg_rate.reset_index()
    for i, pool in enumerate(fc.pools):
        pr = pool_rates[pool_rates["pool"] == pool]
        transient = pr[~pr["segment"].isin(groups)]
        w = transient["rooms"].to_numpy()
        ref_rate = float(np.average(transient["rate"], weights=w)) if w.sum() > 0 else 0.0
        segs = [(s, float(rates.get((pool, s), ref_rate))) for s in sorted(d["segment"].unique())]
        segs.append((_REFERENCE, ref_rate))
        for seg, rate in segs:
            for a in range(horizon):
                for n in los:
                    pid = f"{pool}|{seg}|{rid[i, a].rsplit('/', 1)[-1]}|{n}"
                    used = tuple(str(x) for x in rid[i, a : a + n])
                    products.append(
                        Product(pid, used, rate * n, None if seg == _REFERENCE else seg)
                    )
        sub = d[d["pool"] == pool]
        ids = (
            pool
            + "|"
            + sub["segment"].astype(str)
            + "|"
            + sub["arrival"].dt.strftime("%Y-%m-%d")
            + "|"
            + sub["los"].astype(str)
        )
        demand.update(zip(ids, sub["mean"].to_numpy(dtype=float), strict=True))
    given = segments or {}
    valued = tuple(_segment(str(s), given) for s in sorted(d["segment"].unique()))
    ids = [p.id for p in products]
    # Aligned with the products, so the optimizers take it as an array (no id lookups).
    aligned = pd.Series([demand.get(i, 0.0) for i in ids], index=ids, dtype=np.float64)
    return Network(resources, tuple(products), valued), aligned


def nightly_controls(
    reservations: pd.DataFrame,
    property: Property,  # the contract's word, shadowing the builtin here only
    as_of: DateLike,
    *,
    horizon: int = 90,
    method: str = "additive-advanced",
    optimizer: str = "dlp",
    max_los: int = DEFAULT_MAX_LOS,
    window: int = 8,
    closures: pd.DataFrame | None = None,
    max_overbooking: float = 0.25,
    segments: Sequence[Mapping[str, Any]] | None = None,
    rate_ladder: str | Sequence[float] | None = None,
    remaining: Mapping[tuple[str, str], int] | None = None,
) -> NightlyControls:
    """Tonight's controls for every stay night of the horizon (module doc).

    Parameters
    ----------
    reservations : DataFrame
        The reservation table; only ``property``'s rows and only what was known at
        the close of ``as_of`` are used.
    property : Property
        The hotel: capacity (by room type), walk cost, group segments.
    as_of : date
        The as-of day; the nights are ``as_of + 1 .. as_of + horizon``.
    horizon : int
        Stay nights ahead, 1 to 365 (default 90).
    method : str
        Forecast method of new bookings (:data:`yieldopt.forecast.FORECAST_METHODS`).
    optimizer : str
        ``dlp`` (deterministic LP) or ``rlp`` (randomized LP, its default samples).
    max_los, window, closures
        As in :func:`forecast_nights`.
    max_overbooking : float
        Cap of the authorized capacity above the rooms, as a share (0.25: at most
        25 % more reservations than rooms). A revenue manager's bound: far ahead,
        where nearly every early reservation of this kind was cancelled, the
        binomial model alone would authorize many times the hotel.
    segments : sequence of dict, optional
        Segment value records ``{"id", "ancillary"?, "cost_to_serve"?,
        "future_value"?}`` (money per booking), e.g.
        ``reservation_values(...).records``: a stay of a listed segment is worth its
        price plus ``ancillary − cost_to_serve + future_value`` to the optimizer,
        as the segments of a scenario in ``run``. Segments not listed, and every
        segment without ``segments``, have no adjustment; unknown ids are ignored.
    rate_ladder : str or sequence of float, optional
        Rates the hotel sells at (``"80:300:5"`` = min:max:step, or the rates). When
        given, ``controls`` gains ``recommended_rate`` and ``rate_reason`` per night:
        :func:`yieldopt.optimize.recommend_rates` with the night's bid price and its
        demand pressure ``forecast_remaining / remaining`` (1 when nothing is left),
        bounded by the ladder's ends.
    remaining : mapping of (str, str) to int, optional
        Rooms the optimizer may still sell of ``(pool, night)`` (pool ``all`` without
        room types, night ``YYYY-MM-DD``), replacing ``authorized − on the books``
        there: a revenue manager's override (0 for a closed night).

    Returns
    -------
    NightlyControls

    Raises
    ------
    InputError
        As :func:`forecast_nights`; ``optimizer`` when unknown; ``max_overbooking``
        when negative or not finite; ``segments[...]`` for a record without an id
        or with a value that is not a finite number.
    """
    if not (isinstance(max_overbooking, int | float) and 0.0 <= max_overbooking < 10.0):
        raise InputError(
            "max_overbooking", f"must be a share from 0 to 10, got {max_overbooking!r}"
        )
    if optimizer not in OPTIMIZERS:
        raise InputError("optimizer", f"must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}")
    given = _segment_records(segments)
    fc = forecast_nights(
        reservations,
        property,
        as_of,
        horizon=horizon,
        method=method,
        max_los=max_los,
        window=window,
        closures=closures,
    )
    return controls_from(
        fc,
        optimizer=optimizer,
        max_overbooking=float(max_overbooking),
        segments=list(given.values()),
        rate_ladder=rate_ladder,
        remaining=remaining,
    )


def controls_from(
    fc: NightForecast,
    *,
    optimizer: str = "dlp",
    max_overbooking: float = 0.25,
    segments: Sequence[Mapping[str, Any]] | None = None,
    rate_ladder: str | Sequence[float] | None = None,
    remaining: Mapping[tuple[str, str], int] | None = None,
) -> NightlyControls:
    """Compute the controls of a ready :class:`NightForecast` (see :func:`nightly_controls`)."""
    n_pools, horizon = len(fc.pools), fc.horizon
    ext = fc.extended
    span = len(ext) // n_pools
    nights = ext["night"].to_numpy()[:span].astype("datetime64[D]")
    otb = ext["on_the_books"].to_numpy().reshape(n_pools, span)
    days_ahead = (nights - fc.as_of).astype(np.int64)
    rates = fc.rates
    rooms = rates.avg_rate["rooms"].to_numpy()
    avg = float(np.average(rates.avg_rate["rate"], weights=rooms)) if rooms.sum() > 0 else 0.0
    cancel = rates.cancel_curve[-1, np.minimum(days_ahead, rates.cancel_curve.shape[1] - 1)]
    # A room that no-shows for certain gives no overbooking model; cap at 99 % losses.
    cancel = np.minimum(cancel, 0.99)
    show = max(1.0 - float(rates.no_show[-1]), 0.01)
    authorized = authorized_capacity(
        np.broadcast_to(fc.capacity[:, None], (n_pools, span)),
        show,
        fc.hotel.walk_cost,
        avg,
        cancel_prob=np.broadcast_to(cancel, (n_pools, span)),
        max_limit=np.floor(fc.capacity[:, None] * (1.0 + max_overbooking)),
    )
    left = np.maximum(authorized - otb, 0).astype(np.int64)
    if remaining:  # overrides: the optimizer sells only what they leave
        pool_at = {p: i for i, p in enumerate(fc.pools)}
        day_at = {str(d): k for k, d in enumerate(nights)}
        for (pool, night), units in remaining.items():
            i, k = pool_at.get(pool), day_at.get(night)
            if i is not None and k is not None:
                left[i, k] = max(int(units), 0)
    network, demand = _network(fc, left, nights, _segment_records(segments))
    if optimizer == "dlp":
        result: Any = dlp(network, demand.to_numpy())
    else:
        result = rlp(network, demand.to_numpy())
    bid = result.bid_prices.to_numpy(dtype=np.float64).reshape(n_pools, span)

    los = los_controls(network, result)
    los["pool"] = [p.split("|", 1)[0] for p in los["product"]]
    ref = los[los["segment"].isna()]
    mlos = min_los(ref, by="pool")
    h = slice(0, horizon)
    arrivals = pd.MultiIndex.from_product(
        [fc.pools, pd.DatetimeIndex(nights[h])], names=["pool", "arrival"]
    )
    mlos = mlos.reindex(arrivals)
    out = fc.nights.copy()
    out["bid_price"] = bid[:, h].reshape(-1)
    out["authorized"] = authorized[:, h].reshape(-1).astype(np.int64)
    out["remaining"] = left[:, h].reshape(-1)
    out["min_los"] = pd.array(mlos.to_numpy(), dtype="Float64").astype("Int64")
    out["closed_to_arrival"] = mlos.isna().to_numpy()
    if rate_ladder is not None:
        _add_rates(out, rate_ladder)
    split = ["room_type"] if fc.has_room_types else []
    lead = ["night", *split, *CONTROL_COLUMNS[1:]]
    rest = [c for c in out.columns if c not in lead]
    return NightlyControls(
        controls=out[lead + rest].reset_index(drop=True),
        forecast=fc,
        network=network,
        demand=demand,
        los=los,
        objective=float(result.objective),
        optimizer=optimizer,
    )


def _add_rates(out: pd.DataFrame, ladder: str | Sequence[float]) -> None:
    """Add ``recommended_rate`` and ``rate_reason`` to the controls (one row per night)."""
    left = out["remaining"].to_numpy(dtype=np.float64)
    wanted = out["forecast_remaining"].to_numpy(dtype=np.float64)
    # Demand pressure: expected new bookings per room still to sell; a sold-out night is full.
    pressure = np.divide(wanted, left, out=np.ones_like(left), where=left > 0)
    rows = pd.RangeIndex(len(out))  # room types repeat nights: align by row
    rec = recommend_rates(
        pd.Series(out["bid_price"].to_numpy(dtype=np.float64), index=rows), pressure, ladder
    )
    out["recommended_rate"] = rec["recommended_rate"].to_numpy()
    out["rate_reason"] = rec["reason"].to_numpy()
