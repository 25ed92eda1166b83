"""The one accept rule: a request is worth taking when its value covers its bid-price total.

Every accept/reject comparison in yieldopt (optimizer results, control policies, the service,
group quotes, length-of-stay controls) goes through :func:`accepts`, so the tolerance is written
once. It lives in ``optimize`` (the lowest layer that needs it); ``yieldopt.control`` re-exports
it and owns its use for booking requests.

Tolerance
---------
Ties go to acceptance. A request is accepted iff::

    value >= bid_price_total - ACCEPT_RTOL * max(1, |bid_price_total|)

with ``ACCEPT_RTOL = 1e-9``. The bid-price total is an LP dual or a DP value difference, so it
carries solver rounding proportional to its size; the ``max(1, ·)`` keeps the slack absolute
(1e-9 money units) near zero, where a relative slack would vanish. A request that is exactly
indifferent — worth what it displaces — is taken: solver noise must not turn it away.
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["ACCEPT_RTOL", "accepts"]

ACCEPT_RTOL: float = 1e-9
"""Relative tolerance of :func:`accepts`, scaled by ``max(1, |bid_price_total|)``."""


@overload
def accepts(value: float, bid_price_total: float, *, rtol: float = ...) -> bool: ...


@overload
def accepts(
    value: ArrayLike, bid_price_total: ArrayLike, *, rtol: float = ...
) -> NDArray[np.bool_] | bool: ...


def accepts(
    value: ArrayLike, bid_price_total: ArrayLike, *, rtol: float = ACCEPT_RTOL
) -> NDArray[np.bool_] | bool:
    """Decide whether a request's value covers the capacity it displaces.

    Parameters
    ----------
    value : float or array_like
        What the request is worth to the firm (money), any shape.
    bid_price_total : float or array_like
        Its displacement cost: the sum of the bid prices of the units it uses (money),
        broadcastable against ``value``. ``inf`` (no capacity) always rejects; ``nan`` rejects.
    rtol : float, default ACCEPT_RTOL (1e-9)
        Relative tolerance, scaled by ``max(1, |bid_price_total|)``; ties go to acceptance.

    Returns
    -------
    bool or numpy.ndarray of bool
        A Python ``bool`` when both inputs are scalars, else an array of the broadcast shape.

    Examples
    --------
    >>> accepts(100.0, 100.0)
    True
    >>> accepts(100.0 - 1e-12, 100.0)
    True
    >>> accepts(99.0, 100.0)
    False
    >>> accepts([50.0, 80.0], [60.0, 80.0])
    array([False,  True])
    """
    v = np.asarray(value, dtype=np.float64)
    b = np.asarray(bid_price_total, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        # inf - inf*rtol stays inf, so an unavailable resource rejects every finite value.
        slack = rtol * np.maximum(1.0, np.abs(b))
        out = v >= b - np.where(np.isfinite(slack), slack, 0.0)
    if out.ndim == 0:
        return bool(out)
    return out
