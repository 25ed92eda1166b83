"""Dynamic, capacity-dependent bid prices by dynamic-programming decomposition.

The network DP is split into one single-resource DP per resource (Talluri & van
Ryzin 2004, §3.4.3). On resource ``i`` product ``j`` is worth its value less the
DLP bid prices of its other resources, ``r_ij = v_j − Σ_{k in j, k != i} π_k``;
products with ``r_ij <= 0`` are never taken. With the period-by-period arrival
probabilities of the products that use it, resource ``i`` gets an exact
Lee–Hersh value function ``V_i(t, x)``. The bid price of resource ``i`` in period
``t`` with ``x`` units left is ``ΔV_i(t+1, x)``, and a request for ``j`` is
accepted when ``v_j >= Σ_{i in j} ΔV_i(t+1, x_i)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .._validate import as_probabilities
from ..errors import InputError
from ..model import Network
from ._lp import Solver
from ._network_lp import _capacity, dlp
from ._result import (
    ProductLike,
    RemainingLike,
    broadcast_states,
    product_positions,
    remaining_states,
    route_totals,
    routes,
)
from ._rule import accepts as accepts_rule

__all__ = ["DecompositionResult", "dp_decomposition"]


@dataclass(frozen=True, eq=False)
class DecompositionResult:
    """Result of :func:`dp_decomposition`; a :class:`~yieldopt.optimize.DynamicBidPriceResult`.

    Attributes
    ----------
    values : list of ndarray
        Per resource ``i``, the value function of shape (T + 1, C_i + 1) (money).
    static_bid_prices : pandas.Series
        DLP bid prices used to split product values (money per unit).
    product_values : ndarray, shape (n,)
        Product values ``v_j`` (money per unit).
    resources : list of ndarray
        Per product, the positions of the resources it uses.
    network : Network
        The network.

    Notes
    -----
    The bid price of resource ``i`` for a request in period ``t`` with ``x`` units left is
    ``ΔV_i(t + 1, x) = V_i(t + 1, x) − V_i(t + 1, x − 1)`` (``inf`` at ``x = 0``; ``x`` above
    the capacity counts as the capacity). :attr:`bid_prices` is its value at ``t = 0`` with
    full capacity; :meth:`bid_prices_at` gives any state and :meth:`accepts` sells ``j`` iff
    ``v_j`` covers the sum over its resources (the one rule, ties accept).
    """

    values: list[NDArray[np.float64]]
    static_bid_prices: pd.Series
    product_values: NDArray[np.float64]
    resources: list[NDArray[np.int64]]
    network: Network = field(repr=False)

    @property
    def expected_values(self) -> NDArray[np.float64]:
        """``V_i(0, C_i)`` per resource (money).

        Each counts its products at their displacement-adjusted value, so the sum is
        not the network's value; ``V_i(0, C_i) + Σ_{k != i} π_k C_k`` approximates it.
        """
        return np.array([v[0, -1] for v in self.values])

    @property
    def capacity(self) -> NDArray[np.float64]:
        """Capacity the value functions were computed for, shape (m,) (units)."""
        return np.array([v.shape[1] - 1 for v in self.values], dtype=np.float64)

    @property
    def periods(self) -> int:
        """Number of periods ``T`` of the value functions."""
        return self.values[0].shape[0] - 1

    @property
    def bid_prices(self) -> pd.Series:
        """Bid price by resource id at the start (``t = 0``) with full capacity (money per unit)."""
        start = self._prices(np.zeros(1, dtype=np.int64), self.capacity[None, :])[0]
        return pd.Series(start, index=self.network.resource_ids, name="bid_price")

    def _prices(self, t: NDArray[np.int64], rem: NDArray[np.float64]) -> NDArray[np.float64]:
        """``ΔV_i(t + 1, x_i)`` for states ``(t[k], rem[k])``, shape (k, m)."""
        out = np.empty(rem.shape)
        # One array operation per resource (m is small next to the states).
        for i, v in enumerate(self.values):
            x = np.minimum(rem[:, i], v.shape[1] - 1).astype(np.int64)
            hi = v[t + 1, x]
            lo = v[t + 1, np.maximum(x - 1, 0)]
            out[:, i] = np.where(x > 0, hi - lo, np.inf)
        return out

    def _states(
        self, t: ArrayLike, remaining: RemainingLike
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], bool]:
        tt = np.asarray(t)
        if tt.dtype.kind not in "iu" or tt.ndim > 1:
            raise InputError("t", f"must be an integer period or a 1-d array of them, got {t!r}")
        if np.any((tt < 0) | (tt >= self.periods)):
            raise InputError("t", f"periods run from 0 to {self.periods - 1}, got {t!r}")
        rem, single = remaining_states(self.network, remaining, self.capacity)
        t2, rem = broadcast_states(np.atleast_1d(tt).astype(np.int64)[:, None], rem)
        return t2[:, 0], rem, single and tt.ndim == 0

    def bid_prices_at(
        self, t: ArrayLike = 0, remaining: RemainingLike = None
    ) -> pd.Series | NDArray[np.float64]:
        """Bid price of every resource for a request in period ``t`` with ``remaining`` left.

        Parameters
        ----------
        t : int or array_like of int, shape (k,)
            Period (0-based, ``0 <= t < T``).
        remaining : None, mapping or array_like, shape (m,) or (k, m)
            Units left per resource (``None``: full capacity); ``inf`` is returned where
            none are left.

        Returns
        -------
        pandas.Series or ndarray, shape (k, m)
            A Series by resource id for one state, else one row of bid prices per state
            (money per unit).
        """
        tt, rem, one = self._states(t, remaining)
        prices = self._prices(tt, rem)
        if one:
            return pd.Series(prices[0], index=self.network.resource_ids, name="bid_price")
        return prices

    def accepts(
        self, product: ProductLike, remaining: RemainingLike = None, t: ArrayLike = 0
    ) -> bool | NDArray[np.bool_]:
        """Whether to sell ``product`` in period ``t``: ``v_j >= Σ_{i in j} ΔV_i(t + 1, x_i)``.

        Parameters
        ----------
        product : int, str or array_like of them, shape (k,)
            Product position or id.
        remaining : None, mapping or array_like, shape (m,) or (k, m)
            Units left per resource (``None``: full capacity).
        t : int or array_like of int, shape (k,)
            Period of the request (0-based).

        Returns
        -------
        bool or ndarray of bool, shape (k,)
            See :class:`~yieldopt.optimize.BidPriceResult`.
        """
        pos, one_product = product_positions(self.network, product)
        tt, rem, one_state = self._states(t, remaining)
        pos2, tt2, rem = broadcast_states(pos[:, None], tt[:, None], rem)
        pos, tt = pos2[:, 0], tt2[:, 0]
        total = route_totals(routes(self.network.incidence), self._prices(tt, rem), pos)
        ok = np.asarray(accepts_rule(self.product_values[pos], total))
        return bool(ok[0]) if one_product and one_state else ok


def _resource_dps(
    capacity: NDArray[np.int64],
    classes: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
    periods: int,
) -> NDArray[np.float64]:
    """Lee–Hersh value functions of all resources at once, shape (T + 1, m, C_max + 1).

    Each resource has its own fares (padded with 0, which never adds value) and
    per-period probabilities; every period updates all resources in one array
    operation instead of one DP per resource.
    """
    m = capacity.size
    width = max((f.size for f, _ in classes), default=0)
    top = int(capacity.max(initial=0))
    value = np.zeros((periods + 1, m, top + 1))
    if width == 0 or top == 0:
        return value
    fares = np.zeros((m, width))
    probs = np.zeros((periods, m, width))
    for i, (f, p) in enumerate(classes):
        fares[i, : f.size] = f
        probs[:, i, : f.size] = p
    # With k classes worth taking (fares sorted, so a prefix), the expected gain of a
    # period is Σ_{j<k} λ_j p_j − ΔV · Σ_{j<k} λ_j: prefix sums over classes.
    zero = np.zeros((periods, m, 1))
    cum_prob = np.concatenate([zero, np.cumsum(probs, axis=2)], axis=2).reshape(periods, -1)
    cum_fare = np.concatenate([zero, np.cumsum(probs * fares, axis=2)], axis=2).reshape(periods, -1)
    # One searchsorted for all resources: row i of the (ascending) negated fares is
    # shifted by i · span so rows never interleave.
    span = 4.0 * (fares.max(initial=0.0) + 1.0)
    shift = span * np.arange(m)[:, None]
    flat = (-fares + shift).ravel()
    base = (np.arange(m) * (width + 1))[:, None]  # row starts in the prefix sums
    row0 = (np.arange(m) * width)[:, None]
    for t in range(periods - 1, -1, -1):
        nxt = value[t + 1]
        bid = nxt[:, 1:] - nxt[:, :-1]  # (m, C): ΔV_{t+1}(x), never above the top fare
        k = np.searchsorted(flat, (shift - bid).ravel(), side="left").reshape(bid.shape) - row0
        idx = base + k
        value[t, :, 1:] = nxt[:, 1:] + cum_fare[t][idx] - bid * cum_prob[t][idx]
    return value


def dp_decomposition(
    network: Network,
    arrival_probs: ArrayLike,
    *,
    bid_prices: Mapping[str, float] | pd.Series | None = None,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> DecompositionResult:
    """Per-resource dynamic programs with displacement-adjusted product values.

    Parameters
    ----------
    network : Network
        The network.
    arrival_probs : array_like, shape (T, n)
        Probability of a request for product ``j`` in period ``t``; the products of
        any one resource sum to at most 1 per period.
    bid_prices : mapping or Series, optional
        Static bid prices by resource id for the value split; by default the DLP's
        on the expected demand ``arrival_probs.sum(axis=0)``.
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's (remaining or authorized).
    solver : str or Solver, optional
        LP solver for the default bid prices.

    Returns
    -------
    DecompositionResult
    """
    lam = as_probabilities("arrival_probs", arrival_probs)
    n = len(network.products)
    if lam.ndim != 2 or lam.shape[1] != n:
        raise InputError("arrival_probs", f"must have shape (T, {n}), got {lam.shape}")
    # Each resource's DP needs at most one request per period on that resource.
    if np.any(lam @ network.incidence.T > 1 + 1e-9):
        raise InputError(
            "arrival_probs", "each resource's per-period probabilities must sum to at most 1"
        )
    cap = _capacity(network, capacity)
    if bid_prices is None:
        bid = dlp(network, lam.sum(axis=0), capacity=cap, solver=solver).bid_prices.to_numpy()
    else:
        bid = np.asarray(
            pd.Series(bid_prices).reindex(network.resource_ids).to_numpy(), dtype=float
        )
        if np.any(~np.isfinite(bid)) or np.any(bid < 0):
            raise InputError("bid_prices", "needs a finite, non-negative price for every resource")
    a = network.incidence.tocsc()
    values = network.values
    route_price = a.T @ bid
    a_csr = network.incidence
    m, periods = a_csr.shape[0], lam.shape[0]
    classes: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for i in range(m):
        prods = a_csr.indices[a_csr.indptr[i] : a_csr.indptr[i + 1]]
        pseudo = values[prods] - (route_price[prods] - bid[i])
        keep = pseudo > 0
        # Products of equal pseudo-value form one class of the resource's DP.
        fares, inverse = np.unique(-np.round(pseudo[keep], 9), return_inverse=True)
        probs = np.zeros((periods, fares.size))
        np.add.at(probs.T, inverse, lam[:, prods[keep]].T)
        classes.append((-fares, np.minimum(probs, 1.0)))
    table = _resource_dps(cap.astype(np.int64), classes, periods)
    out = [table[:, i, : int(cap[i]) + 1] for i in range(m)]
    return DecompositionResult(
        values=out,
        static_bid_prices=pd.Series(bid, index=network.resource_ids, name="bid_price"),
        product_values=values,
        resources=[a.indices[a.indptr[j] : a.indptr[j + 1]] for j in range(n)],
        network=network,
    )
