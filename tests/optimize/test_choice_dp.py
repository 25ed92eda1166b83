"""Choice-based single-leg DP (Talluri & van Ryzin 2004) against enumeration and hand cases."""

from __future__ import annotations

import numpy as np
import pytest

from yieldopt.choice import MNL
from yieldopt.errors import InputError
from yieldopt.optimize._choice_dp import all_offer_sets, single_leg_choice_dp


def brute_force_value(capacity, fares, lam, choice):
    """V_t(x) maximizing over ALL 2^n offer sets per (t, x), with no efficient-set shortcut."""
    masks = all_offer_sets(len(fares))
    p = choice.purchase_probs(masks)  # (2^n, n)
    q, r = p.sum(axis=1), p @ np.asarray(fares, dtype=float)
    value = np.zeros((len(lam) + 1, capacity + 1))
    for t in range(len(lam) - 1, -1, -1):
        for x in range(1, capacity + 1):
            dv = value[t + 1, x] - value[t + 1, x - 1]
            value[t, x] = value[t + 1, x] + lam[t] * np.max(r - q * dv)
    return value


def test_hand_case_one_period():
    # T = 1, C = 1, λ = 1: V = max_S R(S). MNL v = (1, 1), v0 = 1, fares 90, 60:
    # {0}: 90/2 = 45, {0,1}: 150/3 = 50, {1}: 30 -> 50 with both open.
    sol = single_leg_choice_dp(1, [90.0, 60.0], 1.0, MNL([[1.0, 1.0]], [1.0]), periods=1)
    assert sol.expected_revenue == pytest.approx(50.0)
    assert sol.offer_at(0, 1) == (0, 1)
    assert sol.value.shape == (2, 2)
    assert sol.bid_prices.shape == (1, 2) and np.isinf(sol.bid_prices[0, 0])


def test_hand_case_two_periods():
    # T = 2, C = 1, λ = 1, v = (1, 2), v0 = 1, fares (10, 4).
    # Last period: {0}: 5, {0,1}: 18/4 = 4.5, {1}: 8/3 -> V_1(1) = 5.
    # First period, ΔV = 5: max_S R(S) − 5 Q(S): {0}: 5 − 2.5 = 2.5; {0,1}: 4.5 − 3.75 = 0.75
    # -> V_0(1) = 5 + 2.5 = 7.5.
    sol = single_leg_choice_dp(1, [10.0, 4.0], [1.0, 1.0], MNL([[1.0, 2.0]], [1.0]))
    assert sol.value[1, 1] == pytest.approx(5.0)
    assert sol.value[0, 1] == pytest.approx(7.5)
    assert sol.offer_at(0, 1) == (0,)
    assert sol.bid_prices_at(0, 1) == pytest.approx(5.0)
    assert sol.accepts(0, 1, 0) and not sol.accepts(1, 1, 0)


@pytest.mark.parametrize("seed", range(6))
def test_matches_enumeration_of_all_offer_sets(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    fares = np.sort(rng.uniform(50, 500, n))[::-1]
    segments = int(rng.integers(1, 4))
    choice = MNL(
        rng.uniform(0.1, 2.0, (segments, n)),
        rng.uniform(0.2, 2.0, segments),
        rng.dirichlet(np.ones(segments)),
    )
    lam = rng.uniform(0.2, 0.9, 15)
    cap = int(rng.integers(1, 8))
    sol = single_leg_choice_dp(cap, fares, lam, choice)
    np.testing.assert_allclose(sol.value, brute_force_value(cap, fares, lam, choice), rtol=1e-10)
    # The nested search is exact for one segment only; "all" agrees everywhere.
    sol_all = single_leg_choice_dp(cap, fares, lam, choice, sets="all")
    np.testing.assert_allclose(sol_all.value, sol.value, rtol=1e-10)


def test_single_segment_mnl_efficient_sets_are_nested_by_fare():
    # T&vR 2004 Theorem 5: for MNL the efficient sets are nested by fare. Enumerate all sets.
    rng = np.random.default_rng(1)
    fares = np.array([1000.0, 800.0, 600.0, 400.0, 300.0])
    choice = MNL([rng.uniform(0.5, 3.0, 5)], [1.0])
    sol = single_leg_choice_dp(10, fares, 0.5, choice, periods=30, sets="all")
    for k, s in enumerate(sol.efficient_sets):
        assert s == tuple(range(k)), sol.efficient_sets
    nested = single_leg_choice_dp(10, fares, 0.5, choice, periods=30)
    np.testing.assert_allclose(nested.value, sol.value, rtol=1e-12)


def test_offer_sets_shrink_as_capacity_tightens():
    choice = MNL([[1.0, 1.0, 1.0, 1.0]], [1.0])
    sol = single_leg_choice_dp(5, [400.0, 300.0, 200.0, 100.0], 0.8, choice, periods=20)
    # Bid prices fall in x, so the offered (nested) set grows with remaining capacity.
    assert np.all(np.diff(sol.offer_sets[0, 1:]) >= 0)
    assert np.all(sol.offer_sets[:, 0] == 0)
    assert np.all(np.diff(sol.bid_prices[0, 1:]) <= 1e-12)


def test_inputs_are_checked_by_name():
    choice = MNL([[1.0, 1.0]], [1.0])
    with pytest.raises(InputError, match="periods"):
        single_leg_choice_dp(2, [1.0, 2.0], 0.5, choice)
    with pytest.raises(InputError, match="arrival_probs"):
        single_leg_choice_dp(2, [1.0, 2.0], [0.5, 1.5], choice)
    with pytest.raises(InputError, match="sets"):
        single_leg_choice_dp(2, [1.0, 2.0], [0.5], choice, sets="some")  # type: ignore[arg-type]
