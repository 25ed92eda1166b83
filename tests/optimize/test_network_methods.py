"""DLP value maximization, RLP, DAVN and DP decomposition on hand-checkable networks."""

import numpy as np
import pytest

import yieldopt as yo
from tests.network_cases import hub_network


def _one_night(adjust: bool) -> yo.Network:
    segments = [{"id": "corp", "future_value": 30.0 if adjust else 0.0}, {"id": "leisure"}]
    return yo.Network.from_records(
        [{"id": "night", "capacity": 1}],
        [
            {"id": "leisure-rate", "resources": ["night"], "price": 100, "segment": "leisure"},
            {"id": "corp-rate", "resources": ["night"], "price": 90, "segment": "corp"},
        ],
        segments,
    )


def test_dlp_maximizes_value_not_price():
    demand = {"leisure-rate": 1, "corp-rate": 1}
    classic = yo.dlp(_one_night(adjust=False), demand)
    assert classic.allocation.to_dict() == pytest.approx({"leisure-rate": 1, "corp-rate": 0})
    assert classic.objective == pytest.approx(100)
    valued = yo.dlp(_one_night(adjust=True), demand)
    # The corporate guest is worth 90 + 30 of future business: 120 > 100.
    assert valued.allocation.to_dict() == pytest.approx({"leisure-rate": 0, "corp-rate": 1})
    assert valued.objective == pytest.approx(120)
    # With spare corporate demand the night's bid price is the corporate value itself.
    busy = yo.dlp(_one_night(adjust=True), {"leisure-rate": 1, "corp-rate": 2})
    assert busy.bid_prices["night"] == pytest.approx(120)


def test_products_worth_nothing_are_never_allocated():
    net = yo.Network.from_records(
        [{"id": "n", "capacity": 5}],
        [{"id": "p", "resources": ["n"], "price": 10, "segment": "costly"}],
        [{"id": "costly", "cost_to_serve": 25}],
    )
    res = yo.dlp(net, {"p": 3})
    assert res.objective == 0 and res.allocation["p"] == 0 and res.bid_prices["n"] == 0


def test_capacity_override_is_authorized_capacity():
    net, demand = hub_network()
    a = yo.dlp(net, demand, capacity={"HB": 9})
    b = yo.dlp(net.with_capacity({"HB": 9}), demand)
    assert a.objective == pytest.approx(b.objective)
    assert a.objective > yo.dlp(net, demand).objective


def test_rlp_is_seeded_and_averages_sampled_lps():
    net, demand = hub_network()
    r1 = yo.rlp(net, demand, n_samples=20, seed=7)
    r2 = yo.rlp(net, demand, n_samples=20, seed=7)
    pd_equal = r1.bid_prices.equals(r2.bid_prices)
    assert pd_equal and r1.samples.shape == (20, 3)
    draws = np.random.default_rng(7).poisson(net.demand_vector(demand), size=(20, 5))
    each = [yo.dlp(net, d.astype(float)).bid_prices.to_numpy() for d in draws]
    np.testing.assert_allclose(r1.bid_prices.to_numpy(), np.mean(each, axis=0), atol=1e-7)


def test_rlp_with_ample_capacity_prices_nothing():
    net, demand = hub_network()
    r = yo.rlp(net, demand, n_samples=5, seed=1, capacity=[1000, 1000, 1000])
    assert np.all(r.bid_prices == 0)
    with pytest.raises(yo.InputError, match="^n_samples"):
        yo.rlp(net, demand, n_samples=0)


def test_davn_on_one_resource_is_emsr_b():
    net = yo.Network.from_records(
        [{"id": "leg", "capacity": 40}],
        [{"id": f"c{k}", "resources": ["leg"], "price": p} for k, p in enumerate([300, 200, 100])],
    )
    mean = np.array([10.0, 15.0, 30.0])
    res = yo.davn(net, mean, n_classes=3)
    expected = yo.emsr_b([300, 200, 100], mean, np.sqrt(mean))
    np.testing.assert_allclose(res.protection_levels["leg"], expected)
    np.testing.assert_allclose(res.thresholds[0], [0, expected[0], expected[1]])
    assert res.accepts(2, [int(expected[1]) + 1]) and not res.accepts(2, [int(expected[1])])


def test_davn_pseudo_values_by_hand():
    # Bid prices π = (AH 70, HB 200, HC 50), see tests/network_cases.py.
    net, demand = hub_network()
    res = yo.davn(net, demand)
    table = res.classes.set_index(["resource", "product"])["pseudo_value"].to_dict()
    assert table == pytest.approx(
        {
            ("AH", "AB-Y"): 300 - 200,
            ("HB", "AB-Y"): 300 - 70,
            ("AH", "AB-M"): 150 - 200,
            ("HB", "AB-M"): 150 - 70,
            ("AH", "AC-M"): 120 - 50,
            ("HC", "AC-M"): 120 - 70,
            ("HB", "HB-Y"): 200,
            ("HC", "HC-M"): 50,
        }
    )
    closed = res.classes.query("virtual_class == -1")
    assert list(zip(closed.resource, closed["product"], strict=True)) == [("AH", "AB-M")]
    # AB-M is closed on AH, so it is refused even on an empty network.
    assert not res.accepts("AB-M", net.capacity)
    assert res.accepts(net.product_index["AB-Y"], net.capacity)


def test_decomposition_on_one_resource_is_the_exact_dp():
    net = yo.Network.from_records(
        [{"id": "leg", "capacity": 6}],
        [{"id": f"c{k}", "resources": ["leg"], "price": p} for k, p in enumerate([300, 200, 100])],
    )
    probs = np.random.default_rng(2).dirichlet(np.ones(4), 30)[:, :3]
    dec = yo.dp_decomposition(net, probs)
    exact = yo.single_leg_dp(6, [300, 200, 100], probs)
    np.testing.assert_allclose(dec.values[0], exact.value)
    for t, x in [(0, 6), (10, 3), (29, 1)]:
        for j in range(3):
            assert dec.accepts(j, [x], t) == exact.accepts(j, x, t)
    assert not dec.accepts(0, [0], 0)


def test_decomposition_resource_dp_uses_pseudo_values():
    net, _demand = hub_network()
    rng = np.random.default_rng(4)
    probs = rng.dirichlet(np.ones(6), 40)[:, :5]
    bid = {"AH": 70.0, "HB": 200.0, "HC": 50.0}
    dec = yo.dp_decomposition(net, probs, bid_prices=bid)
    # Leg HB serves AB-Y (300 − 70 = 230), HB-Y (200) and AB-M (150 − 70 = 80).
    order = [net.product_index[p] for p in ("AB-Y", "HB-Y", "AB-M")]
    exact = yo.single_leg_dp(6, [230, 200, 80], probs[:, order])
    np.testing.assert_allclose(dec.values[1], exact.value)
    bp = dec.bid_prices_at(5, [10, 6, 8])
    assert dec.accepts("AB-Y", [10, 6, 8], t=5) == (300 >= bp["AH"] + bp["HB"])
    assert np.isinf(dec.bid_prices_at(5, [0, 6, 8])["AH"])


def test_decomposition_rejects_bad_probabilities():
    net, _ = hub_network()
    with pytest.raises(yo.InputError, match="^arrival_probs"):
        yo.dp_decomposition(net, np.full((3, 5), 0.4))  # three products on AH: 1.2
    with pytest.raises(yo.InputError, match="^arrival_probs"):
        yo.dp_decomposition(net, np.full((3, 4), 0.1))


def test_topaloglu_instance_dlp_bound_is_the_published_21531():
    """rm_200_4_1.0_4.0 ships in scenarios/data; its DLP bound is 21,531 (rounded)."""
    from pathlib import Path

    sc = yo.load_scenario(
        Path(__file__).resolve().parents[2] / "scenarios/data/rm_200_4_1.0_4.0.txt"
    )
    assert (len(sc.network.resources), len(sc.network.products), sc.periods) == (8, 40, 200)
    for solver in ("pulp-highs", "highs"):
        assert round(yo.dlp(sc.network, sc.demand, solver=solver).objective) == 21531
