"""Data-collection points (DCPs) and the forecast targets they define.

A reading at DCP ``d`` is the bookings on hand at the close of the day ``d`` days
before service. A *days-before bucket* ``(a, c)`` with ``a > c`` holds the demand
booked between two readings: bookings made ``b`` days before service with
``c <= b < a``. Forecasting on day ``t`` (``as_of``) for a service date ``h`` days
ahead, the remaining demand is split into the buckets ``(h, d1), (d1, d2), ...,
(dk, 0)`` where ``d1 > d2 > ... > 0`` are the DCPs below ``h``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["DEFAULT_DCPS", "Targets", "as_dcps", "make_targets"]

#: Default data-collection points (days before service): daily close in, weekly
#: over the last month, then monthly and quarterly out to a year.
DEFAULT_DCPS: tuple[int, ...] = (0, 1, 2, 3, 5, 7, 10, 14, 21, 28, 42, 60, 90, 120, 180, 270, 365)


def as_dcps(dcps: Sequence[int]) -> np.ndarray:
    """Return DCPs as distinct non-negative ints, descending, always including 0."""
    try:
        a = np.asarray(list(dcps), dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("dcps", "must be whole numbers of days before service") from None
    if a.ndim != 1 or not np.all(np.isfinite(a)) or np.any(a < 0) or np.any(a != np.round(a)):
        raise InputError("dcps", "must be whole, non-negative numbers of days before service")
    return np.unique(np.append(a.astype(np.int64), 0))[::-1]


@dataclass(frozen=True)
class Targets:
    """Forecast rows: one per product, service date and days-before bucket.

    Attributes
    ----------
    p : ndarray of int, shape (T,)
        Product index.
    s : ndarray of int, shape (T,)
        Service-date index on the cube's date axis.
    h : ndarray of int, shape (T,)
        Days from ``as_of`` to service (>= 1).
    a, c : ndarray of int, shape (T,)
        Bucket edges in days before service, ``a > c``.
    """

    p: np.ndarray
    s: np.ndarray
    h: np.ndarray
    a: np.ndarray
    c: np.ndarray

    def __len__(self) -> int:
        return int(self.p.size)


def make_targets(n_products: int, as_of_day: int, horizon: int, dcps: np.ndarray) -> Targets:
    """Targets for service dates ``as_of + 1 .. as_of + horizon`` of every product.

    Parameters
    ----------
    n_products : int
        Number of products ``P``.
    as_of_day : int
        Index of ``as_of`` on the cube's date axis.
    horizon : int
        Days ahead to forecast (>= 1).
    dcps : ndarray
        DCPs from :func:`as_dcps` (descending, ending with 0).
    """
    asc = dcps[::-1]
    hs = np.arange(1, horizon + 1)
    below = np.searchsorted(asc, hs, side="left")  # DCPs strictly below h
    n_buckets = below  # edges: h, then the `below` DCPs under h (0 included)
    h = np.repeat(hs, n_buckets)
    first = np.repeat(np.cumsum(n_buckets) - n_buckets, n_buckets)
    j = np.arange(h.size) - first  # bucket number within h: 0 = (h, largest DCP < h)
    # the edge below bucket j is the (j+1)-th largest DCP under h
    c = asc[np.repeat(below, n_buckets) - 1 - j]
    above = np.minimum(np.repeat(below, n_buckets) - j, asc.size - 1)  # unused when j == 0
    a = np.where(j == 0, h, asc[above])
    p = np.repeat(np.arange(n_products), h.size)
    tile = np.tile
    return Targets(
        p=p,
        s=as_of_day + tile(h, n_products),
        h=tile(h, n_products),
        a=tile(a, n_products),
        c=tile(c, n_products),
    )
