"""Dynamic (Lee–Hersh) single-leg DP against a plain recursion and the static model."""

import numpy as np
import pytest
from scipy import stats

import yieldopt as yo


def _recursion(capacity, fares, probs):
    """Textbook backward recursion with explicit loops over periods, units and classes."""
    periods = len(probs)
    v = [[0.0] * (capacity + 1) for _ in range(periods + 1)]
    for t in range(periods - 1, -1, -1):
        for x in range(1, capacity + 1):
            keep = v[t + 1][x]
            gain = sum(
                p * max(f - (keep - v[t + 1][x - 1]), 0.0)
                for f, p in zip(fares, probs[t], strict=False)
            )
            v[t][x] = keep + gain
    return np.array(v)


def test_value_function_matches_plain_recursion():
    rng = np.random.default_rng(11)
    fares = [400.0, 250.0, 180.0, 90.0]
    probs = rng.dirichlet(np.ones(5), 40)[:, :4]  # a fifth outcome: no arrival
    sol = yo.single_leg_dp(12, fares, probs)
    np.testing.assert_allclose(sol.value, _recursion(12, fares, probs.tolist()), rtol=1e-12)
    assert sol.value.shape == (41, 13)
    assert sol.expected_revenue == sol.value[0, 12]


def test_bid_prices_policy_and_accept_agree():
    rng = np.random.default_rng(5)
    fares = np.array([300.0, 200.0, 120.0])
    sol = yo.single_leg_dp(8, fares, rng.dirichlet(np.ones(4), 25)[:, :3])
    bp = sol.bid_prices
    assert bp.shape == (25, 9) and np.all(np.isinf(bp[:, 0]))
    np.testing.assert_allclose(bp[:, 1:], np.diff(sol.value[1:], axis=1))
    # Bid prices fall as capacity grows (concavity) and as time runs out.
    assert np.all(np.diff(bp[:, 1:], axis=1) <= 1e-9)
    assert np.all(np.diff(bp[:, 1:], axis=0) <= 1e-9)
    t, x, j = np.meshgrid(np.arange(25), np.arange(9), np.arange(3), indexing="ij")
    expected = fares[j] >= bp[t, x]
    np.testing.assert_array_equal(sol.accepts(j, x, t), expected)
    np.testing.assert_array_equal(sol.open_classes, expected.sum(axis=-1))


def test_two_periods_by_hand():
    # Last period: sell to anyone (75 expected). First: take 100, refuse 50 (< 75).
    sol = yo.single_leg_dp(1, [100.0, 50.0], [[0.5, 0.5], [0.5, 0.5]])
    assert sol.expected_revenue == 87.5
    assert sol.bid_prices[0, 1] == 75.0
    assert sol.accepts(0, remaining=1, t=0) and not sol.accepts(1, remaining=1, t=0)
    assert sol.accepts(1, remaining=1, t=1) and not sol.accepts(0, remaining=0, t=1)
    assert sol.bid_prices_at(0, 1) == 75.0 and sol.bid_prices_at(1, 1) == 0.0  # V_T = 0
    assert sol.accepts(0) is True and sol.objective == sol.expected_revenue  # t=0, x=C


def test_static_optimum_equals_dynamic_with_low_before_high_blocks():
    """Class i arrives alone in a block of periods (lowest fare first): demand is binomial."""
    fares = np.array([500.0, 260.0, 140.0])
    blocks = [9, 14, 20]  # periods per class
    lam = [0.55, 0.6, 0.7]
    capacity = 10
    probs = []
    for i in (2, 1, 0):
        row = np.zeros(3)
        row[i] = lam[i]
        probs += [row] * blocks[i]
    dyn = yo.single_leg_dp(capacity, fares, np.array(probs))
    pmf = np.array(
        [stats.binom.pmf(np.arange(max(blocks) + 1), blocks[i], lam[i]) for i in range(3)]
    )
    static = yo.optimal_protection_levels(fares, None, capacity=capacity, dist=pmf)
    assert dyn.expected_revenue == pytest.approx(float(static.expected_revenue), rel=1e-12)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1, [100.0], [[0.1]]), "capacity"),
        ((3, [50.0, 100.0], [[0.1, 0.1]]), "fares"),
        ((3, [100.0, 50.0], [[0.1, 0.1, 0.1]]), "arrival_probs"),
        ((3, [100.0, 50.0], [[0.7, 0.6]]), "arrival_probs"),
        ((3, [100.0, 50.0], [[-0.1, 0.2]]), "arrival_probs"),
        ((3, [100.0, 50.0], [[np.nan, 0.2]]), "arrival_probs"),
    ],
)
def test_bad_input_names_the_argument(args, field):
    with pytest.raises(yo.InputError, match=f"^{field}"):
        yo.single_leg_dp(*args)
