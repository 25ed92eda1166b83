"""Dynamic pricing of one resource over a price ladder (discrete time, Gallego & van Ryzin 1994).

The horizon has ``T`` periods, short enough that at most one sale happens in each. In period
``t`` the firm posts one price of the ladder ``prices[k]``; a sale then happens with
probability ``p[t, k]``. With ``x`` units left the value function obeys

``V_t(x) = max_k  p[t, k] · (prices[k] + V_{t+1}(x − 1)) + (1 − p[t, k]) · V_{t+1}(x)``
``       = V_{t+1}(x) + max_k  p[t, k] · (prices[k] − ΔV_{t+1}(x))``,

with ``V_T = V_t(0) = 0`` and ``ΔV_{t+1}(x) = V_{t+1}(x) − V_{t+1}(x − 1)`` the opportunity
cost of a unit. ``ΔV <= max(prices)`` (one more unit can earn at most the top price), so the
maximum is never negative and no "close" option is needed.

For a fixed period the inner maximum is the upper envelope of ``K`` lines in ``Δ``
(intercept ``p_k · prices_k``, slope ``−p_k``). The envelope is computed once per distinct
row of ``p`` (vectorized over rows and line pairs), after which each period costs one
``searchsorted`` of the opportunity costs into the envelope's breakpoints: ``O(C log K)``
per period instead of ``O(C · K)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import as_capacity, as_nonnegative, as_probabilities
from ..errors import InputError
from ._value_table import ValueTable

__all__ = ["PricingSolution", "dynamic_pricing"]

# Line pairs evaluated at once when building envelopes: bounds memory to ~32 MB.
_PAIR_BLOCK = 4_000_000
# Normalized rows of purchase_probs closer than this (absolute, rows peak at 1) share an
# envelope.
_SAME_ROW_RTOL = 1e-12


@dataclass(frozen=True, eq=False)
class PricingSolution(ValueTable):
    """Result of :func:`dynamic_pricing`.

    Attributes
    ----------
    value : ndarray, shape (T + 1, C + 1)
        ``value[t, x]``: optimal expected revenue (money) from period ``t`` on with ``x`` units
        left; ``value[T] = value[:, 0] = 0``.
    price_index : ndarray of int, shape (T, C + 1)
        Position in ``prices`` of the optimal price in period ``t`` with ``x`` units left;
        ``-1`` in column 0 (nothing left, no sale).
    prices : ndarray, shape (K,)
        The price ladder (money per unit).
    """

    value: NDArray[np.float64]
    price_index: NDArray[np.int32]
    prices: NDArray[np.float64]

    @cached_property
    def price(self) -> NDArray[np.float64]:
        """Optimal price per (t, x), shape (T, C + 1) (money); ``nan`` where ``x = 0``."""
        padded = np.append(self.prices, np.nan)
        # index -1 picks the appended nan: no price when nothing is left.
        return padded[self.price_index]

    def price_at(self, t: ArrayLike = 0, remaining: ArrayLike | None = None) -> float | NDArray:
        """Optimal price in period ``t`` with ``remaining`` units left (money).

        Parameters
        ----------
        t : int or array_like of int
            Period (0-based, ``0 <= t < T``).
        remaining : int or array_like of int, optional
            Units left (default ``C``); above ``C`` counts as ``C``. Broadcast with ``t``.

        Returns
        -------
        float or ndarray
            The broadcast shape of the arguments; ``nan`` where nothing is left.
        """
        tt, x = self._state(t, remaining)
        out = self.price[tt, x]
        return float(out) if np.ndim(out) == 0 else out


def _envelopes(
    probs: NDArray[np.float64], prices: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Upper envelopes of the lines ``p_k (prices_k − Δ)``, one per row of ``probs``.

    Parameters
    ----------
    probs : ndarray, shape (U, K)
        Sale probability per row and ladder price.
    prices : ndarray, shape (K,)
        Ladder prices (money).

    Returns
    -------
    breaks : ndarray, shape (U, K)
        Per row, ascending opportunity costs from which each envelope line is optimal; the
        first is ``-inf``; rows are padded with ``+inf`` after the envelope's lines.
    lines : ndarray of int, shape (U, K)
        The ladder position of each envelope line, in the order of ``breaks``.
    """
    u_rows, k = probs.shape
    breaks = np.empty((u_rows, k))
    lines = np.empty((u_rows, k), dtype=np.int64)
    block = max(1, _PAIR_BLOCK // max(k * k, 1))
    idx = np.arange(k)
    for s in range(0, u_rows, block):
        p = probs[s : s + block]  # (B, K)
        a = p * prices  # intercepts
        pk, pj = p[:, :, None], p[:, None, :]  # line k (rows) against line j (columns)
        ak, aj = a[:, :, None], a[:, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = (aj - ak) / (pj - pk)  # Δ where lines k and j meet
        # Against a steeper line j (p_j > p_k), k wins for Δ >= cross; against a flatter
        # one, for Δ <= cross. Equal slopes: k loses everywhere to a higher (or equal and
        # earlier) line, so each distinct line appears once.
        lo = np.where(pj > pk, cross, -np.inf).max(axis=2)
        hi = np.where(pj < pk, cross, np.inf).min(axis=2)
        same = (pj == pk) & ((aj > ak) | ((aj == ak) & (idx[None, None, :] < idx[None, :, None])))
        lo = np.where(same.any(axis=2), np.inf, lo)
        on = lo < hi
        # The first envelope line (steepest kept) must cover everything below its range.
        key = np.where(on, lo, np.inf)
        order = np.argsort(key, axis=1, kind="stable")
        b = np.take_along_axis(key, order, axis=1)
        b[:, 0] = -np.inf
        breaks[s : s + block] = b
        lines[s : s + block] = order
    return breaks, lines


def dynamic_pricing(capacity: int, prices: ArrayLike, purchase_probs: ArrayLike) -> PricingSolution:
    """Optimal dynamic pricing of one resource over a price ladder, by exact DP.

    Parameters
    ----------
    capacity : int
        Units to sell, ``C >= 0``.
    prices : array_like, shape (K,)
        The price ladder (money per unit), non-negative, any order.
    purchase_probs : array_like, shape (T, K) or (K,)
        ``purchase_probs[t, k]``: probability of one sale in period ``t`` when the price is
        ``prices[k]`` (in [0, 1]); a 1-d array is the same in every one of ``T = 1`` periods
        — pass ``np.broadcast_to(p, (T, K))`` for a stationary horizon of ``T`` periods.

    Returns
    -------
    PricingSolution
        ``.value`` (T + 1, C + 1), ``.price_index`` and ``.price`` (T, C + 1), ``.objective``.

    Examples
    --------
    One period, one unit: post the price with the best expected revenue ``p_k · price_k``.

    >>> sol = dynamic_pricing(1, [100.0, 60.0], [0.3, 0.6])
    >>> float(sol.objective), float(sol.price[0, 1])
    (36.0, 60.0)
    """
    cap = as_capacity("capacity", capacity)
    r = as_nonnegative("prices", prices, min_ndim=1)
    if r.ndim != 1 or r.size == 0:
        raise InputError("prices", f"must be a non-empty 1-d ladder, got shape {r.shape}")
    p = as_probabilities("purchase_probs", purchase_probs)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != r.size:
        raise InputError(
            "purchase_probs", f"must have shape (T, {r.size}) or ({r.size},), got {p.shape}"
        )
    periods = p.shape[0]
    value = np.zeros((periods + 1, cap + 1))
    index = np.full((periods, cap + 1), -1, dtype=np.int32)
    if cap == 0 or periods == 0:
        return PricingSolution(value=value, price_index=index, prices=r)
    # The best price does not change when a period's row is scaled (p[t] = c_t · q, an
    # arrival probability times purchase probabilities): normalize rows by their maximum,
    # and let each run of equal normalized rows share one envelope (comparing neighbours is
    # O(T·K); np.unique(axis=0) would sort the rows). Rows equal to 1e-12 relative count as
    # equal: the envelope may then pick a price worth within that much of the best.
    scale = p.max(axis=1)
    norm = np.divide(p, scale[:, None], out=np.zeros_like(p), where=scale[:, None] > 0)
    changes = np.any(np.abs(norm[1:] - norm[:-1]) > _SAME_ROW_RTOL, axis=1)
    inverse = np.concatenate([[0], np.cumsum(changes)])
    starts = np.concatenate([[0], np.flatnonzero(changes) + 1])
    rows = norm[starts]
    breaks, lines = _envelopes(rows, r)
    # Envelope lines' slopes and intercepts in envelope order, so each period only gathers.
    slope = np.take_along_axis(rows, lines, axis=1)
    icpt = slope * r[lines]
    lines32 = lines.astype(np.int32)
    delta = np.empty(cap)
    for t in range(periods - 1, -1, -1):
        nxt = value[t + 1]
        np.subtract(nxt[1:], nxt[:-1], out=delta)
        u = inverse[t]
        pos = np.searchsorted(breaks[u], delta, side="right") - 1
        # V_t(x) = V_{t+1}(x) + c_t (q_k·price_k − q_k·ΔV_{t+1}(x)) for the envelope line k.
        row = value[t, 1:]
        np.multiply(slope[u].take(pos), delta, out=row)
        np.subtract(icpt[u].take(pos), row, out=row)
        row *= scale[t]
        row += nxt[1:]
        index[t, 1:] = lines32[u].take(pos)
    return PricingSolution(value=value, price_index=index, prices=r)
