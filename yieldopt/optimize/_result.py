"""The one result shape of the network optimizers, defined once.

Every network optimizer (:func:`~yieldopt.optimize.dlp`, :func:`~yieldopt.optimize.rlp`,
:func:`~yieldopt.optimize.davn`, :func:`~yieldopt.optimize.dp_decomposition`) returns a result
that satisfies :class:`BidPriceResult`:

``.bid_prices``
    A pandas Series of bid prices by resource id (money per unit), ``>= 0``. For methods whose
    bid prices depend on time and capacity it is the value at the start (``t = 0``) with full
    capacity.
``.accepts(product, remaining=None, t=0)``
    Whether to sell one unit of ``product``: its method's own control at that state. The
    bid-price methods (dlp, rlp, dp-decomposition) compare the product's value with the sum of
    its resources' bid prices through the one decision rule
    :func:`~yieldopt.optimize.accepts` (ties accept); DAVN checks its virtual-class protection
    on every resource the product uses. A product that needs a resource with less than one
    unit left is always refused.
``.objective``
    Where the method defines one (dlp, rlp): its optimal value (money).

Results whose bid prices depend on time and remaining capacity (dp-decomposition, and the
single-resource :func:`~yieldopt.optimize.single_leg_dp`) also satisfy
:class:`DynamicBidPriceResult`: ``.bid_prices_at(t, remaining)``, with
``bid_prices == bid_prices_at(0, None)``.

Arguments of ``accepts`` and ``bid_prices_at``
----------------------------------------------
product : int, str or array_like of them, shape (k,)
    Product position in the network or product id.
remaining : None, mapping by resource id, or array_like of shape (m,) or (k, m)
    Units left per resource (``None``: the capacity the result was computed for; a mapping
    leaves unnamed resources at that capacity). Rows are booking states.
t : int or array_like of int, shape (k,)
    Period of the request (0-based); static methods ignore it.

A call with one product (or time), one state and scalar ``t`` answers a scalar: ``accepts``
a ``bool``, ``bid_prices_at`` a Series by resource id. Otherwise the answer is batched over
the ``k`` broadcast states: ``accepts`` an ndarray of bool of shape (k,), ``bid_prices_at``
an ndarray of shape (k, m).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Network
from ._rule import accepts as accepts_rule

__all__ = ["BidPriceResult", "DynamicBidPriceResult"]

ProductLike = int | str | ArrayLike
RemainingLike = Mapping[str, float] | pd.Series | ArrayLike | None


@runtime_checkable
class BidPriceResult(Protocol):
    """What every network optimizer result offers (see the module notes for the arguments)."""

    @property
    def bid_prices(self) -> pd.Series:
        """Bid price by resource id (money per unit), at the start with full capacity."""
        ...

    def accepts(
        self, product: ProductLike, remaining: RemainingLike = None, t: ArrayLike = 0
    ) -> bool | NDArray[np.bool_]:
        """Whether to sell one unit of ``product`` with ``remaining`` units left in period ``t``."""
        ...


@runtime_checkable
class DynamicBidPriceResult(BidPriceResult, Protocol):
    """A :class:`BidPriceResult` whose bid prices depend on time and remaining capacity."""

    def bid_prices_at(
        self, t: ArrayLike = 0, remaining: RemainingLike = None
    ) -> pd.Series | NDArray[np.float64]:
        """Bid prices in period ``t`` with ``remaining`` units left (``inf`` where none are)."""
        ...


def product_positions(network: Network, product: ProductLike) -> tuple[NDArray[np.int64], bool]:
    """Product positions, shape (k,), and whether ``product`` was a single one.

    Parameters
    ----------
    network : Network
        The network the result belongs to.
    product : int, str or array_like of them
        Positions or product ids.
    """
    arr = np.asarray(product)
    flat = arr.reshape(-1)
    n = len(network.products)
    if flat.dtype.kind in "iu":
        pos = flat.astype(np.int64)
        if np.any((pos < 0) | (pos >= n)):
            raise InputError("product", f"positions must lie in [0, {n}), got {product!r}")
    elif flat.dtype.kind in "UOS":
        index = network.product_index
        unknown = [p for p in flat.tolist() if p not in index]
        if unknown:
            raise InputError("product", f"unknown product {unknown[0]!r}")
        pos = np.array([index[p] for p in flat.tolist()], dtype=np.int64)
    else:
        raise InputError("product", f"must be product ids or positions, got {product!r}")
    return pos, arr.ndim == 0


def remaining_states(
    network: Network, remaining: RemainingLike, capacity: NDArray[np.float64]
) -> tuple[NDArray[np.float64], bool]:
    """Remaining units per resource as states, shape (k, m), and whether there was one state.

    Parameters
    ----------
    network : Network
        The network the result belongs to.
    remaining : None, mapping by resource id, or array_like of shape (m,) or (k, m)
        Units left (``None``: ``capacity``).
    capacity : ndarray, shape (m,)
        Capacity the result was computed for (units).
    """
    m = capacity.size
    rem: NDArray[np.float64]
    if remaining is None:
        rem = np.asarray(capacity, dtype=np.float64)
    elif isinstance(remaining, Mapping | pd.Series):
        named = pd.Series(remaining, dtype=float)
        unknown = set(named.index) - set(network.resource_ids)
        if unknown:
            raise InputError("remaining", f"unknown resource {sorted(map(str, unknown))[0]!r}")
        full = pd.Series(capacity, index=network.resource_ids)
        rem = np.asarray(named.reindex(network.resource_ids).fillna(full), dtype=np.float64)
    else:
        rem = np.asarray(remaining, dtype=np.float64)
    if rem.ndim not in (1, 2) or rem.shape[-1] != m:
        raise InputError("remaining", f"must have shape ({m},) or (k, {m}), got {rem.shape}")
    if np.any(np.isnan(rem)) or np.any(rem < 0):
        raise InputError("remaining", "units left must be non-negative numbers")
    return np.atleast_2d(rem), rem.ndim == 1


def routes(incidence: sp.csr_array) -> NDArray[np.int64]:
    """Resources of every product, shape (n, R), padded with ``m`` (a resource that never binds).

    ``R`` is the largest number of resources one product uses.
    """
    a = sp.csc_array(incidence)
    m, n = a.shape
    counts = np.diff(a.indptr)
    out = np.full((n, int(counts.max(initial=0))), m, dtype=np.int64)
    col = np.repeat(np.arange(n), counts)
    slot = np.arange(a.indices.size) - np.repeat(a.indptr[:-1], counts)
    out[col, slot] = a.indices
    return out


def route_totals(
    paths: NDArray[np.int64], prices: NDArray[np.float64], products: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Σ of the bid prices of each product's resources, per state, shape (k,).

    Parameters
    ----------
    paths : ndarray of int, shape (n, R)
        :func:`routes` of the network.
    prices : ndarray, shape (k, m)
        Bid prices per state (``inf`` where a resource cannot sell).
    products : ndarray of int, shape (k,)
        Product position per state.
    """
    padded = np.concatenate([prices, np.zeros((prices.shape[0], 1))], axis=1)
    return np.take_along_axis(padded, paths[products], axis=1).sum(axis=1)


def broadcast_states(
    *arrays: NDArray[Any],
) -> list[NDArray[Any]]:
    """Broadcast per-state arrays along their first axis (length 1 stretches), or fail by name."""
    k = max(a.shape[0] for a in arrays)
    out = []
    for a in arrays:
        if a.shape[0] not in (1, k):
            raise InputError("remaining", f"{a.shape[0]} states do not match {k} requests")
        out.append(np.broadcast_to(a, (k, *a.shape[1:])))
    return out


class StaticBidPriceAccepts:
    """``accepts`` of a result with fixed bid prices (dlp, rlp): value ≥ Σ bid prices.

    The class using it provides ``network`` (Network), ``capacity`` (ndarray, shape (m,)) and
    ``bid_prices`` (Series by resource id). Time is ignored; a resource with less than one unit
    left refuses every product that uses it.
    """

    network: Network
    capacity: NDArray[np.float64]
    bid_prices: pd.Series

    def accepts(
        self, product: ProductLike, remaining: RemainingLike = None, t: ArrayLike = 0
    ) -> bool | NDArray[np.bool_]:
        """Whether to sell one unit of ``product``: value ≥ Σ bid prices of its resources.

        Parameters
        ----------
        product : int, str or array_like of them, shape (k,)
            Product position or id.
        remaining : None, mapping or array_like, shape (m,) or (k, m)
            Units left per resource; ``None`` is the capacity the LP was solved for.
        t : int or array_like
            Ignored (the bid prices do not depend on time); accepted for the shared signature.

        Returns
        -------
        bool or ndarray of bool, shape (k,)
            See :mod:`yieldopt.optimize._result`.
        """
        pos, one = product_positions(self.network, product)
        rem, single = remaining_states(self.network, remaining, self.capacity)
        pos2, rem = broadcast_states(pos[:, None], rem)
        pos = pos2[:, 0]
        prices = np.where(rem >= 1, self.bid_prices.to_numpy(dtype=np.float64), np.inf)
        total = route_totals(routes(self.network.incidence), prices, pos)
        ok = np.asarray(accepts_rule(self.network.values[pos], total))
        return bool(ok[0]) if one and single else ok
