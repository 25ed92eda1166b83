"""EMSR-a, EMSR-b and Littlewood's rule for nested protection levels.

Classes are ordered by descending fare along the last axis; protection level
``y[..., j]`` is the number of units held for classes ``1..j+1`` (0-based
``0..j``) against class ``j+2``. Every function accepts leading batch
dimensions, so thousands of legs are handled in one vectorized call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

from .._validate import as_descending_fares, as_nonnegative, check_same_shape
from ..errors import InputError

__all__ = ["emsr_a", "emsr_b", "littlewood"]


def _inputs(
    fares: ArrayLike, means: ArrayLike, stds: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    f = as_descending_fares("fares", fares)
    mu = as_nonnegative("means", means, min_ndim=1)
    sd = as_nonnegative("stds", stds, min_ndim=1)
    check_same_shape(fares=f, means=mu, stds=sd)
    return f, mu, sd


def _quantile(mean: NDArray, std: NDArray, ratio: NDArray) -> NDArray[np.float64]:
    """Return y with P(D > y) = ratio for D ~ Normal(mean, std); y = mean when std = 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = ndtri(1.0 - ratio)
        y = np.where(std > 0, mean + std * z, mean)
    return y


def littlewood(
    high_fare: ArrayLike, low_fare: ArrayLike, mean: ArrayLike, std: ArrayLike
) -> NDArray[np.float64]:
    """Littlewood's two-class protection level for normal high-fare demand.

    Protects ``y`` units for the high class, where ``P(D_high > y) = low_fare / high_fare``.

    Parameters
    ----------
    high_fare, low_fare : array_like
        Fares (money per unit), ``high_fare > low_fare``; broadcastable.
    mean, std : array_like
        Mean and standard deviation of high-class demand (units).

    Returns
    -------
    ndarray
        Unrounded protection level (units), clipped at 0; broadcast shape of the inputs.
    """
    hi = as_nonnegative("high_fare", high_fare)
    lo = as_nonnegative("low_fare", low_fare)
    mu = as_nonnegative("mean", mean)
    sd = as_nonnegative("std", std)
    if np.any(lo >= hi):
        raise InputError("low_fare", "must be below high_fare")
    return np.maximum(_quantile(mu, sd, lo / hi), 0.0)


def emsr_a(fares: ArrayLike, means: ArrayLike, stds: ArrayLike) -> NDArray[np.float64]:
    """Nested protection levels by EMSR-a (Belobaba 1987), normal demand.

    ``y_j = sum_{k<=j} y_k^{j+1}`` where ``y_k^{j+1}`` is Littlewood's level of class
    ``k`` against class ``j+1``: ``P(D_k > y) = p_{j+1} / p_k``. Each pairwise
    level is clipped at 0, which keeps the result non-decreasing.

    Parameters
    ----------
    fares : array_like, shape (..., n)
        Fares (money per unit), strictly descending along the last axis.
    means, stds : array_like, shape (..., n)
        Mean and standard deviation of each class's demand (units), non-negative.

    Returns
    -------
    ndarray, shape (..., n - 1)
        Unrounded nested protection levels (units).
    """
    f, mu, sd = _inputs(fares, means, stds)
    n = f.shape[-1]
    if n == 1:
        return np.zeros((*f.shape[:-1], 0))
    # ratio[..., k, j] = p_{j+1} / p_k for class k protecting against class j+1 (0-based).
    lower = f[..., None, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(f[..., :-1, None] > 0, lower / f[..., :-1, None], 1.0)
    pair = _quantile(mu[..., :-1, None], sd[..., :-1, None], ratio)
    k, j = np.indices((n - 1, n - 1))
    pair = np.where(k <= j, np.maximum(pair, 0.0), 0.0)
    return pair.sum(axis=-2)


def emsr_b(fares: ArrayLike, means: ArrayLike, stds: ArrayLike) -> NDArray[np.float64]:
    """Nested protection levels by EMSR-b (Belobaba 1992), normal demand.

    Classes ``1..j`` are aggregated into one virtual class with mean ``sum mu``,
    variance ``sum sigma^2`` and demand-weighted fare ``p̄_j``; then
    ``P(D_{1..j} > y_j) = p_{j+1} / p̄_j``. Levels are clipped at 0 and made
    non-decreasing (a nested level can never shrink for a larger nest).

    Parameters
    ----------
    fares : array_like, shape (..., n)
        Fares (money per unit), strictly descending along the last axis.
    means, stds : array_like, shape (..., n)
        Mean and standard deviation of each class's demand (units), non-negative.

    Returns
    -------
    ndarray, shape (..., n - 1)
        Unrounded nested protection levels (units).
    """
    f, mu, sd = _inputs(fares, means, stds)
    if f.shape[-1] == 1:
        return np.zeros((*f.shape[:-1], 0))
    agg_mean = np.cumsum(mu, axis=-1)[..., :-1]
    agg_std = np.sqrt(np.cumsum(sd * sd, axis=-1)[..., :-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = np.cumsum(f * mu, axis=-1)[..., :-1] / agg_mean
    # Without expected demand the weighting is undefined; the nest's top fare stands in.
    weighted = np.where(agg_mean > 0, weighted, f[..., :1])
    ratio = np.where(weighted > 0, f[..., 1:] / np.where(weighted > 0, weighted, 1.0), 1.0)
    y = _quantile(agg_mean, agg_std, ratio)
    return np.maximum.accumulate(np.maximum(y, 0.0), axis=-1)
