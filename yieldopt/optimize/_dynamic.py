"""Dynamic single-resource model (Lee & Hersh 1993): exact dynamic program over time.

The horizon has ``T`` periods, short enough that at most one request arrives in
each: class ``j`` arrives in period ``t`` with probability ``λ[t, j]``. With ``x``
units left the value function obeys

``V_t(x) = V_{t+1}(x) + sum_j λ[t, j] · max(p_j − ΔV_{t+1}(x), 0)``,  ``V_T = V_t(0) = 0``,

where ``ΔV_{t+1}(x) = V_{t+1}(x) − V_{t+1}(x − 1)`` is the bid price: a class-``j``
request in period ``t`` is accepted iff ``p_j >= ΔV_{t+1}(x)``. Because ``ΔV`` is
non-increasing in ``x`` and fares are sorted, the classes worth accepting form a
prefix, so each period costs one ``searchsorted`` of the fares into the bid prices
instead of a loop over classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import as_capacity, as_descending_fares, as_probabilities
from ..errors import InputError
from ._rule import ACCEPT_RTOL
from ._rule import accepts as accepts_rule
from ._value_table import ValueTable

__all__ = ["DynamicSolution", "single_leg_dp"]


@dataclass(frozen=True, eq=False)
class DynamicSolution(ValueTable):
    """Result of :func:`single_leg_dp`.

    A single resource has no resource ids, so this is not a
    :class:`~yieldopt.optimize.BidPriceResult`: :attr:`bid_prices` is the whole table per
    period and units left. :meth:`bid_prices_at` and :meth:`accepts` take the arguments of the
    network results, with the product a (0-based) class and ``remaining`` the units left.

    Attributes
    ----------
    value : ndarray, shape (T + 1, C + 1)
        ``value[t, x]``: optimal expected revenue (money) from period ``t`` on with ``x``
        units left; ``value[0, C]`` is the optimum, ``value[T] = 0``.
    fares : ndarray, shape (n,)
        Class fares (money per unit), descending.
    """

    value: NDArray[np.float64]
    fares: NDArray[np.float64]

    @cached_property
    def open_classes(self) -> NDArray[np.int64]:
        """The accept/reject policy, shape (T, C + 1): classes ``0..k-1`` are open.

        ``open_classes[t, x] = k`` means a request of (0-based) class ``j`` in period
        ``t`` with ``x`` units left is accepted iff ``j < k`` (the rule of :meth:`accepts`).
        """
        # Fares are descending; count those at or above each bid price, with the one rule's
        # tolerance (ties accept) so the table and accepts() never disagree.
        bid = self.bid_prices
        with np.errstate(invalid="ignore"):
            slack = np.where(np.isfinite(bid), ACCEPT_RTOL * np.maximum(1.0, np.abs(bid)), 0.0)
        return np.searchsorted(-self.fares, -(bid - slack), side="right")

    def accepts(
        self, product: ArrayLike, remaining: ArrayLike | None = None, t: ArrayLike = 0
    ) -> NDArray[np.bool_] | bool:
        """Whether to accept a class-``product`` request in period ``t`` with ``remaining`` left.

        The one rule: ``fares[j] >= ΔV_{t+1}(x)`` (ties accept), never with nothing left.

        Parameters
        ----------
        product : int or array_like of int
            Class (0-based).
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
                "product", f"must be classes in [0, {self.fares.size}), got {product!r}"
            )
        tt, x = self._state(t, remaining)
        return accepts_rule(self.fares[j], self.bid_prices[tt, x])


def single_leg_dp(capacity: int, fares: ArrayLike, arrival_probs: ArrayLike) -> DynamicSolution:
    """Solve the dynamic single-resource capacity allocation problem exactly.

    Parameters
    ----------
    capacity : int
        Units to sell, ``C >= 0``.
    fares : array_like, shape (n,)
        Fare of each class (money per unit), strictly descending.
    arrival_probs : array_like, shape (T, n)
        ``arrival_probs[t, j]``: probability that a class-``j`` request arrives in period
        ``t`` (0-based, period 0 is the start of the horizon); each row sums to at most 1.

    Returns
    -------
    DynamicSolution
        Value function ``value`` (T + 1 × C + 1), ``bid_prices`` and ``open_classes``
        (T × C + 1), ``bid_prices_at(t, remaining)`` and ``accepts(product, remaining, t)``.

    Examples
    --------
    >>> sol = single_leg_dp(1, [100.0, 50.0], [[0.5, 0.5], [0.5, 0.5]])
    >>> sol.expected_revenue  # last period takes anything; first only the high fare
    87.5
    >>> sol.bid_prices_at(t=0, remaining=1), sol.accepts(1, remaining=1, t=0)
    (75.0, False)
    """
    c = as_capacity("capacity", capacity)
    f = as_descending_fares("fares", fares)
    if f.ndim != 1:
        raise InputError("fares", f"must be one-dimensional, got shape {f.shape}")
    lam = as_probabilities("arrival_probs", arrival_probs)
    if lam.ndim != 2 or lam.shape[1] != f.shape[0]:
        raise InputError(
            "arrival_probs", f"must have shape (T, {f.shape[0]}) to match fares, got {lam.shape}"
        )
    if np.any(lam.sum(axis=1) > 1 + 1e-9):
        t = int(np.argmax(lam.sum(axis=1) > 1 + 1e-9))
        raise InputError("arrival_probs", f"row {t} sums to more than 1")
    periods = lam.shape[0]
    zero = np.zeros((periods, 1))
    # Prefix sums over classes: with k classes open, E[gain] = cf[k] - ΔV · cl[k].
    cum_prob = np.concatenate([zero, np.cumsum(lam, axis=1)], axis=1)
    cum_fare = np.concatenate([zero, np.cumsum(lam * f, axis=1)], axis=1)
    neg_fares = -f

    value = np.empty((periods + 1, c + 1))
    value[periods] = 0.0
    value[:, 0] = 0.0
    bid = np.empty(c)
    neg_bid = np.empty(c)
    scratch = np.empty(c)
    for t in range(periods - 1, -1, -1):
        nxt, out = value[t + 1], value[t, 1:]
        np.subtract(nxt[1:], nxt[:-1], out=bid)
        np.negative(bid, out=neg_bid)
        # First x at which class j is worth accepting (bid prices fall as x grows).
        first = neg_bid.searchsorted(neg_fares, "left")
        counts = np.diff(first, prepend=0, append=c)
        np.multiply(bid, np.repeat(cum_prob[t], counts), out=scratch)
        np.subtract(np.repeat(cum_fare[t], counts), scratch, out=out)
        out += nxt[1:]
    return DynamicSolution(value=value, fares=f)
