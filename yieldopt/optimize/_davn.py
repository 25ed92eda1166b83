"""Displacement-adjusted virtual nesting (DAVN).

Each product is valued on each of its resources net of the displacement it causes
elsewhere: the *pseudo-value* of product ``j`` on resource ``i`` is
``v_j − Σ_{k in j, k != i} π_k`` with ``π`` the DLP bid prices. On every resource
the products are banded by pseudo-value into virtual classes, and EMSR-b sets
nested protection levels over those classes. A request is accepted when its
virtual class is open on every resource it uses, i.e. when on each resource more
units remain than are protected for the classes above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Network
from ._emsr import emsr_b
from ._lp import Solver
from ._network_lp import DemandLike, _capacity, dlp
from ._result import (
    ProductLike,
    RemainingLike,
    broadcast_states,
    product_positions,
    remaining_states,
)

__all__ = ["DAVNResult", "davn"]


@dataclass(frozen=True, eq=False)
class DAVNResult:
    """Result of :func:`davn`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    bid_prices : pandas.Series
        DLP bid prices used for displacement, by resource id (money per unit).
    classes : pandas.DataFrame
        One row per (resource, product) use: ``resource``, ``product``,
        ``pseudo_value``, ``virtual_class`` (0 = highest; -1 = closed, pseudo-value <= 0).
    protection_levels : dict of str to ndarray
        Unrounded nested protection levels of each resource's virtual classes (units).
    thresholds : ndarray, shape (m, n)
        Units that must remain on resource ``i`` beyond the sale for product ``j`` to
        be sold: the protection of the virtual classes above ``j``'s (``inf`` when
        closed, ``-1`` when ``j`` does not use ``i``).
    network : Network
        The network.
    capacity : ndarray, shape (m,)
        Capacity the controls were computed for (units): the default state of
        :meth:`accepts`.
    """

    bid_prices: pd.Series
    classes: pd.DataFrame
    protection_levels: dict[str, NDArray[np.float64]]
    thresholds: NDArray[np.float64]
    network: Network = field(repr=False)
    capacity: NDArray[np.float64] = field(repr=False)

    def accepts(
        self, product: ProductLike, remaining: RemainingLike = None, t: ArrayLike = 0
    ) -> bool | NDArray[np.bool_]:
        """Whether to sell one unit of ``product``: its virtual class is open on every resource.

        Open means more units remain on the resource than its threshold (the protection of
        the virtual classes above) and at least one unit is left. Not a bid-price rule: the
        bid prices only set the pseudo-values.

        Parameters
        ----------
        product : int, str or array_like of them, shape (k,)
            Product position or id.
        remaining : None, mapping or array_like, shape (m,) or (k, m)
            Units left per resource; ``None`` is the capacity the controls were computed for.
        t : int or array_like
            Ignored (the controls do not depend on time); accepted for the shared signature.

        Returns
        -------
        bool or ndarray of bool, shape (k,)
            See :class:`~yieldopt.optimize.BidPriceResult`.
        """
        pos, one = product_positions(self.network, product)
        rem, single = remaining_states(self.network, remaining, self.capacity)
        pos2, rem = broadcast_states(pos[:, None], rem)
        th = self.thresholds[:, pos2[:, 0]].T  # (k, m); -1 where the product does not use i
        ok = np.all(rem > th, axis=1) & np.all((th < 0) | (rem >= 1), axis=1)
        return bool(ok[0]) if one and single else ok


def davn(
    network: Network,
    demand: DemandLike,
    stds: DemandLike | None = None,
    *,
    n_classes: int = 10,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    bid_prices: Mapping[str, float] | pd.Series | ArrayLike | None = None,
    solver: str | Solver | None = None,
) -> DAVNResult:
    """Virtual-nesting controls from displacement-adjusted pseudo-values and EMSR-b.

    Parameters
    ----------
    network : Network
        The network (values include segment adjustments).
    demand : mapping, Series or array_like
        Expected demand by product id (units).
    stds : mapping, Series or array_like, optional
        Demand standard deviation by product id (units); Poisson (``sqrt(mean)``)
        when omitted.
    n_classes : int
        Virtual classes per resource at most: pseudo-values are cut into this many
        equal-width bands between 0 and the resource's highest pseudo-value.
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's (e.g. authorized capacity).
    bid_prices : mapping, Series or array_like, optional
        Displacement prices by resource id (or in resource order) instead of the
        DLP's; zeros give leg-based EMSR-b on full product values.
    solver : str or Solver, optional
        LP solver for the DLP bid prices.

    Returns
    -------
    DAVNResult
    """
    if int(n_classes) != n_classes or n_classes < 1:
        raise InputError("n_classes", f"must be a positive integer, got {n_classes!r}")
    mean = network.demand_vector(demand)
    var = mean if stds is None else network.demand_vector(stds, "stds") ** 2
    cap = _capacity(network, capacity)
    if bid_prices is None:
        bid = dlp(network, mean, capacity=cap, solver=solver).bid_prices.to_numpy()
    elif isinstance(bid_prices, Mapping | pd.Series):
        bid = pd.Series(bid_prices, dtype=float).reindex(network.resource_ids).to_numpy()
    else:
        bid = np.asarray(bid_prices, dtype=np.float64)
    if bid.shape != (len(network.resources),) or not np.all(np.isfinite(bid)) or np.any(bid < 0):
        raise InputError("bid_prices", "needs a finite, non-negative price for every resource")
    a = network.incidence.tocsc()
    m, n = a.shape
    # Pseudo-value of product j on resource i: its value less the bid prices of its other resources.
    route_price = a.T @ bid  # Σ_{k in j} π_k, shape (n,)
    rows, cols = a.nonzero()
    pseudo = network.values[cols] - (route_price[cols] - bid[rows])

    thresholds = np.full((m, n), -1.0)
    virtual = np.full(rows.size, -1)
    levels: dict[str, NDArray[np.float64]] = {}
    for i in range(m):
        use = np.flatnonzero(rows == i)
        pv = pseudo[use]
        live = pv > 0
        top = pv.max(initial=0.0)
        band = np.full(use.size, -1)
        if top > 0:
            width = top / n_classes
            band[live] = np.minimum(((top - pv[live]) / width).astype(int), n_classes - 1)
        present = np.unique(band[live])
        rank = np.full(n_classes, -1)
        rank[present] = np.arange(present.size)
        cls = np.where(live, rank[np.maximum(band, 0)], -1)
        virtual[use] = cls
        if present.size:
            d = np.bincount(cls[live], weights=mean[cols[use][live]], minlength=present.size)
            v = np.bincount(cls[live], weights=var[cols[use][live]], minlength=present.size)
            w = np.bincount(cls[live], weights=(mean[cols[use]] * pv)[live], minlength=present.size)
            plain = np.bincount(cls[live], weights=pv[live], minlength=present.size)
            count = np.bincount(cls[live], minlength=present.size)
            fares = np.where(d > 0, w / np.where(d > 0, d, 1.0), plain / count)
            # Bands are disjoint and ordered, so class fares are strictly descending.
            y = emsr_b(fares, d, np.sqrt(v))
        else:
            y = np.zeros(0)
        levels[network.resource_ids[i]] = y
        protect = np.concatenate([[0.0], y])
        thresholds[i, cols[use]] = np.where(cls >= 0, protect[np.maximum(cls, 0)], np.inf)
    table = pd.DataFrame(
        {
            "resource": np.asarray(network.resource_ids, dtype=object)[rows],
            "product": np.asarray(network.product_ids, dtype=object)[cols],
            "pseudo_value": pseudo,
            "virtual_class": virtual,
        }
    )
    return DAVNResult(
        bid_prices=pd.Series(bid, index=network.resource_ids, name="bid_price"),
        classes=table,
        protection_levels=levels,
        thresholds=thresholds,
        network=network,
        capacity=cap,
    )
