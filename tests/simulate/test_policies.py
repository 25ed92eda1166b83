"""Every built-in policy passes the conformance suite (yieldopt.testing.check_policy), and
the simulator's guarantees."""

import numpy as np
import pytest

import yieldopt as yo
from tests.simulate.cases import one_leg, two_leg
from yieldopt.control import POLICIES, ControlModel, make_policy
from yieldopt.simulate import draw_paths, hindsight, play, simulate
from yieldopt.testing import OVERBOOKING, check_policy

SEQUENTIAL = sorted(POLICIES)
SINGLE = ("dp", "dynamic-pricing")
NETWORK = [p for p in SEQUENTIAL if p not in SINGLE]


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("sim")


@pytest.mark.parametrize("name", SEQUENTIAL)
def test_every_policy_passes_the_conformance_suite(name):
    # Interface shapes, capacity, ample capacity = FCFS, the hindsight bound,
    # determinism per seed and per chunk, simulate(): the checks outside policies run.
    check_policy(name, single_resource=name in SINGLE)


@pytest.mark.parametrize(
    "extra", ["", OVERBOOKING], ids=["plain", "cancellations-no-shows-overbooking"]
)
def test_hindsight_bounds_every_policy_on_every_path(extra, tmp):
    sc = two_leg(tmp, extra=extra)
    res = simulate(sc, [*NETWORK, "hindsight"], n_samples=25, seed=8, reoptimize=4)
    wide = res.paths.pivot(index="path", columns="policy", values="revenue")
    value = res.paths.pivot(index="path", columns="policy", values="value")
    for p in NETWORK:
        assert np.all(wide["hindsight"] >= wide[p] - 1e-6), p
        assert np.all(value["hindsight"] >= value[p] - 1e-6), p
    if not extra:  # without overbooking nobody can be denied, not even in hindsight
        assert (res.paths["denied"] == 0).all()
    summary = res.summary.set_index("policy")
    assert summary.loc["fcfs", "rom"] == 0 and summary.loc["hindsight", "rom"] == pytest.approx(1)


def test_overbooking_sells_beyond_capacity_and_pays_for_denials(tmp):
    sc = two_leg(tmp, extra=OVERBOOKING)
    model = ControlModel.from_scenario(sc)
    assert np.all(model.authorized >= model.capacity) and np.any(model.authorized > model.capacity)
    res = simulate(sc, ["fcfs", "dlp"], n_samples=60, seed=2)
    paths = res.paths
    np.testing.assert_allclose(paths["denied_cost"], paths["denied"] * 350)
    np.testing.assert_allclose(paths["revenue"], paths["booking_revenue"] - paths["denied_cost"])
    assert (paths["occupied"] <= model.capacity.sum()).all()


def test_policies_see_the_same_demand(tmp):
    sc = two_leg(tmp, extra=OVERBOOKING)
    res = simulate(sc, NETWORK, n_samples=10, seed=5)
    requests = res.paths.pivot(index="path", columns="policy", values="requests")
    assert (requests.nunique(axis=1) == 1).all()


def test_same_seed_same_numbers_and_chunking_does_not_matter(tmp):
    sc = two_leg(tmp, extra=OVERBOOKING)
    a = simulate(sc, ["fcfs", "rlp", "dlp", "hindsight"], n_samples=9, seed=11, reoptimize=3)
    b = simulate(
        sc, ["fcfs", "rlp", "dlp", "hindsight"], n_samples=9, seed=11, reoptimize=3, chunk_size=2
    )
    np.testing.assert_array_equal(a.paths["revenue"], b.paths["revenue"])
    c = simulate(sc, ["fcfs", "rlp", "dlp", "hindsight"], n_samples=9, seed=12, reoptimize=3)
    assert not np.array_equal(a.paths["revenue"], c.paths["revenue"])


def test_exact_dp_is_best_in_expectation_on_one_resource(tmp):
    sc = one_leg(tmp)
    res = simulate(sc, ["fcfs", "emsr-b", "dlp", "dp"], n_samples=400, seed=21, reoptimize=4)
    wide = res.paths.pivot(index="path", columns="policy", values="revenue")
    for other in ["fcfs", "emsr-b", "dlp"]:
        diff = (wide["dp"] - wide[other]).to_numpy()
        # Paired comparison on common paths: the DP's mean advantage is not negative.
        assert diff.mean() >= -2 * diff.std(ddof=1) / np.sqrt(diff.size), other
    assert wide["dp"].mean() > wide["fcfs"].mean()


def test_dp_refuses_networks(tmp):
    with pytest.raises(yo.InputError, match="single resource"):
        simulate(two_leg(tmp), ["dp"], n_samples=2, seed=0)


def test_buy_down_customers_take_the_cheapest_open_product(tmp):
    extra = """
[[customers]]
name = "flexible"
products = ["L1-Y", "L1-M"]
mean = 30
curve = "uniform"
"""
    sc = two_leg(tmp, capacity=(6, 5), extra=extra)
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(20), seed=3)
    fcfs = play(make_policy("fcfs", model), model, paths, np.array([0.0]))
    stream = model.customers.names.index("flexible")
    assert list(model.customers.choice_sets[stream]) == [1, 0]  # L1-M (100) before L1-Y (300)
    # FCFS keeps everything open, so flexible customers never pay the high fare ...
    dlp = play(make_policy("dlp", model), model, paths, np.array([0.0, 0.5]))
    assert dlp.revenue.mean() > fcfs.revenue.mean()
    best = hindsight(model, paths)
    assert np.all(best.revenue >= dlp.revenue - 1e-6)


def test_bad_policy_names_and_sizes(tmp):
    sc = two_leg(tmp)
    with pytest.raises(yo.InputError, match="^policy"):
        simulate(sc, ["fcfs", "magic"], n_samples=2)
    with pytest.raises(yo.InputError, match="^policy"):
        simulate(sc, ["fcfs", "fcfs"], n_samples=2)
    with pytest.raises(yo.InputError, match="^n_samples"):
        simulate(sc, ["fcfs"], n_samples=0)
    with pytest.raises(yo.InputError, match="^reoptimize"):
        simulate(sc, ["fcfs"], n_samples=2, reoptimize=0)
