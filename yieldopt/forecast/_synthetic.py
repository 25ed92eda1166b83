r"""Synthetic booking histories with a known true demand, for tests and demos.

Model, per product ``p`` and service date ``s``:

* true final demand :math:`D \sim \text{Poisson}(\lambda)` with
  :math:`\lambda = \text{mean}_p \times \text{weekday\_factors}[\text{weekday}(s)]`
  (gamma-Poisson with shape ``dispersion`` when given: variance
  :math:`\lambda + \lambda^2/\text{dispersion}`);
* each request is booked ``b = min(floor(G), max_days_before)`` days before service,
  :math:`G \sim \text{Gamma}(\text{lead\_shape}, \text{lead}_p/\text{lead\_shape})`,
  at a uniform time of day; its segment is drawn from the product's segment mix;
* the product has a booking limit ``round(limit_factor * mean_p)`` units per
  service date: requests are accepted in time order until the limit is reached,
  then the product closes (a closure row) and later requests are lost, so the
  recorded demand is censored;
* an accepted booking is cancelled with its segment's probability, at a uniform
  time between booking and the end of the service day; a booking that is not cancelled is a no-show
  with its segment's probability.

The history is what a booking system would hold at the close of ``as_of`` (the
last of ``n_days`` complete service dates): later bookings, cancellations and
closures are not in it, and no-shows of later dates are not yet known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import gamma as gamma_dist

from ..errors import InputError
from ._buckets import DEFAULT_DCPS, as_dcps, make_targets
from ._forecast import DateLike, parse_day

__all__ = ["DEFAULT_PRODUCTS", "SyntheticHistory", "synthetic_history"]

#: Three products of a hotel room type: flexible, saver and advance-purchase rates.
DEFAULT_PRODUCTS: tuple[dict[str, Any], ...] = (
    {
        "id": "FLEX",
        "mean": 12.0,
        "price": 189.0,
        "lead": 12.0,
        "segments": {"business": 0.8, "leisure": 0.2},
    },
    {
        "id": "SAVER",
        "mean": 25.0,
        "price": 129.0,
        "lead": 35.0,
        "segments": {"business": 0.1, "leisure": 0.9},
    },
    {"id": "ADVANCE", "mean": 8.0, "price": 99.0, "lead": 70.0, "segments": {"leisure": 1.0}},
)
_WEEKDAY_FACTORS = (0.85, 0.95, 1.0, 1.0, 1.1, 1.3, 0.8)
_CANCEL = {"business": 0.2, "leisure": 0.1}
_NO_SHOW = {"business": 0.05, "leisure": 0.02}


@dataclass(frozen=True)
class SyntheticHistory:
    """A synthetic history and its ground truth.

    Attributes
    ----------
    bookings : DataFrame
        Booking history in the long-format contract (see ``validate_history``).
    closures : DataFrame
        ``product``, ``service_date``, ``closed_at`` of every product that hit its limit.
    truth : DataFrame
        Per ``product`` and ``service_date``: ``expected`` (true mean final demand),
        ``std``, ``demand`` (realized true demand), ``booked`` (accepted units),
        ``limit`` and ``closed``.
    as_of : Timestamp
        The day the history was taken.
    """

    bookings: pd.DataFrame
    closures: pd.DataFrame
    truth: pd.DataFrame
    as_of: pd.Timestamp
    products: tuple[dict[str, Any], ...] = field(repr=False)
    lead_shape: float = field(repr=False, default=1.5)
    max_days_before: int = field(repr=False, default=180)
    dispersion: float | None = field(repr=False, default=None)

    def expected_remaining(
        self,
        as_of: DateLike | None = None,
        *,
        horizon: int | None = None,
        dcps: Sequence[int] = DEFAULT_DCPS,
    ) -> pd.DataFrame:
        """Return the true mean and std of demand per bucket, in the forecast long format.

        For Poisson demand the remaining demand of a bucket is independent of the
        bookings already made, so these are the exact values a forecast aims at:
        mean ``lambda * P(c <= b < a)`` and std ``sqrt(mean)`` (with
        ``dispersion``: ``sqrt(mean + mean**2 / dispersion)``).
        """
        d = as_dcps(dcps)
        h = int(d[0]) if horizon is None else int(horizon)
        day = np.datetime64(self.as_of.date(), "D") if as_of is None else parse_day(as_of, "as_of")
        t = make_targets(len(self.products), 0, h, d)
        ds = day + t.s.astype("timedelta64[D]")
        lead = np.array([p["lead"] for p in self.products], dtype=np.float64)[t.p]
        scale = lead / self.lead_shape

        def cdf(x: np.ndarray) -> np.ndarray:
            inside = gamma_dist.cdf(x, self.lead_shape, scale=scale)
            return np.where(x > self.max_days_before, 1.0, inside)

        ids = np.array([p["id"] for p in self.products], dtype=object)[t.p]
        key = pd.DataFrame({"product": ids, "service_date": ds.astype("datetime64[s]")})
        lam = key.merge(self.truth, on=["product", "service_date"], how="left")["expected"]
        if lam.isna().any():
            raise InputError("horizon", "reaches past the last synthetic service date")
        mean = lam.to_numpy() * (cdf(t.a) - cdf(t.c))
        var = mean if self.dispersion is None else mean + mean * mean / self.dispersion
        return pd.DataFrame(
            {
                "unique_id": pd.array(ids, dtype="str"),
                "ds": ds.astype("datetime64[s]"),
                "days_before": t.a,
                "days_before_end": t.c,
                "mean": mean,
                "std": np.sqrt(var),
            }
        )


def _products(products: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    out = []
    if not products:
        raise InputError("products", "at least one product is required")
    for i, raw in enumerate(products):
        for key in ("id", "mean", "price", "lead"):
            if key not in raw:
                raise InputError(f"products[{i}].{key}", "is required")
        rec = {**raw, "id": str(raw["id"])}
        for key in ("mean", "price", "lead"):
            v = float(raw[key])
            if not np.isfinite(v) or v < 0 or (key == "lead" and v <= 0):
                raise InputError(
                    f"products[{i}].{key}", f"must be a non-negative number, got {raw[key]!r}"
                )
            rec[key] = v
        mix = dict(raw.get("segments") or {"all": 1.0})
        w = np.array(list(mix.values()), dtype=np.float64)
        if np.any(w < 0) or w.sum() <= 0:
            raise InputError(f"products[{i}].segments", "shares must be >= 0 and not all 0")
        rec["segments"] = dict(zip(mix, (w / w.sum()).tolist(), strict=True))
        out.append(rec)
    return tuple(out)


def synthetic_history(
    *,
    products: Sequence[Mapping[str, Any]] = DEFAULT_PRODUCTS,
    start: DateLike = "2024-01-01",
    n_days: int = 364,
    future_days: int | None = None,
    weekday_factors: Sequence[float] = _WEEKDAY_FACTORS,
    max_days_before: int = 180,
    lead_shape: float = 1.5,
    limit_factor: float | None = 1.3,
    dispersion: float | None = None,
    cancel_prob: Mapping[str, float] = _CANCEL,
    no_show_prob: Mapping[str, float] = _NO_SHOW,
    seed: int | np.random.Generator = 0,
) -> SyntheticHistory:
    """Generate a booking history with known true demand (see the module docstring).

    Parameters
    ----------
    products : sequence of mapping
        Each with ``id``, ``mean`` (mean final demand per service date, units),
        ``price`` (money per unit), ``lead`` (mean days booked ahead) and optional
        ``segments`` (segment -> share of requests).
    start : date
        First service date.
    n_days : int
        Complete service dates; ``as_of`` is the last of them.
    future_days : int, optional
        Service dates after ``as_of`` with partly recorded bookings; default
        ``max_days_before``.
    weekday_factors : sequence of 7 floats
        Demand multipliers Monday .. Sunday.
    max_days_before : int
        Booking horizon: nobody books earlier than this many days ahead.
    lead_shape : float
        Shape of the gamma lead-time distribution.
    limit_factor : float or None
        Booking limit per service date as a multiple of the product mean; ``None``
        for no limits (no censoring).
    dispersion : float or None
        Gamma-Poisson shape (overdispersion); ``None`` for Poisson demand.
    cancel_prob, no_show_prob : mapping
        Probabilities per segment (missing segments: 0).
    seed : int or numpy.random.Generator
        Source of randomness; the same seed gives the same history.

    Returns
    -------
    SyntheticHistory
    """
    prods = _products(products)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    wf = np.asarray(weekday_factors, dtype=np.float64)
    if wf.shape != (7,) or np.any(wf < 0) or not np.all(np.isfinite(wf)):
        raise InputError("weekday_factors", "must be 7 non-negative numbers, Monday first")
    if int(n_days) < 1 or int(max_days_before) < 1:
        raise InputError("n_days", "n_days and max_days_before must be >= 1")
    first = parse_day(start, "start")
    n_future = int(max_days_before if future_days is None else future_days)
    n_dates = int(n_days) + n_future
    as_of = first + np.timedelta64(int(n_days) - 1, "D")
    dates = first + np.arange(n_dates).astype("timedelta64[D]")
    weekday = np.mod(dates.astype(np.int64) + 3, 7)
    n_prod = len(prods)

    lam = np.array([p["mean"] for p in prods])[:, None] * wf[weekday][None, :]
    if dispersion is None:
        demand = rng.poisson(lam)
        std = np.sqrt(lam)
    else:
        if dispersion <= 0:
            raise InputError("dispersion", "must be positive")
        demand = rng.poisson(rng.gamma(dispersion, lam / dispersion))
        std = np.sqrt(lam + lam * lam / dispersion)

    # one request per unit of demand, in time order within each curve
    curve = np.repeat(np.arange(n_prod * n_dates), demand.ravel())
    p_of = curve // n_dates
    lead = np.array([p["lead"] for p in prods])[p_of]
    b = np.minimum(np.floor(rng.gamma(lead_shape, lead / lead_shape)), max_days_before)
    b = b.astype(np.int64)
    tod = rng.integers(0, 86_400, curve.size)
    order = np.lexsort((tod, -b, curve))
    curve, p_of, b, tod = curve[order], p_of[order], b[order], tod[order]
    starts = np.cumsum(demand.ravel()) - demand.ravel()
    rank = np.arange(curve.size) - starts[curve]
    limits = (
        np.full(n_prod, np.iinfo(np.int64).max)
        if limit_factor is None
        else np.round(limit_factor * np.array([p["mean"] for p in prods])).astype(np.int64)
    )
    service = dates[curve % n_dates].astype("datetime64[s]")
    booked_at = service - b.astype("timedelta64[D]") + tod.astype("timedelta64[s]")

    fills = rank == limits[p_of] - 1
    closures = pd.DataFrame(
        {
            "product": np.array([p["id"] for p in prods], dtype=object)[p_of[fills]],
            "service_date": service[fills],
            "closed_at": booked_at[fills],
        }
    )
    accepted = rank < limits[p_of]
    booked_units = np.minimum(demand, limits[:, None])

    # keep accepted bookings; segments, cancellations and no-shows
    seg_names = sorted({s for p in prods for s in p["segments"]})
    mix = np.array([[p["segments"].get(s, 0.0) for s in seg_names] for p in prods])
    cum = np.cumsum(mix, axis=1)
    keep = np.flatnonzero(accepted)
    p_k = p_of[keep]
    u = rng.random(keep.size)
    seg = np.minimum((u[:, None] >= cum[p_k]).sum(axis=1), len(seg_names) - 1)
    cancel_p = np.array([float(cancel_prob.get(s, 0.0)) for s in seg_names])[seg]
    no_show_p = np.array([float(no_show_prob.get(s, 0.0)) for s in seg_names])[seg]
    is_cancel = rng.random(keep.size) < cancel_p
    is_no_show = ~is_cancel & (rng.random(keep.size) < no_show_p)
    svc = service[keep]
    bkd = booked_at[keep]
    span = (svc + np.timedelta64(1, "D") - bkd).astype(np.int64)  # until the service day ends
    cancelled_at = bkd + (rng.random(keep.size) * span).astype("timedelta64[s]")

    # what was known at the close of as_of
    close = (as_of + np.timedelta64(1, "D")).astype("datetime64[s]")
    known = bkd < close
    is_cancel &= cancelled_at < close
    is_no_show &= svc < close
    status = np.where(is_cancel, "cancelled", np.where(is_no_show, "no_show", "booked"))
    cancelled_at = np.where(is_cancel, cancelled_at, np.datetime64("NaT", "s"))
    ids = np.array([p["id"] for p in prods], dtype=object)
    prices = np.array([p["price"] for p in prods])
    bookings = pd.DataFrame(
        {
            "product": pd.array(ids[p_k], dtype="str"),
            "segment": pd.array(np.array(seg_names, dtype=object)[seg], dtype="str"),
            "service_date": svc,
            "booked_at": bkd,
            "quantity": np.ones(keep.size, dtype=np.int64),
            "price": prices[p_k],
            "status": pd.array(status, dtype="str"),
            "cancelled_at": cancelled_at,
        }
    )[known]
    bookings = bookings.sort_values("booked_at", kind="stable").reset_index(drop=True)
    bookings.insert(0, "booking_id", np.arange(1, len(bookings) + 1, dtype=np.int64))
    closures = closures[closures["closed_at"] < close].reset_index(drop=True)

    truth = pd.DataFrame(
        {
            "product": pd.array(np.repeat(ids, n_dates), dtype="str"),
            "service_date": np.tile(dates, n_prod).astype("datetime64[s]"),
            "expected": lam.ravel(),
            "std": std.ravel(),
            "demand": demand.ravel(),
            "booked": booked_units.ravel(),
            "limit": np.repeat(np.minimum(limits, np.iinfo(np.int32).max), n_dates),
            "closed": (demand >= limits[:, None]).ravel(),
        }
    )
    return SyntheticHistory(
        bookings=bookings,
        closures=closures,
        truth=truth,
        as_of=pd.Timestamp(as_of),
        products=prods,
        lead_shape=float(lead_shape),
        max_days_before=int(max_days_before),
        dispersion=dispersion,
    )
