"""Network pricing from the deterministic LP with price choice.

Each product ``j`` can be sold at one of its price levels ``p_{jk}``; posting level ``k``
for the whole horizon would bring expected demand ``d_{jk}``. The LP chooses the share of
the horizon ``s_{jk}`` each level is posted (Gallego & van Ryzin 1997's deterministic
network pricing problem on a discrete price set):

    maximize  Σ_{j,k} (p_{jk} + a_j) d_{jk} s_{jk}
    s.t.      Σ_{j uses i} Σ_k d_{jk} s_{jk} <= c_i     (dual: bid price π_i)
              Σ_k s_{jk} <= 1                            (one price at a time)
              s_{jk} >= 0,

where ``a_j`` is the product's segment adjustment (value = price + adjustment, as in
:func:`~yieldopt.optimize.dlp`). The remaining share ``1 − Σ_k s_{jk}`` is time the product
is closed. With one level per product equal to its price this is exactly the DLP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validate import as_nonnegative
from ..errors import InputError
from ..model import Network
from ._lp import LinearProgram, Solver, get_solver
from ._result import StaticBidPriceAccepts

__all__ = ["NetworkPricingResult", "network_pricing"]

LevelsLike = Mapping[str, Sequence[float]] | ArrayLike

# Shares below this count as unused when naming the level(s) a product is sold at.
_SHARE_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class NetworkPricingResult(StaticBidPriceAccepts):
    """Result of :func:`network_pricing`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    objective : float
        Optimal value of the LP (money): an upper bound on expected value with these prices.
    bid_prices : pandas.Series
        Capacity duals by resource id (money per unit), ``>= 0``.
    prices : pandas.Series
        By product id, the price level posted for the largest share of the horizon (money);
        ``nan`` for a product that stays closed.
    shares : pandas.DataFrame
        One row per product and level: ``product``, ``level`` (0-based), ``price``,
        ``share`` (of the horizon, in [0, 1]), ``sales`` (expected units).
    solver : str
        Solver that produced it.
    network : Network
        The network solved.
    capacity : ndarray, shape (m,)
        Capacity the LP was solved for (units).

    Notes
    -----
    ``accepts`` compares each product's network value with the bid prices (the one rule).
    """

    objective: float
    bid_prices: pd.Series
    prices: pd.Series
    shares: pd.DataFrame
    solver: str
    network: Network = field(repr=False)
    capacity: NDArray[np.float64] = field(repr=False)


def _per_product(network: Network, name: str, values: LevelsLike) -> list[NDArray[np.float64]]:
    """One non-negative 1-d array per product, from a mapping by id or a 2-d array."""
    n = len(network.products)
    if isinstance(values, Mapping):
        unknown = set(values) - set(network.product_ids)
        if unknown:
            raise InputError(name, f"unknown product {sorted(map(str, unknown))[0]!r}")
        rows = [values.get(pid, []) for pid in network.product_ids]
        out = [
            as_nonnegative(f"{name}[{pid}]", r, min_ndim=1)
            for pid, r in zip(network.product_ids, rows, strict=True)
        ]
    else:
        arr = as_nonnegative(name, values, min_ndim=2)
        if arr.ndim != 2 or arr.shape[0] != n:
            raise InputError(name, f"must have shape ({n}, K), got {arr.shape}")
        out = list(arr)
    for pid, r in zip(network.product_ids, out, strict=True):
        if r.ndim != 1:
            raise InputError(f"{name}[{pid}]", "must be a 1-d list of levels")
    return out


def network_pricing(
    network: Network,
    price_levels: LevelsLike,
    demand_at_price: LevelsLike,
    periods: float | None = None,
    *,
    solver: str | Solver | None = None,
) -> NetworkPricingResult:
    """Choose price levels per product by the deterministic LP with price choice.

    Parameters
    ----------
    network : Network
        Resources, products and segments (segment adjustments add to every level's price).
    price_levels : mapping product id -> sequence, or array_like, shape (n, K)
        Candidate prices per product (money per unit); a product left out of a mapping has
        none and stays closed.
    demand_at_price : same shape as ``price_levels``
        Expected demand (units) if that level were posted the whole horizon — or per period
        when ``periods`` is given.
    periods : float, optional
        Length of the horizon in periods; multiplies ``demand_at_price``.
    solver : str or Solver, optional
        See :func:`~yieldopt.optimize.get_solver`.

    Returns
    -------
    NetworkPricingResult

    Examples
    --------
    One resource of 10 units; posting 150 all horizon sells 6, posting 100 sells 20. Both
    rows bind: ``6 s₁ + 20 s₂ = 10`` and ``s₁ + s₂ = 1`` give ``s₁ = 5/7`` at 150 and
    ``s₂ = 2/7`` at 100, worth ``(900·5 + 2000·2) / 7``.

    >>> net = Network.from_records(
    ...     resources=[{"id": "r", "capacity": 10}],
    ...     products=[{"id": "p", "resources": ["r"], "price": 100.0}],
    ... )
    >>> res = network_pricing(net, {"p": [150.0, 100.0]}, {"p": [6.0, 20.0]})
    >>> round(res.objective, 6), float(res.prices["p"])
    (1214.285714, 150.0)
    """
    levels = _per_product(network, "price_levels", price_levels)
    demand = _per_product(network, "demand_at_price", demand_at_price)
    for pid, r, d in zip(network.product_ids, levels, demand, strict=True):
        if r.shape != d.shape:
            raise InputError(
                "demand_at_price", f"product {pid!r} has {d.size} demands for {r.size} prices"
            )
    if periods is not None:
        scale = float(as_nonnegative("periods", periods))
        demand = [d * scale for d in demand]
    counts = np.array([r.size for r in levels], dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)  # product of each variable
    price = np.concatenate(levels) if levels else np.zeros(0)
    dem = np.concatenate(demand) if demand else np.zeros(0)
    nv = price.size
    value = (price + network.adjustments[owner]) * dem
    # Capacity rows: incidence of the variable's product scaled by its demand.
    cap_rows = sp.csr_array(network.incidence[:, owner] @ sp.diags_array(dem))
    share_rows = sp.csr_array((np.ones(nv), (owner, np.arange(nv))), shape=(counts.size, nv))
    cap = network.capacity
    lp = LinearProgram(
        objective=value,
        matrix=sp.csr_array(sp.vstack([cap_rows, share_rows])),
        rhs=np.concatenate([cap, np.ones(counts.size)]),
        # A level worth nothing is never posted; its share stays 0.
        upper=np.where(value > 0, 1.0, 0.0),
    )
    sol = get_solver(solver).solve(lp)
    m = cap.size
    share = np.clip(sol.x, 0.0, 1.0)
    level = np.arange(nv) - np.repeat(np.cumsum(counts) - counts, counts)
    pids = np.asarray(network.product_ids, dtype=object)
    shares = pd.DataFrame(
        {
            "product": pids[owner],
            "level": level,
            "price": price,
            "share": share,
            "sales": share * dem,
        }
    )
    used = shares[shares["share"] > _SHARE_TOL]
    main = used.sort_values(["share", "price"], ascending=False).drop_duplicates("product")
    prices = main.set_index("product")["price"].reindex(network.product_ids).rename("price")
    return NetworkPricingResult(
        objective=float(sol.objective),
        bid_prices=pd.Series(sol.duals[:m], index=network.resource_ids, name="bid_price"),
        prices=prices,
        shares=shares,
        solver=sol.solver,
        network=network,
        capacity=cap,
    )
