"""CDLP by column generation against the full LP over every offer set."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from yieldopt.choice import MNL
from yieldopt.errors import InputError
from yieldopt.model import Network
from yieldopt.optimize import BidPriceResult
from yieldopt.optimize import _cdlp as cdlp_module
from yieldopt.optimize._cdlp import cdlp
from yieldopt.optimize._choice_dp import all_offer_sets


def small_network(rng, n_products=6, n_resources=3):
    resources = [{"id": f"L{i}", "capacity": int(rng.integers(2, 8))} for i in range(n_resources)]
    products = []
    for j in range(n_products):
        k = int(rng.integers(1, 3))
        legs = sorted(rng.choice(n_resources, size=k, replace=False).tolist())
        products.append(
            {
                "id": f"P{j}",
                "resources": [f"L{i}" for i in legs],
                "price": float(rng.uniform(50, 400)),
            }
        )
    return Network.from_records(resources=resources, products=products)


def full_lp_objective(network, periods, lam, choice):
    """The CDLP with ALL 2^n − 1 offer sets as columns, solved in one LP."""
    masks = all_offer_sets(len(network.products))[1:]
    p = choice.purchase_probs(masks)  # (K, n)
    revenue = lam * p @ network.values
    use = lam * (network.incidence @ p.T)  # (m, K)
    a = np.vstack([use, np.ones((1, masks.shape[0]))])
    b = np.concatenate([network.capacity, [periods]])
    res = linprog(-revenue, A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("seed", range(4))
def test_single_segment_matches_full_lp(seed):
    rng = np.random.default_rng(seed)
    net = small_network(rng)
    choice = MNL([rng.uniform(0.2, 2.0, 6)], [1.0])
    res = cdlp(net, periods=20, arrival_prob=0.7, choice=choice)
    assert res.exact
    assert res.objective == pytest.approx(full_lp_objective(net, 20, 0.7, choice), rel=1e-8)
    assert isinstance(res, BidPriceResult)
    assert (res.bid_prices >= 0).all()
    assert res.offer_sets["time"].sum() <= 20 + 1e-9


@pytest.mark.parametrize("seed", range(3))
def test_disjoint_segments_match_full_lp(seed):
    rng = np.random.default_rng(10 + seed)
    net = small_network(rng, n_products=8)
    w = np.zeros((3, 8))
    w[0, :3] = rng.uniform(0.2, 2, 3)
    w[1, 3:6] = rng.uniform(0.2, 2, 3)
    w[2, 6:] = rng.uniform(0.2, 2, 2)
    choice = MNL(w, rng.uniform(0.5, 2, 3), rng.dirichlet(np.ones(3)))
    res = cdlp(net, periods=15, arrival_prob=0.9, choice=choice)
    assert res.exact
    assert res.objective == pytest.approx(full_lp_objective(net, 15, 0.9, choice), rel=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_overlapping_segments_enumerated_match_full_lp(seed):
    rng = np.random.default_rng(20 + seed)
    net = small_network(rng, n_products=7)
    choice = MNL(rng.uniform(0.1, 2, (3, 7)), rng.uniform(0.5, 2, 3), rng.dirichlet(np.ones(3)))
    res = cdlp(net, periods=12, arrival_prob=0.8, choice=choice)
    assert res.exact
    assert res.objective == pytest.approx(full_lp_objective(net, 12, 0.8, choice), rel=1e-8)


def test_greedy_fallback_is_a_lower_bound(monkeypatch):
    rng = np.random.default_rng(5)
    net = small_network(rng, n_products=7)
    choice = MNL(rng.uniform(0.1, 2, (3, 7)), rng.uniform(0.5, 2, 3), rng.dirichlet(np.ones(3)))
    monkeypatch.setattr(cdlp_module, "MAX_ENUMERATED_GROUP", 2)
    res = cdlp(net, periods=12, arrival_prob=0.8, choice=choice)
    assert not res.exact
    assert res.objective <= full_lp_objective(net, 12, 0.8, choice) * (1 + 1e-9)
    assert res.objective > 0


def test_hand_case_single_leg():
    # One leg, capacity 2, T = 10, λ = 1, MNL v = (1, 1), v0 = 1, prices 100 and 60.
    # {hi}: R = 50, Q = 1/2 (100 per unit); {hi, lo}: R = 160/3, Q = 2/3 (80 per unit).
    # Capacity binds ({hi} alone for 10 periods would use 5): LP optimum uses {hi} for 4
    # periods -> 200. The dual of capacity is 100 per unit; time is free (σ = 0).
    net = Network.from_records(
        resources=[{"id": "L", "capacity": 2}],
        products=[
            {"id": "hi", "resources": ["L"], "price": 100.0},
            {"id": "lo", "resources": ["L"], "price": 60.0},
        ],
    )
    res = cdlp(net, periods=10, arrival_prob=1.0, choice=MNL([[1.0, 1.0]], [1.0]))
    assert res.objective == pytest.approx(200.0)
    assert res.bid_prices["L"] == pytest.approx(100.0)
    assert res.time_price == pytest.approx(0.0, abs=1e-9)
    assert res.offer_sets["offer_set"].tolist() == [("hi",)]
    assert res.offer_sets["time"].tolist() == pytest.approx([4.0])
    assert res.accepts("hi") and not res.accepts("lo")
    assert not res.accepts("hi", remaining=[0])


def test_time_binds_when_capacity_is_loose():
    # Capacity 100 never binds: offer the set maximizing R(S) all 10 periods; π = 0.
    net = Network.from_records(
        resources=[{"id": "L", "capacity": 100}],
        products=[
            {"id": "hi", "resources": ["L"], "price": 100.0},
            {"id": "lo", "resources": ["L"], "price": 60.0},
        ],
    )
    res = cdlp(net, periods=10, arrival_prob=1.0, choice=MNL([[1.0, 1.0]], [1.0]))
    assert res.objective == pytest.approx(10 * 160 / 3)
    assert res.bid_prices["L"] == pytest.approx(0.0)
    assert res.time_price == pytest.approx(160 / 3)


def test_inputs_are_checked_by_name():
    net = Network.from_records(
        resources=[{"id": "L", "capacity": 1}],
        products=[{"id": "a", "resources": ["L"], "price": 1.0}],
    )
    with pytest.raises(InputError, match="periods"):
        cdlp(net, periods=0, arrival_prob=1.0, choice=MNL([[1.0]], [1.0]))
    with pytest.raises(InputError, match="arrival_prob"):
        cdlp(net, periods=1, arrival_prob=-1.0, choice=MNL([[1.0]], [1.0]))
    with pytest.raises(InputError, match="choice"):
        cdlp(net, periods=1, arrival_prob=1.0, choice=MNL([[1.0, 1.0]], [1.0]))
