"""Booking-control policies, vectorized over many booking states (sample paths) at once.

Every policy answers one question for a batch of requests: *accept this product,
given the remaining capacity?* The simulator has already checked that capacity
is left on every resource the product uses; the policy adds the economic test.

Interface (see :class:`Policy`):

- ``reset(path_ids)`` computes initial controls for a batch of booking states;
- ``reoptimize(rows, frac, remaining)`` recomputes them for some states at horizon
  fraction ``frac`` (0 = opening of sales) from their remaining capacity;
- ``accept(rows, products, periods, remaining)`` returns one bool per request.

``remaining`` always carries a last column for the dummy resource ``m`` that
padded product rows point to.

This module holds the base class and the capacity-based policies (FCFS, nesting,
bid prices, decomposition); the choice-based ones are in :mod:`._choice_policies`
and the registry by name in :mod:`._registry`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..model import PolicyName
from ..optimize import (
    RLP_SAMPLES,
    WarmDLP,
    accepts,
    davn,
    dp_decomposition,
    emsr_b_mr,
)
from ._model import ControlModel

__all__ = [
    "FCFS",
    "BidPrices",
    "DecompositionBidPrices",
    "LegEMSRb",
    "LegEMSRbMR",
    "Policy",
    "RandomizedBidPrices",
    "SingleResourceDP",
    "VirtualNesting",
]


class Policy:
    """Base class: the interface every policy implements."""

    name: str = "policy"

    def __init__(self, model: ControlModel, seed: int = 0) -> None:
        self.model = model
        self.seed = seed

    def reset(self, path_ids: NDArray[np.int64]) -> None:
        """Compute initial controls for ``len(path_ids)`` booking states."""

    def reoptimize(
        self, rows: NDArray[np.int64], frac: float, remaining: NDArray[np.float64]
    ) -> None:
        """Recompute controls of states ``rows`` at horizon fraction ``frac``.

        ``remaining`` has shape (len(rows), m + 1).
        """

    def accept(
        self,
        rows: NDArray[np.int64],
        products: NDArray[np.int64],
        periods: NDArray[np.int64],
        remaining: NDArray[np.float64],
    ) -> NDArray[np.bool_]:
        """Return whether to sell one unit of ``products[i]`` in state ``rows[i]``, shape (Q,)."""
        raise NotImplementedError


class FCFS(Policy):
    """First come, first served: sell while capacity lasts."""

    name = PolicyName.FCFS

    def accept(self, rows, products, periods, remaining):
        return np.ones(rows.size, dtype=bool)


class BidPrices(Policy):
    """Bid-price control from the deterministic LP, re-solved on remaining capacity.

    Accept ``j`` iff ``v_j >= Σ_{i in j} π_i`` (:func:`~yieldopt.control.accepts`: ties
    go to acceptance), the rule the service's compiled controls use.
    """

    name = PolicyName.DLP

    def reset(self, path_ids):
        m = self.model
        self._lp = WarmDLP(m.values, m.network.incidence)
        # Every later solve starts from the opening LP's optimal basis, so a path's bid
        # prices depend on its own state only, not on the paths solved before it.
        self._lp.anchor(m.authorized, m.product_demand(0.0))
        self._ids = np.asarray(path_ids)
        first = self._prices(m.authorized, 0.0, None)
        self.bid = np.tile(np.append(first, 0.0), (len(path_ids), 1))

    def _demand(self, frac: float, path_id: int | None, step: int) -> NDArray[np.float64]:
        return self.model.product_demand(frac)

    def _prices(self, capacity, frac, path_id, step=0) -> NDArray[np.float64]:
        return self._lp.solve(capacity, self._demand(frac, path_id, step)).duals

    def reoptimize(self, rows, frac, remaining):
        m = self.model.n_resources
        demand = self._demand(frac, None, 0)
        for r, rem in zip(rows, remaining, strict=True):
            self.bid[r, :m] = self._lp.solve(rem[:m], demand).duals

    def accept(self, rows, products, periods, remaining):
        res = self.model.product_resources[products]
        total = self.bid[rows[:, None], res].sum(axis=1)
        return accepts(self.model.values[products], total)


class RandomizedBidPrices(BidPrices):
    """Randomized LP: bid prices averaged over LPs on Poisson-sampled remaining demand."""

    name = PolicyName.RLP
    samples = RLP_SAMPLES

    def _prices(self, capacity, frac, path_id, step=0):
        mean = self.model.product_demand(frac)
        # Opening prices (no path yet) use path slot 0 with step 0; paths use id + 1.
        slot = 0 if path_id is None else int(path_id) + 1
        rng = np.random.default_rng([self.seed, 7, slot, step])
        draws = rng.poisson(mean, size=(self.samples, mean.size))
        return np.mean(
            [self._lp.solve(capacity, d.astype(np.float64)).duals for d in draws], axis=0
        )

    def reoptimize(self, rows, frac, remaining):
        m = self.model.n_resources
        step = round(frac * 1e6)
        for r, rem in zip(rows, remaining, strict=True):
            self.bid[r, :m] = self._prices(rem[:m], frac, self._ids[r], step)


class VirtualNesting(Policy):
    """DAVN: per-resource virtual classes by displacement-adjusted value, EMSR-b limits.

    A product is sold when, on every resource it uses, more units remain than are
    protected for the virtual classes above it.
    """

    name = PolicyName.DAVN
    displacement = True

    def reset(self, path_ids):
        m = self.model
        self._lp = WarmDLP(m.values, m.network.incidence)
        if self.displacement:
            # A fixed start basis for every solve (see BidPrices.reset).
            self._lp.anchor(m.authorized, m.product_demand(0.0))
        first = self._thresholds(m.authorized, 0.0)
        self.threshold = np.tile(first, (len(path_ids), 1, 1))

    def _thresholds(self, capacity, frac) -> NDArray[np.float64]:
        m = self.model
        demand = m.product_demand(frac)
        bid = (
            self._lp.solve(capacity, demand).duals if self.displacement else np.zeros(m.n_resources)
        )
        th = davn(m.network, demand, capacity=capacity, bid_prices=bid).thresholds
        # Keep only each product's own resources, shape (n, R); the dummy resource never binds.
        th = np.vstack([th, np.full((1, th.shape[1]), -np.inf)])
        return th[m.product_resources, np.arange(m.n_products)[:, None]]

    def reoptimize(self, rows, frac, remaining):
        m = self.model.n_resources
        for r, rem in zip(rows, remaining, strict=True):
            self.threshold[r] = self._thresholds(rem[:m], frac)

    def accept(self, rows, products, periods, remaining):
        res = self.model.product_resources[products]
        th = self.threshold[rows, products]
        left = np.take_along_axis(remaining, res, axis=1)
        return np.all(left > th, axis=1)


class LegEMSRb(VirtualNesting):
    """Leg-based EMSR-b: nested limits per resource on full product values (no displacement).

    The service's ``emsr-b`` method computes the same limits (DAVN with zero bid prices).
    """

    name = PolicyName.EMSR_B
    displacement = False


class LegEMSRbMR(VirtualNesting):
    """Leg EMSR-b with the marginal-revenue fare adjustment (EMSR-b-MR, Fiig et al. 2010).

    On every resource the products that use it are classes by value (descending). For
    each nest "classes 1..j open" the scenario's choice model (buy-down, MNL or
    willingness to pay) gives the expected sales ``Q_j`` and value ``R_j`` of the
    remaining customers whose choice sets touch the resource; EMSR-b then runs on the
    marginal-revenue adjusted fares and demands of the efficient nests
    (:func:`~yieldopt.optimize.emsr_b_mr`). Classes off the efficient frontier open
    with the next efficient class, or never. With independent demand it is leg EMSR-b
    on exact product values.

    A product's value is prorated equally over the resources it uses (a three-night
    stay counts a third of its value on each night), as leg-based systems prorate
    itinerary fares to legs; ``prorate = False`` uses full values on every resource, as
    ``emsr-b`` does (on the city hotel that loses to FCFS: multi-night stays then look
    like the top class of every night they touch).
    """

    name = PolicyName.EMSR_B_MR
    displacement = False
    prorate = True

    def reset(self, path_ids):
        m = self.model
        cm = m.customers.choice_matrix
        top = np.array([cs[-1] for cs in m.customers.choice_sets])
        # A stream's customers are believed as its top product's (see CustomerStreams.to_products).
        self._belief = m.belief[top]
        nres = np.maximum((m.product_resources < m.n_resources).sum(axis=1), 1)
        self._value = m.values / nres if self.prorate else m.values
        # Per resource: classes (distinct values, descending) of the products using it,
        # the streams whose choice sets touch it and each column's class there.
        uses = m.network.incidence.tocsr()
        self._legs = []
        col_prod = np.maximum(cm, 0)
        for i in range(m.n_resources):
            prods = uses.indices[uses.indptr[i] : uses.indptr[i + 1]]
            live = prods[self._value[prods] > 0]
            fares, cls = np.unique(-self._value[live], return_inverse=True)
            klass = np.full(m.n_products, -1)
            klass[live] = cls
            col_class = np.where(cm >= 0, klass[col_prod], -1)  # (K, L)
            streams = np.flatnonzero((col_class >= 0).any(axis=1))
            self._legs.append((prods, live, klass, -fares, streams, col_class[streams]))
        super().reset(path_ids)

    def _thresholds(self, capacity, frac) -> NDArray[np.float64]:
        m = self.model
        chooser = m.customers.chooser
        mean = m.customers.remaining_mean(frac) * self._belief
        th = np.full((m.n_resources + 1, m.n_products), -np.inf)
        for i, (prods, live, klass, fares, streams, col_class) in enumerate(self._legs):
            th[i, prods] = np.inf  # non-positive values are never worth a unit
            if not live.size:
                continue
            if not streams.size:
                th[i, live] = 0.0
                continue
            j = fares.size
            # offer[c, s, l]: column l of stream s is open when its class is c or above.
            offer = (col_class[None] >= 0) & (col_class[None] <= np.arange(j)[:, None, None])
            s = np.tile(streams, j)
            probs = chooser.purchase_probs(s, offer.reshape(-1, offer.shape[2]))
            probs = probs.reshape(offer.shape) * mean[streams][None, :, None]
            col_value = np.where(
                col_class >= 0, self._value[np.maximum(m.customers.choice_matrix[streams], 0)], 0.0
            )
            q = probs.sum(axis=(1, 2))
            r = (probs * col_value[None]).sum(axis=(1, 2))
            if fares.size == 1:
                th[i, live] = 0.0
                continue
            levels = emsr_b_mr(fares, q, r)
            protect = np.concatenate([[0.0], levels])
            th[i, live] = protect[klass[live]]
        return th[m.product_resources, np.arange(m.n_products)[:, None]]


class DecompositionBidPrices(Policy):
    """Dynamic bid prices from per-resource DPs (computed once).

    The tables already depend on time and remaining capacity, so re-optimization
    keeps them (:func:`~yieldopt.simulate` warns when it is asked to re-optimize).
    Re-solving would only refresh the DLP split of product values into resources,
    at the cost of one DP over the remaining periods per path and re-optimization
    time, too slow for simulations of hundreds of paths.
    """

    name = PolicyName.DP_DECOMPOSITION
    single_resource = False

    def reset(self, path_ids):
        m = self.model
        if self.single_resource and m.n_resources != 1:
            raise InputError(
                "policy", "'dp' is the exact DP of a single resource; use 'dp-decomposition'"
            )
        # Per-resource DPs need far fewer periods than the whole network's request stream.
        periods = m.customers.resource_periods(m.network.incidence)
        probs = m.product_period_probs(periods)
        dec = dp_decomposition(m.network, probs, capacity=m.authorized, solver="highs")
        width = int(m.authorized.max()) + 1
        table = np.zeros((m.n_resources + 1, periods + 1, width))
        for i, v in enumerate(dec.values):
            table[i, :, : v.shape[1]] = v
            table[i, :, v.shape[1] :] = v[:, -1:]
        # Bid price of the x-th unit in period t: ΔV(t + 1, x); the dummy resource costs nothing.
        self.marginal = np.concatenate(
            [np.full((*table.shape[:2], 1), np.inf), np.diff(table, axis=2)], axis=2
        )
        self.marginal[-1] = 0.0
        self.periods = periods

    def accept(self, rows, products, periods, remaining):
        res = self.model.product_resources[products]
        left = np.take_along_axis(remaining, res, axis=1)
        x = np.minimum(left, self.marginal.shape[2] - 1).astype(np.int64)
        x[res == self.model.n_resources] = 0
        # Request periods count the scenario's periods; the DP may use fewer.
        t = np.minimum(periods * self.periods // self.model.customers.periods + 1, self.periods)[
            :, None
        ]
        total = self.marginal[res, t, x].sum(axis=1)
        return accepts(self.model.values[products], total)


class SingleResourceDP(DecompositionBidPrices):
    """The exact dynamic program of a single resource (Lee–Hersh)."""

    name = PolicyName.DP
    single_resource = True
