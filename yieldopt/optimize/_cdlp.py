"""Choice-based deterministic LP (CDLP) by column generation.

Gallego, Iyengar, Phillips & Dubey (2004) and Liu & van Ryzin (2008): customers arrive at
rate ``λ`` per period over ``T`` periods and choose among the offered set ``S`` with
probabilities ``P_j(S)``. The firm decides for how many periods ``t(S)`` to offer each set:

``maximize  Σ_S λ R(S) t(S)``  s.t. ``Σ_S λ Q_i(S) t(S) <= c_i`` (dual ``π_i``),
``Σ_S t(S) <= T`` (dual ``σ``), ``t >= 0``,

with ``R(S) = Σ_j v_j P_j(S)`` the value and ``Q_i(S) = Σ_{j uses i} P_j(S)`` the use of
resource ``i`` per arrival. There is one column per offer set, so the LP is solved by
column generation: a restricted master over the sets found so far gives ``π`` and ``σ``,
and the pricing problem

``max_S  Σ_j P_j(S) (v_j − Σ_{i ∈ j} π_i)  −  σ / λ``

finds the set with the largest reduced cost (per arrival). The procedure stops when it is
not positive. For MNL the pricing problem separates over groups of segments that share no
product (Liu & van Ryzin 2008); within a group of one segment it is solved exactly by the
sets nested by adjusted value ``v_j − Σ π_i`` among products where it is positive (the
optimal assortment of an MNL is revenue-ordered); a group of several overlapping segments
is enumerated when it has at most 12 products, else solved greedily (``exact`` is then
``False`` and the objective a lower bound on the CDLP's).

With ``G`` groups of segments that consider disjoint products the master is the equivalent
segment-based form: a column per (group, set) and one horizon row per group,
``Σ_{S offered to g} t_g(S) <= T``. A CDLP set is the union of one set per group, and any
such schedule is matched by the groups' schedules and back (Liu & van Ryzin 2008; Meissner,
Strauss & Talluri 2013), so the optimum is the same, but each iteration adds up to ``G``
columns instead of one union, which on the 20-segment benchmark cuts the iterations by
orders of magnitude.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from ..errors import InputError, SolverError
from ..model import Network
from ._choice_dp import ChoiceModel, all_offer_sets
from ._lp import _silence_highs_banner, shadow_prices
from ._network_lp import _capacity
from ._result import StaticBidPriceAccepts

__all__ = ["CDLPResult", "cdlp"]

# Overlapping segment groups up to this many products are priced by enumeration.
MAX_ENUMERATED_GROUP = 12


@dataclass(frozen=True, eq=False)
class CDLPResult(StaticBidPriceAccepts):
    """Result of :func:`cdlp`; a :class:`~yieldopt.optimize.BidPriceResult`.

    Attributes
    ----------
    objective : float
        Optimal CDLP value (money over the horizon): an upper bound on the expected value of
        any policy under the choice model (when ``exact``).
    bid_prices : pandas.Series
        Capacity duals ``π`` per resource id (money per unit), ``>= 0``.
    time_price : float
        Dual ``σ`` of the horizon constraint (money per period): ``time_prices.sum()``.
    time_prices : ndarray, shape (G,)
        Dual of the horizon constraint of each group of segments (money per period).
    offer_sets : pandas.DataFrame
        One row per offer set used in the optimum: ``offer_set`` (tuple of product ids),
        ``group`` (the group of segments it is offered to), ``time`` (periods, ``> 0``),
        ``revenue`` (value per arrival, money), ``sale_prob`` (probability that an arrival
        buys). Sorted by decreasing time. With one group this is the CDLP's schedule; with
        several, each group has its own schedule over the horizon.
    iterations : int
        Master LPs solved.
    exact : bool
        Whether every pricing problem was solved exactly (so the objective is the CDLP's).
    network : Network
        The network solved.
    capacity : ndarray, shape (m,)
        Capacity the LP was solved for (units).

    Notes
    -----
    ``accepts(product, remaining=None, t=0)`` is the bid-price control of the one rule
    (:func:`~yieldopt.optimize.accepts`) with the CDLP duals: sell ``product`` iff its value
    covers ``Σ_{i ∈ j} π_i`` and each of its resources has a unit left. The offer-set
    schedule itself is :attr:`offer_sets`.
    """

    objective: float
    bid_prices: pd.Series
    time_price: float
    time_prices: NDArray[np.float64]
    offer_sets: pd.DataFrame
    iterations: int
    exact: bool
    network: Network = field(repr=False)
    capacity: NDArray[np.float64] = field(repr=False)


class _Pricing:
    """Exact (or greedy) solver of the CDLP pricing problem for one choice model."""

    def __init__(self, choice: ChoiceModel, n: int) -> None:
        self.choice = choice
        self.n = n
        w = getattr(choice, "weights", None)
        v0 = getattr(choice, "no_purchase", None)
        self.mnl = w is not None and v0 is not None and np.shape(w) == (np.size(v0), n)
        self.exact = True
        if not self.mnl:
            # A general model: every set is scored through purchase_probs.
            if n > MAX_ENUMERATED_GROUP:
                raise InputError(
                    "choice",
                    f"a choice model other than MNL needs <= {MAX_ENUMERATED_GROUP} products",
                )
            self.masks = all_offer_sets(n)[1:]
            self.probs = np.asarray(choice.purchase_probs(self.masks), dtype=np.float64)
            return
        weights = np.asarray(w, dtype=np.float64)
        shares = np.asarray(getattr(choice, "shares", np.full(weights.shape[0], 1.0)))
        self.v = weights
        self.v0 = np.asarray(v0, dtype=np.float64)
        self.shares = shares.astype(np.float64)
        # Groups of segments linked by a shared product: bipartite segment-product graph.
        s_count = weights.shape[0]
        link = sp.csr_array(weights > 0)
        graph = sp.block_array([[None, link], [link.T, None]], format="csr")
        n_comp, label = connected_components(graph, directed=False)
        self.groups: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
        for g in range(n_comp):
            segs = np.flatnonzero(label[:s_count] == g)
            prods = np.flatnonzero(label[s_count:] == g)
            if segs.size and prods.size:
                self.groups.append((segs, prods))
                if segs.size > 1 and prods.size > MAX_ENUMERATED_GROUP:
                    self.exact = False

    def best(self, adjusted: NDArray[np.float64]) -> list[tuple[NDArray[np.bool_], float]]:
        """Per group of segments: offer set maximizing ``Σ_j P_j(S) a_j`` and that maximum.

        The masks have shape (n,) and offer only the group's products; the maxima are money
        per arrival (mixed by the segment shares).
        """
        if not self.mnl:
            gains = self.probs @ adjusted
            k = int(np.argmax(gains))
            return [(self.masks[k], float(gains[k]))]
        out = []
        for segs, prods in self.groups:
            v = self.v[np.ix_(segs, prods)]
            a = adjusted[prods]
            if segs.size == 1:
                chosen, gain = self._nested(v[0], self.v0[segs[0]], a)
                gain *= self.shares[segs[0]]
            elif prods.size <= MAX_ENUMERATED_GROUP:
                chosen, gain = self._enumerate(v, self.v0[segs], self.shares[segs], a)
            else:
                chosen, gain = self._greedy(v, self.v0[segs], self.shares[segs], a)
            offer = np.zeros(self.n, dtype=bool)
            offer[prods[chosen]] = True
            out.append((offer, gain))
        return out

    @property
    def n_groups(self) -> int:
        """Number of independent groups of segments (one time row each in the master)."""
        return len(self.groups) if self.mnl else 1

    @staticmethod
    def _nested(
        v: NDArray[np.float64], v0: float, a: NDArray[np.float64]
    ) -> tuple[NDArray[np.bool_], float]:
        # Revenue-ordered assortments: the best MNL set is a prefix by adjusted value.
        live = np.flatnonzero((a > 0) & (v > 0))
        chosen = np.zeros(a.size, dtype=bool)
        if live.size == 0:
            return chosen, 0.0
        order = live[np.argsort(-a[live], kind="stable")]
        gains = np.cumsum(v[order] * a[order]) / (v0 + np.cumsum(v[order]))
        k = int(np.argmax(gains))
        chosen[order[: k + 1]] = True
        return chosen, float(gains[k])

    @staticmethod
    def _value(
        masks: NDArray[np.bool_],
        v: NDArray[np.float64],
        v0: NDArray[np.float64],
        shares: NDArray[np.float64],
        a: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        # Σ_s share_s Σ_j v_sj a_j / (v0_s + Σ v_sj) over the offered j, per mask row.
        num = masks @ (v * a).T  # (k, S)
        den = v0 + masks @ v.T
        out: NDArray[np.float64] = (num / den) @ shares
        return out

    def _enumerate(
        self,
        v: NDArray[np.float64],
        v0: NDArray[np.float64],
        shares: NDArray[np.float64],
        a: NDArray[np.float64],
    ) -> tuple[NDArray[np.bool_], float]:
        masks = all_offer_sets(a.size)
        gains = self._value(masks.astype(np.float64), v, v0, shares, a)
        k = int(np.argmax(gains))
        return masks[k], float(gains[k])

    def _greedy(
        self,
        v: NDArray[np.float64],
        v0: NDArray[np.float64],
        shares: NDArray[np.float64],
        a: NDArray[np.float64],
    ) -> tuple[NDArray[np.bool_], float]:
        # Add the product that raises the value most until none does (a heuristic).
        chosen = np.zeros(a.size, dtype=bool)
        best = 0.0
        while not chosen.all():
            trial = np.repeat(chosen[None, :], a.size, axis=0)
            trial[np.arange(a.size), np.arange(a.size)] = True
            gains = self._value(trial.astype(np.float64), v, v0, shares, a)
            gains[chosen] = -np.inf
            k = int(np.argmax(gains))
            if gains[k] <= best * (1 + 1e-12) + 1e-12:
                break
            chosen[k], best = True, float(gains[k])
        return chosen, best

    def probs_of(self, offer: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Purchase probabilities of one set, shape (n,)."""
        return np.asarray(self.choice.purchase_probs(offer), dtype=np.float64)


def cdlp(
    network: Network,
    periods: float,
    arrival_prob: float,
    choice: ChoiceModel,
    *,
    capacity: Mapping[str, float] | ArrayLike | None = None,
    max_iterations: int = 10_000,
    tol: float = 1e-9,
) -> CDLPResult:
    """Solve the choice-based deterministic LP by column generation.

    Parameters
    ----------
    network : Network
        Resources and products; product values (price plus segment adjustment) are the
        ``v_j`` of the objective.
    periods : float
        Length of the horizon ``T`` (periods), ``> 0``.
    arrival_prob : float
        ``λ``: expected arrivals per period (the probability of one arrival in a period of
        the discrete-time model), ``> 0``.
    choice : ChoiceModel
        Choice model over the network's products in order (``n`` products), e.g.
        :class:`yieldopt.choice.MNL`; models other than MNL are priced by enumeration
        (at most 12 products).
    capacity : mapping or array_like, optional
        Capacity to use instead of the network's (e.g. remaining).
    max_iterations : int
        Largest number of master LPs; exceeding it raises
        :class:`~yieldopt.errors.SolverError`.
    tol : float
        Relative tolerance on the reduced cost that stops the column generation.

    Returns
    -------
    CDLPResult

    Examples
    --------
    >>> from yieldopt.choice import MNL
    >>> net = Network.from_records(
    ...     resources=[{"id": "L", "capacity": 1}],
    ...     products=[{"id": "hi", "resources": ["L"], "price": 100.0},
    ...               {"id": "lo", "resources": ["L"], "price": 50.0}])
    >>> res = cdlp(net, periods=10, arrival_prob=1.0, choice=MNL([[1.0, 1.0]], [1.0]))
    >>> round(res.objective, 6)  # sell the one unit to "hi" only: t = 2 periods of {hi}
    100.0
    >>> res.offer_sets["offer_set"].tolist()
    [('hi',)]
    """
    if not np.isfinite(periods) or periods <= 0:
        raise InputError("periods", f"must be a positive number of periods, got {periods!r}")
    lam = float(arrival_prob)
    if not np.isfinite(lam) or lam <= 0:
        raise InputError("arrival_prob", f"must be positive, got {arrival_prob!r}")
    n = len(network.products)
    n_choice = getattr(choice, "n_products", n)
    if n_choice != n:
        raise InputError("choice", f"has {n_choice} products, the network {n}")
    if int(max_iterations) != max_iterations or max_iterations < 1:
        raise InputError("max_iterations", f"must be a positive integer, got {max_iterations!r}")
    cap = _capacity(network, capacity)
    values = network.values
    inc = sp.csr_array(network.incidence, dtype=np.float64)
    m = cap.size
    pricing = _Pricing(choice, n)

    import highspy

    _silence_highs_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # Re-solves after adding columns start from the previous basis (primal simplex keeps it
    # feasible); presolve would throw that basis away on every iteration.
    h.setOptionValue("presolve", "off")
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 4)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    n_groups = pricing.n_groups
    lower = np.full(m + n_groups, -highspy.kHighsInf)
    upper = np.concatenate([cap, np.full(n_groups, float(periods))])
    h.addRows(
        m + n_groups,
        lower,
        upper,
        0,
        np.zeros(m + n_groups, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )

    sets: list[NDArray[np.bool_]] = []
    group_of: list[int] = []
    revenue: list[float] = []
    sale: list[float] = []
    pi = np.zeros(m)
    sigma = np.zeros(n_groups)
    scale = tol * max(1.0, float(np.max(np.abs(values), initial=0.0))) * max(1.0, lam)
    iterations = 0
    x = np.zeros(0)
    while True:
        adjusted = values - inc.T @ pi
        # A column per group whose best set has a positive reduced cost λ·gain − σ_g.
        new = [
            (g, offer)
            for g, (offer, gain) in enumerate(pricing.best(adjusted))
            if offer.any() and (not sets or lam * gain - sigma[g] > scale)
        ]
        if not new:
            break
        if iterations >= max_iterations:
            raise SolverError(f"cdlp: no convergence in {max_iterations} iterations")
        for g, offer in new:
            p = pricing.probs_of(offer)
            col = np.concatenate([lam * (inc @ p), np.zeros(n_groups)])
            col[m + g] = 1.0
            rows = np.flatnonzero(col != 0).astype(np.int32)
            r = float(values @ p)
            h.addCol(lam * r, 0.0, highspy.kHighsInf, rows.size, rows, col[rows])
            sets.append(offer)
            group_of.append(g)
            revenue.append(r)
            sale.append(float(p.sum()))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"cdlp: master stopped with {h.modelStatusToString(status)}")
        iterations += 1
        sol = h.getSolution()
        duals = shadow_prices(np.asarray(sol.row_dual), sign=1, name="highs")
        pi, sigma = duals[:m], duals[m:]
        x = np.asarray(sol.col_value)

    ids = np.asarray(network.product_ids, dtype=object)
    keep = np.flatnonzero(x > 1e-9 * max(1.0, float(periods)))
    keep = keep[np.argsort(-x[keep], kind="stable")]
    table = pd.DataFrame(
        {
            "offer_set": [tuple(ids[sets[k]].tolist()) for k in keep],
            "group": np.asarray(group_of, dtype=np.int64)[keep] if keep.size else np.zeros(0, int),
            "time": x[keep],
            "revenue": np.asarray(revenue)[keep] if keep.size else np.zeros(0),
            "sale_prob": np.asarray(sale)[keep] if keep.size else np.zeros(0),
        }
    )
    objective = float(lam * np.asarray(revenue) @ x) if sets else 0.0
    return CDLPResult(
        objective=objective,
        bid_prices=pd.Series(pi, index=network.resource_ids, name="bid_price"),
        time_price=float(sigma.sum()),
        time_prices=sigma,
        offer_sets=table,
        iterations=iterations,
        exact=pricing.exact,
        network=network,
        capacity=cap,
    )
