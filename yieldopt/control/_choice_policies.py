"""Choice-based booking-control policies: dynamic pricing and CDLP bid prices.

Both read the scenario's customers (choice sets and chooser) rather than
independent demand per product; the interface is :class:`~._policies.Policy`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..model import PolicyName
from ..optimize import accepts, cdlp, dynamic_pricing
from ._policies import Policy

__all__ = ["ChoiceBidPrices", "DynamicPricing"]


class DynamicPricing(Policy):
    """Dynamic pricing of a single resource over the ladder of its product values.

    Posting ladder step ``k`` opens the products worth at least its value (a nest). In
    period ``t`` the scenario's customers (buy-down, MNL or willingness to pay) then buy
    with probability ``q[t, k]`` and bring expected value ``r[t, k]``; a "closed" step
    sells nothing. When every step's value per sale ``r / q`` is the same in all periods
    (one kind of customer, or several arriving in the same proportions, as in a pricing
    scenario) this is exactly the price-ladder DP of Gallego & van Ryzin, solved by
    :func:`~yieldopt.optimize.dynamic_pricing`. Otherwise the same recursion runs with the
    per-period value per sale, ``V_t(x) = V_{t+1}(x) + max_k (r[t, k] − q[t, k] ΔV_{t+1}(x))``
    (the choice-based single-resource DP over nested offer sets). Exact in every state,
    so re-optimization keeps it.
    """

    name = PolicyName.DYNAMIC_PRICING

    def reset(self, path_ids):
        m = self.model
        if m.n_resources != 1:
            raise InputError("policy", "'dynamic-pricing' prices a single resource")
        cs = m.customers
        periods = cs.resource_periods(m.network.incidence)
        top = np.array([c[-1] for c in cs.choice_sets])
        arrive = cs.period_probs(periods) * m.belief[top]  # (T, K)
        live = np.flatnonzero(m.values > 0)
        ladder, klass = np.unique(-m.values[live], return_inverse=True)
        self.klass = np.full(m.n_products, ladder.size)  # non-positive values: never open
        self.klass[live] = klass
        cm = cs.choice_matrix
        col_class = np.where(cm >= 0, self.klass[np.maximum(cm, 0)], ladder.size)
        col_value = np.where(cm >= 0, m.values[np.maximum(cm, 0)], 0.0)
        k = np.arange(ladder.size)
        offer = col_class[None] <= k[:, None, None]  # (steps, K, L)
        streams = np.tile(np.arange(cm.shape[0]), ladder.size)
        probs = cs.chooser.purchase_probs(streams, offer.reshape(-1, cm.shape[1]))
        probs = probs.reshape(offer.shape)
        q = arrive @ probs.sum(axis=2).T  # (T, steps)
        r = arrive @ (probs * col_value[None]).sum(axis=2).T
        # Load beyond one request per period is capped as the other DPs do.
        worst = np.maximum(q.max(axis=1, keepdims=True), 1.0)
        q, r = q / worst, r / worst
        # The closed step (last): no sale.
        q = np.hstack([q, np.zeros((periods, 1))])
        r = np.hstack([r, np.zeros((periods, 1))])
        cap = int(m.authorized[0])
        per_sale = np.divide(r, q, out=np.zeros_like(r), where=q > 0)
        ref = per_sale.max(axis=0)
        if np.allclose(np.where(q > 0, per_sale, ref), ref, rtol=1e-9, atol=1e-9):
            self.step = dynamic_pricing(cap, ref, q).price_index.astype(np.int64)
        else:
            self.step = _nest_dp(cap, q, r)
        self.periods = periods

    def accept(self, rows, products, periods, remaining):
        x = np.minimum(remaining[:, 0], self.step.shape[1] - 1).astype(np.int64)
        t = np.minimum(periods * self.periods // self.model.customers.periods, self.periods - 1)
        return self.klass[products] <= self.step[t, x]


def _nest_dp(capacity: int, q: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.int64]:
    """Best ladder step per (t, x) when step ``k`` sells w.p. ``q[t, k]`` for ``r[t, k]``.

    Returns the step index, shape (T, C + 1); ties go to the step opening more products
    (a later step), so a unit with no opportunity cost is never refused.
    """
    periods, steps = q.shape
    value = np.zeros(capacity + 1)
    best = np.full((periods, capacity + 1), steps - 1, dtype=np.int64)
    for t in range(periods - 1, -1, -1):
        delta = np.diff(value)  # ΔV_{t+1}(x), x = 1..C
        gain = r[t][None, :] - q[t][None, :] * delta[:, None]  # (C, steps)
        # Latest maximizing step: argmax over the reversed steps.
        k = steps - 1 - np.argmax(gain[:, ::-1], axis=1)
        best[t, 1:] = k
        value[1:] = value[1:] + gain[np.arange(capacity), k]
    return best


class ChoiceBidPrices(Policy):
    """Bid prices from the choice-based deterministic LP (CDLP), re-solved on remaining capacity.

    Every customer stream is an MNL segment (share: its remaining expected requests)
    over the products of its choice set: the scenario's ``[choice] model = "mnl"``
    weights, or, for independent demand (one product per stream), weight 1 with a
    vanishing no-purchase weight (the customer buys the product when it is open).
    Buy-down and WTP streams choosing among several products are not MNL and are refused.
    Accept ``j`` iff ``v_j >= Σ π_i`` (:func:`~yieldopt.control.accepts`).
    """

    name = PolicyName.CDLP
    # No-purchase weight standing in for "always buys if open" (yieldopt.choice.MNL needs > 0).
    tiny = 1e-9

    def reset(self, path_ids):
        from ..choice import MNL  # the choice layer sits below optimize; imported when used

        m = self.model
        cs = m.customers
        cm = cs.choice_matrix
        chooser = cs.chooser
        if chooser.model != "mnl" and cm.shape[1] > 1:
            raise InputError(
                "policy",
                "'cdlp' needs MNL customers ([choice] model = \"mnl\") or one product per stream",
            )
        k = cm.shape[0]
        weights = np.zeros((k, m.n_products))
        rows = np.repeat(np.arange(k), cm.shape[1])
        cols = cm.ravel()
        ok = cols >= 0
        if chooser.model == "mnl":
            w = chooser._weights(np.arange(k)).ravel()
            v0 = np.maximum(chooser.no_purchase, self.tiny)
        else:
            w = np.ones(cols.size)
            v0 = np.full(k, self.tiny)
        weights[rows[ok], cols[ok]] = w[ok]
        self._weights, self._v0, self._mnl = weights, v0, MNL
        top = np.array([c[-1] for c in cs.choice_sets])
        self._belief = m.belief[top]
        self.objective = 0.0  # CDLP value at the opening (money), set by _prices
        first = self._prices(m.authorized, 0.0)
        self.bid = np.tile(np.append(first, 0.0), (len(path_ids), 1))

    def _prices(self, capacity, frac) -> NDArray[np.float64]:
        mean = self.model.customers.remaining_mean(frac) * self._belief
        total = float(mean.sum())
        if total <= 0:
            return np.zeros(self.model.n_resources)
        live = mean > 0
        choice = self._mnl(self._weights[live], self._v0[live], mean[live] / total)
        res = cdlp(self.model.network, total, 1.0, choice, capacity=capacity)
        if frac == 0.0:
            self.objective = res.objective
        return res.bid_prices.to_numpy()

    def reoptimize(self, rows, frac, remaining):
        m = self.model.n_resources
        for r, rem in zip(rows, remaining, strict=True):
            self.bid[r, :m] = self._prices(rem[:m], frac)

    def accept(self, rows, products, periods, remaining):
        res = self.model.product_resources[products]
        total = self.bid[rows[:, None], res].sum(axis=1)
        return accepts(self.model.values[products], total)
