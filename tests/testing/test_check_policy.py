"""check_policy passes outside policies that behave, and fails, by name, those that don't."""

import functools

import numpy as np
import pytest

import yieldopt as yo
from tests.testing.policies import AcceptAll, Unnamed, ValueThreshold, high_value_only
from yieldopt.control import ControlModel, Policy
from yieldopt.testing import OVERBOOKING, check_policy, two_leg


class RejectAll(Policy):
    name = "reject-all"

    def accept(self, rows, products, periods, remaining):
        return np.zeros(rows.size, dtype=bool)


class ScalarAnswer(Policy):
    name = "scalar"

    def accept(self, rows, products, periods, remaining):
        return True


class CoinWhenTight(Policy):
    """Flips an unseeded coin once capacity runs low: never repeatable."""

    name = "coin"

    def accept(self, rows, products, periods, remaining):
        low = remaining[:, :-1].min(axis=1) < 3
        coin = np.random.default_rng().random(rows.size) < 0.5
        return ~low | coin


class ShrinksTheModel(AcceptAll):
    name = "shrinks"

    def reset(self, path_ids):
        self.model.authorized[:] = np.maximum(self.model.authorized - 1, 0)


def test_an_outside_policy_that_behaves_passes():
    check_policy(AcceptAll)
    check_policy(functools.partial(high_value_only, threshold=0.0))


@pytest.mark.parametrize(
    ("policy", "check"),
    [
        (RejectAll, "ample capacity"),
        (ScalarAnswer, "interface"),
        (CoinWhenTight, "deterministic"),
        (ShrinksTheModel, "capacity"),
        (lambda model, seed: object(), "interface"),
    ],
    ids=["rejects-all", "scalar-answer", "unseeded-coin", "changes-model", "not-a-policy"],
)
def test_a_broken_policy_fails_the_named_check(policy, check):
    with pytest.raises(AssertionError, match=rf"^check_policy\(.+\): {check} failed"):
        check_policy(policy)


def test_an_instance_is_refused():
    model = ControlModel.from_scenario(two_leg())
    with pytest.raises(TypeError, match="instance"):
        check_policy(AcceptAll(model))


def test_simulate_runs_a_policy_class_exactly_as_fcfs():
    sc = two_leg(extra=OVERBOOKING)
    specs = ["fcfs", AcceptAll, "dlp", "hindsight"]
    res = yo.simulate(sc, specs, n_samples=8, seed=3, reoptimize=2)
    wide = res.paths.pivot(index="path", columns="policy", values="revenue")
    assert list(res.summary["policy"]) == ["fcfs", "accept-all", "dlp", "hindsight"]
    np.testing.assert_array_equal(wide["accept-all"], wide["fcfs"])
    summary = res.summary.set_index("policy")
    assert summary.loc["accept-all", "rom"] == 0


def test_simulate_takes_factories_and_names_them():
    sc = two_leg()
    res = yo.simulate(
        sc, [functools.partial(high_value_only, threshold=1e9), Unnamed], n_samples=3, seed=1
    )
    assert list(res.summary["policy"]) == ["threshold", "Unnamed"]
    # A threshold above every value sells nothing.
    assert (res.paths.query("policy == 'threshold'")["booking_revenue"] == 0).all()


def test_policy_factories_reach_worker_processes():
    sc = two_leg(extra=OVERBOOKING)
    specs = ["fcfs", AcceptAll, functools.partial(high_value_only, threshold=250.0)]
    one = yo.simulate(sc, specs, n_samples=6, seed=5, reoptimize=2)
    two = yo.simulate(sc, specs, n_samples=6, seed=5, reoptimize=2, workers=2, chunk_size=2)
    np.testing.assert_array_equal(one.paths["revenue"], two.paths["revenue"])


def test_simulate_refuses_bad_policy_objects():
    sc = two_leg()
    model = ControlModel.from_scenario(sc)
    with pytest.raises(yo.InputError, match="^policy.*instance"):
        yo.simulate(sc, [AcceptAll(model)], n_samples=2)
    with pytest.raises(yo.InputError, match="^policy.*not a yieldopt.control.Policy"):
        yo.simulate(sc, [lambda model, seed: "fcfs"], n_samples=2)
    with pytest.raises(yo.InputError, match="^policy.*built-in"):
        yo.simulate(sc, [type("Fake", (AcceptAll,), {"name": "dlp"})], n_samples=2)
    with pytest.raises(yo.InputError, match="^policy.*once"):
        yo.simulate(sc, [AcceptAll, AcceptAll], n_samples=2)
    with pytest.raises(yo.InputError, match="^policy.*worker processes"):
        yo.simulate(sc, [lambda model, seed: AcceptAll(model, seed)], n_samples=2, workers=2)
    with pytest.raises(yo.InputError, match="^policy"):
        yo.simulate(sc, [42], n_samples=2)


def test_threshold_policy_decides_by_value():
    model = ControlModel.from_scenario(two_leg())
    policy = ValueThreshold(model)
    policy.threshold = 280.0
    ok = policy.accept(np.arange(6), np.arange(6), np.zeros(6, dtype=np.int64), None)
    # Values 300, 100, 280, 90, 450, 150: the three at or above 280 are accepted.
    assert ok.tolist() == [True, False, True, False, True, False]
