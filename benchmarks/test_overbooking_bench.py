"""Overbooking limits for many resources: one vectorized search vs a per-resource loop.

Both run in the same session on the same 1,000 resources (capacity 100–500); compare the
medians of the group "overbooking 1,000 resources".
"""

import numpy as np
import pytest

from yieldopt.optimize._overbooking import authorized_capacity, overbooking_limit


@pytest.fixture(scope="module")
def resources():
    rng = np.random.default_rng(20261126)
    capacities = rng.integers(100, 501, 1000)
    show_prob = rng.uniform(0.85, 0.97, 1000)
    denied_cost = rng.uniform(150.0, 600.0, 1000)
    return capacities, show_prob, denied_cost, 100.0


def _per_resource_loop(capacities, show_prob, denied_cost, spoilage_cost):
    return np.array(
        [
            overbooking_limit(int(c), p, d, spoilage_cost)
            for c, p, d in zip(capacities, show_prob, denied_cost, strict=True)
        ]
    )


@pytest.mark.benchmark(group="overbooking 1,000 resources")
def test_authorized_capacity_vectorized(benchmark, resources):
    limits = benchmark(authorized_capacity, *resources)
    assert limits.shape == (1000,)
    assert np.all(limits >= resources[0])


@pytest.mark.benchmark(group="overbooking 1,000 resources")
def test_overbooking_limit_baseline_per_resource_loop(benchmark, resources):
    limits = benchmark.pedantic(_per_resource_loop, args=resources, rounds=3, iterations=1)
    np.testing.assert_array_equal(limits, authorized_capacity(*resources))
