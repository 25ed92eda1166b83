"""Customer streams: who asks for what, and when, over the booking horizon.

A stream is a kind of customer with a *choice set*: the products they would buy,
sorted by ascending price. With one product in the set, demand is independent;
with several, the customer chooses among the open ones by the scenario's *choice
model* (:class:`StreamChoice`): buy down (the cheapest open product, the default),
a multinomial logit over the open products and not buying, or a willingness to pay
drawn per customer (buy the cheapest open product priced within it).

Arrival timing is either per period (``probs``, shape (T, K): at most one request
per period, as in the Topaloglu instances) or continuous (``mean`` requests per
stream over the horizon, a Poisson process whose arrival times follow a
Beta(a, b) *curve* on the horizon [0, 1)). Both give per-period probabilities for
the dynamic programs on ``periods`` periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy import stats

from ..errors import InputError

__all__ = ["CHOICE_MODELS", "CURVES", "CustomerStreams", "StreamChoice", "auto_periods"]

#: Customer choice models of the simulator (scenario ``[choice] model``).
CHOICE_MODELS = ("buydown", "mnl", "wtp")

# Named arrival curves: Beta(a, b) shapes of arrival time over the horizon (0 = opening).
CURVES: dict[str, tuple[float, float]] = {
    "uniform": (1.0, 1.0),
    "early": (1.0, 2.5),
    "late": (2.5, 1.0),
    "very-late": (4.0, 1.0),
    "middle": (2.0, 2.0),
}


@dataclass(frozen=True, eq=False)
class StreamChoice:
    """How the customers of each stream choose among the open products of their choice set.

    Columns follow :attr:`CustomerStreams.choice_matrix` (ascending price, padded).
    A customer's choice is a deterministic function of one uniform ``u`` drawn with
    the request and of the offer set, so every policy sees the same customers
    (common random numbers).

    - ``buydown``: the cheapest open product (``u`` unused).
    - ``mnl``: multinomial logit; column ``l`` of stream ``k`` has attraction weight
      ``exp(-beta_k (price / reference_k - 1))`` (1 for the cheapest product), not
      buying has weight ``no_purchase_k``; ``P(l | offer) = w_l / (w_0 + Σ_offer w)``.
    - ``wtp``: willingness to pay ``reference_k (1 + E)`` with ``E ~ Exp(λ_k)``,
      ``λ_k = ln 2 / (frat5_k − 1)`` (half the customers pay ``frat5`` times the
      reference, PassengerSim's Frat5); the customer buys the cheapest open product
      priced at most their willingness to pay, or nothing.

    Attributes
    ----------
    model : str
        ``"buydown"``, ``"mnl"`` or ``"wtp"``.
    prices : ndarray, shape (K, L)
        Price of each column (money), ``inf`` for padding.
    reference : ndarray, shape (K,)
        Reference price of each stream: its cheapest product's price (money).
    beta : ndarray, shape (K,)
        MNL price sensitivity per relative price step (unitless).
    no_purchase : ndarray, shape (K,)
        MNL weight of not buying (the cheapest product weighs 1).
    frat5 : ndarray, shape (K,)
        WTP fare ratio at which half the customers would still buy (``inf``: all do).
    """

    model: str
    prices: NDArray[np.float64]
    reference: NDArray[np.float64]
    beta: NDArray[np.float64]
    no_purchase: NDArray[np.float64]
    frat5: NDArray[np.float64]

    def __post_init__(self) -> None:
        if self.model not in CHOICE_MODELS:
            raise InputError("choice.model", f"must be one of {CHOICE_MODELS}, got {self.model!r}")
        k = self.prices.shape[0]
        for name in ("reference", "beta", "no_purchase", "frat5"):
            if getattr(self, name).shape != (k,):
                raise InputError(f"choice.{name}", f"needs one value per stream ({k})")
        if np.any(self.beta < 0) or not np.all(np.isfinite(self.beta)):
            raise InputError("choice.price_sensitivity", "must be finite and non-negative")
        if np.any(self.no_purchase < 0) or not np.all(np.isfinite(self.no_purchase)):
            raise InputError("choice.no_purchase", "must be finite and non-negative")
        if np.any(~(self.frat5 > 1)):
            raise InputError("choice.frat5", "must be above 1 (a fare ratio)")

    @classmethod
    def build(
        cls,
        model: str,
        prices: NDArray[np.float64],
        beta: NDArray[np.float64] | float = 0.0,
        no_purchase: NDArray[np.float64] | float = 0.0,
        frat5: NDArray[np.float64] | float = np.inf,
    ) -> StreamChoice:
        """Choice of streams whose columns cost ``prices`` (K, L; ``inf`` padding)."""
        k = prices.shape[0]
        ref = prices.min(axis=1, initial=np.inf)
        return cls(
            model=model,
            prices=prices,
            reference=ref,
            beta=np.broadcast_to(np.asarray(beta, dtype=np.float64), (k,)).copy(),
            no_purchase=np.broadcast_to(np.asarray(no_purchase, dtype=np.float64), (k,)).copy(),
            frat5=np.broadcast_to(np.asarray(frat5, dtype=np.float64), (k,)).copy(),
        )

    def _weights(self, streams: NDArray[np.int64]) -> NDArray[np.float64]:
        """MNL attraction weights of the columns of ``streams``, shape (Q, L)."""
        rel = self.prices[streams] / self.reference[streams][:, None] - 1.0
        with np.errstate(invalid="ignore"):
            w = np.exp(-self.beta[streams][:, None] * rel)
        return np.where(np.isfinite(self.prices[streams]), w, 0.0)

    def _sellup(self, streams: NDArray[np.int64]) -> NDArray[np.float64]:
        """WTP exponential rate λ per request, shape (Q,) (0 when ``frat5`` is infinite)."""
        return np.log(2.0) / (self.frat5[streams] - 1.0)

    def purchase_probs(
        self, streams: NDArray[np.int64], offer: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """Probability that a customer of ``streams[q]`` buys each column, shape (Q, L).

        Parameters
        ----------
        streams : ndarray of int, shape (Q,)
            Stream of each customer.
        offer : ndarray of bool, shape (Q, L)
            Which columns of the customer's choice set are open.

        Returns
        -------
        ndarray, shape (Q, L)
            Purchase probabilities; not buying is ``1 - sum`` over the row.
        """
        offer = np.asarray(offer, dtype=bool)
        if self.model == "mnl":
            w = self._weights(streams) * offer
            return w / (self.no_purchase[streams] + w.sum(axis=1))[:, None].clip(min=1e-300)
        first = _first_open(offer)
        out = np.zeros(offer.shape)
        q = np.flatnonzero(first >= 0)
        if self.model == "buydown":
            out[q, first[q]] = 1.0
            return out
        # WTP: the cheapest open product sells iff WTP >= its price.
        s = streams[q]
        ratio = self.prices[s, first[q]] / self.reference[s]
        out[q, first[q]] = np.exp(-self._sellup(s) * np.maximum(ratio - 1.0, 0.0))
        return out

    def choose(
        self, streams: NDArray[np.int64], offer: NDArray[np.bool_], u: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Column each customer buys (-1: nothing), shape (Q,).

        A deterministic function of the customer's uniform ``u`` (shape (Q,)) and the
        offer set (shape (Q, L)): common random numbers across policies.
        """
        offer = np.asarray(offer, dtype=bool)
        if self.model == "mnl":
            cum = np.cumsum(self.purchase_probs(streams, offer), axis=1)
            # Column l is bought when cum[l-1] <= u < cum[l]; a closed column has no width.
            col = (cum <= u[:, None]).sum(axis=1)
            return np.where(col < offer.shape[1], col, -1)
        first = _first_open(offer)
        if self.model == "buydown":
            return first
        q = np.flatnonzero(first >= 0)
        s = streams[q]
        lam = self._sellup(s)
        with np.errstate(divide="ignore"):
            wtp = self.reference[s] * (1.0 - np.log1p(-u[q]) / lam)
        out = np.full(offer.shape[0], -1, dtype=np.int64)
        out[q] = np.where(self.prices[s, first[q]] <= wtp, first[q], -1)
        return out


def _first_open(offer: NDArray[np.bool_]) -> NDArray[np.int64]:
    """First open column per row (the cheapest open product), -1 if none, shape (Q,)."""
    if offer.shape[1] == 0:
        return np.full(offer.shape[0], -1, dtype=np.int64)
    first = np.argmax(offer, axis=1)
    return np.where(offer.any(axis=1), first, -1).astype(np.int64)


@dataclass(frozen=True, eq=False)
class CustomerStreams:
    """Customer streams of a scenario.

    Attributes
    ----------
    choice_sets : tuple of ndarray
        Per stream, product positions sorted by ascending price.
    names : tuple of str
        Stream names.
    mean : ndarray, shape (K,)
        Expected requests per stream over the horizon.
    curves : ndarray, shape (K, 2), or None
        Beta(a, b) arrival-time shapes (continuous timing), or ``None`` with ``probs``.
    probs : ndarray, shape (T, K), or None
        Per-period request probabilities (period timing), or ``None`` with ``curves``.
    periods : int
        Number of periods ``T`` for dynamic programs (and ``probs``).
    n_products : int
        Number of products in the network.
    choice : StreamChoice or None
        How customers choose among the open products of their set; ``None`` is buy-down.
    """

    choice_sets: tuple[NDArray[np.int64], ...]
    names: tuple[str, ...]
    mean: NDArray[np.float64]
    curves: NDArray[np.float64] | None
    probs: NDArray[np.float64] | None
    periods: int
    n_products: int
    choice: StreamChoice | None = None

    def __post_init__(self) -> None:
        k = len(self.choice_sets)
        if self.mean.shape != (k,) or len(self.names) != k:
            raise InputError("customers", "mean, names and choice sets need one entry per stream")
        if (self.curves is None) == (self.probs is None):
            raise InputError("customers", "give either arrival curves or per-period probabilities")
        if self.probs is not None and self.probs.shape != (self.periods, k):
            raise InputError("customers", f"probs must have shape ({self.periods}, {k})")
        for i, cs in enumerate(self.choice_sets):
            if cs.size == 0 or np.any((cs < 0) | (cs >= self.n_products)):
                raise InputError(f"customers[{i}].products", "needs at least one known product")
        if self.choice is not None and self.choice.prices.shape != self.choice_matrix.shape:
            raise InputError("choice", "needs one price per stream and choice-set column")

    @cached_property
    def chooser(self) -> StreamChoice:
        """The streams' choice model (buy-down when none was given)."""
        if self.choice is not None:
            return self.choice
        return StreamChoice.build("buydown", np.where(self.choice_matrix >= 0, 0.0, np.inf))

    # Exactly one of curves and probs is set (checked in __post_init__); these give the
    # one a branch relies on, typed as present.
    def _period_probs(self) -> NDArray[np.float64]:
        if self.probs is None:
            raise InputError("customers", "these streams have arrival curves, not probabilities")
        return self.probs

    def _curves(self) -> NDArray[np.float64]:
        if self.curves is None:
            raise InputError("customers", "these streams have per-period probabilities, not curves")
        return self.curves

    @classmethod
    def independent(cls, probs: NDArray[np.float64], names: list[str]) -> CustomerStreams:
        """One stream per product with per-period probabilities, shape (T, n)."""
        n = probs.shape[1]
        return cls(
            choice_sets=tuple(np.array([j]) for j in range(n)),
            names=tuple(names),
            mean=probs.sum(axis=0),
            curves=None,
            probs=probs,
            periods=probs.shape[0],
            n_products=n,
        )

    @property
    def buy_down(self) -> bool:
        """Whether some stream chooses among several products."""
        return any(cs.size > 1 for cs in self.choice_sets)

    @cached_property
    def choice_matrix(self) -> NDArray[np.int64]:
        """Choice sets padded with -1, shape (K, L)."""
        width = max(cs.size for cs in self.choice_sets)
        out = np.full((len(self.choice_sets), width), -1, dtype=np.int64)
        for i, cs in enumerate(self.choice_sets):
            out[i, : cs.size] = cs
        return out

    @cached_property
    def to_products(self) -> sp.csr_array:
        """Stream → product map, shape (n, K).

        A stream's demand counts for the *last* (most expensive) product of its
        choice set: what the customer would pay at most.
        """
        top = np.array([cs[-1] for cs in self.choice_sets])
        k = top.size
        return sp.csr_array((np.ones(k), (top, np.arange(k))), shape=(self.n_products, k))

    def cdf(self, frac: float | NDArray[np.float64]) -> NDArray[np.float64]:
        """Share of each stream's requests arriving before horizon fraction ``frac``, (K,)."""
        if self.curves is not None:
            return stats.beta.cdf(np.clip(frac, 0.0, 1.0), self.curves[:, 0], self.curves[:, 1])
        t = int(np.ceil(np.clip(frac, 0.0, 1.0) * self.periods - 1e-9))
        total = np.where(self.mean > 0, self.mean, 1.0)
        return self._period_probs()[:t].sum(axis=0) / total

    def remaining_mean(self, frac: float) -> NDArray[np.float64]:
        """Return expected requests per stream from horizon fraction ``frac`` on, shape (K,)."""
        return self.mean * (1.0 - self.cdf(frac))

    def product_demand(self, frac: float = 0.0) -> NDArray[np.float64]:
        """Return expected remaining demand per product from ``frac`` on, shape (n,)."""
        return self.to_products @ self.remaining_mean(frac)

    def period_probs(
        self, periods: int | None = None, max_cells: int = 50_000_000
    ) -> NDArray[np.float64]:
        """Per-period request probabilities per stream, shape (T, K).

        Parameters
        ----------
        periods : int, optional
            Number of periods; the scenario's by default. Only continuous (curve)
            timing can be cut into other numbers of periods.
        max_cells : int
            Refuse to build more than this many cells.
        """
        periods = self.periods if periods is None else int(periods)
        if self.probs is not None:
            if periods != self.periods:
                raise InputError(
                    "periods", f"per-period demand is given for {self.periods} periods"
                )
            return self.probs
        if periods * len(self.choice_sets) > max_cells:
            raise InputError("periods", "too many periods × streams for per-period probabilities")
        edges = np.linspace(0.0, 1.0, periods + 1)
        curves = self._curves()
        cdf = stats.beta.cdf(edges[:, None], curves[:, 0], curves[:, 1])
        return np.diff(cdf, axis=0) * self.mean

    def product_period_probs(self, periods: int | None = None) -> NDArray[np.float64]:
        """Per-period request probabilities per product, shape (T, n) (see ``to_products``)."""
        return (self.to_products @ self.period_probs(periods).T).T

    def resource_periods(self, incidence: sp.csr_array, target: float = 0.3) -> int:
        """Fewest periods (>= 50, <= ``periods``) for per-resource dynamic programs.

        Each resource then sees at most ``target`` expected requests per period.
        """
        if self.probs is not None:
            return self.periods
        periods = 50
        while periods < self.periods:
            load = self.product_period_probs(periods) @ incidence.T
            if load.max(initial=0.0) <= target:
                return periods
            periods *= 2
        return self.periods


def auto_periods(
    mean: NDArray[np.float64], curves: NDArray[np.float64], target: float = 0.3
) -> int:
    """Fewest periods (at least 50) with at most ``target`` expected requests in any period.

    Streams sharing a curve are pooled, so the cost grows with the number of distinct
    curves, not of streams.
    """
    shapes, which = np.unique(curves, axis=0, return_inverse=True)
    pooled = np.bincount(which.ravel(), weights=mean, minlength=len(shapes))
    periods = max(50, int(np.ceil(mean.sum() / target)))
    while periods < 50_000_000:
        edges = np.linspace(0.0, 1.0, periods + 1)
        cdf = stats.beta.cdf(edges[:, None], shapes[:, 0], shapes[:, 1])
        if (np.diff(cdf, axis=0) @ pooled).max() <= target:
            return periods
        periods *= 2
    raise InputError("customers", "arrival curves too peaked to discretize")
