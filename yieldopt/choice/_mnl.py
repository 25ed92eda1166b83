"""Multinomial logit (MNL) choice among offered products, with a no-purchase option.

A customer of segment ``s`` offered the set ``S`` of products buys product ``j ∈ S`` with
probability

    P_s(j | S) = v_sj / (v_s0 + Σ_{k∈S} v_sk),

and buys nothing with probability ``v_{s0} / (v_{s0} + Σ_{k∈S} v_{sk})``. The preference
weights ``v = exp(utility)`` are non-negative; a weight of zero means the segment never buys
that product. Across segments the probabilities are mixed by the segment shares (the chance
that an arriving customer belongs to each segment).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from yieldopt.errors import InputError

__all__ = ["MNL"]


def _as_offer(offer: npt.ArrayLike, n_products: int) -> npt.NDArray[np.bool_]:
    """Validate an offer mask of shape (..., n) and return it as a boolean array."""
    arr = np.asarray(offer)
    if arr.ndim == 0 or arr.shape[-1] != n_products:
        raise InputError("offer", f"last axis must have length {n_products}, got shape {arr.shape}")
    if arr.dtype != np.bool_:
        if not np.all((arr == 0) | (arr == 1)):
            raise InputError("offer", "must be a boolean mask (or 0/1)")
        arr = arr.astype(bool)
    return arr


def _as_shares(shares: npt.ArrayLike | None, n_segments: int) -> npt.NDArray[np.float64]:
    """Validate segment shares (S,), non-negative and summing to 1; uniform when None."""
    if shares is None:
        return np.full(n_segments, 1.0 / n_segments)
    sh = np.asarray(shares, dtype=float)
    if sh.shape != (n_segments,):
        raise InputError("shares", f"must have shape ({n_segments},), got {sh.shape}")
    if not np.all(np.isfinite(sh)) or np.any(sh < 0):
        raise InputError("shares", "must be finite and non-negative")
    if not np.isclose(sh.sum(), 1.0, rtol=0, atol=1e-9):
        raise InputError("shares", f"must sum to 1, got {sh.sum()}")
    return sh


class MNL:
    """Multinomial logit choice model over ``n`` products and ``S`` customer segments.

    Parameters
    ----------
    weights : array_like, shape (S, n) or (n,)
        Preference weights ``v_sj = exp(u_sj)`` of each segment for each product, ≥ 0 and
        finite (dimensionless). A 1-d array is one segment.
    no_purchase : array_like, shape (S,) or scalar
        Weight ``v_s0`` of buying nothing, > 0 per segment.
    shares : array_like, shape (S,), optional
        Probability that an arriving customer belongs to each segment; sums to 1.
        Uniform when omitted.

    Examples
    --------
    >>> m = MNL([[1.0, 2.0]], [1.0])
    >>> m.purchase_probs([True, True])
    array([0.25, 0.5 ])
    >>> m.purchase_probs([[True, False], [False, True]])
    array([[0.5       , 0.        ],
           [0.        , 0.66666667]])
    """

    def __init__(
        self,
        weights: npt.ArrayLike,
        no_purchase: npt.ArrayLike,
        shares: npt.ArrayLike | None = None,
    ) -> None:
        w = np.asarray(weights, dtype=float)
        if w.ndim == 1:
            w = w[None, :]
        if w.ndim != 2 or w.shape[1] == 0 or w.shape[0] == 0:
            raise InputError("weights", f"must have shape (segments, products), got {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise InputError("weights", "must be finite and non-negative (exp of utilities)")
        v0 = np.asarray(no_purchase, dtype=float)
        if v0.ndim == 0:
            v0 = np.full(w.shape[0], float(v0))
        if v0.shape != (w.shape[0],):
            raise InputError("no_purchase", f"must have shape ({w.shape[0]},), got {v0.shape}")
        if not np.all(np.isfinite(v0)) or np.any(v0 <= 0):
            raise InputError("no_purchase", "must be finite and positive")
        self.weights: npt.NDArray[np.float64] = w
        self.no_purchase: npt.NDArray[np.float64] = v0
        self.shares: npt.NDArray[np.float64] = _as_shares(shares, w.shape[0])

    @classmethod
    def from_utilities(
        cls,
        utilities: npt.ArrayLike,
        no_purchase_utility: npt.ArrayLike = 0.0,
        shares: npt.ArrayLike | None = None,
    ) -> MNL:
        """Build the model from utilities; weights are ``exp(utility)``.

        Parameters
        ----------
        utilities : array_like, shape (S, n) or (n,)
            Deterministic utility of each product per segment; ``-inf`` means never bought.
        no_purchase_utility : array_like, shape (S,) or scalar
            Utility of buying nothing (0 by default, weight 1).
        shares : array_like, shape (S,), optional
            Segment shares.

        Returns
        -------
        MNL

        Examples
        --------
        >>> MNL.from_utilities([0.0, np.log(3.0)]).purchase_probs([True, True])
        array([0.2, 0.6])
        """
        u = np.asarray(utilities, dtype=float)
        u0 = np.asarray(no_purchase_utility, dtype=float)
        if np.any(np.isnan(u)) or np.any(u == np.inf):
            raise InputError("utilities", "must be finite or -inf")
        if not np.all(np.isfinite(u0)):
            raise InputError("no_purchase_utility", "must be finite")
        # Shift per segment by the largest utility so exp() cannot overflow; MNL is invariant
        # to adding a constant to every utility of a segment (including no-purchase).
        u2 = u if u.ndim == 2 else u[None, :]
        u02 = np.broadcast_to(u0, (u2.shape[0],))
        shift = np.maximum(np.max(u2, axis=1), u02)
        return cls(np.exp(u2 - shift[:, None]), np.exp(u02 - shift), shares)

    @property
    def n_products(self) -> int:
        """Number of products ``n``."""
        return int(self.weights.shape[1])

    @property
    def n_segments(self) -> int:
        """Number of segments ``S``."""
        return int(self.weights.shape[0])

    def segment_purchase_probs(self, offer: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Purchase probabilities per segment.

        Parameters
        ----------
        offer : array_like of bool, shape (..., n)
            Offer sets; ``offer[..., j]`` says product j is open.

        Returns
        -------
        ndarray, shape (..., S, n)
            ``P_s(j | offer)``; zero for closed products. No-purchase is 1 minus the sum.
        """
        o = _as_offer(offer, self.n_products)
        num = o[..., None, :] * self.weights  # (..., S, n)
        den = self.no_purchase + num.sum(axis=-1)  # (..., S), > 0 since v0 > 0
        out: npt.NDArray[np.float64] = num / den[..., None]
        return out

    def purchase_probs(self, offer: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Purchase probabilities mixed over segments by their shares.

        Parameters
        ----------
        offer : array_like of bool, shape (..., n)
            Offer sets.

        Returns
        -------
        ndarray, shape (..., n)
            Probability that an arriving customer buys each product; no-purchase is
            ``1 - sum``.
        """
        p = self.segment_purchase_probs(offer)
        out: npt.NDArray[np.float64] = np.einsum("...sn,s->...n", p, self.shares)
        return out

    def no_purchase_probs(self, offer: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Probability of buying nothing, shape (...,), mixed over segments."""
        out: npt.NDArray[np.float64] = 1.0 - self.purchase_probs(offer).sum(axis=-1)
        return out

    def __repr__(self) -> str:
        return f"MNL(n_segments={self.n_segments}, n_products={self.n_products})"

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, MNL):
            return NotImplemented
        return (
            np.array_equal(self.weights, other.weights)
            and np.array_equal(self.no_purchase, other.no_purchase)
            and np.array_equal(self.shares, other.shares)
        )

    __hash__ = None  # type: ignore[assignment]
