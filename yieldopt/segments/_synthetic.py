"""Synthetic CRM transactions with known segment behaviour, for tests and demos.

Time is cut into ``periods`` horizons of ``period_days`` days ending on ``end``.
Each customer belongs to a segment (drawn by ``share``), is acquired in a uniformly
drawn period and stays active for a geometric number of periods: after each active
period it is active again in the next one with probability ``retention``. In each
active period it books ``1 + Poisson(frequency - 1)`` times on uniform days; each
booking has gamma-distributed (shape 4) revenue, ancillary revenue and cost to
serve with the segment's means, and ``Poisson(referrals)`` referrals. So
``segment_values(..., horizon_days=period_days)`` should recover ``retention`` and
``frequency`` (bookings per active customer per horizon) and the per-booking means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError

__all__ = ["DEFAULT_SEGMENTS", "SyntheticTransactions", "synthetic_transactions"]

#: A hotel's segments: frequent corporate travellers, occasional leisure guests, groups.
DEFAULT_SEGMENTS: tuple[dict[str, Any], ...] = (
    {
        "id": "business",
        "share": 0.3,
        "retention": 0.7,
        "frequency": 4.0,
        "revenue": 180.0,
        "ancillary": 40.0,
        "cost": 35.0,
        "referrals": 0.05,
    },
    {
        "id": "leisure",
        "share": 0.6,
        "retention": 0.35,
        "frequency": 1.5,
        "revenue": 120.0,
        "ancillary": 25.0,
        "cost": 30.0,
        "referrals": 0.15,
    },
    {
        "id": "group",
        "share": 0.1,
        "retention": 0.5,
        "frequency": 1.2,
        "revenue": 900.0,
        "ancillary": 150.0,
        "cost": 260.0,
        "referrals": 0.4,
    },
)
_KEYS = ("share", "retention", "frequency", "revenue", "ancillary", "cost", "referrals")


@dataclass(frozen=True)
class SyntheticTransactions:
    """Synthetic transactions and the segment parameters that generated them.

    Attributes
    ----------
    transactions : DataFrame
        The transactions table (``segment`` column only when ``with_segment``).
    truth : DataFrame
        Indexed by segment: the generating parameters (see ``DEFAULT_SEGMENTS``).
    end : Timestamp
        Last day of the data.
    """

    transactions: pd.DataFrame
    truth: pd.DataFrame
    end: pd.Timestamp


def synthetic_transactions(
    *,
    n_customers: int = 20_000,
    segments: Sequence[Mapping[str, Any]] = DEFAULT_SEGMENTS,
    end: DateLike = "2025-12-31",
    periods: int = 3,
    period_days: int = 365,
    with_segment: bool = True,
    seed: int | np.random.Generator = 0,
) -> SyntheticTransactions:
    """Generate CRM transactions with known segment behaviour (see the module docstring).

    Parameters
    ----------
    n_customers : int
        Customers to simulate.
    segments : sequence of mapping
        Each with ``id`` and ``share``, ``retention`` (in [0, 1)), ``frequency``
        (>= 1, bookings per active period), mean ``revenue``, ``ancillary`` and
        ``cost`` (money per booking) and ``referrals`` (per booking).
    end : date
        Last day of the data.
    periods, period_days : int
        Number and length of the periods.
    with_segment : bool
        Include the ``segment`` column.
    seed : int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SyntheticTransactions
    """
    if not segments:
        raise InputError("segments", "at least one segment is required")
    for i, s in enumerate(segments):
        for key in ("id", *_KEYS):
            if key not in s:
                raise InputError(f"segments[{i}].{key}", "is required")
        if not 0 <= float(s["retention"]) < 1:
            raise InputError(f"segments[{i}].retention", "must lie in [0, 1)")
        if float(s["frequency"]) < 1:
            raise InputError(f"segments[{i}].frequency", "must be >= 1")
    if n_customers < 1 or periods < 1 or period_days < 1:
        raise InputError("n_customers", "n_customers, periods and period_days must be >= 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    truth = pd.DataFrame(
        [{k: float(s[k]) for k in _KEYS} for s in segments],
        index=pd.Index([str(s["id"]) for s in segments], name="segment"),
    )
    share = truth["share"].to_numpy() / truth["share"].sum()
    last = parse_day(end, "end")
    first = last - np.timedelta64(periods * period_days - 1, "D")

    seg = rng.choice(len(truth), size=n_customers, p=share)
    start = rng.integers(0, periods, n_customers)
    life = rng.geometric(1.0 - truth["retention"].to_numpy()[seg])
    n_active = np.minimum(life, periods - start)
    cust = np.repeat(np.arange(n_customers), n_active)
    offset = np.arange(cust.size) - np.repeat(np.cumsum(n_active) - n_active, n_active)
    period = start[cust] + offset
    n_book = 1 + rng.poisson(truth["frequency"].to_numpy()[seg[cust]] - 1.0)
    tx_cust = np.repeat(cust, n_book)
    tx_period = np.repeat(period, n_book)
    tx_seg = seg[tx_cust]
    day = first + (tx_period * period_days + rng.integers(0, period_days, tx_cust.size)).astype(
        "timedelta64[D]"
    )

    def amount(col: str) -> np.ndarray:
        return np.round(rng.gamma(4.0, truth[col].to_numpy()[tx_seg] / 4.0), 2)

    frame = {"customer_id": tx_cust + 1, "date": day.astype("datetime64[s]")}
    if with_segment:
        frame["segment"] = pd.array(truth.index.to_numpy(dtype=object)[tx_seg], dtype="str")
    frame["revenue"] = amount("revenue")
    frame["ancillary_revenue"] = amount("ancillary")
    frame["cost_to_serve"] = amount("cost")
    frame["referrals"] = rng.poisson(truth["referrals"].to_numpy()[tx_seg])
    tx = pd.DataFrame(frame).sort_values(["date", "customer_id"], kind="stable")
    return SyntheticTransactions(tx.reset_index(drop=True), truth, pd.Timestamp(last))
