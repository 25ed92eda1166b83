"""The main job: CRM segment values and the forecast feed the optimizers; a typed result."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import yieldopt as yo
from tests.simulate.cases import two_leg
from yieldopt.control import ControlModel, make_policy
from yieldopt.forecast import forecast_scale
from yieldopt.pipeline import Preparation, RunResult, prepare, run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared():
    sc = yo.load_scenario(ROOT / "scenarios/city-hotel.toml")
    messages: list[str] = []
    prep = prepare(sc, log=messages.append)
    return sc, prep, messages


def test_crm_values_replace_the_stated_ones(prepared):
    sc, prep, _ = prepared
    out = prep.scenario
    tx = yo.load_transactions(ROOT / "scenarios/data/transactions.csv")
    values = yo.segment_values(tx, future_weight=0.15)
    step = prep.segments
    assert step is not None
    assert step.transactions == len(tx) and step.future_weight == 0.15
    pd.testing.assert_frame_equal(step.values, values)
    assert step.stated == {s.id: s.adjustment for s in sc.network.segments}
    assert step.applied == {s.id: s.adjustment for s in out.network.segments}
    for seg in ("business", "leisure"):
        assert step.applied[seg] == pytest.approx(values.loc[seg, "value_adjustment"])
        assert step.applied[seg] != pytest.approx(step.stated[seg])
    # Products carry their segment's new adjustment on top of the unchanged price.
    np.testing.assert_allclose(out.network.prices, sc.network.prices)
    j = out.network.product_index["2026-12-08/2n/BAR/business"]
    assert out.network.values[j] == pytest.approx(out.network.prices[j] + step.applied["business"])


def test_forecast_is_the_backtests_best_and_sets_the_belief(prepared):
    sc, prep, messages = prepared
    step = prep.forecast
    assert step is not None and step.scale is not None
    summary = step.backtest.summary
    assert step.method == summary["wape"].idxmin()
    assert step.bookings == len(yo.load_history(ROOT / "scenarios/data/city-hotel-history.parquet"))
    assert sc.forecast_scale is None
    scale = prep.scenario.forecast_scale
    np.testing.assert_array_equal(scale, step.scale.scale)
    assert scale.shape == (len(sc.network.products),)
    # The history was generated from the scenario's own weekday pattern, so a good
    # forecast lands near the scenario's demand (the backtest's WAPE is about 11%).
    assert 0.8 < scale.min() and scale.max() < 1.25
    np.testing.assert_allclose(prep.scenario.believed_demand, prep.scenario.demand * scale)
    assert any(step.method in m and "forecast" in m for m in messages)


def test_product_scale_is_the_mean_of_its_nights_weekday_factors(prepared):
    sc, prep, _ = prepared
    fs = prep.forecast.scale
    table = fs.by_weekday
    # Each weekday's factor is a ratio of sums over the same nights, so of the means too.
    np.testing.assert_allclose(table["scale"], table["forecast"] / table["planned"])
    factor = {(r.segment, r.weekday): r.scale for r in table.itertuples()}
    net = sc.network
    for j, p in enumerate(net.products):
        nights = [pd.Timestamp(r.rsplit("/", 1)[-1]).day_name() for r in p.resources]
        expected = np.mean([factor.get((p.segment, d), 1.0) for d in nights])
        assert fs.scale[j] == pytest.approx(expected), p.id


def test_opening_controls(prepared):
    _, prep, _ = prepared
    sc, c = prep.scenario, prep.controls
    net = sc.network
    assert list(c.authorized.index) == net.resource_ids
    np.testing.assert_array_equal(c.authorized, ControlModel.from_scenario(sc).authorized)
    bound = yo.dlp(net, sc.believed_demand, capacity=c.authorized.tolist())
    assert c.dlp.objective == pytest.approx(bound.objective)
    np.testing.assert_allclose(c.dlp.bid_prices, bound.bid_prices)
    assert c.min_los is not None and len(c.min_los) > 0
    assert [name for name, _ in c.group_quotes] == [g["name"] for g in sc.groups]
    # The report's control table shows these very numbers.
    tables = [t for _, t in prep.sections if isinstance(t, pd.DataFrame) and "bid price" in t]
    np.testing.assert_allclose(tables[0]["bid price"], c.dlp.bid_prices.to_numpy())


def test_forecast_scale_needs_segment_history_before_dated_nights(prepared, tmp_path):
    sc, _, _ = prepared
    late = pd.DataFrame({"product": ["business"], "booked_at": [pd.Timestamp("2027-06-01")]})
    # Booked after the scenario's nights: nothing left to forecast.
    assert forecast_scale(sc.network, sc.demand, late, "smoothing") is None
    early = late.assign(booked_at=pd.Timestamp("2026-01-01"))
    # Products that are not the network's segments.
    assert forecast_scale(sc.network, sc.demand, early.assign(product="x"), "smoothing") is None
    # Resources that are not dated nights.
    legs = two_leg(tmp_path, extra='[[segments]]\nid = "biz"\n')
    assert forecast_scale(legs.network, legs.demand, early.assign(product="biz"), "x") is None


def test_run_without_history_returns_every_part(tmp_path):
    sc = two_leg(tmp_path)
    result = run(sc, tmp_path / "out", policies=["fcfs", "dlp"], n_samples=4, seed=3)
    assert isinstance(result, RunResult) and isinstance(result.preparation, Preparation)
    assert result.forecast is None and result.preparation.segments is None
    assert result.scenario is result.preparation.scenario
    assert list(result.simulation.summary["policy"]) == ["fcfs", "dlp"]
    assert result.report == tmp_path / "out" / "report.html" and result.report.is_file()
    assert {"summary", "paths", "report"} <= set(result.files)
    direct = yo.simulate(sc, ["fcfs", "dlp"], 4, 3)
    pd.testing.assert_frame_equal(
        result.simulation.summary.drop(columns="seconds", errors="ignore"),
        direct.summary.drop(columns="seconds", errors="ignore"),
    )


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
