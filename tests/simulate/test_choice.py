"""Customers who choose: buy-down, MNL and willingness to pay in the simulator, and emsr-b-mr."""

import numpy as np
import pytest

import yieldopt as yo
from tests.simulate.cases import sell_up
from yieldopt.choice import MNL
from yieldopt.control import ControlModel, make_policy
from yieldopt.model._streams import StreamChoice
from yieldopt.simulate import draw_paths, hindsight, play, simulate


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("choice")


GRID = (np.arange(10_000) + 0.5) / 10_000  # uniforms in place of random draws


def test_wtp_sell_up_probability_is_the_frat5_closed_form():
    # Frat5 = 3: lambda = ln 2 / 2, P(WTP >= 2 x reference) = exp(-ln2 / 2) = 0.7071.
    ch = StreamChoice.build("wtp", np.array([[100.0, 200.0]]), frat5=3.0)
    s = np.zeros(GRID.size, dtype=np.int64)
    only_high = np.tile([False, True], (GRID.size, 1))
    p = ch.purchase_probs(s[:1], only_high[:1])
    assert p[0, 1] == pytest.approx(2**-0.5)
    bought = ch.choose(s, only_high, GRID)
    assert (bought == 1).mean() == pytest.approx(2**-0.5, abs=1e-4)
    assert set(np.unique(bought)) == {-1, 1}
    # Frat5 = 3 means half the customers pay 3 x the reference.
    three = StreamChoice.build("wtp", np.array([[100.0, 300.0]]), frat5=3.0)
    assert three.purchase_probs(s[:1], only_high[:1])[0, 1] == pytest.approx(0.5)
    # With the cheap fare open everyone buys it (WTP >= reference).
    both = np.ones((GRID.size, 2), dtype=bool)
    assert (ch.choose(s, both, GRID) == 0).all()


def test_wtp_without_sell_up_limit_is_buy_down():
    prices = np.array([[100.0, 150.0, 200.0], [80.0, np.inf, np.inf]])
    wtp = StreamChoice.build("wtp", prices, frat5=np.inf)
    down = StreamChoice.build("buydown", prices)
    rng = np.random.default_rng(3)
    offer = rng.random((500, 3)) < 0.5
    s = rng.integers(0, 2, 500)
    offer[s == 1, 1:] = False
    u = rng.random(500)
    np.testing.assert_array_equal(wtp.choose(s, offer, u), down.choose(s, offer, u))
    np.testing.assert_allclose(wtp.purchase_probs(s, offer), down.purchase_probs(s, offer))


def test_mnl_choices_follow_the_logit_probabilities_of_yieldopt_choice_mnl():
    prices = np.array([[100.0, 150.0, 200.0]])
    ch = StreamChoice.build("mnl", prices, beta=2.0, no_purchase=0.5)
    weights = np.exp(-2.0 * (prices[0] / 100.0 - 1.0))  # 1, e^-1, e^-2
    reference = MNL(weights[None], [0.5])
    s = np.zeros(GRID.size, dtype=np.int64)
    for mask in ([True, True, True], [False, True, True], [True, False, True], [False] * 3):
        offer = np.tile(mask, (GRID.size, 1))
        want = reference.purchase_probs(np.array(mask))
        np.testing.assert_allclose(ch.purchase_probs(s[:1], offer[:1])[0], want)
        bought = ch.choose(s, offer, GRID)
        share = [(bought == col).mean() for col in range(3)]
        np.testing.assert_allclose(share, want, atol=2e-4)
        # Never a closed product.
        assert not np.any([(bought == c).any() for c in range(3) if not mask[c]])


def test_choice_keys_are_validated_by_the_schema(tmp):
    with pytest.raises(yo.InputError) as err:
        sell_up(tmp, '[choice]\nmodel = "wtp"\nfrat = 2.0')
    assert err.value.field == "choice.frat" and "frat5" in str(err.value)
    with pytest.raises(yo.InputError) as err:
        sell_up(tmp, '[choice]\nmodel = "probit"')
    assert err.value.field == "choice.model"
    with pytest.raises(yo.InputError) as err:
        sell_up(tmp, '[choice]\nmodel = "wtp"\nfrat5 = 1.0')
    assert err.value.field == "choice.frat5"
    with pytest.raises(yo.InputError) as err:
        sell_up(tmp, '[choice]\nmodel = "mnl"\nsegments = { nobody = { no_purchase = 1.0 } }')
    assert err.value.field == "choice.segments.nobody"


def test_explicit_buy_down_gives_the_same_numbers_as_before(tmp):
    a = simulate(sell_up(tmp, capacity=30), ["fcfs", "emsr-b", "dlp"], n_samples=20, seed=4)
    b = simulate(
        sell_up(tmp, '[choice]\nmodel = "buydown"', capacity=30),
        ["fcfs", "emsr-b", "dlp"],
        n_samples=20,
        seed=4,
    )
    np.testing.assert_array_equal(a.paths["revenue"], b.paths["revenue"])


def test_wtp_customers_are_the_same_for_every_policy_and_sell_up_by_hand(tmp):
    # Frat5 = 3: opening Q earns 100 per customer, closing it 200 x 0.707 = 141: MR closes Q.
    sc = sell_up(tmp, '[choice]\nmodel = "wtp"\nfrat5 = 3.0')
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(30), seed=9)
    assert paths.choice_u is not None
    fcfs = play(make_policy("fcfs", model), model, paths, np.array([0.0]))
    mr = play(make_policy("emsr-b-mr", model), model, paths, np.array([0.0, 0.5]))
    req = paths.kind == 0
    np.testing.assert_allclose(fcfs.revenue, 100.0 * req.sum(axis=1))  # all buy Q
    wtp = 100.0 * (1.0 - np.log1p(-paths.choice_u) / (np.log(2) / 2.0))
    np.testing.assert_allclose(mr.revenue, 200.0 * (req & (wtp >= 200.0)).sum(axis=1))
    assert mr.revenue.mean() > fcfs.revenue.mean()
    # Frat5 = 1.5: closing Q keeps only 25% of customers (200 x 0.25 < 100): Q stays open.
    sc = sell_up(tmp, '[choice]\nmodel = "wtp"\nfrat5 = 1.5')
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(30), seed=9)
    a = play(make_policy("fcfs", model), model, paths, np.array([0.0]))
    b = play(make_policy("emsr-b-mr", model), model, paths, np.array([0.0, 0.5]))
    np.testing.assert_array_equal(a.revenue, b.revenue)


def test_buy_down_emsr_b_mr_sells_every_customer_the_high_fare(tmp):
    # Full sell-up: opening Q adds no sales, only lowers revenue: it stays closed.
    sc = sell_up(tmp)
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(20), seed=2)
    out = play(make_policy("emsr-b-mr", model), model, paths, np.array([0.0]))
    np.testing.assert_allclose(out.revenue, 200.0 * (paths.kind == 0).sum(axis=1))


def test_mnl_sales_share_in_the_simulator(tmp):
    # Both fares open under FCFS: P(buy) = (1 + e^-2) / (1 + e^-2 + 1).
    text = '[choice]\nmodel = "mnl"\nprice_sensitivity = 2.0\nno_purchase = 1.0'
    sc = sell_up(tmp, text, mean=400)
    res = simulate(sc, ["fcfs"], n_samples=40, seed=1)
    p = res.paths
    share = 1.0 - p["spill"].sum() / p["requests"].sum()
    want = (1 + np.exp(-2)) / (2 + np.exp(-2))
    sd = np.sqrt(want * (1 - want) / p["requests"].sum())
    assert abs(share - want) < 4 * sd


@pytest.mark.parametrize("model", ["mnl", "wtp"])
def test_hindsight_bounds_every_policy_when_customers_choose(tmp, model):
    sc = sell_up(tmp, f'[choice]\nmodel = "{model}"\nno_purchase = 0.3', capacity=25)
    cm = ControlModel.from_scenario(sc)
    paths = draw_paths(cm, np.arange(15), seed=3)
    best = hindsight(cm, paths)
    names = ["fcfs", "emsr-b", "emsr-b-mr", "dlp", "davn", "dp", "dynamic-pricing"]
    for name in names + (["cdlp"] if model == "mnl" else []):
        out = play(make_policy(name, cm), cm, paths, np.array([0.0, 0.5]))
        assert np.all(best.revenue >= out.revenue - 1e-6), name


def test_dynamic_pricing_is_the_exact_dp_on_one_resource(tmp):
    # Independent fare classes: posting a nest per period is the Lee-Hersh DP's rule
    # (accept iff value >= ΔV), since a lower nest only adds demand: same revenue path by path.
    from tests.simulate.cases import one_leg

    sc = one_leg(tmp)
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(40), seed=6)
    dp = play(make_policy("dp", model), model, paths, np.array([0.0]))
    pricing = play(make_policy("dynamic-pricing", model), model, paths, np.array([0.0]))
    assert np.mean(np.isclose(dp.revenue, pricing.revenue)) > 0.9
    assert pricing.revenue.mean() == pytest.approx(dp.revenue.mean(), rel=0.02)


def test_dynamic_pricing_with_one_wtp_customer_uses_the_price_ladder_dp(tmp):
    # One stream: each step's value per sale is its price in every period, so the policy
    # is yieldopt.optimize.dynamic_pricing's DP. With a unit of no opportunity cost it
    # posts the price maximizing p · P(WTP >= p): Frat5 = 3 gives 200 x 0.707 > 100 x 1
    # (post 200, step 0); Frat5 = 1.5 gives 200 x 0.25 < 100 (post 100, step 1).
    for frat5, step in ((3.0, 0), (1.5, 1)):
        sc = sell_up(tmp, f'[choice]\nmodel = "wtp"\nfrat5 = {frat5}')
        model = ControlModel.from_scenario(sc)
        policy = make_policy("dynamic-pricing", model)
        policy.reset(np.arange(1))
        assert (policy.step[:, -1] == step).all(), frat5
    sc = sell_up(tmp, '[choice]\nmodel = "wtp"\nfrat5 = 1.5', capacity=5, mean=80)
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, np.arange(20), seed=1)
    out = play(make_policy("dynamic-pricing", model), model, paths, np.array([0.0]))
    fcfs = play(make_policy("fcfs", model), model, paths, np.array([0.0]))
    assert out.revenue.mean() > fcfs.revenue.mean()  # scarce units: post the high price


def test_cdlp_refuses_buy_down_and_matches_dlp_on_independent_demand(tmp):
    sc = sell_up(tmp, capacity=10)
    with pytest.raises(yo.InputError) as err:
        make_policy("cdlp", ControlModel.from_scenario(sc)).reset(np.arange(1))
    assert err.value.field == "policy"
    # One product per stream: CDLP is the DLP (customers buy what is open), same objective.
    from tests.simulate.cases import two_leg

    model = ControlModel.from_scenario(two_leg(tmp))
    policy = make_policy("cdlp", model)
    policy.reset(np.arange(2))
    lp = yo.dlp(model.network, model.product_demand(0.0), capacity=model.authorized)
    # Time-sharing offer sets of single-product segments sells any x_j <= d_j: the DLP.
    assert policy.objective == pytest.approx(lp.objective, rel=1e-6)
    assert policy.objective < sum(model.values * model.product_demand(0.0))  # capacity binds
