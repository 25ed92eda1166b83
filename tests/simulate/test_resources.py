"""Per-resource results, product mix and booking curves, checked by hand on small cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.simulate.cases import one_leg, sell_up, tied_hotel, two_leg
from yieldopt.control import ControlModel
from yieldopt.simulate import RESOURCE_COLUMNS, draw_paths, product_classes, simulate
from yieldopt.simulate._paths import REQUEST

SAMPLES, SEED = 12, 5


def _requests_by_product(sc, samples=SAMPLES, seed=SEED):
    """Requests per path and product, counted from the drawn paths, shape (S, n)."""
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(samples), seed)
    product = np.array([cs[0] for cs in model.customers.choice_sets])  # one product each
    out = np.zeros((samples, len(sc.network.products)))
    for p in range(samples):
        req = paths.kind[p] == REQUEST
        np.add.at(out[p], product[paths.stream[p, req]], 1.0)
    return out


@pytest.fixture(scope="module")
def ample(tmp_path_factory):
    """Two legs with room for every request: whatever a policy does, it sells all."""
    sc = two_leg(tmp_path_factory.mktemp("ample"), capacity=(500, 500))
    return sc, simulate(sc, ["fcfs", "dlp", "hindsight"], n_samples=SAMPLES, seed=SEED)


def test_ample_capacity_sells_every_request_on_every_resource(ample):
    sc, res = ample
    demand = _requests_by_product(sc)  # (S, n) in product order L1-Y, L1-M, L2-Y, L2-M, C-Y, C-M
    on = {"L1": [0, 1, 4, 5], "L2": [2, 3, 4, 5]}
    prices = np.array([p.price for p in sc.network.products])
    nres = np.array([len(p.resources) for p in sc.network.products])
    t = stats.t.ppf(0.975, SAMPLES - 1)
    for policy in ("fcfs", "dlp", "hindsight"):
        rows = res.resources[res.resources.policy == policy].set_index("resource")
        for leg, cols in on.items():
            sold = demand[:, cols].sum(axis=1)
            revenue = (demand[:, cols] * prices[cols] / nres[cols]).sum(axis=1)
            r = rows.loc[leg]
            assert r.sold_mean == pytest.approx(sold.mean())
            assert r.sold_std == pytest.approx(sold.std(ddof=1))
            assert r.sold_hw95 == pytest.approx(t * sold.std(ddof=1) / np.sqrt(SAMPLES))
            assert r.occupied_mean == pytest.approx(sold.mean())  # everyone shows
            assert r.occupancy == pytest.approx(sold.mean() / 500)
            assert r.revenue_mean == pytest.approx(revenue.mean())
            assert r.revenue_per_unit == pytest.approx(revenue.mean() / sold.mean())
            assert (r.denied_mean, r.spill_mean) == (0.0, 0.0)
            assert (r.capacity, r.authorized, r.samples) == (500.0, 500.0, SAMPLES)
    assert list(res.resources.columns) == RESOURCE_COLUMNS


def test_product_mix_counts_each_class_on_its_legs(ample):
    sc, res = ample
    demand = _requests_by_product(sc).mean(axis=0)
    mix = res.product_mix[res.product_mix.policy == "fcfs"]
    l1 = mix[mix.resource == "L1"].set_index("product_class")
    # Classes by descending mean price: C-Y 450 → "C-Y" has no "/" so the id is its class.
    assert list(l1.index) == ["C-Y", "L1-Y", "C-M", "L1-M"]
    assert l1.loc["L1-M", "units_mean"] == pytest.approx(demand[1])
    assert l1.loc["C-Y", "revenue_mean"] == pytest.approx(demand[4] * 450 / 2)
    assert l1["share"].sum() == pytest.approx(1.0)


def test_scarce_capacity_splits_spill_by_reason(tmp_path):
    sc = one_leg(tmp_path, capacity=3)
    res = simulate(sc, ["fcfs", "emsr-b", "hindsight"], n_samples=SAMPLES, seed=SEED)
    r = res.resources.set_index("policy")
    summary = res.summary.set_index("policy")
    demand = _requests_by_product(sc).sum(axis=1)
    # One resource: its spill is the summary's, and sold + spill = requests on every path.
    for policy in ("fcfs", "emsr-b", "hindsight"):
        assert r.loc[policy, "spill_mean"] == pytest.approx(summary.loc[policy, "spill"])
        assert r.loc[policy, "sold_mean"] + r.loc[policy, "spill_mean"] == pytest.approx(
            demand.mean()
        )
        assert r.loc[policy, "sold_mean"] <= 3
    # First come first served never closes a class: it only loses requests once full.
    assert r.loc["fcfs", "spill_controls"] == 0.0
    assert r.loc["fcfs", "spill_capacity"] == pytest.approx(r.loc["fcfs", "spill_mean"])
    # EMSR-b protects seats for the high fare: it turns low fares away with seats left.
    assert r.loc["emsr-b", "spill_controls"] > 0
    split = r.loc["emsr-b", ["spill_capacity", "spill_controls", "spill_choice"]].sum()
    assert split == pytest.approx(r.loc["emsr-b", "spill_mean"])
    assert r.loc["hindsight", ["spill_capacity", "spill_controls"]].isna().all()


def test_resource_totals_match_the_per_path_totals(tmp_path):
    sc = tied_hotel(tmp_path)  # cancellations, no-shows, overbooking, multi-night stays
    res = simulate(sc, ["fcfs", "dlp", "hindsight"], n_samples=8, seed=1)
    for policy, g in res.resources.groupby("policy"):
        paths = res.paths[res.paths.policy == policy]
        assert g.sold_mean.sum() == pytest.approx(paths.units_sold.mean())
        assert g.occupied_mean.sum() == pytest.approx(paths.occupied.mean())
        assert g.denied_mean.sum() == pytest.approx(paths.denied.mean())
        assert g.revenue_mean.sum() == pytest.approx(paths.booking_revenue.mean())
    assert (res.resources.authorized > res.resources.capacity).any()  # it overbooks


def test_product_classes_drop_the_segment():
    import yieldopt as yo

    net = yo.Network.from_records(
        resources=[{"id": "night/2026-12-07", "capacity": 5}, {"id": "L", "capacity": 5}],
        products=[
            {
                "id": "2026-12-07/1n/CORP/business",
                "resources": ["night/2026-12-07"],
                "price": 1,
                "segment": "business",
            },
            {"id": "S0-HUB/0/Y", "resources": ["L"], "price": 2},
            {"id": "plain", "resources": ["L"], "price": 3},
        ],
        segments=[{"id": "business"}],
    )
    assert product_classes(net).tolist() == ["CORP", "Y", "plain"]


def test_booking_curves_run_in_days_before_arrival_against_the_forecast(tmp_path):
    sc = two_leg(tmp_path)
    scale = np.linspace(0.5, 1.5, len(sc.network.products))
    believed = sc.with_forecast_scale(scale)
    res = simulate(believed, ["fcfs"], n_samples=6, seed=2, horizon_days=30)
    c = res.booking_curves
    assert res.horizon_days == 30.0
    assert c.days_before_start.iloc[0] == 30.0 and c.days_before.iloc[-1] == 0.0
    np.testing.assert_allclose(c.days_before_start.iloc[1:], c.days_before.iloc[:-1])
    # Over the whole horizon: every expected request, and the believed ones scaled.
    mean = np.array([3, 7, 3, 6, 2, 4], dtype=float)  # demand per product in two_leg
    assert c.expected_cumulative.iloc[-1] == pytest.approx(mean.sum())
    assert c.forecast_cumulative.iloc[-1] == pytest.approx((mean * scale).sum())
    assert c.requests_cumulative.iloc[-1] == pytest.approx(res.paths.requests.mean())
    bids = simulate(sc, ["dlp"], n_samples=2, seed=2, reoptimize=3, horizon_days=30).bid_prices
    assert sorted(bids.days_before.unique()) == pytest.approx([10.0, 20.0, 30.0])


def test_horizon_days_is_checked(tmp_path):
    from yieldopt.errors import InputError

    with pytest.raises(InputError, match="horizon_days"):
        simulate(one_leg(tmp_path), ["fcfs"], n_samples=2, horizon_days=0)


def test_resources_frame_is_one_row_per_policy_and_resource(ample):
    sc, res = ample
    ids = list(sc.network.resource_ids)
    expected = pd.DataFrame(
        {"policy": np.repeat(["fcfs", "dlp", "hindsight"], len(ids)), "resource": ids * 3}
    )
    pd.testing.assert_frame_equal(res.resources[["policy", "resource"]], expected)


def _choosing(tmp, capacity):
    """One leg; customers choose by logit between a 100 and a 200 fare, or buy nothing."""
    return sell_up(tmp, '[choice]\nmodel = "mnl"\nno_purchase = 1.0', capacity=capacity)


def test_customers_who_decline_an_offer_are_choice_spill(tmp_path):
    ample = simulate(_choosing(tmp_path, 500), ["fcfs"], n_samples=SAMPLES, seed=SEED)
    r = ample.resources.iloc[0]
    # Everything was on offer all the time: every lost request declined it.
    assert r.spill_mean > 0 and r.spill_choice == r.spill_mean
    assert (r.spill_capacity, r.spill_controls) == (0.0, 0.0)
    full = simulate(_choosing(tmp_path, 5), ["fcfs"], n_samples=SAMPLES, seed=SEED)
    r = full.resources.iloc[0]
    assert r.spill_capacity > 0  # once the leg is full, requests are lost for capacity
    assert r.spill_capacity + r.spill_choice == pytest.approx(r.spill_mean)
    assert r.spill_mean == pytest.approx(full.summary.spill.iloc[0])
