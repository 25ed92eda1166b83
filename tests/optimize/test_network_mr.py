"""Network marginal-revenue fare adjustment against the single-leg EMSR-b-MR adjustment."""

from __future__ import annotations

import numpy as np
import pytest

from yieldopt.errors import InputError
from yieldopt.model import Network
from yieldopt.optimize import BidPriceResult, emsr_b_mr, fare_adjustment
from yieldopt.optimize._network_mr import fare_adjusted_bid_prices


def one_leg(capacity=10):
    return Network.from_records(
        resources=[{"id": "L", "capacity": capacity}],
        products=[
            {"id": "Y", "resources": ["L"], "price": 200.0},
            {"id": "Q", "resources": ["L"], "price": 100.0},
        ],
    )


def test_one_leg_two_classes_equals_single_leg_adjustment():
    # D = 20 Q-equivalent customers, sell-up 0.4 to Y: Q = (8, 20), R = (1600, 2000).
    net = one_leg()
    res = fare_adjusted_bid_prices(net, {"Y": 5, "Q": 15}, {"Y": 0.4, "Q": 1.0})
    single = fare_adjustment([200.0, 100.0], [8.0, 20.0])
    np.testing.assert_allclose(res.adjustment["adjusted_value"], single.fares)
    np.testing.assert_allclose(res.adjustment["adjusted_demand"], single.demand)
    np.testing.assert_allclose(res.adjustment["adjusted_std"], single.stds)
    # Hand: adjusted fares 200 and 400/12; DLP sells 8 Y and 2 Q: bid price = Q's adjusted fare.
    assert res.objective == pytest.approx(8 * 200 + 2 * 400 / 12)
    assert res.bid_prices["L"] == pytest.approx(400 / 12)
    assert isinstance(res, BidPriceResult)


def test_one_leg_davn_protection_equals_emsr_b_mr():
    net = one_leg()
    res = fare_adjusted_bid_prices(
        net, {"Y": 5, "Q": 15}, {"Y": 0.4, "Q": 1.0}, method="davn", capacity=[10]
    )
    expected = emsr_b_mr([200.0, 100.0], [8.0, 20.0])
    np.testing.assert_allclose(res.result.protection_levels["L"], expected)
    # Y is open while anything is left; Q only above the protection level.
    y = float(expected[0])
    assert res.accepts("Y", remaining=[1])
    assert res.accepts("Q", remaining=[np.floor(y) + 1]) and not res.accepts("Q", remaining=[y])


def test_inefficient_class_is_closed_and_paths_are_independent():
    # Path A-B: sell-up makes the middle class inefficient. Q = (10, 11, 30):
    # R = (3000, 2200, 3000) -> hull origin -> (10, 3000) only; M and the low class never
    # add revenue: adjusted value 300 for H, middle/low closed (no efficient class owns them).
    net = Network.from_records(
        resources=[{"id": "A", "capacity": 5}, {"id": "B", "capacity": 50}],
        products=[
            {"id": "H", "resources": ["A", "B"], "price": 300.0},
            {"id": "M", "resources": ["B", "A"], "price": 200.0},
            {"id": "L", "resources": ["A", "B"], "price": 100.0},
            {"id": "b", "resources": ["B"], "price": 80.0},
        ],
    )
    demand = {"H": 10.0, "M": 10.0, "L": 10.0, "b": 4.0}
    sellup = {"H": 1 / 3, "M": 11 / 30, "L": 1.0, "b": 1.0}
    res = fare_adjusted_bid_prices(net, demand, sellup)
    adj = res.adjustment
    assert adj.loc["H", "adjusted_value"] == pytest.approx(300.0)
    assert adj.loc[["M", "L"], "adjusted_value"].tolist() == [0.0, 0.0]
    assert adj["efficient"].tolist() == [True, False, False, True]
    assert adj.loc["b", "adjusted_value"] == pytest.approx(80.0)
    assert adj.loc["H", "path"] == ("A", "B") == adj.loc["M", "path"]
    # DLP: A (5 seats) goes to H at 300; B is loose.
    assert res.bid_prices["A"] == pytest.approx(300.0)
    assert res.bid_prices["B"] == pytest.approx(0.0)
    assert res.accepts("H") and not res.accepts("L")


def test_inputs_are_checked_by_name():
    net = one_leg()
    with pytest.raises(InputError, match="sellup"):
        fare_adjusted_bid_prices(net, {"Y": 1}, {"Y": 1.5})
    with pytest.raises(InputError, match="method"):
        fare_adjusted_bid_prices(net, {"Y": 1}, {"Y": 1.0}, method="emsr")  # type: ignore[arg-type]
    same = Network.from_records(
        resources=[{"id": "L", "capacity": 1}],
        products=[
            {"id": "a", "resources": ["L"], "price": 100.0},
            {"id": "b", "resources": ["L"], "price": 100.0},
        ],
    )
    with pytest.raises(InputError, match="network"):
        fare_adjusted_bid_prices(same, {"a": 1}, {"a": 1.0, "b": 1.0})
