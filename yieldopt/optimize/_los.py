"""Hotel length-of-stay controls from night bid prices.

A stay product uses one unit of each night it spans. With bid prices ``π`` per
night (the DLP's capacity duals, or hand-set displacement costs) a stay is worth
selling when its value covers the nights it takes,

    open  ⇔  value >= Σ_{nights of the stay} π_night,

so a busy night in the middle closes short stays across it while longer stays
that also fill quiet shoulder nights stay open. :func:`los_controls` gives this per
product; :func:`los_table` lays it out as arrival × length of stay and
:func:`min_los` condenses it to the minimum length of stay (MinLOS) per arrival.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..model import Network
from ._groups import _resource_date
from ._rule import accepts

__all__ = ["los_controls", "los_table", "min_los"]


_COLUMNS = ["product", "arrival", "los", "segment", "price", "value", "bid_price_total", "open"]


def _bid_vector(network: Network, bid_prices: Any) -> NDArray[np.float64]:
    """Align bid prices (Series, mapping, result with ``.bid_prices`` or array) to resources."""
    if hasattr(bid_prices, "bid_prices"):
        bid_prices = bid_prices.bid_prices
    if isinstance(bid_prices, Mapping | pd.Series):
        items = dict(bid_prices)
        unknown = [k for k in items if k not in network.resource_index]
        if unknown:
            raise InputError("bid_prices", f"unknown resource id(s): {unknown[:5]}")
        missing = [r for r in network.resource_ids if r not in items]
        if missing:
            raise InputError("bid_prices", f"missing resource id(s): {missing[:5]}")
        raw = [items[r] for r in network.resource_ids]
    else:
        raw = list(np.ravel(np.asarray(bid_prices, dtype=object)))
        if len(raw) != len(network.resource_ids):
            raise InputError(
                "bid_prices", f"needs one value per resource ({len(network.resource_ids)})"
            )
    out = np.empty(len(raw))
    for i, (rid, v) in enumerate(zip(network.resource_ids, raw, strict=True)):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise InputError(f"bid_prices[{rid!r}]", f"must be a number, got {v!r}") from None
        if not np.isfinite(out[i]) or out[i] < 0:
            raise InputError(f"bid_prices[{rid!r}]", f"must be finite and non-negative, got {v!r}")
    return out


def los_controls(
    network: Network,
    bid_prices: pd.Series | Mapping[str, float] | ArrayLike | Any,
) -> pd.DataFrame:
    """Open or close every stay product against the bid prices of its nights.

    Parameters
    ----------
    network : Network
        Resources are nights (room type × night), products are stays using one unit
        of each night (rate plan × arrival × length of stay).
    bid_prices : Series, mapping, array_like or DLPResult
        Bid price per resource (money per unit): by resource id, one value per
        resource in order (shape (m,)), or any result with a ``.bid_prices`` Series
        (:class:`~yieldopt.optimize.DLPResult`, ``RLPResult``).

    Returns
    -------
    pandas.DataFrame
        One row per product in network order, columns ``product``; ``arrival``, the
        first night it uses: a ``datetime64`` date when every resource id carries an
        ISO date (``"std/2026-12-01"``), otherwise the id of its first resource in
        resource order (an ordered categorical, so tables keep resource order);
        ``los`` (number of nights = resources used); ``segment``;
        ``price`` and ``value`` (money per stay); ``bid_price_total`` (Σ bid prices of
        its nights, money); ``open`` (:func:`~yieldopt.optimize.accepts`
        ``(value, bid_price_total)``: the one accept rule, ties open); ``margin``
        (value − bid_price_total).

    Raises
    ------
    InputError
        If bid prices miss a resource, name an unknown one, or are negative or not
        finite (field ``"bid_prices"``).
    """
    pi = _bid_vector(network, bid_prices)
    incidence = sp.csc_array(network.incidence)  # columns are products
    ids = network.resource_ids
    found = [_resource_date(r) for r in ids]
    dated = all(d is not None for d in found)
    dates = [d for d in found if d is not None]  # all of them when dated
    # Night order: calendar date when every id has one (then resource order), else resource order.
    if dated:
        order = np.lexsort((np.arange(len(ids)), np.array([d[0].toordinal() for d in dates])))
    else:
        order = np.arange(len(ids))
    rank = np.empty(len(ids), dtype=np.intp)
    rank[order] = np.arange(len(ids))
    # Every product uses >= 1 resource (Network checks), so reduceat sees no empty column.
    first_rank = np.minimum.reduceat(rank[incidence.indices], incidence.indptr[:-1])
    first = order[first_rank]
    if dated:
        arrival: pd.DatetimeIndex | pd.Categorical = pd.to_datetime([dates[i][0] for i in first])
    else:
        # Ordered categorical, so tables sort arrivals in resource order, not by name.
        arrival = pd.Categorical([ids[i] for i in first], categories=ids, ordered=True)
    values = network.values
    total = incidence.T @ pi
    margin = values - total
    return pd.DataFrame(
        {
            "product": network.product_ids,
            "arrival": arrival,
            "los": np.diff(incidence.indptr).astype(np.int64),
            "segment": [p.segment for p in network.products],
            "price": network.prices,
            "value": values,
            "bid_price_total": total,
            # The one accept rule: a stay is open iff its value covers its bid-price
            # total, ties open (the marginal product must not close on dual rounding).
            "open": accepts(values, total),
            "margin": margin,
        }
    )


def _keys(controls: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if not isinstance(controls, pd.DataFrame):
        raise InputError("controls", "must be the DataFrame returned by los_controls")
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    missing = [c for c in [*keys, *_COLUMNS] if c not in controls.columns]
    if missing:
        raise InputError("controls", f"missing column(s): {missing}")
    return [*keys, "arrival"]


def los_table(controls: pd.DataFrame, by: str | Sequence[str] | None = "segment") -> pd.DataFrame:
    """Pivot LOS controls to arrival × length of stay.

    Parameters
    ----------
    controls : pandas.DataFrame
        Output of :func:`los_controls`.
    by : str, sequence of str or None
        Column(s) to keep apart, e.g. ``"segment"`` (default), ``"price"`` or
        ``["segment", "price"]`` for rate plans; ``None`` pools all products.

    Returns
    -------
    pandas.DataFrame
        Index ``(*by, arrival)``, one column per length of stay (nights, ascending),
        nullable booleans: ``True`` open, ``False`` closed, ``<NA>`` where no product
        exists. A cell pooling several products (e.g. room types) is open if any is.
    """
    keys = _keys(controls, by)
    table = (
        controls.groupby([*keys, "los"], dropna=False, sort=True, observed=True)["open"]
        .any()
        .unstack("los")
        .sort_index(axis=1)
    )
    return table.astype("boolean")


def min_los(controls: pd.DataFrame, by: str | Sequence[str] | None = "segment") -> pd.Series:
    """Minimum length of stay per arrival: the shortest open stay.

    Parameters
    ----------
    controls : pandas.DataFrame
        Output of :func:`los_controls`.
    by : str, sequence of str or None
        As in :func:`los_table`.

    Returns
    -------
    pandas.Series
        Named ``min_los``, index ``(*by, arrival)`` (every arrival with a product),
        float nights; NaN where every stay arriving then is closed (closed to arrival).
        A MinLOS cannot express a gap such as LOS 1 and 3 open with 2 closed; check
        :func:`los_table` for those.
    """
    keys = _keys(controls, by)
    los = controls["los"].astype(np.float64).where(controls["open"].astype(bool))
    # min skips NaN, and an all-NaN group gives NaN: closed to arrival.
    grouped = controls.assign(_los=los).groupby(keys, dropna=False, sort=True, observed=True)
    return grouped["_los"].min().rename("min_los")
