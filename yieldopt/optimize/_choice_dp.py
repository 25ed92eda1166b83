"""Choice-based single-resource dynamic program (Talluri & van Ryzin 2004).

The horizon has ``T`` periods with at most one arrival each, with probability ``λ_t``. An
arriving customer sees the offer set ``S`` and buys product ``j ∈ S`` with probability
``P_j(S)`` (the choice model), or nothing. With ``x`` units left

``V_t(x) = V_{t+1}(x) + λ_t · max_S [R(S) − Q(S) · ΔV_{t+1}(x)]``,  ``V_T = V_t(0) = 0``,

where ``Q(S) = Σ_j P_j(S)`` (probability of a sale), ``R(S) = Σ_j f_j P_j(S)`` (expected
revenue per arrival) and ``ΔV_{t+1}(x) = V_{t+1}(x) − V_{t+1}(x − 1)`` is the bid price.

Only the *efficient sets* can be optimal: the vertices of the upper concave hull of the
points ``(Q(S), R(S))`` (with the empty set at the origin), ordered by increasing ``Q``.
With ``0 = Q_0 < Q_1 < …`` and hull slopes ``s_k = (R_k − R_{k−1}) / (Q_k − Q_{k−1})``
(decreasing), set ``k`` is optimal exactly when ``s_{k+1} <= ΔV <= s_k``, so each period is
one ``searchsorted`` of the bid prices into the slopes. For a single-segment MNL the
efficient sets are nested by fare (T&vR 2004, Theorem 5), so only the ``n`` fare-nested sets
need to be scored; for other models every one of the ``2^n − 1`` sets is scored (``n <= 16``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import as_capacity
from ..errors import InputError
from ._fare_adjustment import efficient_frontier
from ._rule import ACCEPT_RTOL
from ._value_table import ValueTable

__all__ = ["ChoiceDPSolution", "ChoiceModel", "all_offer_sets", "single_leg_choice_dp"]

# Largest number of products whose 2^n offer sets are enumerated.
MAX_ENUMERATED = 16


@runtime_checkable
class ChoiceModel(Protocol):
    """Anything that gives purchase probabilities for batches of offer sets."""

    def purchase_probs(self, offer: ArrayLike) -> NDArray[np.float64]:
        """Probability of buying each product, shape (..., n), for offer masks (..., n)."""
        ...


def all_offer_sets(n: int) -> NDArray[np.bool_]:
    """Every subset of ``n`` products as a boolean mask, shape (2^n, n); row 0 is empty.

    Row ``k`` offers product ``j`` iff bit ``j`` of ``k`` is set.

    Examples
    --------
    >>> all_offer_sets(2).astype(int).tolist()
    [[0, 0], [1, 0], [0, 1], [1, 1]]
    """
    if n > MAX_ENUMERATED:
        raise InputError("choice", f"cannot enumerate 2^{n} offer sets (at most {MAX_ENUMERATED})")
    k = np.arange(2**n, dtype=np.int64)
    return ((k[:, None] >> np.arange(n)) & 1).astype(bool)


def _is_single_mnl(choice: object) -> bool:
    """Tell whether ``choice`` is a single-segment MNL (efficient sets nested by fare)."""
    w = getattr(choice, "weights", None)
    return (
        w is not None
        and getattr(choice, "no_purchase", None) is not None
        and np.ndim(w) == 2
        and np.shape(w)[0] == 1
    )


@dataclass(frozen=True, eq=False)
class ChoiceDPSolution(ValueTable):
    """Result of :func:`single_leg_choice_dp`.

    Like :class:`~yieldopt.optimize.DynamicSolution`, a single resource has no resource ids:
    :attr:`bid_prices` is the whole table per period and units left, and the products of
    :meth:`accepts` are (0-based) product positions.

    Attributes
    ----------
    value : ndarray, shape (T + 1, C + 1)
        ``value[t, x]``: optimal expected revenue (money) from period ``t`` on with ``x``
        units left; ``value[0, C]`` is the optimum.
    offer_sets : ndarray of int, shape (T, C + 1)
        Index into :attr:`efficient_sets` of the optimal offer set in period ``t`` with ``x``
        units left (0, the empty set, when ``x = 0``).
    efficient_sets : tuple of tuple of int
        The efficient sets (product positions, ascending), by increasing sale probability;
        the first is the empty set.
    sale_prob : ndarray, shape (K,)
        ``Q`` of each efficient set: probability that an arrival buys (dimensionless).
    revenue : ndarray, shape (K,)
        ``R`` of each efficient set: expected revenue per arrival (money).
    fares : ndarray, shape (n,)
        Product fares (money per unit).
    """

    value: NDArray[np.float64]
    offer_sets: NDArray[np.int64]
    efficient_sets: tuple[tuple[int, ...], ...]
    sale_prob: NDArray[np.float64]
    revenue: NDArray[np.float64]
    fares: NDArray[np.float64]

    @cached_property
    def efficient_masks(self) -> NDArray[np.bool_]:
        """The efficient sets as boolean masks, shape (K, n)."""
        out = np.zeros((len(self.efficient_sets), self.fares.size), dtype=bool)
        for k, s in enumerate(self.efficient_sets):
            out[k, list(s)] = True
        return out

    def offer_at(self, t: int = 0, remaining: int | None = None) -> tuple[int, ...]:
        """Return the optimal offer set (product positions) in period ``t``, ``remaining`` left."""
        tt, x = self._state(t, remaining)
        return self.efficient_sets[int(self.offer_sets[int(tt), int(x)])]

    def accepts(
        self, product: ArrayLike, remaining: ArrayLike | None = None, t: ArrayLike = 0
    ) -> NDArray[np.bool_] | bool:
        """Whether ``product`` is in the optimal offer set in period ``t`` with ``remaining`` left.

        Under choice the control is the offer set, not a fare-versus-bid-price test: a
        product is sold iff it is open, and the optimal set maximizes
        ``Σ_j P_j(S)(f_j − ΔV)``, which may open a product whose fare is below the bid price
        (it draws sales from no-purchase) or close one above it (it would cannibalize a
        dearer product).

        Parameters
        ----------
        product : int or array_like of int
            Product position (0-based).
        remaining : int or array_like of int, optional
            Units left (default: the capacity ``C``).
        t : int or array_like of int
            Period (0-based).

        Returns
        -------
        bool or ndarray of bool
            A ``bool`` for scalar arguments, else the broadcast shape of the arguments.
        """
        j = np.asarray(product)
        if j.dtype.kind not in "iu" or np.any((j < 0) | (j >= self.fares.size)):
            raise InputError(
                "product", f"must be products in [0, {self.fares.size}), got {product!r}"
            )
        tt, x = self._state(t, remaining)
        out = self.efficient_masks[self.offer_sets[tt, x], j]
        return bool(out) if out.ndim == 0 else out


def _arrivals(arrival_probs: ArrayLike, periods: int | None) -> NDArray[np.float64]:
    lam = np.asarray(arrival_probs, dtype=np.float64)
    if lam.ndim == 0:
        if periods is None or int(periods) != periods or periods < 1:
            raise InputError("periods", "a positive number of periods is needed with a scalar λ")
        lam = np.full(int(periods), float(lam))
    if lam.ndim != 1 or lam.size == 0:
        raise InputError("arrival_probs", f"must be a scalar or shape (T,), got {lam.shape}")
    if periods is not None and lam.size != periods:
        raise InputError("periods", f"is {periods} but arrival_probs has {lam.size} periods")
    if np.any(~np.isfinite(lam)) or np.any((lam < 0) | (lam > 1)):
        raise InputError("arrival_probs", "must be probabilities in [0, 1]")
    return lam


def single_leg_choice_dp(
    capacity: int,
    fares: ArrayLike,
    arrival_probs: ArrayLike,
    choice: ChoiceModel,
    *,
    periods: int | None = None,
    sets: Literal["auto", "all", "nested"] = "auto",
) -> ChoiceDPSolution:
    """Solve the choice-based single-resource dynamic program exactly.

    Parameters
    ----------
    capacity : int
        Units to sell, ``C >= 0``.
    fares : array_like, shape (n,)
        Fare of each product (money per unit), any order.
    arrival_probs : float or array_like, shape (T,)
        ``λ_t``: probability that a customer arrives in period ``t`` (0-based).
    choice : ChoiceModel
        ``choice.purchase_probs(offer)`` for boolean masks of shape (..., n), e.g.
        :class:`yieldopt.choice.MNL`.
    periods : int, optional
        Number of periods ``T``; needed when ``arrival_probs`` is a scalar.
    sets : {"auto", "all", "nested"}
        Candidate offer sets: ``"all"`` scores every subset (``n <= 16``); ``"nested"`` only
        the sets of the ``k`` highest fares (exact for a single-segment MNL); ``"auto"`` is
        ``"nested"`` for a single-segment MNL and ``"all"`` otherwise.

    Returns
    -------
    ChoiceDPSolution

    Examples
    --------
    >>> from yieldopt.choice import MNL
    >>> sol = single_leg_choice_dp(1, [90.0, 60.0], 1.0, MNL([[1.0, 1.0]], [1.0]), periods=1)
    >>> sol.expected_revenue  # one period, one unit: offer both, (90 + 60) / 3 > 90 / 2
    50.0
    >>> sol.offer_at(0, 1)
    (0, 1)
    """
    c = as_capacity("capacity", capacity)
    f = np.asarray(fares, dtype=np.float64)
    if f.ndim != 1 or f.size == 0 or not np.all(np.isfinite(f)):
        raise InputError("fares", f"must be a non-empty 1-d array of finite fares, got {f.shape}")
    lam = _arrivals(arrival_probs, periods)
    n = f.size
    if sets not in ("auto", "all", "nested"):
        raise InputError("sets", f"must be 'auto', 'all' or 'nested', got {sets!r}")
    nested = sets == "nested" or (sets == "auto" and _is_single_mnl(choice))
    if nested:
        order = np.argsort(-f, kind="stable")
        masks = np.zeros((n + 1, n), dtype=bool)
        for k in range(1, n + 1):
            masks[k, order[:k]] = True
    else:
        masks = all_offer_sets(n)
    probs = np.asarray(choice.purchase_probs(masks), dtype=np.float64)
    if probs.shape != masks.shape:
        raise InputError("choice", f"purchase_probs gave shape {probs.shape}, need {masks.shape}")
    q_all, r_all = probs.sum(axis=1), probs @ f
    # Efficient sets: hull vertices of (Q, R) with positive marginal revenue (row 0 is empty).
    on_hull = efficient_frontier(q_all[1:], r_all[1:])
    idx = np.flatnonzero(on_hull) + 1
    idx = idx[np.argsort(q_all[idx], kind="stable")]
    q = np.concatenate([[0.0], q_all[idx]])
    r = np.concatenate([[0.0], r_all[idx]])
    slopes = np.diff(r) / np.diff(q)  # decreasing, > 0
    eff_sets = ((), *(tuple(int(j) for j in np.flatnonzero(masks[k])) for k in idx))

    value = np.zeros((lam.size + 1, c + 1))
    choice_idx = np.zeros((lam.size, c + 1), dtype=np.int64)
    neg_slopes = -slopes
    for t in range(lam.size - 1, -1, -1):
        nxt = value[t + 1]
        bid = nxt[1:] - nxt[:-1]
        # Set k is optimal while ΔV <= s_k; ties go to the larger set (the one rule: ties accept).
        slack = ACCEPT_RTOL * np.maximum(1.0, np.abs(bid))
        k = np.searchsorted(neg_slopes, -(bid - slack), side="right")
        choice_idx[t, 1:] = k
        value[t, 1:] = nxt[1:] + lam[t] * (r[k] - q[k] * bid)
    return ChoiceDPSolution(
        value=value,
        offer_sets=choice_idx,
        efficient_sets=eff_sets,
        sale_prob=q,
        revenue=r,
        fares=f,
    )
