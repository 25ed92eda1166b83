"""Every network optimizer returns the same result shape (yieldopt.optimize.BidPriceResult).

The hand-solved hub network (tests/network_cases.py) has DLP bid prices AH 70, HB 200, HC 50:
AB-Y (300 ≥ 270) is sold, AB-M (150 < 270) is not, and AC-M (120 = 70 + 50), HB-Y (200) and
HC-M (50) are exact ties, which the one rule accepts.
"""

import numpy as np
import pandas as pd
import pytest

import yieldopt as yo
from tests.network_cases import hub_network, random_network
from yieldopt.optimize import BidPriceResult, DynamicBidPriceResult

PERIODS = 60


def _probs(net: yo.Network, demand: dict[str, float]) -> np.ndarray:
    """Spread expected demand evenly over the periods (AH: 18 / 60 = 0.3 per period)."""
    d = net.demand_vector(demand)
    return np.tile(d / PERIODS, (PERIODS, 1))


def _solve(method: str, net: yo.Network, demand: dict[str, float]) -> BidPriceResult:
    if method == "dlp":
        return yo.dlp(net, demand)
    if method == "rlp":
        return yo.rlp(net, demand, n_samples=8, seed=3)
    if method == "davn":
        return yo.davn(net, demand)
    if method == "dp-decomposition":
        return yo.dp_decomposition(net, _probs(net, demand))
    raise AssertionError(method)


METHODS = ["dlp", "rlp", "davn", "dp-decomposition"]
# The methods whose accept decision is value ≥ Σ bid prices (DAVN nests instead).
BID_PRICE_METHODS = ["dlp", "rlp", "dp-decomposition"]


@pytest.fixture(scope="module")
def hub():
    return hub_network()


@pytest.fixture(scope="module", params=METHODS)
def solved(request, hub):
    net, demand = hub
    return request.param, net, _solve(request.param, net, demand)


def test_bid_prices_are_a_series_by_resource_id(solved):
    _, net, res = solved
    assert isinstance(res, BidPriceResult)
    bp = res.bid_prices
    assert isinstance(bp, pd.Series) and bp.name == "bid_price"
    assert list(bp.index) == net.resource_ids == ["AH", "HB", "HC"]
    assert bp.dtype == np.float64 and bool(np.all(bp >= 0))


@pytest.mark.parametrize("method", ["dlp", "davn"])
def test_lp_bid_prices_are_the_hand_solved_duals(hub, method):
    net, demand = hub
    res = _solve(method, net, demand)
    assert res.bid_prices.to_dict() == pytest.approx({"AH": 70.0, "HB": 200.0, "HC": 50.0})


def test_objective_where_defined(hub):
    net, demand = hub
    assert yo.dlp(net, demand).objective == pytest.approx(2420.0)
    # The mean of sampled LPs: never above the bound of the LP on mean demand (Jensen).
    assert 0 < yo.rlp(net, demand, n_samples=8, seed=3).objective <= 2420.0 + 1e-6


def test_dynamic_bid_prices_start_at_the_static_view(solved):
    method, net, res = solved
    if not isinstance(res, DynamicBidPriceResult):
        assert method != "dp-decomposition"
        return
    at_start = res.bid_prices_at(0, None)
    pd.testing.assert_series_equal(at_start, res.bid_prices)
    pd.testing.assert_series_equal(res.bid_prices_at(0, net.capacity), res.bid_prices)
    pd.testing.assert_series_equal(res.bid_prices_at(0, {"HB": 6}), res.bid_prices)
    batch = res.bid_prices_at(np.array([0, 0, 7]), np.tile(net.capacity, (3, 1)))
    assert isinstance(batch, np.ndarray) and batch.shape == (3, 3)
    np.testing.assert_allclose(batch[:2], np.tile(res.bid_prices.to_numpy(), (2, 1)))
    np.testing.assert_allclose(batch[2], res.bid_prices_at(7, net.capacity).to_numpy())
    # Nothing left: no price covers the unit.
    assert np.isinf(res.bid_prices_at(3, [0, 6, 8])["AH"])


@pytest.mark.parametrize("method", BID_PRICE_METHODS)
def test_accepts_is_value_against_the_bid_price_total(hub, method):
    net, demand = hub
    res = _solve(method, net, demand)
    bp = res.bid_prices.to_numpy()
    total = net.incidence.T @ bp
    expected = net.values >= total - 1e-9 * np.maximum(1.0, total)
    for j, pid in enumerate(net.product_ids):
        got = res.accepts(pid)
        assert type(got) is bool and got == expected[j] == res.accepts(j)
    np.testing.assert_array_equal(res.accepts(net.product_ids), expected)
    np.testing.assert_array_equal(res.accepts(np.arange(5), net.capacity, t=0), expected)


def test_the_hand_solved_ties_are_accepted(solved):
    method, net, res = solved
    if method in ("dlp", "davn"):
        # AB-M alone is refused: below its route's bid prices (dlp), closed on AH (davn).
        assert res.accepts(net.product_ids).tolist() == [True, False, True, True, True]


def test_accepts_batches_over_states_and_refuses_empty_resources(solved):
    _, net, res = solved
    states = np.array([net.capacity, [0, 6, 8], [10, 0, 8], [10, 6, 0]])
    products = np.array(["AB-Y", "AC-M", "HB-Y", "HC-M"])
    got = res.accepts(products, states, t=np.zeros(4, dtype=int))
    assert got.dtype == bool and got.shape == (4,)
    assert got[0] == res.accepts("AB-Y")  # the first state is full capacity
    assert not got[1:].any()  # each product needs a resource with nothing left
    # One product against many states broadcasts, and so does one state against many products.
    np.testing.assert_array_equal(res.accepts(0, states), [res.accepts(0, s) for s in states])
    np.testing.assert_array_equal(
        res.accepts([0, 2], [0, 6, 8]), [res.accepts(0, [0, 6, 8]), res.accepts(2, [0, 6, 8])]
    )


def test_decomposition_accepts_with_its_state_dependent_prices(hub):
    net, demand = hub
    res = yo.dp_decomposition(net, _probs(net, demand))
    rng = np.random.default_rng(8)
    t = rng.integers(0, PERIODS, 40)
    rem = rng.integers(0, 11, (40, 3)).astype(float)
    j = rng.integers(0, 5, 40)
    prices = res.bid_prices_at(t, rem)
    total = np.array(
        [prices[k, net.incidence[:, [j[k]]].toarray().ravel() > 0].sum() for k in range(40)]
    )
    # A resource with nothing left prices at inf: refused whatever the value.
    finite = np.where(np.isinf(total), 0.0, total)
    expected = np.isfinite(total) & (net.values[j] >= finite - 1e-9 * np.maximum(1.0, finite))
    assert 0 < expected.sum() < 40  # both answers occur
    np.testing.assert_array_equal(res.accepts(j, rem, t), expected)


def test_static_results_agree_on_a_random_network():
    net, demand = random_network(np.random.default_rng(11))
    for res in (yo.dlp(net, demand), yo.rlp(net, demand, n_samples=4, seed=0)):
        total = net.incidence.T @ res.bid_prices.to_numpy()
        usable = (net.incidence.T @ (net.capacity < 1)) == 0
        expected = usable & (net.values >= total - 1e-9 * np.maximum(1.0, total))
        np.testing.assert_array_equal(res.accepts(np.arange(len(net.products))), expected)


def test_bad_arguments_name_the_field(hub):
    net, demand = hub
    res = yo.dp_decomposition(net, _probs(net, demand))
    for call, field in [
        (lambda: res.accepts("XX-Y"), "product"),
        (lambda: res.accepts(9), "product"),
        (lambda: res.accepts(0, [1, 2]), "remaining"),
        (lambda: res.accepts(0, {"ZZ": 1}), "remaining"),
        (lambda: res.accepts(0, [-1, 2, 3]), "remaining"),
        (lambda: res.bid_prices_at(PERIODS), "t"),
        (lambda: res.accepts([0, 1, 2], np.ones((2, 3))), "remaining"),
    ]:
        with pytest.raises(yo.InputError) as err:
            call()
        assert err.value.field == field


def test_single_leg_dp_takes_the_shared_arguments():
    fares = np.array([300.0, 200.0, 120.0])
    probs = np.random.default_rng(5).dirichlet(np.ones(4), 25)[:, :3]
    sol = yo.single_leg_dp(8, fares, probs)
    # One resource: no ids, so .bid_prices is the (t, x) table, not a Series.
    assert sol.bid_prices.shape == (25, 9)
    assert sol.bid_prices_at(0, None) == sol.bid_prices[0, 8] == sol.bid_prices_at()
    assert sol.objective == sol.expected_revenue == sol.value[0, 8]
    t, x = np.meshgrid(np.arange(25), np.arange(9), indexing="ij")
    np.testing.assert_array_equal(sol.bid_prices_at(t, x), sol.bid_prices)
    for j in range(3):
        np.testing.assert_array_equal(sol.accepts(j, x, t), fares[j] >= sol.bid_prices)
    assert sol.accepts(0) is True and sol.accepts(0, remaining=0) is False
