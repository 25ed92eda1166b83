"""Network pricing LP with price choice, checked by enumeration on two resources."""

import itertools

import numpy as np
import pytest

from yieldopt.errors import InputError
from yieldopt.model import Network
from yieldopt.optimize import dlp, network_pricing

# Two legs A (cap 10), B (cap 8); products: local A, local B, connecting AB.
NET = Network.from_records(
    resources=[{"id": "A", "capacity": 10}, {"id": "B", "capacity": 8}],
    products=[
        {"id": "a", "resources": ["A"], "price": 100.0},
        {"id": "b", "resources": ["B"], "price": 80.0},
        {"id": "ab", "resources": ["A", "B"], "price": 150.0},
    ],
)
LEVELS = {"a": [120.0, 90.0], "b": [100.0, 70.0], "ab": [200.0, 150.0]}
DEMAND = {"a": [6.0, 12.0], "b": [4.0, 10.0], "ab": [4.0, 8.0]}


def _enumerate(capacity):
    """Best revenue over every vertex of the LP: 6 of its 11 constraints active, exactly."""
    prices = np.concatenate([LEVELS[p] for p in ("a", "b", "ab")])
    dem = np.concatenate([DEMAND[p] for p in ("a", "b", "ab")])
    uses_a = np.array([1, 1, 0, 0, 1, 1]) * dem
    uses_b = np.array([0, 0, 1, 1, 1, 1]) * dem
    one_price = np.kron(np.eye(3), np.ones(2))  # Σ_k s_jk <= 1 per product
    rows = np.vstack([uses_a, uses_b, one_price, -np.eye(6)])  # rows @ s <= rhs
    rhs = np.concatenate([capacity, np.ones(3), np.zeros(6)])
    best = -np.inf
    for active in itertools.combinations(range(len(rows)), 6):
        a = rows[list(active)]
        if abs(np.linalg.det(a)) < 1e-12:
            continue
        s = np.linalg.solve(a, rhs[list(active)])
        if np.all(rows @ s <= rhs + 1e-9):
            best = max(best, float(s @ (prices * dem)))
    return best


def test_objective_equals_enumeration():
    res = network_pricing(NET, LEVELS, DEMAND)
    assert res.objective == pytest.approx(_enumerate((10, 8)), abs=1e-6)
    # Shares obey one price at a time; sales fit capacity.
    per_product = res.shares.groupby("product")["share"].sum()
    assert (per_product <= 1 + 1e-9).all()
    sales = res.shares.groupby("product")["sales"].sum()
    assert sales["a"] + sales["ab"] <= 10 + 1e-9 and sales["b"] + sales["ab"] <= 8 + 1e-9
    assert set(res.prices.index) == {"a", "b", "ab"}
    for pid, price in res.prices.items():
        assert price in LEVELS[pid]


def test_bid_prices_are_marginal_values():
    res = network_pricing(NET, LEVELS, DEMAND)
    assert list(res.bid_prices.index) == ["A", "B"] and (res.bid_prices >= 0).all()
    base = _enumerate((10, 8))
    for i, (up, down) in enumerate([((11, 8), (9, 8)), ((10, 9), (10, 7))]):
        more = network_pricing(NET.with_capacity(dict(zip("AB", up, strict=True))), LEVELS, DEMAND)
        assert more.objective == pytest.approx(_enumerate(up), abs=1e-6)
        # The LP value is concave in capacity, so its dual lies between the one-unit
        # gain and the one-unit loss, both found by enumeration.
        gain, loss = _enumerate(up) - base, base - _enumerate(down)
        assert gain - 1e-6 <= res.bid_prices.iloc[i] <= loss + 1e-6


def test_one_level_at_the_price_is_the_dlp():
    levels = {p.id: [p.price] for p in NET.products}
    demand = {"a": [9.0], "b": [5.0], "ab": [6.0]}
    res = network_pricing(NET, levels, demand)
    ref = dlp(NET, {k: v[0] for k, v in demand.items()})
    assert res.objective == pytest.approx(ref.objective)
    np.testing.assert_allclose(res.bid_prices.to_numpy(), ref.bid_prices.to_numpy(), atol=1e-7)
    assert res.accepts("ab") == ref.accepts("ab")


def test_periods_scale_demand_and_errors():
    per_period = {k: [d / 10 for d in v] for k, v in DEMAND.items()}
    res = network_pricing(NET, LEVELS, per_period, periods=10)
    assert res.objective == pytest.approx(network_pricing(NET, LEVELS, DEMAND).objective)
    with pytest.raises(InputError, match="demand_at_price"):
        network_pricing(NET, LEVELS, {**DEMAND, "a": [1.0]})
    with pytest.raises(InputError, match="price_levels"):
        network_pricing(NET, {"zz": [1.0]}, DEMAND)
