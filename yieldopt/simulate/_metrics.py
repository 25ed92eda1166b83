"""Per-policy summary statistics with 95% confidence half-widths."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..model import PolicyName

__all__ = ["SUMMARY_COLUMNS", "summarize"]

SUMMARY_COLUMNS = [
    "policy",
    "revenue_mean",
    "revenue_hw95",
    "value_mean",
    "value_hw95",
    "load_factor",
    "adr",
    "revpar",
    "spill",
    "denied",
    "denied_cost",
    "rom",
    "samples",
]


def _half_width(x: np.ndarray) -> float:
    """95% confidence half-width of the mean (Student t)."""
    n = x.size
    if n < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n))


def summarize(paths: pd.DataFrame, capacity_units: float, hotel: bool) -> pd.DataFrame:
    """Summarize per-path results (one row per policy and path) into one row per policy.

    Parameters
    ----------
    paths : DataFrame
        Columns ``policy``, ``revenue``, ``value``, ``booking_revenue``, ``units_sold``,
        ``occupied``, ``denied``, ``denied_cost``, ``spill``.
    capacity_units : float
        Total physical capacity (resource units), the denominator of load factor and RevPAR.
    hotel : bool
        Whether to report ADR and RevPAR (else NaN).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`. ``load_factor`` is occupied units over capacity;
        ``adr`` booking revenue per unit sold; ``revpar`` booking revenue per unit of
        capacity; ``rom`` = (policy − FCFS) / (hindsight − FCFS) on mean revenue when both
        references were simulated.
    """
    rows = []
    for policy, g in paths.groupby("policy", sort=False):
        rev, val = g["revenue"].to_numpy(), g["value"].to_numpy()
        sold = g["units_sold"].sum()
        rows.append(
            {
                "policy": policy,
                "revenue_mean": float(rev.mean()),
                "revenue_hw95": _half_width(rev),
                "value_mean": float(val.mean()),
                "value_hw95": _half_width(val),
                "load_factor": float(g["occupied"].mean() / capacity_units)
                if capacity_units
                else float("nan"),
                "adr": float(g["booking_revenue"].sum() / sold) if hotel and sold else float("nan"),
                "revpar": float(g["booking_revenue"].mean() / capacity_units)
                if hotel
                else float("nan"),
                "spill": float(g["spill"].mean()),
                "denied": float(g["denied"].mean()),
                "denied_cost": float(g["denied_cost"].mean()),
                "samples": len(g),
            }
        )
    out = pd.DataFrame(rows)
    means = dict(zip(out["policy"], out["revenue_mean"], strict=True))
    # Revenue opportunity met: where a policy lies between first come and perfect hindsight.
    low, high = PolicyName.FCFS, PolicyName.HINDSIGHT
    if low in means and high in means and means[high] - means[low] > 1e-9:
        out["rom"] = (out["revenue_mean"] - means[low]) / (means[high] - means[low])
    else:
        out["rom"] = float("nan")
    return out[SUMMARY_COLUMNS]
