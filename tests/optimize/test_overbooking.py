"""Overbooking limits: hand-worked cases, the marginal rule and explicit pmf sums vs the
vectorized search, service levels, empirical no-shows, cancellations, many resources."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, nbinom

from yieldopt.errors import InputError
from yieldopt.optimize._overbooking import (
    _bernstein_bound,
    _bernstein_floor,
    authorized_capacity,
    overbooking_costs,
    overbooking_limit,
)
from yieldopt.optimize._overbooking_variants import (
    overbooking_limit_empirical,
    overbooking_limit_service,
)


def _cost(capacity, q, denied, spoilage, n):
    """Expected cost by summing the pmf over every show count (no closed forms)."""
    k = np.arange(n + 1)
    pmf = binom.pmf(k, n, q)
    empty = np.sum(np.maximum(capacity - k, 0) * pmf)
    over = np.sum(np.maximum(k - capacity, 0) * pmf)
    return spoilage * empty + denied * over


def _mixture_cost(capacity, qs, ws, denied, spoilage, n):
    return sum(w * _cost(capacity, q, denied, spoilage, n) for q, w in zip(qs, ws, strict=True))


def _marginal_rule(capacity, q, denied, spoilage):
    """Smallest n >= C with Δ(n) = q·(d·P(S_n ≥ C) − s·P(S_n < C)) >= 0, one n at a time."""
    n = capacity
    while denied * binom.sf(capacity - 1, n, q) - spoilage * binom.cdf(capacity - 1, n, q) < 0:
        n += 1
    return n


# ----------------------------------------------------------------- worked by hand


@pytest.mark.parametrize(
    ("spoilage", "denied", "expected"),
    [
        # C = 1, q = 1/2. Shows for n = 1..4: Bin(n, 1/2).
        #   n=1: E[empty] = 1/2, E[denied] = 0      -> f = s/2
        #   n=2: E[empty] = 1/4, E[denied] = 1/4    -> f = (s + d)/4
        #   n=3: E[empty] = 1/8, E[denied] = 5/8    -> f = s/8 + 5d/8
        #   n=4: E[empty] = 1/16, E[denied] = 17/16 -> f = s/16 + 17d/16
        (3.0, 1.0, 2),  # f = 1.5, 1.0, 1.0, 1.25: tie between 2 and 3 goes to the smaller
        (1.0, 1.0, 1),  # f = 0.5, 0.5, ...: tie between 1 and 2 goes to 1
        (1.0, 3.0, 1),  # f = 0.5, 1.0: overbooking only adds denials
        (10.0, 1.0, 4),  # f = 5, 2.75, 1.875, 1.6875, then n=5: 0.3125 + 1.53125 = 1.84375
    ],
)
def test_capacity_one_half_show_by_hand(spoilage, denied, expected):
    assert overbooking_limit(1, 0.5, denied, spoilage) == expected


def test_capacity_two_half_show_by_hand():
    # C = 2, q = 1/2, s = d = 1:
    #   n=2: E[empty] = 2·1/4 + 1·1/2 = 1,              E[denied] = 0    -> f = 1
    #   n=3: E[empty] = 2·1/8 + 1·3/8 = 5/8,            E[denied] = 1/8  -> f = 3/4
    #   n=4: E[empty] = 2/16 + 4/16 = 6/16,  E[denied] = 4/16 + 2·1/16 = 6/16 -> f = 3/4
    #   n=5: E[empty] = 7/32, E[denied] = (10 + 2·5 + 3·1)/32 = 23/32 -> f = 30/32
    # Tie 3 / 4 -> 3.
    assert overbooking_limit(2, 0.5, 1.0, 1.0) == 3
    table = overbooking_costs(2, 0.5, 1.0, 1.0, [0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(table.expected_empty, [2, 1.5, 1, 5 / 8, 6 / 16, 7 / 32])
    np.testing.assert_allclose(table.expected_denied, [0, 0, 0, 1 / 8, 6 / 16, 23 / 32], atol=1e-15)
    np.testing.assert_allclose(table.expected_cost, [2, 1.5, 1, 3 / 4, 3 / 4, 30 / 32])
    # P(S > 2): n=3: 1/8; n=4: (4 + 1)/16; n=5: (10 + 5 + 1)/32.
    np.testing.assert_allclose(table.p_deny, [0, 0, 0, 1 / 8, 5 / 16, 1 / 2], atol=1e-15)
    np.testing.assert_allclose(table.expected_shows, [0, 0.5, 1, 1.5, 2, 2.5])
    assert list(table.columns) == [
        "limit",
        "expected_shows",
        "expected_empty",
        "expected_denied",
        "expected_cost",
        "p_deny",
    ]
    assert table.limit.dtype == np.int64


@pytest.mark.parametrize("capacity", [1, 28, 45, 79])
def test_symmetric_tie_goes_to_the_smaller_limit(capacity):
    # q = 1/2, n = 2C − 1: by symmetry P(S_n ≥ C) = 1/2 exactly, so with s = d
    # Δ(n) = q·(d/2 − s/2) = 0 and limits 2C − 1 and 2C cost the same; take 2C − 1.
    # (A float marginal rule often lands on 2C, as sf comes out a hair below 1/2.)
    assert overbooking_limit(capacity, 0.5, 2.0, 2.0) == 2 * capacity - 1


@pytest.mark.parametrize(
    ("epsilon", "expected"),
    # C = 1, q = 1/2: P(S_n > 1) = 1 − (n + 1)/2^n = 0, 1/4, 1/2, 11/16 for n = 1..4.
    [(0.0, 1), (0.2, 1), (0.25, 2), (0.49, 2), (0.5, 3), (0.6, 3), (0.7, 4)],
)
def test_service_level_by_hand(epsilon, expected):
    assert overbooking_limit_service(1, 0.5, epsilon) == expected


# ----------------------------------------------------------------- against independent checks


@settings(max_examples=60, deadline=None)
@given(
    capacity=st.integers(0, 60),
    q=st.floats(0.05, 1.0),
    denied=st.floats(0.5, 1000.0),
    spoilage=st.floats(0.0, 1000.0),
)
def test_marginal_rule_and_pmf_sums_agree(capacity, q, denied, spoilage):
    got = overbooking_limit(capacity, q, denied, spoilage)
    rule = _marginal_rule(capacity, q, denied, spoilage)
    f_got = _cost(capacity, q, denied, spoilage, got)
    tol = 1e-9 * (spoilage + denied) * (1 + capacity)
    if got != rule:  # allowed only when the two costs tie to rounding
        assert f_got == pytest.approx(_cost(capacity, q, denied, spoilage, rule), abs=tol)
    # Brute force: no limit from C to well past the optimum is cheaper.
    others = [_cost(capacity, q, denied, spoilage, n) for n in range(capacity, rule + 25)]
    assert f_got <= min(others) + tol
    # Closed form: n* = C + the s/(s+d) quantile of no-shows before the C-th show.
    if capacity > 0 and spoilage > 0 and got == rule:
        ratio = spoilage / (spoilage + denied)
        quantile = capacity + nbinom.ppf(ratio, capacity, q)
        assert abs(got - quantile) <= 1  # ppf rounding at an exact tie


@settings(max_examples=40, deadline=None)
@given(
    capacity=st.integers(1, 2000),
    q=st.floats(0.01, 0.999),
    alpha=st.floats(1e-12, 0.999),
)
def test_search_bound_holds(capacity, q, alpha):
    bound = _bernstein_bound(np.float64(capacity), np.float64(q), np.float64(alpha))
    assert bound >= capacity
    assert binom.cdf(capacity - 1, bound, q) <= alpha


@settings(max_examples=40, deadline=None)
@given(
    capacity=st.integers(1, 2000),
    q=st.floats(0.01, 0.999),
    ratio=st.floats(1e-12, 1.0),
)
def test_search_floor_holds(capacity, q, ratio):
    # Below the window's lower end the marginal reservation certainly lowers the cost.
    n0 = _bernstein_floor(np.float64(capacity), np.float64(q), np.float64(ratio))
    assert n0 >= capacity - 1
    if n0 >= capacity:
        assert binom.sf(capacity - 1, n0, q) < ratio


def test_costs_table_matches_pmf_sums():
    table = overbooking_costs(40, 0.85, 250.0, 90.0, np.arange(30, 60), cancel_prob=0.05)
    q = 0.85 * 0.95
    want = [_cost(40, q, 250.0, 90.0, n) for n in range(30, 60)]
    np.testing.assert_allclose(table.expected_cost, want, rtol=1e-10, atol=1e-10)
    best = table.limit[table.expected_cost.idxmin()]
    assert overbooking_limit(40, 0.85, 250.0, 90.0, cancel_prob=0.05) == best


# ----------------------------------------------------------------- limiting cases


@pytest.mark.parametrize("capacity", [0, 1, 7, 300])
@pytest.mark.parametrize(("denied", "spoilage"), [(100.0, 50.0), (1.0, 1000.0), (0.0, 10.0)])
def test_certain_shows_never_overbook(capacity, denied, spoilage):
    assert overbooking_limit(capacity, 1.0, denied, spoilage) == capacity


def test_zero_denied_cost_gives_the_bound():
    assert overbooking_limit(100, 0.5, 0.0, 1.0, max_limit=150) == 150
    assert overbooking_limit(100, 0.9, 0.0, 1.0, cancel_prob=0.1, max_limit=100) == 100
    # Without max_limit: the documented bound, where fewer than C shows has chance ≤ 1e-12.
    n = overbooking_limit(100, 0.5, 0.0, 1.0)
    assert binom.cdf(99, n, 0.5) <= 1e-12
    assert n <= 1.2 * (100 + nbinom.ppf(1 - 1e-12, 100, 0.5))  # and not absurdly far out
    # Nothing to spoil: zero spoilage cost or zero capacity means no overbooking.
    assert overbooking_limit(100, 0.5, 0.0, 0.0) == 100
    assert overbooking_limit(0, 0.5, 0.0, 1.0) == 0
    assert overbooking_limit(100, 0.5, 5.0, 0.0) == 100


def test_max_limit_caps_the_optimum():
    free = overbooking_limit(100, 0.9, 300.0, 100.0)
    assert overbooking_limit(100, 0.9, 300.0, 100.0, max_limit=free + 3) == free
    assert overbooking_limit(100, 0.9, 300.0, 100.0, max_limit=free - 3) == free - 3


def test_cheap_denials_overbook_more():
    limits = [overbooking_limit(150, 0.88, d, 100.0) for d in (1e4, 1e3, 300.0, 100.0, 10.0)]
    assert limits == sorted(limits)
    assert limits[0] >= 150


# ----------------------------------------------------------------- service level


@settings(max_examples=40, deadline=None)
@given(
    capacity=st.integers(0, 300),
    q=st.floats(0.05, 1.0),
    eps=st.lists(st.floats(0.0, 0.999), min_size=2, max_size=2),
)
def test_service_level_is_monotone_and_exact(capacity, q, eps):
    lo, hi = sorted(eps)
    n_lo = overbooking_limit_service(capacity, q, lo)
    n_hi = overbooking_limit_service(capacity, q, hi)
    assert capacity <= n_lo <= n_hi
    assert binom.sf(capacity, n_hi, q) <= hi
    if hi > 0:
        assert binom.sf(capacity, n_hi + 1, q) > hi


def test_service_level_respects_max_limit():
    assert overbooking_limit_service(100, 0.5, 0.3, max_limit=120) == 120
    assert overbooking_limit_service(100, 1.0, 0.3) == 100


# ----------------------------------------------------------------- cancellations, empirical


@pytest.mark.parametrize("cancel", [0.0, 0.1, 0.37])
@pytest.mark.parametrize("capacity", [1, 50, 240])
def test_cancellations_equal_binomial_with_reduced_show_prob(cancel, capacity):
    q = 0.92 * (1 - cancel)
    assert overbooking_limit(capacity, 0.92, 200.0, 80.0, cancel_prob=cancel) == overbooking_limit(
        capacity, q, 200.0, 80.0
    )
    assert overbooking_limit_service(
        capacity, 0.92, 0.05, cancel_prob=cancel
    ) == overbooking_limit_service(capacity, q, 0.05)
    a = overbooking_costs(capacity, 0.92, 200.0, 80.0, [capacity, capacity + 9], cancel_prob=cancel)
    b = overbooking_costs(capacity, q, 200.0, 80.0, [capacity, capacity + 9])
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy())


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.125, 0.3, 0.75])
@pytest.mark.parametrize("capacity", [1, 2, 90, 400])
def test_single_empirical_rate_equals_binomial(rate, capacity):
    p = 1 - rate
    for d, s in [(300.0, 100.0), (50.0, 100.0), (1.0, 1.0)]:
        want = overbooking_limit(capacity, p, d, s, cancel_prob=0.1)
        assert overbooking_limit_empirical(capacity, [rate], d, s, cancel_prob=0.1) == want
        assert overbooking_limit_empirical(capacity, [rate, rate], d, s, cancel_prob=0.1) == want


def test_empirical_mixture_minimizes_mixture_cost():
    capacity, rates, weights, d, s = 60, [0.02, 0.1, 0.25, 0.4], [4.0, 3.0, 2.0, 1.0], 250.0, 90.0
    got = overbooking_limit_empirical(capacity, rates, d, s, weights=weights)
    qs, ws = 1 - np.array(rates), np.array(weights) / 10
    costs = {n: _mixture_cost(capacity, qs, ws, d, s, n) for n in range(capacity, 140)}
    best = min(costs.values())
    assert costs[got] <= best + 1e-9
    assert all(costs[n] > best + 1e-9 for n in range(capacity, got))
    # Integer weights are repetitions of the sample.
    repeated = np.repeat(rates, [4, 3, 2, 1])
    assert overbooking_limit_empirical(capacity, repeated, d, s) == got


def test_empirical_dispersion_overbooks_less_than_mean_rate():
    # Same mean no-show rate 0.1; the spread makes low-show nights riskier to plan for.
    spread = overbooking_limit_empirical(100, [0.0, 0.1, 0.2], 300.0, 100.0)
    assert spread < overbooking_limit(100, 0.9, 300.0, 100.0)
    # A night on which everyone shows (rate 0) makes every overbooked seat a denial
    # with weight 1/3: Δ(100) = (300 + 0.9·(−100) + 0.8·(−100))/3 > 0, so no overbooking.
    assert spread == 100


def test_empirical_service_level_caps_cost_optimum():
    rates = [0.05, 0.1, 0.15]
    free = overbooking_limit_empirical(100, rates, 300.0, 100.0)
    capped = overbooking_limit_empirical(100, rates, 300.0, 100.0, epsilon=0.02)
    assert capped < free
    p_deny = np.mean([binom.sf(100, capped, 1 - r) for r in rates])
    assert p_deny <= 0.02 < np.mean([binom.sf(100, capped + 1, 1 - r) for r in rates])
    assert overbooking_limit_empirical(100, rates, 300.0, 100.0, epsilon=0.9) == free
    # Nights with no shows at all keep P(deny) ≤ 1/2 whatever n: the level never binds.
    assert overbooking_limit_empirical(5, [1.0, 0.5], 0.0, 1.0, epsilon=0.6, max_limit=40) == 40


# ----------------------------------------------------------------- many resources


def test_authorized_capacity_equals_elementwise_calls():
    rng = np.random.default_rng(7)
    capacities = rng.integers(0, 300, 200)
    show = rng.uniform(0.6, 1.0, 200)
    cancel = rng.uniform(0.0, 0.2, 200)
    denied = rng.choice([0.0, 40.0, 150.0, 600.0], 200)
    got = authorized_capacity(capacities, show, denied, 100.0, cancel_prob=cancel, max_limit=600)
    want = [
        overbooking_limit(int(c), p, d, 100.0, cancel_prob=k, max_limit=600)
        for c, p, d, k in zip(capacities, show, denied, cancel, strict=True)
    ]
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


def test_authorized_capacity_broadcasts_and_keeps_shape():
    caps = np.array([[10, 20, 30], [40, 50, 60]])
    got = authorized_capacity(caps, np.array([0.8, 0.9, 1.0]), 200.0, 100.0)
    assert got.shape == (2, 3)
    for idx in np.ndindex(caps.shape):
        assert got[idx] == overbooking_limit(int(caps[idx]), [0.8, 0.9, 1.0][idx[1]], 200.0, 100.0)
    assert authorized_capacity(120, 0.9, 200.0, 100.0).shape == ()
    assert authorized_capacity(np.array([], dtype=int), 0.9, 200.0, 100.0).shape == (0,)


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: overbooking_limit(-1, 0.9, 1.0, 1.0), "capacity"),
        (lambda: overbooking_limit(10.5, 0.9, 1.0, 1.0), "capacity"),
        (lambda: overbooking_limit("ten", 0.9, 1.0, 1.0), "capacity"),
        (lambda: overbooking_limit(10, 0.0, 1.0, 1.0), "show_prob"),
        (lambda: overbooking_limit(10, 1.2, 1.0, 1.0), "show_prob"),
        (lambda: overbooking_limit(10, math.nan, 1.0, 1.0), "show_prob"),
        (lambda: overbooking_limit(10, [0.9, 0.8], 1.0, 1.0), "show_prob"),
        (lambda: overbooking_limit(10, 0.9, -1.0, 1.0), "denied_cost"),
        (lambda: overbooking_limit(10, 0.9, math.inf, 1.0), "denied_cost"),
        (lambda: overbooking_limit(10, 0.9, 1.0, -0.5), "spoilage_cost"),
        (lambda: overbooking_limit(10, 0.9, 1.0, math.nan), "spoilage_cost"),
        (lambda: overbooking_limit(10, 0.9, 1.0, 1.0, cancel_prob=-0.1), "cancel_prob"),
        (lambda: overbooking_limit(10, 0.9, 1.0, 1.0, cancel_prob=1.0), "cancel_prob"),
        (lambda: overbooking_limit(10, 0.9, 1.0, 1.0, max_limit=9), "max_limit"),
        (lambda: overbooking_limit(10, 1e-9, 1.0, 1.0), "show_prob"),  # search too wide
        (lambda: overbooking_costs(10, 0.9, 1.0, 1.0, [10, -1]), "limits"),
        (lambda: overbooking_costs(10, 0.9, 1.0, 1.0, [[10]]), "limits"),
        (lambda: overbooking_limit_service(10, 0.9, 1.0), "epsilon"),
        (lambda: overbooking_limit_service(10, 0.9, -0.01), "epsilon"),
        (lambda: overbooking_limit_service(-3, 0.9, 0.1), "capacity"),
        (lambda: overbooking_limit_empirical(10, [], 1.0, 1.0), "no_show_rates"),
        (lambda: overbooking_limit_empirical(10, 0.1, 1.0, 1.0), "no_show_rates"),
        (lambda: overbooking_limit_empirical(10, [0.1, 1.5], 1.0, 1.0), "no_show_rates"),
        (lambda: overbooking_limit_empirical(10, [0.1, 0.2], 1.0, 1.0, weights=[1]), "weights"),
        (lambda: overbooking_limit_empirical(10, [0.1], 1.0, 1.0, weights=[0.0]), "weights"),
        (lambda: overbooking_limit_empirical(10, [0.1], 1.0, 1.0, weights=[-1.0]), "weights"),
        (lambda: overbooking_limit_empirical(10, [0.1], 1.0, 1.0, epsilon=1.0), "epsilon"),
        (lambda: authorized_capacity([10, -2], 0.9, 1.0, 1.0), "capacity"),
        (lambda: authorized_capacity([10, 2.5], 0.9, 1.0, 1.0), "capacity"),
        (lambda: authorized_capacity([10, 20], [0.9, 0.8, 0.7], 1.0, 1.0), "capacity"),
        (lambda: authorized_capacity([10, 20], [0.9, 0.0], 1.0, 1.0), "show_prob"),
        (lambda: authorized_capacity([10, 20], 0.9, [1.0, -1.0], 1.0), "denied_cost"),
        (lambda: authorized_capacity([10, 20], 0.9, 1.0, 1.0, max_limit=[15, 19]), "max_limit"),
        (lambda: authorized_capacity([10, 20], 0.9, 1.0, 1.0, max_limit=[1, 2, 3]), "max_limit"),
    ],
)
def test_bad_input_names_the_argument(call, field):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("show", "cancel", "field"),
    [(5e-324, 0.0, "show_prob"), (1e-12, 0.0, "show_prob"), (0.9, 1 - 1e-12, "cancel_prob")],
)
def test_vanishing_show_rates_are_a_clear_error(show, cancel, field):
    with pytest.raises(InputError, match=f"^{field}"):
        overbooking_limit(100, show, 300.0, 100.0, cancel_prob=cancel)
