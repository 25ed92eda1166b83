"""Exact static single-resource model: optimal nested protection levels and their revenue.

The static model (Talluri & van Ryzin 2004, §2.2): class demands are independent,
classes book in order from the lowest fare (class n) to the highest (class 1),
and each class sells until its demand is exhausted or only the protection level
of the classes above it is left. Over integer capacity the model is solved
exactly by dynamic programming:

``V_1(x) = E[p_1 min(D_1, x)]``,
``V_i(x) = E[p_i S + V_{i-1}(x - S)]`` with ``S = min(D_i, (x - y_{i-1})^+)``,

where the optimal ``y_{i-1} = max{y : ΔV_{i-1}(y) > p_i}`` and ``ΔV(y) = V(y) - V(y-1)``.
Demand beyond the capacity never matters, so every distribution is held on
``0..C`` with the tail mass ``P(D >= C)`` lumped at ``C``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from .._validate import as_capacity, as_descending_fares, as_nonnegative, check_same_shape
from ..errors import InputError

__all__ = [
    "ProtectionLevels",
    "booking_limits",
    "demand_pmf",
    "expected_revenue",
    "optimal_protection_levels",
]

# Work arrays of one chunk hold batch × (C+1) × (C+1) floats; keep them near 32 MB.
_CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True, eq=False)
class ProtectionLevels:
    """Integer nested protection levels of the static model, with what the DP also computed.

    A small result object, not an ``ndarray`` subclass: indexing and ``np.asarray(result)``
    give the plain levels, so a slice or a sum is an ordinary array and never carries an
    ``expected_revenue`` that no longer describes it.

    Attributes
    ----------
    levels : ndarray of int64, shape (..., n - 1)
        Protection levels (units), each in ``[0, capacity]``, non-decreasing along the last
        axis; empty (shape (..., 0)) for a single class.
    expected_revenue : ndarray or float
        Optimal expected revenue (money), batch shape ``(...)`` (a float for one leg).
    value : ndarray, shape (..., n, C + 1)
        ``value[..., i, x]``: expected revenue from classes ``1..i+1`` with ``x`` units left
        when they start to book.
    capacity : int
        Capacity the levels were computed for (units).

    Examples
    --------
    >>> y = optimal_protection_levels([100, 60], [40, 80], [10, 20], capacity=100)
    >>> y
    ProtectionLevels([37], expected_revenue=7151.84)
    >>> np.asarray(y), y[0], y.booking_limits
    (array([37]), np.int64(37), array([100.,  63.]))
    """

    levels: NDArray[np.int64]
    expected_revenue: NDArray[np.float64] | float
    value: NDArray[np.float64]
    capacity: int

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> NDArray:
        """Return the levels as an ``ndarray`` (so ``np.asarray(result)`` works)."""
        if copy:
            return np.array(self.levels, dtype=dtype, copy=True)
        return np.asarray(self.levels, dtype=dtype)

    def __getitem__(self, key: Any) -> NDArray[np.int64] | np.int64:
        """Index the levels; the result is a plain array or integer."""
        out: NDArray[np.int64] | np.int64 = self.levels[key]
        return out

    def __len__(self) -> int:
        """Length of the first axis of the levels."""
        return len(self.levels)

    def __iter__(self) -> Iterator[NDArray[np.int64] | np.int64]:
        """Iterate over the first axis of the levels."""
        return iter(self.levels)

    def __repr__(self) -> str:
        rev = np.round(self.expected_revenue, 2)
        return f"ProtectionLevels({self.levels.tolist()}, expected_revenue={rev.tolist()})"

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the levels, ``(..., n - 1)``."""
        return self.levels.shape

    @property
    def booking_limits(self) -> NDArray[np.float64]:
        """Nested booking limits at :attr:`capacity`, shape (..., n) (units)."""
        return booking_limits(self.levels, self.capacity)


def demand_pmf(
    means: ArrayLike,
    stds: ArrayLike | None,
    capacity: int,
    dist: str = "normal",
) -> NDArray[np.float64]:
    """Probability mass of each class's demand on ``0..capacity``, tail lumped at ``capacity``.

    Parameters
    ----------
    means : array_like, shape (..., n)
        Mean demand per class (units).
    stds : array_like, shape (..., n), or None
        Standard deviations (units); required for ``dist="normal"``, ignored for Poisson.
    capacity : int
        Largest demand that matters (units).
    dist : {"normal", "poisson"}
        ``"normal"`` rounds a normal variable to the nearest integer and puts the mass
        below 0 at 0; ``"poisson"`` is Poisson with the given mean.

    Returns
    -------
    ndarray, shape (..., n, capacity + 1)
        ``pmf[..., i, k] = P(D_i = k)`` for ``k < capacity``; ``P(D_i >= capacity)`` at
        ``k = capacity``.
    """
    mu = as_nonnegative("means", means, min_ndim=1)
    c = as_capacity("capacity", capacity)
    k = np.arange(c + 1, dtype=np.float64)
    if dist == "normal":
        if stds is None:
            raise InputError("stds", 'is required for dist="normal"')
        sd = as_nonnegative("stds", stds, min_ndim=1)
        check_same_shape(means=mu, stds=sd)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = (k[:-1] + 0.5 - mu[..., None]) / sd[..., None]
        # A zero std is a point mass at round(mean): the step function of the limit.
        cdf = np.where(sd[..., None] > 0, stats.norm.cdf(z), (k[:-1] + 0.5 >= mu[..., None]) * 1.0)
    elif dist == "poisson":
        cdf = stats.poisson.cdf(k[:-1], mu[..., None])
    else:
        raise InputError("dist", f'must be "normal" or "poisson", got {dist!r}')
    cdf = np.concatenate([cdf, np.ones((*cdf.shape[:-1], 1))], axis=-1)
    return np.diff(cdf, axis=-1, prepend=0.0)


def _stage(
    v_prev: NDArray[np.float64], protect: NDArray[np.int64], pmf: NDArray, fare: NDArray
) -> NDArray[np.float64]:
    """Value with one more (lower) class booking first, under protection ``protect`` above it.

    Shapes: ``v_prev`` (b, C+1), ``protect`` (b,), ``pmf`` (b, C+1), ``fare`` (b,).
    """
    size = v_prev.shape[-1]
    x = np.arange(size)
    room = np.maximum(x[None, :] - protect[:, None], 0)  # units this class may take, (b, C+1)
    sold = np.minimum(x[None, None, :], room[:, :, None])  # (b, x, d): min(d, room(x))
    left = (x[None, :, None] - sold).reshape(v_prev.shape[0], -1)
    after = np.take_along_axis(v_prev, left, axis=1).reshape(sold.shape)
    return np.einsum("bxd,bd->bx", fare[:, None, None] * sold + after, pmf)


def _solve(
    fares: NDArray, pmf: NDArray, given: NDArray | None
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Run the DP on a flat batch. Returns levels (b, n-1) and value (b, n, C+1)."""
    b, n, size = pmf.shape
    value = np.empty((b, n, size))
    levels = np.zeros((b, max(n - 1, 0)), dtype=np.int64)
    v = _stage(np.zeros((b, size)), np.zeros(b, dtype=np.int64), pmf[:, 0], fares[:, 0])
    value[:, 0] = v
    for i in range(1, n):
        if given is None:
            marginal = np.diff(v, axis=-1)  # ΔV(y) for y = 1..C, non-increasing
            tol = 1e-9 * np.maximum(1.0, fares[:, i : i + 1])
            levels[:, i - 1] = np.sum(marginal > fares[:, i : i + 1] + tol, axis=-1)
        else:
            levels[:, i - 1] = given[:, i - 1]
        v = _stage(v, levels[:, i - 1], pmf[:, i], fares[:, i])
        value[:, i] = v
    return levels, value


def _run(
    fares: ArrayLike,
    means: ArrayLike | None,
    stds: ArrayLike | None,
    capacity: int,
    dist: str | ArrayLike,
    given: ArrayLike | None,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], int]:
    f = as_descending_fares("fares", fares)
    c = as_capacity("capacity", capacity)
    if isinstance(dist, str):
        if means is None:
            raise InputError("means", "is required unless dist is an array of probabilities")
        pmf = demand_pmf(means, stds, c, dist)
    else:
        pmf = _pmf_on_capacity(dist, c)
    if pmf.shape[:-1] != f.shape:
        name = "dist" if not isinstance(dist, str) else "means"
        raise InputError(name, f"has {pmf.shape[:-1]} classes but fares has shape {f.shape}")
    batch, n = f.shape[:-1], f.shape[-1]
    flat_f = f.reshape(-1, n)
    flat_pmf = pmf.reshape(-1, n, c + 1)
    flat_given = None
    if given is not None:
        g = as_nonnegative("protection_levels", given, min_ndim=1)
        if g.shape != (*batch, n - 1):
            raise InputError(
                "protection_levels", f"must have shape {(*batch, n - 1)}, got {g.shape}"
            )
        # reshape(-1, 0) is ambiguous for one class (no levels), so name the batch size.
        flat_given = np.clip(np.rint(g), 0, c).astype(np.int64).reshape(flat_f.shape[0], n - 1)
    rows = max(1, _CHUNK_ELEMENTS // ((c + 1) ** 2))
    levels, value = [], []
    for start in range(0, flat_f.shape[0], rows):
        part = slice(start, start + rows)
        lv, vv = _solve(
            flat_f[part], flat_pmf[part], None if flat_given is None else flat_given[part]
        )
        levels.append(lv)
        value.append(vv)
    lv = np.concatenate(levels).reshape((*batch, n - 1))
    vv = np.concatenate(value).reshape((*batch, n, c + 1))
    return lv, vv, vv[..., -1, -1], c


def _pmf_on_capacity(dist: ArrayLike, capacity: int) -> NDArray[np.float64]:
    """Validate an explicit pmf array and fold it onto 0..capacity."""
    p = as_nonnegative("dist", dist, min_ndim=2)
    if not np.allclose(p.sum(axis=-1), 1.0, atol=1e-8):
        raise InputError("dist", "each class's probabilities must sum to 1")
    if p.shape[-1] > capacity + 1:
        tail = p[..., capacity:].sum(axis=-1, keepdims=True)
        return np.concatenate([p[..., :capacity], tail], axis=-1)
    pad = capacity + 1 - p.shape[-1]
    return np.concatenate([p, np.zeros((*p.shape[:-1], pad))], axis=-1)


def optimal_protection_levels(
    fares: ArrayLike,
    means: ArrayLike | None,
    stds: ArrayLike | None = None,
    *,
    capacity: int,
    dist: str | ArrayLike = "normal",
) -> ProtectionLevels:
    """Exact optimal nested protection levels of the static model, by dynamic programming.

    Parameters
    ----------
    fares : array_like, shape (..., n)
        Fares (money per unit), strictly descending along the last axis.
    means : array_like, shape (..., n), or None
        Mean demand per class (units); ``None`` when ``dist`` is an array.
    stds : array_like, shape (..., n), optional
        Standard deviations (units), required for ``dist="normal"``.
    capacity : int
        Units to sell (non-negative integer).
    dist : {"normal", "poisson"} or array_like, shape (..., n, S)
        Demand distribution: discretized normal, Poisson, or explicit probabilities
        ``P(D_i = k)`` for ``k = 0..S-1``.

    Returns
    -------
    ProtectionLevels
        ``.levels``: integer protection levels, shape (..., n - 1), each in ``[0, capacity]``
        and non-decreasing (empty for one class: it may sell the whole capacity);
        ``.expected_revenue`` the optimal expected revenue (money), ``.value`` the value
        functions and ``.booking_limits`` the nested limits. ``np.asarray(result)`` and
        ``result[i]`` give the levels as a plain array.

    Examples
    --------
    >>> y = optimal_protection_levels([100, 60], [40, 80], [10, 20], capacity=100)
    >>> int(y[0]), round(float(y.expected_revenue))
    (37, 7152)
    >>> optimal_protection_levels([100], [40], [10], capacity=30).booking_limits
    array([30.])
    """
    lv, vv, rev, c = _run(fares, means, stds, capacity, dist, None)
    return ProtectionLevels(
        levels=lv, expected_revenue=rev[()] if rev.ndim == 0 else rev, value=vv, capacity=c
    )


def expected_revenue(
    protection_levels: ArrayLike,
    fares: ArrayLike,
    means: ArrayLike | None,
    stds: ArrayLike | None = None,
    *,
    capacity: int,
    dist: str | ArrayLike = "normal",
) -> NDArray[np.float64] | float:
    """Exact expected revenue of given nested protection levels under the static model.

    Levels are rounded to the nearest integer and clipped to ``[0, capacity]``, as a
    reservation system applies them; the other arguments are as in
    :func:`optimal_protection_levels`.

    Parameters
    ----------
    protection_levels : array_like, shape (..., n - 1)
        Nested protection levels (units), e.g. from :func:`emsr_b`.

    Returns
    -------
    float or ndarray
        Expected revenue (money), batch shape ``(...)``.
    """
    _, _, rev, _ = _run(fares, means, stds, capacity, dist, protection_levels)
    return rev[()] if rev.ndim == 0 else rev


def booking_limits(protection_levels: ArrayLike, capacity: ArrayLike) -> NDArray[np.float64]:
    """Nested booking limits from nested protection levels.

    ``b_1 = C`` and ``b_j = min(max(C - y_{j-1}, 0), C)``: class ``j`` may sell while more
    than the protection of the classes above it is left.

    Parameters
    ----------
    protection_levels : array_like, shape (..., n - 1)
        Nested protection levels (units); unrounded levels give unrounded limits.
    capacity : array_like
        Capacity (units), scalar or batch shape ``(...)``.

    Returns
    -------
    ndarray, shape (..., n)
        Booking limits (units), non-increasing along the last axis.
    """
    y = as_nonnegative("protection_levels", protection_levels, min_ndim=1)
    c = as_nonnegative("capacity", capacity)[..., None]
    y = np.concatenate([np.zeros((*y.shape[:-1], 1)), y], axis=-1)
    return np.clip(c - y, 0.0, c)
