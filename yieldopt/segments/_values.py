r"""Segment values from CRM transactions: what a booking of each segment is worth.

With ``T`` = ``as_of`` (default: the last transaction date) and ``H`` =
``horizon_days``, period *B* is the last horizon ``(T - H, T]`` and period *A* the
one before, ``(T - 2H, T - H]``. Per segment ``s`` (a customer who books in two
segments counts in both):

``customers``, ``bookings``
    Distinct customers and transactions of the segment.
``revenue_per_booking``, ``ancillary_per_booking``, ``cost_per_booking``
    Sums over the segment's transactions divided by ``bookings`` (money).
``contribution_per_booking``
    :math:`c = \text{revenue} + \text{ancillary} - \text{cost to serve}` per booking.
``bookings_per_customer``
    :math:`f` = segment bookings in *B* / customers with a segment booking in *B*
    (bookings of an active customer per horizon).
``retention``
    :math:`r` = share of the customers with a segment booking in *A* who book again
    (in any segment) in *B*. Without a segment column, customers are in the RFM tier
    they had at ``T - H``, so a tier's retention is measured out of sample. A
    segment with no customer in *A* gets the retention of all customers.
``future_value``
    Expected discounted contribution of an active customer's later horizons,
    :math:`f\,c\,r / (1 + \delta - r)` with the discount rate per horizon
    :math:`\delta = (1 + \text{discount\_rate})^{H/365} - 1` (a customer stays
    another horizon with probability :math:`r`).
``future_value_per_booking``
    The customer's future value attributed to each of their bookings of a horizon:
    ``future_value / f`` :math:`= c\,r/(1 + \delta - r)`.
``referrals_per_booking``, ``referral_value``
    Referrals per booking, and their value: ``referrals_per_booking * V`` with
    :math:`V = \bar f\,\bar c\,(1+\delta)/(1+\delta-\bar r)` the value of a new
    customer (a horizon of contribution plus its future value), from all
    transactions pooled.
``retention_horizon_days``
    The horizon ``H`` actually used: ``horizon_days``, or the longest horizon the
    data allow when they span fewer than ``2 H`` days (0 for a single day: then
    retention is unknown, NaN, and future values are 0).
``value_adjustment``
    What the optimizer adds to a product's price for a booking of the segment:
    ``ancillary_per_booking - cost_per_booking
    + future_weight * future_value_per_booking + referral_value``.

``future_weight`` is the share of a customer's future value at stake in one
accept/reject decision: 1 (the default) takes the design's definition of value
(price + ancillary - cost to serve + expected future value) literally, 0 counts
only the booking itself and its referrals.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ._rfm import RFM_TIERS, rfm_scores
from ._transactions import contribution, validate_transactions

__all__ = ["SEGMENT_VALUE_COLUMNS", "segment_records", "segment_values"]

SEGMENT_VALUE_COLUMNS = (
    "customers",
    "bookings",
    "revenue_per_booking",
    "ancillary_per_booking",
    "cost_per_booking",
    "contribution_per_booking",
    "active_customers",
    "bookings_per_customer",
    "base_customers",
    "retention",
    "future_value",
    "future_value_per_booking",
    "referrals_per_booking",
    "referral_value",
    "value_adjustment",
    "retention_horizon_days",
)
_HORIZON = ("retention_horizon_days",)


def _finite(name: str, value: float, *, low: float, strict: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"must be a number, got {value!r}") from None
    if not np.isfinite(v) or v < low or (strict and v == low):
        raise InputError(name, f"must be {'>' if strict else '>='} {low:g}, got {value!r}")
    return v


def segment_values(
    transactions: pd.DataFrame,
    *,
    horizon_days: int = 365,
    discount_rate: float = 0.10,
    future_weight: float = 1.0,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Value of a booking per customer segment (formulas in the module docstring).

    Parameters
    ----------
    transactions : DataFrame
        CRM transactions (see ``validate_transactions``); without ``segment``,
        customers are put into RFM tiers.
    horizon_days : int
        Retention horizon ``H`` in days. Retention needs ``2 H`` days of data; with
        fewer, ``H`` becomes the longest horizon the data allows (half its span in
        days), with a ``UserWarning``; the horizon used is the
        ``retention_horizon_days`` column. Margins per booking never need history.
    discount_rate : float
        Annual discount rate, > 0.
    future_weight : float
        Weight of the future value per booking in ``value_adjustment``, >= 0.
    as_of : date, optional
        Last day counted; default the last transaction date.

    Returns
    -------
    DataFrame
        Indexed by ``segment`` with the columns of :data:`SEGMENT_VALUE_COLUMNS`
        (money per booking or per customer, rates as fractions).

    Raises
    ------
    InputError
        Bad transactions or bad parameters.

    Warns
    -----
    UserWarning
        When the data are too short for ``horizon_days`` (see above).
    """
    if isinstance(horizon_days, bool) or int(horizon_days) != horizon_days or horizon_days < 1:
        raise InputError("horizon_days", f"must be a whole number >= 1, got {horizon_days!r}")
    horizon = int(horizon_days)
    rate = _finite("discount_rate", discount_rate, low=0.0, strict=True)
    weight = _finite("future_weight", future_weight, low=0.0)
    tx = validate_transactions(transactions)
    if len(tx) == 0:
        raise InputError("transactions", "has no rows")
    end = tx["date"].max().to_datetime64().astype("datetime64[D]")
    day = end if as_of is None else parse_day(as_of, "as_of")
    dates = tx["date"].to_numpy().astype("datetime64[D]")
    tx = tx[dates <= day]
    dates = dates[dates <= day]
    if len(tx) == 0:
        raise InputError("as_of", f"{day} is before the first transaction")
    # Retention compares two consecutive horizons, so it needs 2 H days of data. With
    # less, measure it over the longest horizon the data allows (and say so) rather
    # than refuse: margins per booking need no history at all.
    span = int((day - dates.min()).astype(np.int64)) + 1
    wanted = horizon
    horizon = min(horizon, span // 2)
    if horizon < wanted:
        what = (
            f"retention is measured over {horizon} days instead of horizon_days={wanted}"
            if horizon >= 1
            else "retention cannot be measured (future value set to 0)"
        )
        warnings.warn(
            f"transactions span {span} days, and retention over a horizon of {wanted} days "
            f"needs {2 * wanted}: {what}; see the retention_horizon_days column",
            UserWarning,
            stacklevel=2,
        )
    # With H = 0 (a single day of data) period B is all of it and period A is empty.
    cut = day - np.timedelta64(horizon if horizon >= 1 else span, "D")
    base_start = cut - np.timedelta64(horizon, "D")
    in_b = dates > cut
    in_a = (dates > base_start) & ~in_b
    value = contribution(tx)
    cust = tx["customer_id"].to_numpy()

    if "segment" in tx.columns:
        seg_now = tx["segment"].to_numpy(dtype=object)
        seg_base = seg_now
        order = None
    else:
        tiers_now = rfm_scores(tx, day)["tier"]
        tiers_cut = rfm_scores(tx[dates <= cut], cut)["tier"]
        seg_now = tiers_now.reindex(cust).to_numpy(dtype=object)
        seg_base = tiers_cut.reindex(cust).to_numpy(dtype=object)
        order = [name for name, _ in RFM_TIERS]

    frame = pd.DataFrame(
        {
            "segment": seg_now,
            "customer_id": cust,
            "revenue": tx["revenue"].to_numpy(),
            "ancillary": tx["ancillary_revenue"].to_numpy(),
            "cost": tx["cost_to_serve"].to_numpy(),
            "contribution": value,
            "referrals": tx["referrals"].to_numpy(),
        }
    )
    g = frame.groupby("segment", sort=True)
    out = pd.DataFrame({"customers": g["customer_id"].nunique(), "bookings": g.size()})
    sums = g[["revenue", "ancillary", "cost", "contribution", "referrals"]].sum()
    n = out["bookings"]
    out["revenue_per_booking"] = sums["revenue"] / n
    out["ancillary_per_booking"] = sums["ancillary"] / n
    out["cost_per_booking"] = sums["cost"] / n
    out["contribution_per_booking"] = sums["contribution"] / n

    recent = frame[in_b]
    gb = recent.groupby("segment", sort=True)
    out["active_customers"] = gb["customer_id"].nunique().reindex(out.index, fill_value=0)
    active_bookings = gb.size().reindex(out.index, fill_value=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["bookings_per_customer"] = np.where(
            out["active_customers"] > 0, active_bookings / out["active_customers"], 0.0
        )

    returned = pd.Index(pd.unique(cust[in_b]))
    base = pd.DataFrame({"segment": seg_base[in_a], "customer_id": cust[in_a]}).dropna()
    base = base.drop_duplicates()
    base["back"] = base["customer_id"].isin(returned)
    gr = base.groupby("segment", sort=True)
    out["base_customers"] = gr.size().reindex(out.index, fill_value=0)
    back = gr["back"].sum().reindex(out.index, fill_value=0)
    a_customers = pd.unique(cust[in_a])
    pooled_r = float(np.isin(a_customers, returned).mean()) if a_customers.size else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["retention"] = np.where(
            out["base_customers"] > 0, back / out["base_customers"], pooled_r
        )

    delta = (1.0 + rate) ** (horizon / 365.0) - 1.0
    if horizon < 1:  # nothing known about returns: no future value, retention unknown
        out["retention"] = np.nan
        pooled_r = 0.0
    r = out["retention"]
    c = out["contribution_per_booking"]
    out["future_value_per_booking"] = (c * r / (1.0 + delta - r)).fillna(0.0)
    out["future_value"] = out["bookings_per_customer"] * out["future_value_per_booking"]
    out["retention_horizon_days"] = horizon

    pooled_c = float(value.sum() / len(tx))
    active_all = pd.unique(cust[in_b]).size
    pooled_f = float(in_b.sum() / active_all) if active_all else 0.0
    new_customer = pooled_f * pooled_c * (1.0 + delta) / (1.0 + delta - pooled_r)
    out["referrals_per_booking"] = sums["referrals"] / n
    out["referral_value"] = out["referrals_per_booking"] * new_customer
    out["value_adjustment"] = (
        out["ancillary_per_booking"]
        - out["cost_per_booking"]
        + weight * out["future_value_per_booking"]
        + out["referral_value"]
    )
    if order is not None:
        out = out.reindex([t for t in order if t in out.index])
    out.index = pd.Index(out.index.astype(str), name="segment", dtype="str")
    for col in ("customers", "bookings", "active_customers", "base_customers", *_HORIZON):
        out[col] = out[col].astype(np.int64)
    return out[list(SEGMENT_VALUE_COLUMNS)]


def segment_records(values: pd.DataFrame) -> list[dict[str, Any]]:
    """Turn :func:`segment_values` output into the network model's segment records.

    Parameters
    ----------
    values : DataFrame
        Indexed by segment with ``ancillary_per_booking``, ``cost_per_booking`` and
        ``value_adjustment``.

    Returns
    -------
    list of dict
        ``{"id", "ancillary", "cost_to_serve", "future_value"}`` per segment, with
        ``future_value = value_adjustment - ancillary + cost_to_serve`` so that
        ``price + ancillary - cost_to_serve + future_value = price + value_adjustment``.
    """
    for col in ("ancillary_per_booking", "cost_per_booking", "value_adjustment"):
        if col not in values.columns:
            raise InputError(col, "missing column in the segment values")
    anc = values["ancillary_per_booking"].to_numpy(dtype=np.float64)
    cost = values["cost_per_booking"].to_numpy(dtype=np.float64)
    fut = values["value_adjustment"].to_numpy(dtype=np.float64) - anc + cost
    if not (np.all(np.isfinite(anc)) and np.all(np.isfinite(cost)) and np.all(np.isfinite(fut))):
        raise InputError("values", "must be finite")
    return [
        {"id": str(seg), "ancillary": float(a), "cost_to_serve": float(k), "future_value": float(f)}
        for seg, a, k, f in zip(values.index, anc, cost, fut, strict=True)
    ]
