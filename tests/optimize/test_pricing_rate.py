"""Recommended hotel rates per night: each step of the rule by hand."""

import numpy as np
import pandas as pd
import pytest

from yieldopt.errors import InputError
from yieldopt.optimize import ExponentialResponse, los_rates, rate_ladder, recommend_rates

NIGHTS = pd.Index(pd.date_range("2026-07-01", periods=4), name="night")
LADDER = "80:160:20"  # 80, 100, 120, 140, 160


def _rates(bid, rho, **kw):
    return recommend_rates(pd.Series(bid, index=NIGHTS, dtype=float), rho, LADDER, **kw)


def test_ladder_parsing():
    assert rate_ladder("80:300:5").size == 45 and rate_ladder("80:300:5")[-1] == 300.0
    assert rate_ladder("120,80,100,80").tolist() == [80.0, 100.0, 120.0]
    with pytest.raises(InputError, match="ladder"):
        rate_ladder("80:70:5")
    with pytest.raises(InputError, match="ladder"):
        rate_ladder("a:b")


def test_demand_position_on_the_ladder():
    # ρ = 0, 0.3, 0.6, 2 -> positions round(0, 1.2, 2.4, 4) = 0, 1, 2, 4.
    out = _rates([0, 0, 0, 0], [0.0, 0.3, 0.6, 2.0])
    assert out["recommended_rate"].tolist() == [80.0, 100.0, 120.0, 160.0]
    assert (out["reason"] == "demand").all()
    assert list(out.columns) == ["night", "recommended_rate", "reason", "bid_price"]
    assert (out["night"] == NIGHTS).all()


def test_bid_price_raises_the_rate():
    # Demand says 100 (ρ = 0.3); bid prices 90 (below: no change), 101 -> 120, 999 -> top.
    out = _rates([90, 101, 999, 100], [0.3] * 4)
    assert out["recommended_rate"].tolist() == [100.0, 120.0, 160.0, 100.0]
    assert out["reason"].tolist() == ["demand", "bid_price", "bid_price", "demand"]


def test_price_sensitivity_maximizes_contribution():
    # P(r) = exp(−r/50): (r − b) e^{−r/50} over the ladder. b = 0: 80·e^-1.6 = 16.15,
    # 100·e^-2 = 13.53 -> 80. b = 60: (r − 60) e^{−r/50} peaks at r = 110 continuous;
    # ladder: 100 -> 40·e^-2 = 5.41, 120 -> 60·e^-2.4 = 5.44 -> 120.
    curve = ExponentialResponse(rate=1 / 50)
    out = _rates([0, 60, 0, 0], [0.0] * 4, price_sensitivity=curve)
    assert out["recommended_rate"].tolist()[:2] == [80.0, 120.0]
    assert (out["reason"] == "price_sensitivity").all()


def test_max_step_from_yesterday():
    # Demand: 160, 80, 120, 160; yesterday 100, 140, 120, (none) with max_step 20:
    # 160 -> 120 (band 80..120, closest to 160), 80 -> 120, 120 stays, no limit on night 4.
    prev = pd.Series([100.0, 140.0, 120.0], index=NIGHTS[:3])
    out = _rates([0] * 4, [1.0, 0.0, 0.5, 1.0], max_step=20, previous=prev)
    assert out["recommended_rate"].tolist() == [120.0, 120.0, 120.0, 160.0]
    assert out["reason"].tolist() == ["max_step", "max_step", "demand", "demand"]
    # A band with no rung (yesterday 110 off the ladder, step 5): the rung closest to 110.
    out = _rates([0] * 4, [1.0] * 4, max_step=5, previous=pd.Series(110.0, index=NIGHTS))
    assert out["recommended_rate"].iloc[0] in (100.0, 120.0)
    with pytest.raises(InputError, match="previous"):
        _rates([0] * 4, [1.0] * 4, max_step=5)


def test_floor_and_ceiling_win_and_snap_to_the_ladder():
    # Demand 80, 160; floor 95 -> 100; ceiling 130 -> 120; the bid price 150 is overruled.
    out = _rates([0, 0, 150, 0], [0.0, 1.0, 0.5, 0.5], floor=95.0, ceiling=130.0)
    assert out["recommended_rate"].tolist() == [100.0, 120.0, 120.0, 120.0]
    assert out["reason"].tolist() == ["floor", "ceiling", "ceiling", "demand"]
    per_night = pd.Series([80.0, 80.0, 80.0, 140.0], index=NIGHTS)
    out = _rates([0] * 4, [0.0] * 4, floor=per_night)
    assert out["recommended_rate"].tolist() == [80.0, 80.0, 80.0, 140.0]
    with pytest.raises(InputError, match="floor"):
        _rates([0] * 4, [0.0] * 4, floor=125.0, ceiling=135.0)
    with pytest.raises(InputError, match="forecast"):
        _rates([0] * 4, [0.0] * 3)


def test_los_rates():
    out = los_rates(_rates([0] * 4, [0.0, 0.3, 0.6, 2.0]), max_los=3)
    assert len(out) == 4 + 3 + 2
    two = out[out["los"] == 2]
    assert two["rate"].tolist() == [90.0, 110.0, 140.0]
    assert two["arrival"].iloc[0] == NIGHTS[0]
    np.testing.assert_allclose(out[out["los"] == 3]["total"], [300.0, 380.0])
