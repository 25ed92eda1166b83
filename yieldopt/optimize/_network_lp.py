"""Deterministic and randomized linear programs for network bid prices.

The deterministic LP (DLP) replaces demand by its mean:

    maximize  Σ_j v_j x_j   s.t.  Σ_{j uses i} x_j <= c_i  (dual: π_i),   0 <= x_j <= d_j,

where ``v_j`` is product ``j``'s value (price plus segment adjustment). Its optimum
is an upper bound on expected value; the capacity duals ``π`` are bid prices: sell
``j`` when ``v_j >= Σ_{i in j} π_i``. The randomized LP (RLP, Talluri & van Ryzin
1999) averages the bid prices of LPs solved on sampled demand instead of the mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Network
from ._lp import LinearProgram, LPSolution, Solver, get_solver
from ._result import StaticBidPriceAccepts

__all__ = ["RLP_SAMPLES", "DLPResult", "RLPResult", "dlp", "dlp_arrays", "rlp"]

DemandLike = Mapping[str, float] | pd.Series | ArrayLike

RLP_SAMPLES: int = 30
"""Sampled LPs per randomized-LP solve: the one default of :func:`rlp`, the service and the
simulator's ``rlp`` policy (each re-optimization there solves this many LPs per path)."""


@dataclass(frozen=True, eq=False)
class DLPResult(StaticBidPriceAccepts):
    """Result of :func:`dlp`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    objective : float
        Optimal value (money): an upper bound on expected value.
    bid_prices : pandas.Series
        Shadow price per resource id (money per unit), >= 0.
    allocation : pandas.Series
        Optimal partitioned allocation per product id (units).
    solver : str
        Solver that produced it.
    network : Network
        The network solved.
    capacity : ndarray, shape (m,)
        Capacity the LP was solved for (units): the default state of :meth:`accepts`.

    Notes
    -----
    ``accepts(product, remaining=None, t=0)`` sells ``product`` iff its value covers the
    bid prices of its resources (the one rule, :func:`~yieldopt.optimize.accepts`) and each
    of them has a unit left; the prices are not re-solved for ``remaining``.
    """

    objective: float
    bid_prices: pd.Series
    allocation: pd.Series
    solver: str
    network: Network = field(repr=False)
    capacity: NDArray[np.float64] = field(repr=False)


@dataclass(frozen=True, eq=False)
class RLPResult(StaticBidPriceAccepts):
    """Result of :func:`rlp`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    bid_prices : pandas.Series
        Mean of the sampled LPs' bid prices per resource id (money per unit).
    objective : float
        Mean optimal value over the samples (money): an estimate of the perfect-
        hindsight value.
    samples : ndarray, shape (n_samples, m)
        Bid prices of every sampled LP.
    network : Network
        The network solved.
    capacity : ndarray, shape (m,)
        Capacity the LPs were solved for (units): the default state of :meth:`accepts`.

    Notes
    -----
    ``accepts`` is that of :class:`DLPResult`, with the averaged bid prices.
    """

    bid_prices: pd.Series
    objective: float
    samples: NDArray[np.float64]
    network: Network = field(repr=False)
    capacity: NDArray[np.float64] = field(repr=False)


def dlp_arrays(
    values: NDArray[np.float64],
    incidence: sp.csr_array,
    capacity: NDArray[np.float64],
    demand: NDArray[np.float64],
    solver: str | Solver | None = None,
) -> LPSolution:
    """Solve the DLP on plain arrays (for inner loops such as re-optimization).

    Parameters
    ----------
    values : ndarray, shape (n,)
        Value per product (money per unit).
    incidence : sparse array, shape (m, n)
        Resource × product incidence.
    capacity : ndarray, shape (m,)
        Capacity per resource (units).
    demand : ndarray, shape (n,)
        Expected demand per product (units).
    solver : str or Solver, optional
        See :func:`~yieldopt.optimize.get_solver`.

    Returns
    -------
    LPSolution
        ``duals`` are the bid prices, ``x`` the allocation.
    """
    # A product with value <= 0 is never worth selling; its upper bound is 0.
    upper = np.where(values > 0, demand, 0.0)
    lp = LinearProgram(
        objective=np.asarray(values, dtype=np.float64),
        matrix=incidence,
        rhs=np.asarray(capacity, dtype=np.float64),
        upper=upper,
    )
    return get_solver(solver).solve(lp)


def _capacity(
    network: Network, capacity: Mapping[str, float] | ArrayLike | None
) -> NDArray[np.float64]:
    if capacity is None:
        return network.capacity
    if isinstance(capacity, Mapping | pd.Series):
        # Network checks the units (non-negative, finite); the mapping's values are numbers.
        return network.with_capacity(cast("Mapping[str, int]", capacity)).capacity
    cap = np.asarray(capacity, dtype=np.float64)
    if cap.shape != network.capacity.shape or not np.all(np.isfinite(cap)) or np.any(cap < 0):
        raise InputError("capacity", f"needs {network.capacity.size} finite non-negative values")
    return cap


def dlp(
    network: Network,
    demand: DemandLike,
    *,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> DLPResult:
    """Solve the deterministic LP of a network: bound, allocation and bid prices.

    Parameters
    ----------
    network : Network
        Resources, products (values include segment adjustments) and segments.
    demand : mapping, Series or array_like
        Expected demand by product id (units); missing products have none.
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's (e.g. remaining or authorized).
    solver : str or Solver, optional
        ``"auto"`` (default), ``"pulp-highs"``, ``"pulp-cbc"``, ``"highs"``, ``"scipy"`` or
        a solver object.

    Returns
    -------
    DLPResult
    """
    d = network.demand_vector(demand)
    cap = _capacity(network, capacity)
    sol = dlp_arrays(network.values, network.incidence, cap, d, solver)
    return DLPResult(
        objective=sol.objective,
        bid_prices=pd.Series(sol.duals, index=network.resource_ids, name="bid_price"),
        allocation=pd.Series(sol.x, index=network.product_ids, name="allocation"),
        solver=sol.solver,
        network=network,
        capacity=cap,
    )


def rlp(
    network: Network,
    demand: DemandLike,
    *,
    n_samples: int = RLP_SAMPLES,
    seed: int | np.random.Generator | None = 0,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> RLPResult:
    """Randomized LP: average bid prices over LPs solved on Poisson-sampled demand.

    Parameters
    ----------
    network : Network
        The network.
    demand : mapping, Series or array_like
        Expected demand by product id (units): the Poisson means.
    n_samples : int, default RLP_SAMPLES (30)
        Number of sampled LPs (>= 1).
    seed : int or numpy.random.Generator
        Randomness; the same seed gives the same bid prices.
    capacity, solver
        As in :func:`dlp`.

    Returns
    -------
    RLPResult
    """
    if int(n_samples) != n_samples or n_samples < 1:
        raise InputError("n_samples", f"must be a positive integer, got {n_samples!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    mean = network.demand_vector(demand)
    cap = _capacity(network, capacity)
    engine = get_solver(solver)
    draws = rng.poisson(mean, size=(int(n_samples), mean.size)).astype(np.float64)
    prices = np.empty((int(n_samples), cap.size))
    objectives = np.empty(int(n_samples))
    for k, d in enumerate(draws):
        sol = dlp_arrays(network.values, network.incidence, cap, d, engine)
        prices[k], objectives[k] = sol.duals, sol.objective
    return RLPResult(
        bid_prices=pd.Series(prices.mean(axis=0), index=network.resource_ids, name="bid_price"),
        objective=float(objectives.mean()),
        samples=prices,
        network=network,
        capacity=cap,
    )
