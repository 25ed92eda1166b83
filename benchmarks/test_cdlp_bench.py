"""CDLP by column generation on a generated 200-resource, 2,000-product network.

20 MNL segments; each considers its own 100 products (disjoint consideration sets, so the
pricing problem is solved exactly, one revenue-ordered assortment per segment). Target:
under 5 s per solve.
"""

import numpy as np
import pytest

from yieldopt.choice import MNL
from yieldopt.model import Network
from yieldopt.optimize._cdlp import cdlp


@pytest.fixture(scope="module")
def choice_network():
    rng = np.random.default_rng(2008)
    m, n, s = 200, 2000, 20
    resources = [{"id": f"R{i}", "capacity": int(rng.integers(5, 30))} for i in range(m)]
    products = []
    for j in range(n):
        k = int(rng.integers(1, 3))
        legs = rng.choice(m, size=k, replace=False)
        price = float(rng.uniform(50, 400)) * k
        products.append({"id": f"P{j}", "resources": [f"R{i}" for i in legs], "price": price})
    net = Network.from_records(resources=resources, products=products)
    weights = np.zeros((s, n))
    segment = rng.permutation(np.repeat(np.arange(s), n // s))
    weights[segment, np.arange(n)] = rng.uniform(0.05, 1.0, n)
    choice = MNL(weights, rng.uniform(1.0, 5.0, s), rng.dirichlet(np.ones(s)))
    return net, choice


@pytest.mark.benchmark(group="CDLP 200 resources x 2,000 products x 20 segments")
def test_cdlp_column_generation(benchmark, choice_network):
    net, choice = choice_network
    res = benchmark.pedantic(
        cdlp, args=(net, 10_000.0, 1.0, choice), rounds=3, iterations=1, warmup_rounds=0
    )
    assert res.exact
    assert (res.bid_prices > 0).sum() > 50  # capacity binds on many resources
    assert res.objective > 0
    assert (res.offer_sets.groupby("group")["time"].sum() <= 10_000.0 + 1e-6).all()
