"""Static single-leg model: exact DP checked against brute-force enumeration and Littlewood."""

import itertools
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yieldopt as yo


def _poisson_pmf(lam, top):
    """Poisson pmf on 0..top with the tail lumped at top (sales never exceed capacity)."""
    p = [math.exp(-lam) * lam**k / math.factorial(k) for k in range(top)]
    return [*p, 1 - sum(p)]


def _brute_revenue(fares, pmfs, levels, capacity):
    """Enumerate every demand vector; lowest class books first under nested protection."""
    n = len(fares)
    total = 0.0
    for demand in itertools.product(*(range(len(p)) for p in pmfs)):
        prob = math.prod(pmfs[i][d] for i, d in enumerate(demand))
        left, revenue = capacity, 0.0
        for i in range(n - 1, -1, -1):
            protect = levels[i - 1] if i > 0 else 0
            sold = min(demand[i], max(left - protect, 0))
            revenue += fares[i] * sold
            left -= sold
        total += prob * revenue
    return total


def _brute_optimum(fares, pmfs, capacity):
    best = (-1.0, None)
    for levels in itertools.combinations_with_replacement(range(capacity + 1), len(fares) - 1):
        best = max(best, (_brute_revenue(fares, pmfs, levels, capacity), levels))
    return best


@pytest.mark.parametrize("capacity", [0, 1, 4, 7])
def test_poisson_optimum_equals_brute_force(capacity):
    fares, means = [120.0, 75.0, 40.0], [2.0, 3.5, 5.0]
    pmfs = [_poisson_pmf(m, capacity + 6) for m in means]
    revenue, _ = _brute_optimum(fares, pmfs, capacity)
    y = yo.optimal_protection_levels(fares, means, capacity=capacity, dist="poisson")
    assert y.expected_revenue == pytest.approx(revenue, rel=1e-9, abs=1e-9)
    assert _brute_revenue(fares, pmfs, list(y), capacity) == pytest.approx(
        revenue, rel=1e-9, abs=1e-9
    )


def test_expected_revenue_of_any_levels_equals_brute_force():
    fares, means, capacity = [120.0, 75.0, 40.0], [2.0, 3.5, 5.0], 6
    pmfs = [_poisson_pmf(m, capacity + 6) for m in means]
    for levels in [(0, 0), (1, 3), (2, 2), (5, 6), (3, 1)]:
        got = yo.expected_revenue(levels, fares, means, capacity=capacity, dist="poisson")
        assert got == pytest.approx(_brute_revenue(fares, pmfs, levels, capacity), rel=1e-9)


def test_fractional_levels_are_rounded_like_a_reservation_system():
    args = ([120.0, 75.0, 40.0], [2.0, 3.5, 5.0])
    a = yo.expected_revenue([1.4, 2.6], *args, capacity=6, dist="poisson")
    b = yo.expected_revenue([1, 3], *args, capacity=6, dist="poisson")
    assert a == b


def test_explicit_pmf_equals_named_distribution():
    fares, means, capacity = [120.0, 75.0, 40.0], [2.0, 3.5, 5.0], 9
    pmf = yo.demand_pmf(means, None, capacity, "poisson")
    a = yo.optimal_protection_levels(fares, means, capacity=capacity, dist="poisson")
    b = yo.optimal_protection_levels(fares, None, capacity=capacity, dist=pmf)
    np.testing.assert_array_equal(a, b)
    assert a.expected_revenue == pytest.approx(b.expected_revenue)


def test_demand_pmf_normal_rounds_and_lumps_tails():
    pmf = yo.demand_pmf([3.0], [1.0], 5, "normal")[0]
    phi = NormalDist(3, 1).cdf
    expected = [
        phi(0.5),
        phi(1.5) - phi(0.5),
        phi(2.5) - phi(1.5),
        phi(3.5) - phi(2.5),
        phi(4.5) - phi(3.5),
        1 - phi(4.5),
    ]
    np.testing.assert_allclose(pmf, expected, rtol=1e-12)
    np.testing.assert_array_equal(yo.demand_pmf([2.4], [0.0], 5)[0], [0, 0, 1, 0, 0, 0])


@settings(max_examples=150, deadline=None)
@given(
    st.floats(50, 1000),
    st.floats(0.05, 0.95),
    st.floats(0, 80),
    st.floats(0.5, 30),
    st.integers(0, 120),
)
def test_two_class_optimum_is_littlewood_rounded(high, ratio, mean, std, capacity):
    """Normal high-class demand rounded to integers: y* = round(Littlewood), within [0, C]."""
    low = high * ratio
    y_lw = float(yo.littlewood(high, low, mean, std))
    raw = mean + std * NormalDist().inv_cdf(1 - ratio)
    if abs((raw + 0.5) - round(raw + 0.5)) < 1e-6:
        return  # a tie: both neighbours are optimal
    y = yo.optimal_protection_levels([high, low], [mean, 40.0], [std, 10.0], capacity=capacity)
    assert int(y[0]) == min(capacity, max(0, math.floor(y_lw + 0.5)))


classes = st.integers(2, 5).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(10, 1000), min_size=n, max_size=n, unique=True),
        st.lists(st.floats(0, 60), min_size=n, max_size=n),
        st.lists(st.floats(0, 20), min_size=n, max_size=n),
        st.integers(0, 120),
    )
)


@settings(max_examples=120, deadline=None)
@given(classes)
def test_optimum_dominates_heuristics_and_levels_are_nested(data):
    f, mu, sd, capacity = data
    f = sorted(f, reverse=True)
    if min(np.diff(f[::-1])) <= 1e-6:
        return
    y = yo.optimal_protection_levels(f, mu, sd, capacity=capacity)
    assert np.all((y.levels >= 0) & (y.levels <= capacity))
    assert np.all(np.diff(y.levels) >= 0)
    tol = 1e-9 * max(1.0, float(y.expected_revenue))
    for heuristic in (yo.emsr_a(f, mu, sd), yo.emsr_b(f, mu, sd)):
        assert (
            y.expected_revenue >= yo.expected_revenue(heuristic, f, mu, sd, capacity=capacity) - tol
        )
    assert (
        y.expected_revenue
        >= yo.expected_revenue(np.zeros(len(f) - 1), f, mu, sd, capacity=capacity) - tol
    )


def test_batch_matches_one_leg_at_a_time():
    rng = np.random.default_rng(3)
    f = np.sort(rng.uniform(50, 500, (4, 3)), axis=-1)[:, ::-1]
    mu, sd = rng.uniform(5, 30, f.shape), rng.uniform(1, 8, f.shape)
    batch = yo.optimal_protection_levels(f, mu, sd, capacity=40)
    assert batch.shape == (4, 2) and batch.expected_revenue.shape == (4,)
    for i in range(4):
        one = yo.optimal_protection_levels(f[i], mu[i], sd[i], capacity=40)
        np.testing.assert_array_equal(batch[i], one)
        assert batch.expected_revenue[i] == pytest.approx(one.expected_revenue)


def test_result_gives_plain_levels_with_limits_attached():
    y = yo.optimal_protection_levels([100, 60], [40, 80], [10, 20], capacity=100)
    assert isinstance(y, yo.ProtectionLevels) and not isinstance(y, np.ndarray)
    assert y.levels.dtype == np.int64 and y.levels.tolist() == [37]
    assert np.asarray(y).tolist() == [37] and list(y) == [37] and len(y) == 1
    np.testing.assert_array_equal(y.booking_limits, [100, 63])
    np.testing.assert_array_equal(yo.booking_limits(y, 100), [100, 63])  # accepted as levels
    assert y.value.shape == (2, 101)
    assert y.value[-1, -1] == y.expected_revenue


def test_slices_and_arithmetic_do_not_carry_expected_revenue():
    """A slice or a sum of the levels is an ordinary array: no stale revenue rides along."""
    rng = np.random.default_rng(5)
    f = np.sort(rng.uniform(50, 500, (3, 4)), axis=-1)[:, ::-1]
    mu, sd = rng.uniform(5, 30, f.shape), rng.uniform(1, 8, f.shape)
    batch = yo.optimal_protection_levels(f, mu, sd, capacity=60)
    for part in (batch[0], batch[1:], batch[:, :2], np.asarray(batch) + 1, np.asarray(batch) * 2):
        assert type(part) is np.ndarray
        assert not hasattr(part, "expected_revenue")
    # The result itself is frozen: its revenue stays the one of its levels.
    with pytest.raises(AttributeError):
        batch.expected_revenue = 0.0  # type: ignore[misc]
    np.testing.assert_allclose(
        batch.expected_revenue, yo.expected_revenue(batch.levels, f, mu, sd, capacity=60)
    )


def test_single_class_has_no_levels_and_may_sell_everything():
    """One class: nothing to protect, booking limit = capacity, revenue p · E[min(D, C)]."""
    fare, mean, std, capacity = 100.0, 40.0, 10.0, 30
    y = yo.optimal_protection_levels([fare], [mean], [std], capacity=capacity)
    assert y.levels.shape == (0,) and y.booking_limits.tolist() == [capacity]
    # Hand calculation: D is N(mean, std) rounded to the nearest integer, below 0 at 0.
    phi = NormalDist(mean, std).cdf
    sold = sum(k * (phi(k + 0.5) - phi(k - 0.5)) for k in range(1, capacity))
    sold += capacity * (1 - phi(capacity - 0.5))
    assert y.expected_revenue == pytest.approx(fare * sold, rel=1e-12)
    assert yo.expected_revenue([], [fare], [mean], [std], capacity=capacity) == pytest.approx(
        fare * sold, rel=1e-12
    )
    table = yo.compare_single_leg([fare], [mean], [std], capacity=capacity)
    assert table["protection_levels"].tolist() == [[]] * 4
    assert table["booking_limits"].tolist() == [[capacity]] * 4
    np.testing.assert_allclose(table["expected_revenue"], fare * sold, rtol=1e-12)


def test_booking_limits_by_hand():
    np.testing.assert_array_equal(yo.booking_limits([17, 42, 72], 100), [100, 83, 58, 28])
    np.testing.assert_array_equal(yo.booking_limits([30, 120], 100), [100, 70, 0])
    np.testing.assert_allclose(
        yo.booking_limits([[10.5], [20.0]], [50, 60]), [[50, 39.5], [60, 40]]
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: yo.optimal_protection_levels([100, 50], [1, 1], [1, 1], capacity=-3), "capacity"),
        (lambda: yo.optimal_protection_levels([100, 50], [1, 1], [1, 1], capacity=2.5), "capacity"),
        (lambda: yo.optimal_protection_levels([50, 100], [1, 1], [1, 1], capacity=5), "fares"),
        (lambda: yo.optimal_protection_levels([100, 50], [1, 1], None, capacity=5), "stds"),
        (
            lambda: yo.optimal_protection_levels(
                [100, 50], [1, 1], [1, 1], capacity=5, dist="gamma"
            ),
            "dist",
        ),
        (lambda: yo.optimal_protection_levels([100, 50], None, capacity=5), "means"),
        (
            lambda: yo.optimal_protection_levels([100, 50], [1, 1, 1], [1, 1, 1], capacity=5),
            "means",
        ),
        (
            lambda: yo.expected_revenue([1, 2], [100, 50], [1, 1], [1, 1], capacity=5),
            "protection_levels",
        ),
        (lambda: yo.booking_limits([1, 2], -1), "capacity"),
    ],
)
def test_bad_input_names_the_argument(call, field):
    with pytest.raises(yo.InputError, match=f"^{field}"):
        call()
