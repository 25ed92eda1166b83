r"""What is still to come for every stay night, as of a date.

For each pool (a room type, or the whole hotel when the hotel file lists none) and
stay night ``n`` after the as-of day ``t``:

* **on the books** ``B_n``: rooms reserved and not cancelled at the close of ``t``
  (:func:`yieldopt.ingest.on_the_books`);
* **cancellations and no-shows still to come** ``L_n``: each reservation on the
  books arriving after ``t``, held ``h`` days before arrival, is lost with
  probability :math:`p_c(s, h) + (1 - p_c(s, h))\,r_{ns}(s)` (its segment's
  cancellation curve and no-show rate, :mod:`._state`); a no-show already known
  (due by ``t``, did not arrive) is lost for sure;
* **new bookings still to come**: the forecast of gross bookings by arrival and
  segment from the pickup or smoothing methods of :mod:`yieldopt.forecast`, on a
  history with one row per reservation (service date = arrival), split by length
  of stay with last year's mix for that segment and weekday of arrival. A booking
  made ``b`` days before arrival (the forecast bucket's middle) stays with
  probability :math:`(1 - p_c(s, b))(1 - r_{ns}(s))`. ``gross_remaining`` counts
  the new rooms for the night, ``forecast_remaining`` those that will stay;
* ``forecast_occupancy`` :math:`= B_n - L_n +` ``forecast_remaining``: the expected
  rooms occupied that night.

Spreads: the gross bookings of an arrival date have the forecast's variance
:math:`v`; keeping each with probability :math:`f` (staying, and long enough to
cover the night) gives variance :math:`f^2 v + f(1-f)\mu` (binomial thinning);
arrival dates and segments are independent. A reservation on the books adds
:math:`k^2 p(1-p)` for ``k`` rooms lost together with probability ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ..forecast import FORECAST_METHODS, forecast_demand
from ..ingest import Property, on_the_books, pace
from ._state import RECENT_DAYS, Rates, known_as_of, learn_rates, property_rows

__all__ = ["DEFAULT_MAX_LOS", "MAX_HORIZON", "NightForecast", "forecast_nights"]

MAX_HORIZON = 365
"""Longest horizon (days) of the daily cycle."""
DEFAULT_MAX_LOS = 14
"""Longest length of stay kept apart (nights); longer stays count as this one."""
_ALL = "all"  # the one pool of a hotel without room types
# Pseudo-rooms of the segment-wide LOS mix mixed into a weekday's mix.
_SHRINK_LOS = 10.0

FORECAST_NIGHT_COLUMNS = (
    "night",
    "capacity",
    "on_the_books",
    "expected_cancellations",
    "gross_remaining",
    "forecast_remaining",
    "forecast_remaining_std",
    "forecast_occupancy",
    "forecast_occupancy_std",
)


@dataclass(frozen=True, eq=False)
class NightForecast:
    """The as-of state and the forecast of what is still to come, per stay night.

    Attributes
    ----------
    as_of : numpy.datetime64
        The as-of day.
    hotel : Property
        The hotel (its file's facts).
    method : str
        Forecast method (one of :data:`yieldopt.forecast.FORECAST_METHODS`).
    nights : DataFrame
        One row per stay night ``as_of + 1 .. as_of + horizon`` (and per
        ``room_type`` when the hotel has room types): ``night``, ``capacity``,
        ``on_the_books``, ``expected_cancellations`` (cancellations and no-shows still
        to come from the rooms on the books), ``gross_remaining`` (new rooms still to
        be booked for the night), ``forecast_remaining`` (those of them that will
        stay), ``forecast_remaining_std``, ``forecast_occupancy`` (expected rooms
        occupied) and ``forecast_occupancy_std``; rooms.
    demand : DataFrame
        New bookings still to come: ``pool``, ``segment``, ``arrival``, ``los``
        (nights), ``mean`` (gross rooms booked), ``net`` (of those, rooms that stay).
    rates : Rates
        Cancellation curves, no-show rates and average rates learnt as of ``as_of``.
    pace : DataFrame
        :func:`yieldopt.ingest.pace` of the horizon (by room type when there are
        room types).
    pools : list of str
        Room types (or ``["all"]``), in the order of ``capacity``.
    capacity : ndarray of int, shape (len(pools),)
        Rooms per pool.
    extended : DataFrame
        ``pool``, ``night``, ``on_the_books``, ``expected_cancellations`` over the
        horizon and ``max_los - 1`` nights after it (the nights long stays reach).
    max_los : int
        Longest length of stay kept apart (nights).
    """

    as_of: np.datetime64
    hotel: Property
    method: str
    nights: pd.DataFrame
    demand: pd.DataFrame
    rates: Rates
    pace: pd.DataFrame
    pools: list[str]
    capacity: np.ndarray
    extended: pd.DataFrame = field(repr=False)
    max_los: int = DEFAULT_MAX_LOS

    @property
    def horizon(self) -> int:
        """Stay nights forecast (days after ``as_of``)."""
        return int(len(self.nights) // len(self.pools))

    @property
    def has_room_types(self) -> bool:
        """Whether the nights are split by room type."""
        return self.pools != [_ALL]


def check_whole(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an int in ``[low, high]``; raise naming ``name`` otherwise."""
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or not low <= int(value) <= high:  # type: ignore[call-overload]
        raise InputError(name, f"must be a whole number from {low} to {high}, got {value!r}")
    return int(value)  # type: ignore[call-overload]


def _pools(res: pd.DataFrame, prop: Property) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Pool names, rooms per pool and the pool of each reservation."""
    if not prop.room_types:
        return [_ALL], np.array([prop.capacity]), np.full(len(res), _ALL, dtype=object)
    pools = sorted(prop.room_types)
    rt = res["room_type"].to_numpy(dtype=object)
    unknown = sorted(set(map(str, pd.unique(rt))) - set(pools))
    if unknown:
        raise InputError(
            "room_types",
            f"the hotel file lists {pools}; reservations have room type(s) {unknown[:5]}",
        )
    return pools, np.array([prop.room_types[p] for p in pools]), rt


def _levels(
    pool_idx: np.ndarray,
    n_pools: int,
    arrival: np.ndarray,
    departure: np.ndarray,
    weights: np.ndarray,
    first: np.datetime64,
    span: int,
) -> np.ndarray:
    """Sum ``weights`` over the nights each stay covers, shape (n_pools, span)."""
    lo = (arrival - first).astype(np.int64)
    hi = (departure - first).astype(np.int64)
    keep = (hi > 0) & (lo < span) & (hi > lo)
    lo, hi = np.clip(lo[keep], 0, span), np.clip(hi[keep], 0, span)
    row = pool_idx[keep] * (span + 1)
    w = weights[keep]
    diff = np.bincount(row + lo, w, n_pools * (span + 1))
    diff -= np.bincount(row + hi, w, n_pools * (span + 1))
    return np.cumsum(diff.reshape(n_pools, span + 1), axis=1)[:, :span]


def _los_mix(
    known: pd.DataFrame, pool: np.ndarray, day: np.datetime64, max_los: int
) -> pd.DataFrame:
    """Share of gross rooms by LOS per (pool, segment, weekday of arrival), last year's arrivals.

    Returns a frame indexed by (pool, segment, weekday) with columns 1..max_los.
    A weekday's counts are shrunk toward the segment's, the segment's toward the pool's.
    """
    arrival = known["arrival"].to_numpy().astype("datetime64[D]")
    nights = known["nights"].to_numpy()
    # Arrivals of the last year only: future arrivals on the books so far lean toward
    # the stays booked early, not the mix still to come.
    use = (nights > 0) & (arrival > day - np.timedelta64(RECENT_DAYS, "D")) & (arrival <= day)
    if not use.any():
        use = (nights > 0) & (arrival <= day)
    frame = pd.DataFrame(
        {
            "pool": pool[use],
            "segment": known["segment"].to_numpy(dtype=object)[use],
            "weekday": pd.DatetimeIndex(arrival[use]).day_of_week,
            "los": np.minimum(nights[use], max_los),
            "rooms": known["rooms"].to_numpy(dtype=np.float64)[use],
        }
    )
    cols = np.arange(1, max_los + 1)
    wk = frame.pivot_table(
        index=["pool", "segment", "weekday"], columns="los", values="rooms", aggfunc="sum"
    ).reindex(columns=cols, fill_value=0.0)
    wk = wk.fillna(0.0)
    seg = wk.groupby(level=["pool", "segment"]).sum()
    pl = seg.groupby(level="pool").sum()
    pl_share = pl.div(pl.sum(axis=1), axis=0)
    seg_total = seg.sum(axis=1)
    seg_share = (seg + _SHRINK_LOS * pl_share.reindex(seg.index, level="pool").to_numpy()).div(
        seg_total + _SHRINK_LOS, axis=0
    )
    # Every weekday of every (pool, segment), including weekdays never seen.
    full = pd.MultiIndex.from_tuples(
        [(p, s, w) for p, s in seg.index for w in range(7)], names=["pool", "segment", "weekday"]
    )
    wk = wk.reindex(full, fill_value=0.0)
    prior = seg_share.reindex(full.droplevel("weekday")).to_numpy()
    share = (wk.to_numpy() + _SHRINK_LOS * prior) / (
        wk.sum(axis=1).to_numpy()[:, None] + _SHRINK_LOS
    )
    return pd.DataFrame(share, index=full, columns=cols)


def _history(known: pd.DataFrame, pool: np.ndarray, day: np.datetime64) -> pd.DataFrame:
    """One history row per reservation: product ``pool|segment``, service date = arrival."""
    stays = known["nights"].to_numpy() > 0
    k = known[stays]
    status = k["status"].replace({"checked_out": "booked"})
    product = pd.Series(pool[stays], dtype=object) + "|" + k["segment"].astype(str).to_numpy()
    hist = pd.DataFrame(
        {
            "booking_id": k["reservation_id"].to_numpy(),
            "product": product.to_numpy(),
            "segment": k["segment"].to_numpy(),
            "service_date": k["arrival"].to_numpy(),
            "booked_at": k["booked_at"].to_numpy(),
            "quantity": k["rooms"].to_numpy(),
            "price": k["rate"].to_numpy(),
            "status": status.to_numpy(),
            "cancelled_at": k["cancelled_at"].to_numpy(),
        }
    )
    # A quiet as-of day has no booking, yet it is known: a zero-room row dates the
    # history to it (the forecast refuses an as-of after the history's last day).
    marker = hist.iloc[:1].assign(
        booking_id="__as_of__",
        service_date=np.datetime64(day + np.timedelta64(1, "D"), "s"),
        booked_at=np.datetime64(day, "s"),
        quantity=0,
        status="booked",
        cancelled_at=np.datetime64("NaT", "s"),
    )
    return pd.concat([hist, marker], ignore_index=True)


def _new_bookings(
    known: pd.DataFrame,
    pool: np.ndarray,
    day: np.datetime64,
    rates: Rates,
    *,
    method: str,
    horizon: int,
    max_los: int,
    window: int,
    closures: pd.DataFrame | None,
) -> pd.DataFrame:
    """Gross and net new bookings by (pool, segment, arrival) with their variances."""
    fc = forecast_demand(
        _history(known, pool, day),
        method,
        closures=closures,
        as_of=day,
        horizon=horizon,
        window=window,
    )
    # Split the few distinct product ids, not every row's.
    codes, uniques = pd.factorize(fc["unique_id"])
    parts = np.array([u.split("|", 1) for u in uniques], dtype=object).reshape(-1, 2)
    pools_, seg = parts[codes, 0], parts[codes, 1]
    mid = (fc["days_before"].to_numpy() + fc["days_before_end"].to_numpy()) // 2
    stay = (1.0 - rates.cancel_prob(seg, mid)) * (1.0 - rates.no_show[rates.index(seg)])
    m, v = fc["mean"].to_numpy(), fc["std"].to_numpy() ** 2
    frame = pd.DataFrame(
        {
            "pool": pools_,
            "segment": seg,
            "arrival": fc["ds"].to_numpy(),
            "mean": m,
            "var": v,
            "net": m * stay,
            "net_var": stay**2 * v + stay * (1.0 - stay) * m,
        }
    )
    return frame.groupby(["pool", "segment", "arrival"], sort=True).sum().reset_index()


def forecast_nights(
    reservations: pd.DataFrame,
    property: Property,  # the contract's word, shadowing the builtin here only
    as_of: DateLike,
    *,
    horizon: int = 90,
    method: str = "additive-advanced",
    max_los: int = DEFAULT_MAX_LOS,
    window: int = 8,
    closures: pd.DataFrame | None = None,
) -> NightForecast:
    """Forecast, as of a date, what is still to come for every stay night (module doc).

    Parameters
    ----------
    reservations : DataFrame
        The reservation table (:func:`yieldopt.ingest.validate_reservations`); only
        ``property``'s rows are used, and only what was known at the close of ``as_of``.
    property : Property
        The hotel: capacity (by room type when it lists room types).
    as_of : date
        The as-of day; the nights forecast are ``as_of + 1 .. as_of + horizon``.
    horizon : int
        Stay nights ahead, 1 to 365 (default 90).
    method : str
        Forecast method of new bookings, one of
        :data:`yieldopt.forecast.FORECAST_METHODS`.
    max_los : int
        Longest length of stay kept apart (nights, 1 to 30); longer stays count as it.
    window : int
        Comparable past arrival dates per pickup estimate.
    closures : DataFrame, optional
        When sales stopped (``product``, ``service_date``, ``closed_at``; product
        ``<pool>|<segment>``, pool ``all`` without room types, service date =
        arrival): that demand is unconstrained.

    Returns
    -------
    NightForecast

    Raises
    ------
    InputError
        ``horizon``, ``max_los``, ``method``; ``as_of`` outside the data (before the
        first booking, after the last booking or cancellation); ``property``,
        ``room_types`` for reservations the hotel file does not describe.
    """
    horizon = check_whole("horizon", horizon, 1, MAX_HORIZON)
    max_los = check_whole("max_los", max_los, 1, 30)
    if method not in FORECAST_METHODS:
        raise InputError("method", f"must be one of {', '.join(FORECAST_METHODS)}, got {method!r}")
    res = property_rows(reservations, property)
    day = np.datetime64(parse_day(as_of, "as_of"), "D")
    booked = res["booked_at"].to_numpy().astype("datetime64[D]")
    cancelled = res["cancelled_at"].to_numpy().astype("datetime64[D]")
    last = max(booked.max(), cancelled[~np.isnat(cancelled)].max(initial=booked.max()))
    if day < booked.min() or day > last:
        raise InputError(
            "as_of", f"{day} is outside the data (bookings from {booked.min()} to {last})"
        )
    known = known_as_of(res, day).reset_index(drop=True)
    pools, capacity, pool = _pools(known, property)
    rates = learn_rates(known, day, pool)
    new = _new_bookings(
        known,
        pool,
        day,
        rates,
        method=method,
        horizon=horizon,
        max_los=max_los,
        window=window,
        closures=closures,
    )
    mix = _los_mix(known, pool, day, max_los)
    return _assemble(
        known, pool, pools, capacity, day, rates, new, mix, property, method, horizon, max_los
    )


def _assemble(
    known: pd.DataFrame,
    pool: np.ndarray,
    pools: list[str],
    capacity: np.ndarray,
    day: np.datetime64,
    rates: Rates,
    new: pd.DataFrame,
    mix: pd.DataFrame,
    prop: Property,
    method: str,
    horizon: int,
    max_los: int,
) -> NightForecast:
    n_pools, span = len(pools), horizon + max_los - 1
    first = day + np.timedelta64(1, "D")
    ext = first + np.arange(span).astype("timedelta64[D]")
    pool_of = {p: i for i, p in enumerate(pools)}

    # On the books, and the cancellations and no-shows still to come from it.
    by = "room_type" if pools != [_ALL] else None
    otb = on_the_books(known, day, by=by, nights=pd.DatetimeIndex(ext))
    if by is None:
        otb_rooms = otb["rooms"].to_numpy(dtype=np.float64).reshape(1, span)
    else:
        otb_rooms = (
            otb.pivot_table(index=by, columns="night", values="rooms", aggfunc="sum")
            .reindex(index=pools, fill_value=0)
            .fillna(0)
            .to_numpy(dtype=np.float64)
        )
    arrival = known["arrival"].to_numpy().astype("datetime64[D]")
    departure = known["departure"].to_numpy().astype("datetime64[D]")
    status = known["status"].to_numpy(dtype=object)
    seg = known["segment"].to_numpy(dtype=object)
    rooms = known["rooms"].to_numpy(dtype=np.float64)
    held = status != "cancelled"
    lead = (arrival - day).astype(np.int64)
    pc = rates.cancel_prob(seg, lead)
    lose = np.where(lead > 0, pc + (1.0 - pc) * rates.no_show[rates.index(seg)], 0.0)
    lose = np.where((lead <= 0) & (status == "no_show"), 1.0, lose)
    lose = np.where(held, lose, 0.0)
    pidx = np.array([pool_of[p] for p in pool], dtype=np.int64) if len(pool) else pool
    pidx = np.asarray(pidx, dtype=np.int64)
    loss = _levels(pidx, n_pools, arrival, departure, rooms * lose, first, span)
    loss_var = _levels(pidx, n_pools, arrival, departure, rooms**2 * lose * (1 - lose), first, span)

    # New bookings: split each arrival's forecast by LOS, add to the nights it covers.
    arr = new["arrival"].to_numpy().astype("datetime64[D]")
    key = pd.MultiIndex.from_arrays(
        [new["pool"], new["segment"], pd.DatetimeIndex(arr).day_of_week],
        names=["pool", "segment", "weekday"],
    )
    share = mix.reindex(key).to_numpy(dtype=np.float64, copy=True)
    # A (pool, segment) first booked after last year's window: one-night stays.
    unseen = np.isnan(share).any(axis=1)
    share[unseen] = np.eye(max_los)[0]
    survive = np.cumsum(share[:, ::-1], axis=1)[:, ::-1]  # survive[:, k] = P(LOS > k)
    a_idx = (arr - first).astype(np.int64)
    n_idx = np.array([pool_of[p] for p in new["pool"]], dtype=np.int64)
    mean = new["mean"].to_numpy()
    net, net_var = new["net"].to_numpy(), new["net_var"].to_numpy()
    gross_n = np.zeros((n_pools, span))
    net_n = np.zeros((n_pools, span))
    net_v = np.zeros((n_pools, span))
    for k in range(max_los):
        s = survive[:, k]
        np.add.at(gross_n, (n_idx, a_idx + k), mean * s)
        np.add.at(net_n, (n_idx, a_idx + k), net * s)
        np.add.at(net_v, (n_idx, a_idx + k), s**2 * net_var + s * (1.0 - s) * net)

    h = slice(0, horizon)
    occ = otb_rooms - loss + net_n
    nights = pd.DataFrame(
        {
            "night": np.tile(ext[h].astype("datetime64[s]"), n_pools),
            **({} if by is None else {"room_type": np.repeat(pools, horizon)}),
            "capacity": np.repeat(capacity, horizon).astype(np.int64),
            "on_the_books": otb_rooms[:, h].reshape(-1).astype(np.int64),
            "expected_cancellations": loss[:, h].reshape(-1),
            "gross_remaining": gross_n[:, h].reshape(-1),
            "forecast_remaining": net_n[:, h].reshape(-1),
            "forecast_remaining_std": np.sqrt(np.maximum(net_v[:, h], 0.0)).reshape(-1),
            "forecast_occupancy": occ[:, h].reshape(-1),
            "forecast_occupancy_std": np.sqrt(
                np.maximum(net_v[:, h] + loss_var[:, h], 0.0)
            ).reshape(-1),
        }
    )
    los = np.arange(1, max_los + 1)
    demand = pd.DataFrame(
        {
            "pool": np.repeat(new["pool"].to_numpy(dtype=object), max_los),
            "segment": np.repeat(new["segment"].to_numpy(dtype=object), max_los),
            "arrival": np.repeat(arr.astype("datetime64[s]"), max_los),
            "los": np.tile(los, len(new)),
            "mean": (mean[:, None] * share).reshape(-1),
            "net": (net[:, None] * share).reshape(-1),
        }
    )
    extended = pd.DataFrame(
        {
            "pool": np.repeat(pools, span),
            "night": np.tile(ext.astype("datetime64[s]"), n_pools),
            "on_the_books": otb_rooms.reshape(-1),
            "expected_cancellations": loss.reshape(-1),
        }
    )
    return NightForecast(
        as_of=day,
        hotel=prop,
        method=method,
        nights=nights,
        demand=demand,
        rates=rates,
        pace=pace(known, day, pd.DatetimeIndex(ext[h]), by=by),
        pools=pools,
        capacity=capacity,
        extended=extended,
        max_los=max_los,
    )
