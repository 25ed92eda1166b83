"""Dynamic pricing on a price ladder: Gallego & van Ryzin (1994) closed form, brute force, hand."""

import math

import numpy as np
import pytest

from yieldopt.errors import InputError
from yieldopt.optimize import dynamic_pricing


def _brute(capacity, prices, probs):
    """The recursion of the module notes, max over every price for every x (O(T·C·K))."""
    periods = probs.shape[0]
    value = np.zeros((periods + 1, capacity + 1))
    best = np.full((periods, capacity + 1), -1)
    for t in range(periods - 1, -1, -1):
        for x in range(1, capacity + 1):
            cand = probs[t] * (prices + value[t + 1, x - 1]) + (1 - probs[t]) * value[t + 1, x]
            best[t, x] = int(np.argmax(cand))
            value[t, x] = cand.max()
    return value, best


def test_hand_case_one_period_one_unit():
    # V_0(1) = max(0.3·100, 0.6·60, 0.9·30) = max(30, 36, 27) = 36 at price 60.
    sol = dynamic_pricing(1, [100.0, 60.0, 30.0], [[0.3, 0.6, 0.9]])
    assert sol.value.shape == (2, 2) and sol.price_index.shape == (1, 2)
    assert sol.objective == pytest.approx(36.0)
    assert sol.price_index[0, 1] == 1 and sol.price[0, 1] == 60.0
    assert sol.price_index[0, 0] == -1 and np.isnan(sol.price[0, 0])
    assert sol.price_at(0, 0) != sol.price_at(0, 0)  # nan: nothing left
    assert sol.price_at(0) == 60.0


def test_hand_case_two_periods():
    # t=1: V_1(1) = 36 (price 60), V_1(2) = 36 too (only one sale per period).
    # t=0, x=1: max_k p_k (r_k − 36) + 36: 0.3·64 = 19.2, 0.6·24 = 14.4, 0.9·(−6) → 55.2 at 100.
    # t=0, x=2: ΔV_1(2) = 0 so max p_k r_k = 36 at 60: V_0(2) = 72.
    sol = dynamic_pricing(2, [100.0, 60.0, 30.0], np.broadcast_to([0.3, 0.6, 0.9], (2, 3)))
    assert sol.value[1, 1] == pytest.approx(36.0) and sol.value[1, 2] == pytest.approx(36.0)
    assert sol.value[0, 1] == pytest.approx(55.2) and sol.price[0, 1] == 100.0
    assert sol.objective == pytest.approx(72.0) and sol.price[0, 2] == 60.0


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 7))
    prices = rng.choice([10.0, 20.0, 30.0, 45.0, 60.0, 80.0], k)  # repeats and any order
    probs = rng.choice([0.0, 0.1, 0.2, 0.25, 0.5, 1.0], (25, k))
    probs[5:12] = probs[5]  # a stationary run shares one envelope
    value, _ = _brute(9, prices, probs)
    sol = dynamic_pricing(9, prices, probs)
    np.testing.assert_allclose(sol.value, value, rtol=0, atol=1e-9)
    # Ties may pick another price of equal value; the chosen one must reach the optimum.
    t, x = np.meshgrid(np.arange(25), np.arange(1, 10), indexing="ij")
    k_ = sol.price_index[t, x]
    got = probs[t, k_] * (prices[k_] + value[t + 1, x - 1]) + (1 - probs[t, k_]) * value[t + 1, x]
    np.testing.assert_allclose(got, value[t, x], atol=1e-9)


def test_gallego_van_ryzin_closed_form():
    # λ(p) = a e^{−αp}; J(x, t) = (1/α) ln Σ_{i≤x} (λ* t)^i / i!, λ* = a/e (at p* = 1/α).
    a, alpha, horizon, n = 10.0, 0.1, 1.0, 4000
    dt = horizon / n
    prices = np.arange(0.0, 80.0, 0.1)
    probs = np.broadcast_to(a * np.exp(-alpha * prices) * dt, (n, prices.size))
    sol = dynamic_pricing(8, prices, probs)
    lam = a / math.e
    for t_left, row in ((1.0, 0), (0.5, n // 2), (0.25, 3 * n // 4)):
        for x in range(1, 9):
            closed = math.log(sum((lam * t_left) ** i / math.factorial(i) for i in range(x + 1)))
            # Discretization error is O(Δt) = O(2.5e-4) relative; allow 1e-3.
            assert sol.value[row, x] == pytest.approx(closed / alpha, rel=1e-3)


def test_monotone_prices():
    a, alpha, n = 10.0, 0.1, 2000
    prices = np.arange(0.0, 80.0, 0.25)
    probs = np.broadcast_to(a * np.exp(-alpha * prices) / n, (n, prices.size))
    sol = dynamic_pricing(10, prices, probs)
    price = sol.price[:, 1:]
    # More units left -> lower price; more time to go (earlier t) -> higher price.
    assert np.all(np.diff(price, axis=1) <= 0)
    assert np.all(np.diff(price, axis=0) <= 0)
    # With lots of time and one unit the price is far above the static optimum 1/α = 10.
    assert sol.price[0, 1] > 1 / alpha
    # Near the end with many units it approaches the revenue-maximizing price 1/α.
    assert sol.price[-1, 10] == pytest.approx(1 / alpha, abs=0.25)


def test_zero_capacity_and_validation():
    sol = dynamic_pricing(0, [10.0], [[0.5], [0.5]])
    assert sol.objective == 0.0 and sol.value.shape == (3, 1)
    with pytest.raises(InputError, match="purchase_probs"):
        dynamic_pricing(3, [10.0, 5.0], [[0.5, 1.5]])
    with pytest.raises(InputError, match="purchase_probs"):
        dynamic_pricing(3, [10.0, 5.0], [[0.5, 0.5, 0.1]])
    with pytest.raises(InputError, match="prices"):
        dynamic_pricing(3, [-1.0], [0.5])
    with pytest.raises(InputError, match="capacity"):
        dynamic_pricing(2.5, [1.0], [0.5])


def test_scaled_rows_share_an_envelope_and_stay_exact():
    # p[t] = arrival[t] · q: every row is a multiple of one, including a zero row.
    rng = np.random.default_rng(7)
    prices = np.array([120.0, 90.0, 70.0, 50.0, 30.0])
    q = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    arrival = rng.uniform(0.0, 1.0, 40)
    arrival[10] = 0.0
    probs = arrival[:, None] * q
    value, _ = _brute(12, prices, probs)
    sol = dynamic_pricing(12, prices, probs)
    np.testing.assert_allclose(sol.value, value, rtol=1e-12, atol=1e-9)
