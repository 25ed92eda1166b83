"""Marginal-revenue fare adjustment on networks (Fiig, Isler, Hopperstad & Belobaba 2010).

On a network every *path* (the set of resources a product uses, e.g. an O&D itinerary) has its
own fare ladder: the products on that path ordered by descending value. Customers of a path
are price-sensitive: with the ladder's products ``1..j`` open, a share ``sellup_j`` of the
path's demand ``D`` buys (at the cheapest open, ``j``), so the path's expected demand and value
are ``Q_j = D · sellup_j`` and ``R_j = v_j Q_j`` (Q-forecasting, as in PassengerSim, with
``D`` the Q-equivalent demand: the demand that would buy if the lowest class were open).

:func:`~yieldopt.optimize.fare_adjustment` turns each path's ``(Q_j, R_j)`` into adjusted
values (the slopes of its efficient frontier) and adjusted independent demands, and the
independent-demand network methods (DLP bid prices, or DAVN on top of them) then run on those.
On one resource with one path this is exactly the single-leg EMSR-b-MR adjustment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Network, Product
from ._davn import DAVNResult, davn
from ._fare_adjustment import fare_adjustment
from ._lp import Solver
from ._network_lp import DemandLike, DLPResult, dlp
from ._result import ProductLike, RemainingLike

__all__ = ["FareAdjustedResult", "fare_adjusted_bid_prices"]


@dataclass(frozen=True, eq=False)
class FareAdjustedResult:
    """Result of :func:`fare_adjusted_bid_prices`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    adjustment : pandas.DataFrame
        Indexed by product id: ``path`` (tuple of resource ids), ``value`` (money per unit),
        ``sellup``, ``cum_demand`` (``Q_j``, units), ``adjusted_value`` (money per unit, 0
        for a product no efficient class opens), ``adjusted_demand`` (units),
        ``adjusted_std`` (units) and ``efficient`` (bool).
    result : DLPResult or DAVNResult
        The independent-demand method run on the adjusted values and demands.
    adjusted_network : Network
        The network with each product's value replaced by its adjusted value.
    """

    adjustment: pd.DataFrame
    result: DLPResult | DAVNResult
    adjusted_network: Network = field(repr=False)

    @property
    def bid_prices(self) -> pd.Series:
        """Bid prices by resource id (money per unit), from the adjusted values."""
        return self.result.bid_prices

    @property
    def objective(self) -> float | None:
        """The DLP's optimum on adjusted values and demands (money); ``None`` for DAVN."""
        return getattr(self.result, "objective", None)

    def accepts(
        self, product: ProductLike, remaining: RemainingLike = None, t: ArrayLike = 0
    ) -> bool | NDArray[np.bool_]:
        """Whether to sell ``product``: the method's control with *adjusted* values.

        The DLP compares the adjusted value with the sum of bid prices through the one rule
        (a product no efficient class opens, adjusted value 0, is refused while any bid price
        is positive); DAVN checks the virtual class of the adjusted pseudo-value. Arguments
        as in :class:`~yieldopt.optimize.BidPriceResult`.
        """
        return self.result.accepts(product, remaining, t)


def _per_product(network: Network, data: DemandLike, name: str) -> NDArray[np.float64]:
    return network.demand_vector(data, name)


def fare_adjusted_bid_prices(
    network: Network,
    demand: DemandLike,
    sellup: DemandLike,
    *,
    method: Literal["dlp", "davn"] = "dlp",
    n_classes: int = 10,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> FareAdjustedResult:
    """Network bid prices (DLP) or DAVN controls on marginal-revenue adjusted values.

    Parameters
    ----------
    network : Network
        The network; products on the same set of resources form one path's fare ladder
        and must have distinct values there.
    demand : mapping, Series or array_like
        Q-equivalent demand by product id (units); a path's demand ``D`` is the sum over
        its products.
    sellup : mapping, Series or array_like
        By product id, the probability in [0, 1] that a path customer buys when this
        product is the cheapest open one on the path (1 for the cheapest, e.g.
        ``exp(−ln 2 · (v_j / v_low − 1) / (FRAT5 − 1))``); products missing from a
        mapping get 0.
    method : {"dlp", "davn"}
        The independent-demand method run on the adjusted values and demands.
    n_classes : int
        Virtual classes per resource for DAVN.
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's.
    solver : str or Solver, optional
        LP solver.

    Returns
    -------
    FareAdjustedResult

    Examples
    --------
    >>> net = Network.from_records(
    ...     resources=[{"id": "L", "capacity": 10}],
    ...     products=[{"id": "Y", "resources": ["L"], "price": 200.0},
    ...               {"id": "Q", "resources": ["L"], "price": 100.0}])
    >>> res = fare_adjusted_bid_prices(net, {"Y": 5, "Q": 15}, {"Y": 0.4, "Q": 1.0})
    >>> res.adjustment["adjusted_value"].round(4).tolist()  # 1600 / 8, (2000 - 1600) / 12
    [200.0, 33.3333]
    >>> round(float(res.bid_prices["L"]), 4)
    33.3333
    """
    if method not in ("dlp", "davn"):
        raise InputError("method", f"must be 'dlp' or 'davn', got {method!r}")
    d = _per_product(network, demand, "demand")
    s = _per_product(network, sellup, "sellup")
    if np.any(~np.isfinite(s)) or np.any((s < 0) | (s > 1)):
        raise InputError("sellup", "must be probabilities in [0, 1]")
    values = network.values
    n = values.size
    paths = [tuple(sorted(p.resources)) for p in network.products]
    path_index = pd.Series(paths, dtype=object).map(
        {p: k for k, p in enumerate(dict.fromkeys(paths))}
    )
    codes = path_index.to_numpy(dtype=np.int64)
    adj_value = np.zeros(n)
    adj_demand = np.zeros(n)
    adj_std = np.zeros(n)
    efficient = np.zeros(n, dtype=bool)
    cum_demand = np.zeros(n)
    for k in range(int(codes.max(initial=-1)) + 1):
        members = np.flatnonzero(codes == k)
        order = members[np.argsort(-values[members], kind="stable")]
        v = values[order]
        if np.any(np.diff(v) >= 0):
            raise InputError(
                "network", f"products on path {paths[order[0]]!r} need distinct values"
            )
        q = d[order].sum() * s[order]
        cum_demand[order] = q
        if q.max(initial=0.0) <= 0 or v[0] <= 0:
            continue
        adj = fare_adjustment(v, q)
        adj_value[order] = np.nan_to_num(adj.fares, nan=0.0)
        adj_demand[order] = adj.demand
        adj_std[order] = adj.stds
        efficient[order] = adj.efficient
    ids = network.product_ids
    adjusted = Network(
        resources=network.resources,
        products=tuple(
            Product(id=p.id, resources=p.resources, price=float(a))
            for p, a in zip(network.products, adj_value, strict=True)
        ),
    )
    result: DLPResult | DAVNResult
    if method == "dlp":
        result = dlp(adjusted, adj_demand, capacity=capacity, solver=solver)
    else:
        result = davn(
            adjusted, adj_demand, adj_std, n_classes=n_classes, capacity=capacity, solver=solver
        )
    table = pd.DataFrame(
        {
            "path": paths,
            "value": values,
            "sellup": s,
            "cum_demand": cum_demand,
            "adjusted_value": adj_value,
            "adjusted_demand": adj_demand,
            "adjusted_std": adj_std,
            "efficient": efficient,
        },
        index=pd.Index(ids, name="product"),
    )
    return FareAdjustedResult(adjustment=table, result=result, adjusted_network=adjusted)
