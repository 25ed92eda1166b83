"""Continuous price-response curves: purchase probability as a function of price.

Each curve gives the probability ``P(p)`` that a customer who sees price ``p`` buys (in
[0, 1]), the expected revenue per customer ``p · P(p)`` and its maximizer in closed form:

========================  ==============================  ==================================
curve                     ``P(p)``                        revenue-maximizing price ``p*``
========================  ==============================  ==================================
:class:`LinearResponse`   ``clip(a − b·p, 0, 1)``         ``max(a / (2b), (a − 1) / b)``
:class:`ExponentialResponse`  ``s · exp(−α·p)``           ``1 / α``
:class:`LogitResponse`    ``1 / (1 + exp(b·p − a))``      ``(1 + W(e^{a−1})) / b``
========================  ==============================  ==================================

``W`` is the Lambert W function (principal branch). Multiplying ``P`` by an arrival
probability per period gives the ``purchase_probs`` of
:func:`~yieldopt.optimize.dynamic_pricing` for a price ladder (:meth:`ladder_probs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import lambertw

from .._validate import as_nonnegative, as_probabilities
from ..errors import InputError

__all__ = ["ExponentialResponse", "LinearResponse", "LogitResponse"]


def _positive(name: str, value: float) -> float:
    x = float(as_nonnegative(name, value))
    if x <= 0:
        raise InputError(name, f"must be positive, got {value!r}")
    return x


class _Response:
    """Shared methods: revenue per customer and ladder probabilities."""

    def probability(self, price: ArrayLike) -> NDArray[np.float64]:
        """Purchase probability at ``price`` (money), same shape as ``price``."""
        raise NotImplementedError

    def revenue_maximizing_price(self) -> float:
        """Return the price maximizing ``p · P(p)`` (money), in closed form."""
        raise NotImplementedError

    def revenue(self, price: ArrayLike) -> NDArray[np.float64]:
        """Return the expected revenue per customer ``p · P(p)`` (money), shaped as ``price``."""
        p = as_nonnegative("price", price)
        return p * self.probability(p)

    def ladder_probs(self, prices: ArrayLike, arrival_prob: ArrayLike = 1.0) -> NDArray:
        """Sale probabilities per period and ladder price for :func:`dynamic_pricing`.

        Parameters
        ----------
        prices : array_like, shape (K,)
            Ladder prices (money).
        arrival_prob : float or array_like, shape (T,)
            Probability that a customer arrives in each period.

        Returns
        -------
        ndarray, shape (K,) or (T, K)
            ``arrival_prob[t] · P(prices[k])``.
        """
        lam = as_probabilities("arrival_prob", arrival_prob)
        prob = self.probability(prices)
        return prob if lam.ndim == 0 and float(lam) == 1.0 else np.multiply.outer(lam, prob)


@dataclass(frozen=True)
class LinearResponse(_Response):
    """Linear response ``P(p) = clip(intercept − slope · p, 0, 1)``.

    ``intercept = 1`` is a willingness to pay uniform on ``[0, 1 / slope]``.

    Attributes
    ----------
    slope : float
        Probability lost per unit of money, ``b > 0`` (1 / money).
    intercept : float
        Probability at price 0 before clipping, ``a > 0``.

    Examples
    --------
    >>> LinearResponse(slope=0.01).revenue_maximizing_price()
    50.0
    """

    slope: float
    intercept: float = 1.0

    def __post_init__(self) -> None:
        _positive("slope", self.slope)
        _positive("intercept", self.intercept)

    def probability(self, price: ArrayLike) -> NDArray[np.float64]:
        """Purchase probability at ``price`` (money), same shape as ``price``."""
        p = as_nonnegative("price", price)
        return np.clip(self.intercept - self.slope * p, 0.0, 1.0)

    def revenue_maximizing_price(self) -> float:
        """Return ``a / (2b)``, or ``(a − 1) / b`` where ``P`` is still clipped at 1 there."""
        # Below (a − 1)/b everyone buys and revenue rises with price, so the unconstrained
        # optimum a/(2b) only counts when it lies on the sloped part.
        return float(max(self.intercept / (2 * self.slope), (self.intercept - 1) / self.slope))


@dataclass(frozen=True)
class ExponentialResponse(_Response):
    """Exponential response ``P(p) = scale · exp(−rate · p)`` (Gallego & van Ryzin 1994).

    Attributes
    ----------
    rate : float
        ``α > 0`` (1 / money).
    scale : float
        Probability at price 0, in (0, 1].

    Examples
    --------
    >>> ExponentialResponse(rate=0.02).revenue_maximizing_price()
    50.0
    """

    rate: float
    scale: float = 1.0

    def __post_init__(self) -> None:
        _positive("rate", self.rate)
        if not 0 < float(as_probabilities("scale", self.scale)):
            raise InputError("scale", "must lie in (0, 1]")

    def probability(self, price: ArrayLike) -> NDArray[np.float64]:
        """Purchase probability at ``price`` (money), same shape as ``price``."""
        p = as_nonnegative("price", price)
        return self.scale * np.exp(-self.rate * p)

    def revenue_maximizing_price(self) -> float:
        """Return ``1 / α``: where ``d/dp [p e^{−αp}] = (1 − αp) e^{−αp}`` vanishes."""
        return 1.0 / self.rate


@dataclass(frozen=True)
class LogitResponse(_Response):
    """Logit response ``P(p) = 1 / (1 + exp(b · p − a))``.

    Attributes
    ----------
    a : float
        Attractiveness at price 0 (log-odds of buying).
    b : float
        Price sensitivity ``> 0`` (1 / money).

    Examples
    --------
    >>> round(LogitResponse(a=1.0, b=0.01).revenue_maximizing_price(), 4)
    156.7143
    """

    a: float
    b: float

    def __post_init__(self) -> None:
        if not np.isfinite(float(self.a)):
            raise InputError("a", "must be finite")
        _positive("b", self.b)

    def probability(self, price: ArrayLike) -> NDArray[np.float64]:
        """Purchase probability at ``price`` (money), same shape as ``price``."""
        p = as_nonnegative("price", price)
        # expit form avoids overflow of exp for large prices.
        return 0.5 * (1.0 + np.tanh(0.5 * (self.a - self.b * p)))

    def revenue_maximizing_price(self) -> float:
        """Return ``(1 + W(e^{a−1})) / b``.

        The first-order condition ``1 = b p (1 − P(p))`` becomes ``(bp − 1) e^{bp − 1} =
        e^{a − 1}``, so ``bp − 1 = W(e^{a−1})``.
        """
        return float((1.0 + lambertw(np.exp(self.a - 1.0)).real) / self.b)
