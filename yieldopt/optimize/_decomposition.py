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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .._validate import as_probabilities
from ..errors import InputError
from ..model import Network
from ._lp import Solver
from ._network_lp import _capacity, dlp

__all__ = ["DecompositionResult", "dp_decomposition"]


@dataclass(frozen=True, eq=False)
class DecompositionResult:
    """Result of :func:`dp_decomposition`.

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
    """

    values: list[NDArray[np.float64]]
    static_bid_prices: pd.Series
    product_values: NDArray[np.float64]
    resources: list[NDArray[np.int64]]

    @property
    def expected_values(self) -> NDArray[np.float64]:
        """``V_i(0, C_i)`` per resource (money).

        Each counts its products at their displacement-adjusted value, so the sum is
        not the network's value; ``V_i(0, C_i) + Σ_{k != i} π_k C_k`` approximates it.
        """
        return np.array([v[0, -1] for v in self.values])

    def bid_prices(self, t: int, remaining: ArrayLike) -> NDArray[np.float64]:
        """Bid price of every resource for a request in period ``t``, shape (m,).

        Parameters
        ----------
        t : int
            Period (0-based).
        remaining : array_like of int, shape (m,)
            Units left per resource; ``inf`` is returned where none are left.
        """
        rem = np.asarray(remaining, dtype=np.int64)
        out = np.empty(len(self.values))
        for i, v in enumerate(self.values):
            x = min(int(rem[i]), v.shape[1] - 1)
            out[i] = np.inf if x <= 0 else v[t + 1, x] - v[t + 1, x - 1]
        return out

    def accept(self, t: int, product: int, remaining: ArrayLike) -> bool:
        """Whether to sell product ``product`` (index) in period ``t`` given remaining units."""
        rem = np.asarray(remaining, dtype=np.int64)
        total = 0.0
        for i in self.resources[product]:
            v = self.values[i]
            x = min(int(rem[i]), v.shape[1] - 1)
            if x <= 0:
                return False
            total += v[t + 1, x] - v[t + 1, x - 1]
        return bool(self.product_values[product] >= total)


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
    )
