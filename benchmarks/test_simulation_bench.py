"""Simulation speed: seconds per sample path (divide the median by the paths per call).

(a) The largest Topaloglu (2009) instance, rm_600_8_1.6_8.0 (16 legs, 144 itineraries,
    600 periods), under DLP bid prices re-solved 5 times per path and under DP
    decomposition (read from ../shared when present).
(b) A generated airline hub of 450 legs and 6,750 products (45 spokes × 5 banks, 5 fare
    classes), about 41,500 requests per path, DLP bid prices re-solved 16 times per path.
    A licensed peer simulator reports about 1.8 s per path for a network of that size on
    one core; the target is at least 5× faster (<= 0.36 s per path). FCFS on the same paths
    is the in-run baseline: the cost of playing out the requests without any optimization.
"""

from pathlib import Path

import numpy as np
import pytest

import yieldopt as yo
from yieldopt.model import CustomerStreams, hub_network
from yieldopt.model._streams import auto_periods
from yieldopt.simulate import simulate

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "topaloglu2009"
TOPALOGLU_PATHS = 50
AIRLINE_PATHS = 48


@pytest.fixture(scope="module")
def largest_topaloglu():
    f = SHARED / "rm_600_8_1.6_8.0.txt"
    if not f.is_file():
        pytest.skip(f"{f} is not present")
    return yo.load_scenario(f)


@pytest.mark.benchmark(group=f"Topaloglu rm_600_8_1.6_8.0, {TOPALOGLU_PATHS} paths per call")
@pytest.mark.parametrize(("policy", "reopt"), [("dlp", 5), ("dp-decomposition", 1)])
def test_topaloglu_largest(benchmark, largest_topaloglu, policy, reopt):
    res = benchmark.pedantic(
        simulate,
        args=(largest_topaloglu, [policy], TOPALOGLU_PATHS, 1),
        kwargs={"reoptimize": reopt},
        rounds=3,
    )
    benchmark.extra_info["paths_per_call"] = TOPALOGLU_PATHS
    assert res.summary["samples"].iloc[0] == TOPALOGLU_PATHS


@pytest.fixture(scope="module")
def airline_450():
    net, demand, curves = hub_network(
        spokes=45, banks=5, classes=5, connections=4, load=1.2, seed=11
    )
    streams = CustomerStreams(
        choice_sets=tuple(np.array([j]) for j in range(demand.size)),
        names=tuple(net.product_ids),
        mean=demand,
        curves=curves,
        probs=None,
        periods=auto_periods(demand, curves),
        n_products=demand.size,
    )
    assert len(net.resources) == 450 and len(net.products) == 6750
    return yo.Scenario("airline-450", net, streams, kind="airline")


@pytest.mark.benchmark(
    group=f"airline hub 450 legs x 6,750 products, {AIRLINE_PATHS} paths per call"
)
@pytest.mark.parametrize(("policy", "reopt"), [("dlp", 16), ("fcfs", 1)])
def test_airline_hub(benchmark, airline_450, policy, reopt):
    res = benchmark.pedantic(
        simulate,
        args=(airline_450, [policy], AIRLINE_PATHS, 1),
        kwargs={"reoptimize": reopt},
        rounds=2,
    )
    benchmark.extra_info["paths_per_call"] = AIRLINE_PATHS
    assert res.summary["samples"].iloc[0] == AIRLINE_PATHS
