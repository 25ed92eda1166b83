"""The main job's preparation: CRM segment values and the forecast feed the optimizers."""

from pathlib import Path

import numpy as np
import pytest

import yieldopt as yo
from tests.simulate.cases import two_leg
from yieldopt.control import ControlModel, make_policy
from yieldopt.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared():
    sc = yo.load_scenario(ROOT / "scenarios/city-hotel.toml")
    messages: list[str] = []
    out, sections = prepare(sc, log=messages.append)
    return sc, out, sections, messages


def test_crm_values_replace_the_stated_ones(prepared):
    sc, out, _, _ = prepared
    tx = yo.load_transactions(ROOT / "scenarios/data/transactions.csv")
    values = yo.segment_values(tx, future_weight=0.15)
    before = {s.id: s.adjustment for s in sc.network.segments}
    after = {s.id: s.adjustment for s in out.network.segments}
    for seg in ("business", "leisure"):
        assert after[seg] == pytest.approx(values.loc[seg, "value_adjustment"])
        assert after[seg] != pytest.approx(before[seg])
    # Products carry their segment's new adjustment on top of the unchanged price.
    np.testing.assert_allclose(out.network.prices, sc.network.prices)
    j = out.network.product_index["2026-12-08/2n/BAR/business"]
    assert out.network.values[j] == pytest.approx(out.network.prices[j] + after["business"])


def test_forecast_sets_what_the_optimizers_expect(prepared):
    sc, out, sections, messages = prepared
    assert sc.forecast_scale is None
    scale = out.forecast_scale
    assert scale.shape == (len(sc.network.products),)
    # The history was generated from the scenario's own weekday pattern, so a good
    # forecast lands near the scenario's demand (the backtest's WAPE is about 11%).
    assert 0.8 < scale.min() and scale.max() < 1.25
    np.testing.assert_allclose(out.believed_demand, out.demand * scale)
    titles = [t for t, _ in sections]
    assert any(t.startswith("Demand the optimizers plan with") for t in titles)
    assert any("forecast" in m for m in messages)


def test_belief_moves_the_bid_prices(tmp_path):
    sc = two_leg(tmp_path)
    base = ControlModel.from_scenario(sc)
    high = ControlModel.from_scenario(
        sc.with_forecast_scale(np.full(len(sc.network.products), 2.0))
    )
    low = make_policy("dlp", base)
    up = make_policy("dlp", high)
    low.reset(np.arange(1))
    up.reset(np.arange(1))
    # Believing in twice the demand makes capacity scarcer: bid prices rise.
    assert np.all(up.bid >= low.bid - 1e-9) and np.any(up.bid > low.bid + 1e-6)
    # Per-period probabilities stay valid for the dynamic programs.
    probs = high.product_period_probs()
    assert (probs @ sc.network.incidence.T).max() <= 1 + 1e-9


def test_forecast_scale_is_validated(tmp_path):
    sc = two_leg(tmp_path)
    with pytest.raises(yo.InputError, match="^forecast_scale"):
        sc.with_forecast_scale([1.0, 2.0])
