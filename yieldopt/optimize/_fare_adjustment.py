"""Fare adjustment for dependent demand (Fiig, Isler, Hopperstad & Belobaba 2010).

When customers buy down to the cheapest open class, the demand a class sees depends
on which classes are open. Let ``Q_j`` be the expected demand and ``R_j`` the expected
revenue when classes ``1..j`` are open (``R_j = p_j Q_j`` when every customer buys the
cheapest open class). The points ``(Q_j, R_j)`` together with the origin define the
*efficient frontier*: their upper concave hull, up to its highest revenue. Only
classes on it should ever be the lowest open class; the marginal-revenue
transformation gives each efficient class

``adjusted fare = (R_j − R_i) / (Q_j − Q_i)``,  ``adjusted demand = Q_j − Q_i``,

with ``i`` the previous efficient class (the origin for the first). Independent-demand
methods such as EMSR-b then run on the adjusted fares and demands (EMSR-b-MR).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import as_descending_fares, as_nonnegative, check_same_shape
from ..errors import InputError
from ._emsr import emsr_b

__all__ = ["FareAdjustment", "efficient_frontier", "emsr_b_mr", "fare_adjustment"]


@dataclass(frozen=True)
class FareAdjustment:
    """Marginal-revenue transformation of a fare structure; arrays of shape (n,).

    Attributes
    ----------
    fares : ndarray
        Adjusted fares (money per unit): the slope of the frontier segment that
        ends at the class, or, for an inefficient class, of the segment that
        opens it together with the next efficient class (``nan`` if none does).
    demand : ndarray
        Adjusted mean demand (units): ``Q_j − Q_i`` for efficient classes, 0 otherwise.
    stds : ndarray
        Standard deviation of the adjusted demand (units), 0 for inefficient classes.
    efficient : ndarray of bool
        Whether the class lies on the efficient frontier.
    """

    fares: NDArray[np.float64]
    demand: NDArray[np.float64]
    stds: NDArray[np.float64]
    efficient: NDArray[np.bool_]


def efficient_frontier(cum_demand: ArrayLike, cum_revenue: ArrayLike) -> NDArray[np.bool_]:
    """Which classes lie on the efficient frontier of (demand, revenue) points.

    Parameters
    ----------
    cum_demand, cum_revenue : array_like, shape (n,)
        ``Q_j`` (units) and ``R_j`` (money) with classes ``1..j`` open, classes ordered
        by descending fare.

    Returns
    -------
    ndarray of bool, shape (n,)
        True for the vertices of the upper concave hull through the origin that have
        positive marginal revenue.
    """
    q = as_nonnegative("cum_demand", cum_demand, min_ndim=1)
    r = np.asarray(cum_revenue, dtype=np.float64)
    check_same_shape(cum_demand=q, cum_revenue=r)
    if q.ndim != 1:
        raise InputError("cum_demand", f"must be one-dimensional, got shape {q.shape}")
    if not np.all(np.isfinite(r)):
        raise InputError("cum_revenue", "must be finite")
    # Monotone-chain upper hull from the origin, scanning classes by demand.
    hull: list[int] = []  # indices into the classes; -1 stands for the origin
    pts = lambda i: (0.0, 0.0) if i < 0 else (q[i], r[i])  # noqa: E731
    for j in np.lexsort((-r, q)):
        qj, rj = q[j], r[j]
        if qj <= (pts(hull[-1])[0] if hull else 0.0) or rj <= (pts(hull[-1])[1] if hull else 0.0):
            continue  # no more demand or no more revenue than the last vertex: dominated
        while hull:
            q1, r1 = pts(hull[-2] if len(hull) > 1 else -1)
            q2, r2 = pts(hull[-1])
            # Drop the last vertex when it lies on or under the chord to the new point.
            if (r2 - r1) * (qj - q1) <= (rj - r1) * (q2 - q1):
                hull.pop()
            else:
                break
        hull.append(int(j))
    mask = np.zeros(q.shape, dtype=bool)
    mask[hull] = True
    return mask


def fare_adjustment(
    fares: ArrayLike,
    cum_demand: ArrayLike,
    cum_revenue: ArrayLike | None = None,
    cum_stds: ArrayLike | None = None,
) -> FareAdjustment:
    """Marginal-revenue fare and demand adjustment (Fiig et al. 2010).

    Parameters
    ----------
    fares : array_like, shape (n,)
        Class fares (money per unit), strictly descending.
    cum_demand : array_like, shape (n,)
        ``Q_j``: expected demand (units) when classes ``1..j`` are open.
    cum_revenue : array_like, shape (n,), optional
        ``R_j``: expected revenue (money) when classes ``1..j`` are open. Defaults to
        ``fares * cum_demand`` (every customer buys the cheapest open class).
    cum_stds : array_like, shape (n,), optional
        Standard deviation of ``Q_j`` (units). The adjusted demands are taken as
        independent increments, so their variance is the difference of variances.
        Defaults to Poisson variability (variance = mean of each increment).

    Returns
    -------
    FareAdjustment
    """
    f = as_descending_fares("fares", fares)
    q = as_nonnegative("cum_demand", cum_demand, min_ndim=1)
    check_same_shape(fares=f, cum_demand=q)
    if f.ndim != 1:
        raise InputError("fares", f"must be one-dimensional, got shape {f.shape}")
    r = f * q if cum_revenue is None else np.asarray(cum_revenue, dtype=np.float64)
    efficient = efficient_frontier(q, r)
    idx = np.flatnonzero(efficient)
    prev_q = np.concatenate([[0.0], q[idx[:-1]]])
    prev_r = np.concatenate([[0.0], r[idx[:-1]]])
    inc = q[idx] - prev_q
    if cum_stds is None:
        inc_var = inc
    else:
        s = as_nonnegative("cum_stds", cum_stds, min_ndim=1)
        check_same_shape(fares=f, cum_stds=s)
        var = s[idx] ** 2
        inc_var = np.maximum(var - np.concatenate([[0.0], var[:-1]]), 0.0)

    # Each class is opened together with the first efficient class at or after it.
    owner = np.searchsorted(idx, np.arange(f.size), side="left")
    slope = (r[idx] - prev_r) / inc
    adj_fares = np.where(owner < idx.size, slope[np.minimum(owner, idx.size - 1)], np.nan)
    demand = np.zeros(f.size)
    stds = np.zeros(f.size)
    demand[idx] = inc
    stds[idx] = np.sqrt(inc_var)
    return FareAdjustment(fares=adj_fares, demand=demand, stds=stds, efficient=efficient)


def emsr_b_mr(
    fares: ArrayLike,
    cum_demand: ArrayLike,
    cum_revenue: ArrayLike | None = None,
    cum_stds: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """EMSR-b on marginal-revenue adjusted fares and demands (EMSR-b-MR).

    Arguments are those of :func:`fare_adjustment`. An inefficient class shares the
    booking limit of the next efficient class (it is open exactly when that class is)
    and classes after the last efficient one are closed (protection ``inf``).

    Returns
    -------
    ndarray, shape (n - 1,)
        Unrounded nested protection levels (units) for the original classes.
    """
    adj = fare_adjustment(fares, cum_demand, cum_revenue, cum_stds)
    idx = np.flatnonzero(adj.efficient)
    n = adj.fares.size
    if idx.size == 0:
        return np.full(n - 1, np.inf)
    levels = np.concatenate([[0.0], emsr_b(adj.fares[idx], adj.demand[idx], adj.stds[idx])])
    # Protection against class i+1 is the level held above its owning efficient class.
    owner = np.searchsorted(idx, np.arange(1, n), side="left")
    return np.where(owner < idx.size, levels[np.minimum(owner, idx.size - 1)], np.inf)
