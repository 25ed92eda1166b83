"""What every finite-horizon single-resource dynamic program reads off its value table.

:class:`ValueTable` is the base of :class:`~yieldopt.optimize.DynamicSolution`
(Lee–Hersh), :class:`~yieldopt.optimize.ChoiceDPSolution` (offer sets under choice) and
:class:`~yieldopt.optimize.PricingSolution` (dynamic pricing): each holds
``value[t, x]``, the optimal expected revenue from period ``t`` on with ``x`` units left,
shape ``(T + 1, C + 1)``, and reads the optimum, the capacity, the bid prices
``ΔV_{t+1}(x)`` and the state of a request in one way.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError

__all__ = ["ValueTable"]


class ValueTable:
    """Readings of a value table ``value``, shape (T + 1, C + 1), money."""

    value: NDArray[np.float64]

    @property
    def expected_revenue(self) -> float:
        """Optimal expected revenue from the start with full capacity (money)."""
        return float(self.value[0, -1])

    @property
    def objective(self) -> float:
        """Optimal expected revenue (money): the same as :attr:`expected_revenue`."""
        return self.expected_revenue

    @property
    def capacity(self) -> int:
        """Units to sell at the start, ``C``."""
        return self.value.shape[1] - 1

    @cached_property
    def bid_prices(self) -> NDArray[np.float64]:
        """Bid prices, shape (T, C + 1): ``bid_prices[t, x] = ΔV_{t+1}(x)``.

        The opportunity cost (money) of selling the ``x``-th unit in period ``t``;
        column 0 is ``inf`` since nothing is left to sell.
        """
        out = np.empty((self.value.shape[0] - 1, self.value.shape[1]))
        out[:, 0] = np.inf
        np.subtract(self.value[1:, 1:], self.value[1:, :-1], out=out[:, 1:])
        return out

    def bid_prices_at(
        self, t: ArrayLike = 0, remaining: ArrayLike | None = None
    ) -> NDArray[np.float64] | float:
        """Bid price ``ΔV_{t+1}(x)`` for a request in period ``t`` with ``x`` units left.

        Parameters
        ----------
        t : int or array_like of int
            Period (0-based, ``0 <= t < T``).
        remaining : int or array_like of int, optional
            Units left (default: the capacity ``C``); above ``C`` counts as ``C``. Broadcast
            with ``t``.

        Returns
        -------
        float or ndarray
            Money per unit, the broadcast shape of ``t`` and ``remaining``; ``inf`` where
            nothing is left.
        """
        tt, x = self._state(t, remaining)
        out = self.bid_prices[tt, x]
        return float(out) if out.ndim == 0 else out

    def _state(
        self, t: ArrayLike, remaining: ArrayLike | None
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Check and broadcast a period and units left into table indices.

        Raises
        ------
        InputError
            A period outside ``[0, T)`` (field ``"t"``) or negative or NaN units
            (``"remaining"``).
        """
        tt = np.asarray(t)
        periods = self.value.shape[0] - 1
        if tt.dtype.kind not in "iu" or np.any((tt < 0) | (tt >= periods)):
            raise InputError("t", f"must be periods in [0, {periods}), got {t!r}")
        rem = np.asarray(self.capacity if remaining is None else remaining, dtype=np.float64)
        if np.any(np.isnan(rem)) or np.any(rem < 0):
            raise InputError("remaining", "units left must be non-negative numbers")
        x = np.minimum(rem, self.capacity).astype(np.int64)
        a, b = np.broadcast_arrays(tt.astype(np.int64), x)
        return a, b
