"""Side-by-side comparison of single-resource methods on one leg."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._emsr import emsr_a, emsr_b
from ._static import booking_limits, expected_revenue, optimal_protection_levels

__all__ = ["LEG_METHODS", "compare_single_leg"]

LEG_METHODS = ("fcfs", "emsr-a", "emsr-b", "optimal")


def compare_single_leg(
    fares: ArrayLike,
    means: ArrayLike,
    stds: ArrayLike | None,
    *,
    capacity: int,
    dist: str = "normal",
) -> pd.DataFrame:
    """Protection levels, booking limits and exact expected revenue of each method.

    Methods: ``fcfs`` (no protection), ``emsr-a``, ``emsr-b`` (both need normal
    demand; for Poisson they use std = sqrt(mean)) and ``optimal`` (exact DP).
    Heuristic levels are rounded to whole units before their revenue is evaluated
    under the static model.

    Parameters
    ----------
    fares, means, stds : array_like, shape (n,)
        Class fares (money per unit, descending), mean and std of demand (units).
    capacity : int
        Units to sell.
    dist : {"normal", "poisson"}
        Demand distribution of the static model used to evaluate revenue.

    Returns
    -------
    DataFrame
        One row per method with ``method``, ``protection_levels`` (list, units),
        ``booking_limits`` (list, units), ``expected_revenue`` (money) and
        ``pct_of_optimal``.
    """
    fares = np.asarray(fares, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    spread = np.sqrt(np.maximum(means, 0)) if dist == "poisson" or stds is None else stds
    best = optimal_protection_levels(fares, means, stds, capacity=capacity, dist=dist)
    levels = {
        "fcfs": np.zeros(fares.size - 1),
        "emsr-a": emsr_a(fares, means, spread),
        "emsr-b": emsr_b(fares, means, spread),
        "optimal": best.levels.astype(np.float64),
    }
    rows = []
    for method, y in levels.items():
        applied = np.clip(np.rint(y), 0, capacity)
        revenue = (
            float(best.expected_revenue)
            if method == "optimal"
            else float(expected_revenue(y, fares, means, stds, capacity=capacity, dist=dist))
        )
        rows.append(
            {
                "method": method,
                "protection_levels": [float(v) for v in y],
                "booking_limits": [int(v) for v in booking_limits(applied, capacity)],
                "expected_revenue": revenue,
                "pct_of_optimal": 100.0 * revenue / float(best.expected_revenue)
                if best.expected_revenue > 0
                else 100.0,
            }
        )
    return pd.DataFrame(rows)
