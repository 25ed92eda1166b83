"""Overbooking: how many reservations to accept for a resource of fixed capacity.

Model (Talluri & van Ryzin 2004, ch. 4, static binomial model). ``n`` reservations
are held for a resource of capacity ``C`` (units). Each reservation cancels before service
with probability ``cancel_prob`` and otherwise shows with probability ``show_prob``, all
independently, so the number of shows is ``S_n ~ Binomial(n, q)`` with
``q = show_prob · (1 − cancel_prob)``. The expected cost of the limit ``n`` is

``f(n) = spoilage_cost · E[(C − S_n)^+] + denied_cost · E[(S_n − C)^+]``

(money: empty units times the value of a unit that could have been sold, plus denied
customers times the cost of walking one).

Marginal rule. The ``(n+1)``-th reservation shows with probability ``q``; when it shows it
fills an empty unit if ``S_n < C`` (saving ``spoilage_cost``) and is denied otherwise
(costing ``denied_cost``). Hence

``Δ(n) = f(n+1) − f(n) = q · (denied_cost · P(S_n ≥ C) − spoilage_cost · P(S_n < C))``
``     = q · ((denied_cost + spoilage_cost) · P(S_n ≥ C) − spoilage_cost)``.

``P(S_n ≥ C)`` is non-decreasing in ``n``, so ``f`` is discretely convex and the smallest
minimizer is the smallest ``n ≥ C`` with ``P(S_n ≥ C) ≥ spoilage_cost / (spoilage_cost +
denied_cost)`` -- equivalently the largest ``n`` with ``P(S_{n−1} ≥ C) < spoilage_cost /
(spoilage_cost + denied_cost)``, or ``C`` if there is none. (It is also ``C`` plus that
quantile of the negative binomial number of no-shows before the ``C``-th show.)

The functions here do not search with that rule: they evaluate ``f`` on every candidate
limit at once (one vectorized ``scipy.stats.binom`` call over an array of ``n``, all
resources together) and take the smallest minimizer; the tests check both agree. They use
``f(n) = (spoilage_cost + denied_cost) · E[(C − S_n)^+] + denied_cost · (nq − C)``, from
``(S − C)^+ = S − C + (C − S)^+``, so each candidate costs one pair of cdf values. Costs
within ``1e-12 · (spoilage_cost + denied_cost) · (1 + C)`` of the minimum count as ties
(rounding noise), and ties go to the smallest ``n``.

Search window. Convexity lets provable bounds on the sign of ``Δ`` bracket the optimum:

- upper end: the first ``N`` at which Bernstein's inequality guarantees
  ``P(S_N < C) ≤ α``, ``α = denied_cost / (spoilage_cost + denied_cost)``; there
  ``Δ(N) ≥ 0`` (expected denied cost certainly dominates), so the optimum is at most ``N``
  (``N ≈ C/q + O(sqrt(C · log(1/α)) / q)``). ``α`` is floored at ``1e-12``: when denials
  are that cheap relative to spoilage, one more reservation saves at most ``spoilage_cost
  · q · 1e-12`` and the search stops there. ``max_limit`` caps it further.
- lower end: ``C``, or higher where Bernstein's inequality guarantees
  ``P(S_n ≥ C) < spoilage_cost / (spoilage_cost + denied_cost)``, i.e. ``Δ(n) < 0``.

With ``denied_cost = 0`` (and spoilage possible) the cost falls with every reservation, so
the answer is the upper end itself: ``max_limit`` if given, else ``N`` for ``α = 1e-12``.

The service-level limit and the empirical no-show mixture are in
:mod:`yieldopt.optimize._overbooking_variants`; they reuse the search helpers here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom

from .._validate import as_capacity, as_nonnegative, as_probabilities
from ..errors import InputError

__all__ = ["authorized_capacity", "overbooking_costs", "overbooking_limit"]

# Smallest tail probability the search bound aims for (see the module docstring).
_ALPHA_FLOOR = 1e-12
# Relative cost difference below which two limits tie (rounding noise of the cdf sums).
_TIE_RTOL = 1e-12
# Refuse searches wider than this per resource (memory and time); max_limit lifts it.
_MAX_CANDIDATES = 10_000_000
_MIN_PROB = 1e-9
# Elements of one (rows × candidates × mixture) work array; keeps temporaries near 16 MB.
_CHUNK_ELEMENTS = 1 << 21


# --------------------------------------------------------------------------- validation


def _scalar(name: str, a: NDArray[np.float64]) -> float:
    if a.ndim != 0:
        raise InputError(name, f"must be a scalar, got shape {a.shape}")
    return float(a)


def _show_prob(x: ArrayLike) -> NDArray[np.float64]:
    p = as_probabilities("show_prob", x)
    if np.any(p <= 0):
        raise InputError("show_prob", "must be positive (nobody would ever show)")
    # Below this the search bounds overflow: no booking limit is meaningful anyway.
    if np.any(p < _MIN_PROB):
        raise InputError("show_prob", f"is too small to overbook against (below {_MIN_PROB:g})")
    return p


def _cancel_prob(x: ArrayLike) -> NDArray[np.float64]:
    p = as_probabilities("cancel_prob", x)
    if np.any(p >= 1):
        # q = 0: shows never happen, so no finite limit is meaningful.
        raise InputError("cancel_prob", "must be below 1 (every reservation would cancel)")
    if np.any(1.0 - p < _MIN_PROB):
        raise InputError(
            "cancel_prob", f"leaves too few shows to overbook against (above 1 − {_MIN_PROB:g})"
        )
    return p


def _capacities(name: str, x: ArrayLike) -> NDArray[np.float64]:
    c = as_nonnegative(name, x)
    if np.any(c != np.floor(c)):
        raise InputError(name, "must be non-negative integers")
    return c


def _max_limit(x: ArrayLike | None, capacity: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return max_limit as floats (``inf`` when absent), checked to be ``>= capacity``."""
    if x is None:
        return np.full(capacity.shape, np.inf)
    m = _capacities("max_limit", x)
    try:
        m = np.broadcast_to(m, capacity.shape).astype(np.float64)
    except ValueError:
        raise InputError(
            "max_limit", f"shape {m.shape} does not broadcast to the capacities' {capacity.shape}"
        ) from None
    if np.any(m < capacity):
        raise InputError("max_limit", "must be at least the capacity")
    return m


# --------------------------------------------------------------------------- numerics


def _expectations(
    c: float | NDArray, n: NDArray, q: float | NDArray
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """``E[(c − S)^+]``, ``E[(S − c)^+]`` and ``P(S > c)`` for ``S ~ Binomial(n, q)``.

    Closed forms, two cdf values each, from ``E[S · 1{S ≤ k}] = nq · P(S' ≤ k − 1)`` with
    ``S' ~ Binomial(n − 1, q)``; no sum over seats. Arguments broadcast.
    """
    nq = n * q
    empty = _expected_empty(c, n, q)
    p_deny = binom.sf(c, n, q)
    denied = nq * binom.sf(c - 1, np.maximum(n - 1, 0), q) - c * p_deny
    # A difference of nearly equal terms; clip the rounding below zero.
    return empty, np.maximum(denied, 0.0), p_deny


def _expected_empty(c: float | NDArray, n: NDArray, q: float | NDArray) -> NDArray[np.float64]:
    """``E[(c − S)^+]`` for ``S ~ Binomial(n, q)`` (units); arguments broadcast."""
    n1 = np.maximum(n - 1, 0)  # n = 0 only when c = 0, where the n - 1 term vanishes anyway
    empty = c * binom.cdf(c - 1, n, q) - n * q * binom.cdf(c - 2, n1, q)
    return np.maximum(empty, 0.0)


def _bernstein_bound(c: NDArray, q: NDArray, alpha: NDArray) -> NDArray[np.float64]:
    """Smallest ``N ≥ c`` that Bernstein's inequality proves has ``P(Binomial(N, q) < c) ≤ alpha``.

    ``S < c`` means ``S − Nq ≤ −t`` with ``t = Nq − c + 1``; Bernstein (increments bounded
    by 1) gives ``exp(−t² / (2(Nq(1 − q) + t/3)))``. Setting ``Nq = c − 1 + t`` leaves a
    quadratic in ``t``, solved below. Needs ``q > 0``.
    """
    log_inv = np.log(1.0 / alpha)
    a = log_inv * (4.0 / 3.0 - q)
    t = a + np.sqrt(a * a + 2.0 * log_inv * (1.0 - q) * np.maximum(c - 1.0, 0.0))
    bound = np.ceil((c - 1.0 + t) / q) + 1.0  # + 1 guards the rounding of the division
    return np.where(c > 0, np.maximum(bound, c), c)


def _bernstein_floor(c: NDArray, q: NDArray, ratio: NDArray) -> NDArray[np.float64]:
    """Largest ``n0`` such that Bernstein proves ``P(Binomial(n, q) ≥ c) < ratio`` for ``n ≤ n0``.

    Returns ``c − 1`` when it proves nothing useful. Needs ``0 < q`` and ``0 < ratio``.
    ``S ≥ c`` means ``S − nq ≥ t`` with ``t = c − nq``; the bound
    ``exp(−t² / (2(nq(1 − q) + t/3)))`` falls as ``n`` falls, and ``nq = c − t`` again
    leaves a quadratic in ``t``. ``ratio`` is shrunk a little so the inequality is strict.
    """
    with np.errstate(divide="ignore"):
        log_inv = np.log(1.0 / (ratio * (1.0 - 1e-9)))
    b = log_inv * (2.0 / 3.0 - q)
    t = -b + np.sqrt(b * b + 2.0 * log_inv * (1.0 - q) * c)
    n0 = np.floor((c - t) / q)
    ok = (c > 0) & (q < 1) & (t > 0)
    return np.where(ok, np.maximum(n0, c - 1), c - 1)


def _ragged(
    lower: NDArray, upper: NDArray, what: str
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]]:
    """Candidate limits ``lower[i] .. upper[i]`` of every row, flattened without padding.

    Returns the limits (total,), the row of each (total,) and each row's first index (m,).
    """
    counts = (upper - lower + 1).astype(np.intp)
    if counts.size and counts.max() > _MAX_CANDIDATES:
        raise InputError(
            "show_prob",
            f"is so small that the {what} search needs {int(counts.max()):,} candidate "
            "limits; pass max_limit",
        )
    row = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    n = lower[row] + (np.arange(row.size) - starts[row])
    return n, row, starts


def _row_map(func, n: NDArray, row: NDArray, q: NDArray, w: NDArray) -> NDArray[np.float64]:
    """``Σ_j w[row, j] · func(row, n, q[row, j])`` per candidate, in chunks of bounded size."""
    out = np.empty(n.shape)
    block = max(1, _CHUNK_ELEMENTS // q.shape[1])
    for lo in range(0, n.size, block):
        r = row[lo : lo + block]
        vals = func(r[:, None], n[lo : lo + block, None], q[r])
        out[lo : lo + block] = np.sum(vals * w[r], axis=1)
    return out


def _active(q: NDArray, w: NDArray) -> NDArray[np.bool_]:
    return (w > 0) & (q > 0)


def _cost_optimal(
    c: NDArray, q: NDArray, w: NDArray, s: NDArray, d: NDArray, cap: NDArray
) -> NDArray[np.int64]:
    """Smallest cost-minimizing limit per row.

    Shapes: ``c``, ``s``, ``d``, ``cap`` (m,); ``q``, ``w`` (m, J), ``w`` summing to 1 per row.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(s > 0, s / (s + d), 0.0)
        alpha = np.where(s > 0, np.maximum(d / (s + d), _ALPHA_FLOOR), 1.0)
    active = _active(q, w)
    q_safe = np.where(active, q, 1.0)
    # Mixture: Δ = Σ_j w_j Δ_j, so where every showing component's Δ_j is ≥ 0 (< 0), so is Δ.
    per_upper = _bernstein_bound(c[:, None], q_safe, alpha[:, None])
    bound = np.max(np.where(active, per_upper, c[:, None]), axis=1)
    per_lower = _bernstein_floor(c[:, None], q_safe, np.maximum(ratio, 1e-300)[:, None])
    below = np.min(np.where(active, per_lower, np.inf), axis=1)  # Δ(n) < 0 for n ≤ below
    lower = np.where((s > 0) & np.isfinite(below), np.maximum(below + 1, c), c)
    # Free denials: f falls with every reservation while empty units remain possible.
    free = (d == 0) & (s > 0) & (c > 0) & np.any(active & (q < 1), axis=1)
    upper = np.where(free, c, np.minimum(bound, cap))
    lower = np.minimum(lower, upper)
    n, row, starts = _ragged(lower, upper, "cost")
    # f(n) = (s + d)·E[(C − S)^+] + d·(E[S] − C): one cdf pair per candidate, not two.
    empty = _row_map(lambda r, nn, qq: _expected_empty(c[r], nn, qq), n, row, q, w)
    mean_q = np.sum(q * w, axis=1)
    cost = (s + d)[row] * empty + d[row] * (n * mean_q[row] - c[row])
    tol = _TIE_RTOL * (s + d) * (1.0 + c)
    best = np.minimum.reduceat(cost, starts) if n.size else np.empty(0)
    ties = cost <= (best + tol)[row]
    first = np.minimum.reduceat(np.where(ties, np.arange(n.size), n.size), starts)
    result = lower + (first - starts) if n.size else lower  # the smallest minimizer
    free_answer = np.where(np.isfinite(cap), cap, bound)
    return np.where(free, free_answer, result).astype(np.int64)


# --------------------------------------------------------------------------- public API


def overbooking_limit(
    capacity: int,
    show_prob: float,
    denied_cost: float,
    spoilage_cost: float,
    *,
    cancel_prob: float = 0.0,
    max_limit: int | None = None,
) -> int:
    """Cost-optimal overbooking limit: the number of reservations to accept.

    Minimizes ``spoilage_cost · E[(C − S)^+] + denied_cost · E[(S − C)^+]`` over ``n ≥ C``
    with shows ``S ~ Binomial(n, show_prob · (1 − cancel_prob))``, evaluating every
    candidate ``n`` in one vectorized call; see the module docstring for the marginal
    rule, the search bound and tie handling.

    Parameters
    ----------
    capacity : int
        Physical capacity ``C`` of the resource (units), a non-negative integer.
    show_prob : float
        Probability that a reservation that was not cancelled shows, in (0, 1].
    denied_cost : float
        Cost of denying service to one customer who shows (money per customer), ≥ 0.
    spoilage_cost : float
        Value lost per unit left empty (money per unit), ≥ 0.
    cancel_prob : float, default 0.0
        Probability that a reservation cancels before service, in [0, 1).
    max_limit : int, optional
        Largest limit allowed (reservations), ``≥ capacity``.

    Returns
    -------
    int
        The smallest cost-minimizing limit ``n`` (reservations), ``capacity ≤ n``.

    Raises
    ------
    InputError
        Naming the argument that is out of range.

    Examples
    --------
    >>> overbooking_limit(100, 0.9, denied_cost=300.0, spoilage_cost=100.0)
    109
    """
    c = float(as_capacity("capacity", capacity))
    q = _scalar("show_prob", _show_prob(show_prob)) * (
        1.0 - _scalar("cancel_prob", _cancel_prob(cancel_prob))
    )
    d = _scalar("denied_cost", as_nonnegative("denied_cost", denied_cost))
    s = _scalar("spoilage_cost", as_nonnegative("spoilage_cost", spoilage_cost))
    cap = _max_limit(max_limit, np.array([c]))
    one = np.ones((1, 1))
    return int(_cost_optimal(np.array([c]), q * one, one, np.array([s]), np.array([d]), cap)[0])


def overbooking_costs(
    capacity: int,
    show_prob: float,
    denied_cost: float,
    spoilage_cost: float,
    limits: ArrayLike,
    *,
    cancel_prob: float = 0.0,
) -> pd.DataFrame:
    """Tabulate expected shows, empty units, denials and cost for each candidate limit.

    Shows the trade-off behind :func:`overbooking_limit`, one row per limit.

    Parameters
    ----------
    capacity : int
        Physical capacity ``C`` (units).
    show_prob : float
        Probability that a non-cancelled reservation shows, in (0, 1].
    denied_cost : float
        Cost per denied customer (money), ≥ 0.
    spoilage_cost : float
        Value lost per empty unit (money), ≥ 0.
    limits : array_like of int, shape (k,)
        Candidate limits (reservations), non-negative integers; may be below ``capacity``.
    cancel_prob : float, default 0.0
        Probability that a reservation cancels before service, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        ``k`` rows in the order of ``limits``, columns ``limit`` (reservations),
        ``expected_shows`` (customers), ``expected_empty`` (units), ``expected_denied``
        (customers), ``expected_cost`` (money) and ``p_deny`` (probability that at least
        one customer is denied, ``P(S > C)``).

    Examples
    --------
    >>> overbooking_costs(100, 0.9, 300.0, 100.0, [100, 109, 115]).expected_cost.round(1).tolist()
    [1000.0, 384.3, 1150.6]
    """
    c = float(as_capacity("capacity", capacity))
    q = _scalar("show_prob", _show_prob(show_prob)) * (
        1.0 - _scalar("cancel_prob", _cancel_prob(cancel_prob))
    )
    d = _scalar("denied_cost", as_nonnegative("denied_cost", denied_cost))
    s = _scalar("spoilage_cost", as_nonnegative("spoilage_cost", spoilage_cost))
    n = _capacities("limits", limits)
    if n.ndim != 1:
        raise InputError("limits", f"must be one-dimensional, got shape {n.shape}")
    empty, denied, p_deny = _expectations(c, n, q)
    return pd.DataFrame(
        {
            "limit": n.astype(np.int64),
            "expected_shows": n * q,
            "expected_empty": empty,
            "expected_denied": denied,
            "expected_cost": s * empty + d * denied,
            "p_deny": p_deny,
        }
    )


def authorized_capacity(
    capacity: ArrayLike,
    show_prob: ArrayLike,
    denied_cost: ArrayLike,
    spoilage_cost: ArrayLike,
    *,
    cancel_prob: ArrayLike = 0.0,
    max_limit: ArrayLike | None = None,
) -> NDArray[np.int64]:
    """Cost-optimal overbooking limits of many resources at once.

    Element ``i`` equals ``overbooking_limit(capacity[i], show_prob[i], ...)``; all
    resources are searched in one vectorized evaluation, so the result (authorized
    capacity per resource) can feed the network optimizers in place of physical capacity.

    Parameters
    ----------
    capacity : array_like of int, shape (...)
        Physical capacity per resource (units), non-negative integers.
    show_prob, denied_cost, spoilage_cost : array_like
        As in :func:`overbooking_limit`; scalars or arrays broadcastable with ``capacity``.
    cancel_prob : array_like, default 0.0
        Cancellation probability per resource, in [0, 1); broadcastable.
    max_limit : array_like of int, optional
        Largest limit per resource (reservations), ``≥ capacity``; broadcastable.

    Returns
    -------
    ndarray of int64, broadcast shape of the inputs
        Authorized capacity (reservations) per resource, ``≥ capacity``.

    Examples
    --------
    >>> authorized_capacity([100, 200], [0.9, 0.95], 300.0, 100.0).tolist()
    [109, 208]
    """
    c = _capacities("capacity", capacity)
    p = _show_prob(show_prob)
    k = _cancel_prob(cancel_prob)
    d = as_nonnegative("denied_cost", denied_cost)
    s = as_nonnegative("spoilage_cost", spoilage_cost)
    try:
        c, p, k, d, s = np.broadcast_arrays(c, p, k, d, s)
    except ValueError:
        raise InputError(
            "capacity",
            f"shape {np.shape(c)} does not broadcast with show_prob {p.shape}, "
            f"cancel_prob {k.shape}, denied_cost {d.shape}, spoilage_cost {s.shape}",
        ) from None
    cap = _max_limit(max_limit, c)
    shape = c.shape
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (c, p * (1.0 - k), s, d, cap)]
    c1, q1, s1, d1, cap1 = flat
    out = _cost_optimal(c1, q1[:, None], np.ones((c1.size, 1)), s1, d1, cap1)
    return out.reshape(shape)
