"""Overbooking variants: a service-level limit and limits from empirical no-show rates.

Both build on the binomial show model and the vectorized candidate search of
:mod:`yieldopt.optimize._overbooking` (``S_n ~ Binomial(n, q)`` shows from ``n``
reservations, ``q = show_prob · (1 − cancel_prob)``, capacity ``C``).

Service level. Instead of pricing denials, cap the chance of denying anyone:
``P(S_n > C)`` is non-decreasing in ``n``, so the limits with ``P(S_n > C) ≤ epsilon`` are
``C..n*``; Bernstein's inequality brackets ``n*`` and every candidate in the bracket is
evaluated at once, as for the cost-optimal limit.

Empirical no-shows. Instead of one show probability, a sample of historical no-show
fractions ``r_1..r_J`` (one per past night or flight, optional weights ``w_j``) is taken
as the distribution of the no-show rate of the coming night: with probability ``w_j`` the
night behaves like night ``j``, and given that, each non-cancelled reservation shows
independently with probability ``1 − r_j``. Shows are the mixture
``Σ_j w_j · Binomial(n, (1 − cancel_prob)(1 − r_j))``; the cost is the same weighted
mixture of the binomial cost ``f``, still convex in ``n``. The sample's spread makes shows
over-dispersed relative to a single binomial, which the single-rate model misses.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom

from .._validate import as_capacity, as_nonnegative, as_probabilities
from ..errors import InputError
from ._overbooking import (
    _active,
    _bernstein_bound,
    _cancel_prob,
    _cost_optimal,
    _max_limit,
    _ragged,
    _row_map,
    _scalar,
    _show_prob,
)

__all__ = ["overbooking_limit_empirical", "overbooking_limit_service"]


def _service_optimal(
    c: NDArray, q: NDArray, w: NDArray, eps: NDArray, cap: NDArray
) -> NDArray[np.float64]:
    """Largest limit with ``P(S > c) ≤ eps`` per row; ``inf`` where it never binds and no cap.

    Shapes as in ``_cost_optimal``; ``eps`` (m,) in [0, 1).
    """
    active = _active(q, w)
    reach = np.sum(np.where(active, w, 0.0), axis=1)  # sup over n of P(S_n > c)
    binds = (eps < reach) & (eps > 0)
    # Aim each showing component at P_j(S_N ≤ c) ≤ alpha, so the mixture's
    # P(S_N > c) ≥ reach·(1 − alpha) = (reach + eps)/2 > eps.
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(binds, (1.0 - eps / reach) / 2.0, 1.0)
    per_component = _bernstein_bound(c[:, None] + 1, np.where(active, q, 1.0), alpha[:, None])
    bound = np.max(np.where(active, per_component, c[:, None]), axis=1)
    upper = np.where(binds, np.minimum(bound, cap), c)
    n, row, starts = _ragged(c, upper, "service-level")
    p_deny = _row_map(lambda r, nn, qq: binom.sf(c[r], nn, qq), n, row, q, w)
    # P(S_n > c) is non-decreasing in n: count the limits that meet the level.
    result = c - 1 + np.add.reduceat((p_deny <= eps[row]).astype(np.intp), starts)
    # eps = 0 gives c: any overbooking has a positive denial chance (q > 0), even if the
    # float underflows. Where the level can never be exceeded, only the cap limits.
    never = (eps >= reach) & (eps > 0)
    return np.where(never, cap, result)


def overbooking_limit_service(
    capacity: int,
    show_prob: float,
    epsilon: float,
    *,
    cancel_prob: float = 0.0,
    max_limit: int | None = None,
) -> int:
    """Service-level overbooking limit: the largest ``n`` with ``P(S_n > C) ≤ epsilon``.

    ``P(S_n > C)``, the chance that at least one customer is denied, is non-decreasing in
    ``n``, so the limits that meet the service level are ``C..n``.

    Parameters
    ----------
    capacity : int
        Physical capacity ``C`` (units).
    show_prob : float
        Probability that a non-cancelled reservation shows, in (0, 1].
    epsilon : float
        Largest acceptable probability of denying anyone, in [0, 1).
    cancel_prob : float, default 0.0
        Probability that a reservation cancels before service, in [0, 1).
    max_limit : int, optional
        Largest limit allowed (reservations), ``≥ capacity``.

    Returns
    -------
    int
        The limit (reservations), ``≥ capacity``; ``capacity`` when ``epsilon = 0``.

    Examples
    --------
    >>> overbooking_limit_service(100, 0.9, 0.05)
    106
    """
    c = float(as_capacity("capacity", capacity))
    q = _scalar("show_prob", _show_prob(show_prob)) * (
        1.0 - _scalar("cancel_prob", _cancel_prob(cancel_prob))
    )
    eps = _epsilon(epsilon)
    cap = _max_limit(max_limit, np.array([c]))
    one = np.ones((1, 1))
    return int(_service_optimal(np.array([c]), q * one, one, np.array([eps]), cap)[0])


def _epsilon(x: ArrayLike) -> float:
    eps = _scalar("epsilon", as_probabilities("epsilon", x))
    if eps >= 1:
        raise InputError("epsilon", "must lie in [0, 1)")
    return eps


def overbooking_limit_empirical(
    capacity: int,
    no_show_rates: ArrayLike,
    denied_cost: float,
    spoilage_cost: float,
    *,
    weights: ArrayLike | None = None,
    cancel_prob: float = 0.0,
    epsilon: float | None = None,
    max_limit: int | None = None,
) -> int:
    """Cost-optimal overbooking limit from a sample of historical no-show rates.

    Shows given ``n`` reservations are the mixture ``Σ_j w_j · Binomial(n, (1 −
    cancel_prob)(1 − r_j))`` over the sample (module docstring); the cost objective is the
    one of :func:`overbooking_limit`. A single rate ``r`` gives exactly
    ``overbooking_limit(capacity, 1 − r, ...)``.

    Parameters
    ----------
    capacity : int
        Physical capacity ``C`` (units).
    no_show_rates : array_like, shape (J,)
        Observed no-show fractions of past nights or flights, each in [0, 1], ``J ≥ 1``.
    denied_cost : float
        Cost per denied customer (money), ≥ 0.
    spoilage_cost : float
        Value lost per empty unit (money), ≥ 0.
    weights : array_like, shape (J,), optional
        Non-negative weights of the observations (e.g. recency), not all zero; normalized
        here. Equal weights by default.
    cancel_prob : float, default 0.0
        Probability that a reservation cancels before service, in [0, 1).
    epsilon : float, optional
        Service level in [0, 1): when given, the limit is also capped at the largest ``n``
        whose mixture ``P(S_n > C) ≤ epsilon``. The cost is convex in ``n``, so the
        result, ``min(cost-optimal n, service-level n)``, is the cost-optimal limit that
        meets the service level.
    max_limit : int, optional
        Largest limit allowed (reservations), ``≥ capacity``.

    Returns
    -------
    int
        The limit (reservations), ``≥ capacity``.

    Examples
    --------
    >>> overbooking_limit_empirical(100, [0.05, 0.1, 0.15], 300.0, 100.0)
    106
    """
    c = float(as_capacity("capacity", capacity))
    rates = as_probabilities("no_show_rates", no_show_rates)
    if rates.ndim != 1 or rates.size == 0:
        raise InputError(
            "no_show_rates", f"must be a non-empty 1-D sample, got shape {rates.shape}"
        )
    if weights is None:
        w = np.full(rates.shape, 1.0 / rates.size)
    else:
        w = as_nonnegative("weights", weights)
        if w.shape != rates.shape:
            raise InputError(
                "weights", f"has shape {w.shape} but no_show_rates has shape {rates.shape}"
            )
        if w.sum() <= 0:
            raise InputError("weights", "must not all be zero")
        w = w / w.sum()
    keep = 1.0 - _scalar("cancel_prob", _cancel_prob(cancel_prob))
    d = _scalar("denied_cost", as_nonnegative("denied_cost", denied_cost))
    s = _scalar("spoilage_cost", as_nonnegative("spoilage_cost", spoilage_cost))
    cc = np.array([c])
    cap = _max_limit(max_limit, cc)
    q, ww = (keep * (1.0 - rates))[None, :], w[None, :]
    if epsilon is not None:
        cap = np.minimum(cap, _service_optimal(cc, q, ww, np.array([_epsilon(epsilon)]), cap))
    return int(_cost_optimal(cc, q, ww, np.array([s]), np.array([d]), cap)[0])
