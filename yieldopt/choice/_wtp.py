"""A willingness-to-pay (sell-up) choice model in the style of PassengerSim.

Each customer of segment ``s`` has a willingness to pay ``W = ref_s · (1 + X)`` with ``X``
exponentially distributed, so that for a price ``p ≥ ref_s``

    P(W ≥ p) = exp(−λ_s (p / ref_s − 1)),    λ_s = ln 2 / (Frat5_s − 1),

and everyone pays at least the reference price (P(W ≥ p) = 1 for p ≤ ref_s). Frat5 is the
fare ratio (price / reference) at which half of the customers would still buy: at
``p = Frat5 · ref`` the probability is exactly one half.

Products here differ only by price (no restrictions or other disutilities): a customer buys
the cheapest open product if its price is within the willingness to pay, and nothing
otherwise. The cheapest open product is also the one maximizing the surplus ``W − p``, so
both readings of "buys what she is willing to pay for" coincide. Ties in price go to the
lowest product index.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from yieldopt.choice._mnl import _as_offer, _as_shares
from yieldopt.errors import InputError

__all__ = ["WTPChoice"]


class WTPChoice:
    """Willingness-to-pay choice: buy the cheapest open product if its price ≤ WTP.

    Parameters
    ----------
    prices : array_like, shape (n,)
        Price of each product (money), ≥ 0 and finite.
    reference : array_like, shape (S,) or scalar
        Reference price (base fare) of each segment (money), > 0: every customer of the
        segment would pay at least this much.
    frat5 : array_like, shape (S,) or scalar
        Fare ratio at which half of the segment's customers would still buy, > 1.
    shares : array_like, shape (S,), optional
        Probability that an arriving customer belongs to each segment; uniform when omitted.

    Examples
    --------
    >>> m = WTPChoice([200.0, 100.0], reference=100.0, frat5=2.0)
    >>> m.purchase_probs([True, True])   # the cheaper product sells to everyone
    array([0., 1.])
    >>> m.purchase_probs([True, False])  # price 200 = Frat5 x reference: half sell up
    array([0.5, 0. ])
    """

    def __init__(
        self,
        prices: npt.ArrayLike,
        reference: npt.ArrayLike,
        frat5: npt.ArrayLike,
        shares: npt.ArrayLike | None = None,
    ) -> None:
        p = np.asarray(prices, dtype=float)
        if p.ndim != 1 or p.size == 0:
            raise InputError("prices", f"must have shape (products,), got {p.shape}")
        if not np.all(np.isfinite(p)) or np.any(p < 0):
            raise InputError("prices", "must be finite and non-negative")
        ref = np.atleast_1d(np.asarray(reference, dtype=float))
        f5 = np.atleast_1d(np.asarray(frat5, dtype=float))
        n_seg = max(ref.size, f5.size)
        for name, arr in (("reference", ref), ("frat5", f5)):
            if arr.ndim != 1 or arr.size not in (1, n_seg):
                raise InputError(name, f"must be a scalar or shape ({n_seg},), got {arr.shape}")
        ref = np.broadcast_to(ref, (n_seg,)).copy()
        f5 = np.broadcast_to(f5, (n_seg,)).copy()
        if not np.all(np.isfinite(ref)) or np.any(ref <= 0):
            raise InputError("reference", "must be finite and positive")
        if not np.all(np.isfinite(f5)) or np.any(f5 <= 1):
            raise InputError("frat5", "must be finite and greater than 1")
        self.prices: npt.NDArray[np.float64] = p
        self.reference: npt.NDArray[np.float64] = ref
        self.frat5: npt.NDArray[np.float64] = f5
        #: Rate of the exponential multiplier per segment, ln 2 / (Frat5 − 1).
        self.rate: npt.NDArray[np.float64] = np.log(2.0) / (f5 - 1.0)
        self.shares: npt.NDArray[np.float64] = _as_shares(shares, n_seg)

    @property
    def n_products(self) -> int:
        """Number of products ``n``."""
        return int(self.prices.size)

    @property
    def n_segments(self) -> int:
        """Number of segments ``S``."""
        return int(self.reference.size)

    def willing_probs(self, price: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """P(WTP ≥ price) per segment.

        Parameters
        ----------
        price : array_like, shape (...)
            Prices (money).

        Returns
        -------
        ndarray, shape (..., S)
        """
        x = np.asarray(price, dtype=float)[..., None] / self.reference - 1.0
        out: npt.NDArray[np.float64] = np.exp(-self.rate * np.maximum(x, 0.0))
        return out

    def segment_purchase_probs(self, offer: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Purchase probabilities per segment.

        Parameters
        ----------
        offer : array_like of bool, shape (..., n)
            Offer sets.

        Returns
        -------
        ndarray, shape (..., S, n)
            Non-zero only at the cheapest open product: ``P(WTP_s ≥ its price)``.
        """
        o = _as_offer(offer, self.n_products)
        masked = np.where(o, self.prices, np.inf)
        cheapest = np.argmin(masked, axis=-1)  # first index among equal prices
        any_open = o.any(axis=-1)
        pmin = np.take_along_axis(masked, cheapest[..., None], axis=-1)[..., 0]
        willing = self.willing_probs(np.where(any_open, pmin, 0.0))  # (..., S)
        willing = np.where(any_open[..., None], willing, 0.0)
        pick = np.arange(self.n_products) == cheapest[..., None]  # (..., n)
        out: npt.NDArray[np.float64] = willing[..., :, None] * pick[..., None, :]
        return out

    def purchase_probs(self, offer: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Purchase probabilities mixed over segments by their shares, shape (..., n)."""
        out: npt.NDArray[np.float64] = np.einsum(
            "...sn,s->...n", self.segment_purchase_probs(offer), self.shares
        )
        return out

    def sample_wtp(self, size: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
        """Draw ``size`` customers' segments and willingness to pay.

        Parameters
        ----------
        size : int
            Number of customers.
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        ndarray, shape (size, 2)
            Column 0 the segment index (as float), column 1 the WTP (money).
        """
        seg = rng.choice(self.n_segments, size=size, p=self.shares)
        mult = rng.exponential(1.0 / self.rate[seg])
        return np.column_stack([seg.astype(float), self.reference[seg] * (1.0 + mult)])

    def __repr__(self) -> str:
        return f"WTPChoice(n_segments={self.n_segments}, n_products={self.n_products})"
