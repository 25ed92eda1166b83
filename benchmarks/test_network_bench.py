"""Network LPs and decomposition. `make bench` times them.

- The 1,000-resource × 50,000-product DLP: highspy directly (the "auto" choice at this
  size) beside SciPy's linprog(method="highs") on the same arrays, and the PuLP path.
- DLP on all 48 Topaloglu (2009) instances, total time (read from ../shared when present).
- DP decomposition on the largest Topaloglu instance.
"""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

import yieldopt as yo
from yieldopt.optimize import LinearProgram, get_solver

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "topaloglu2009"


@pytest.fixture(scope="module")
def large_lp():
    rng = np.random.default_rng(2009)
    m, n = 1000, 50_000
    legs = rng.integers(1, 4, n)  # each product uses 1-3 distinct resources
    first = rng.integers(0, m, n)
    step = rng.integers(1, m // 3, (n, 2))
    offsets = np.column_stack([np.zeros(n, int), step[:, 0], step[:, 0] + step[:, 1]])
    keep = np.arange(3)[None, :] < legs[:, None]
    rows = ((first[:, None] + offsets) % m)[keep]
    cols = np.repeat(np.arange(n), legs)
    a = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(m, n))
    demand = rng.uniform(0, 10, n)
    values = rng.uniform(50, 500, n) * legs
    capacity = np.round(0.6 * (a @ demand))
    return LinearProgram(values, a, capacity, demand)


@pytest.mark.benchmark(group="DLP 1,000 resources x 50,000 products")
def test_large_dlp_highs_direct(benchmark, large_lp):
    sol = benchmark(get_solver("highs").solve, large_lp)
    assert sol.duals.shape == (1000,)


@pytest.mark.benchmark(group="DLP 1,000 resources x 50,000 products")
def test_large_dlp_baseline_scipy_linprog(benchmark, large_lp):
    lp = large_lp
    bounds = np.column_stack([lp.lower, lp.upper])

    def run():
        return linprog(-lp.objective, A_ub=lp.matrix, b_ub=lp.rhs, bounds=bounds, method="highs")

    res = benchmark(run)
    assert -res.fun == pytest.approx(get_solver("highs").solve(lp).objective, rel=1e-9)


@pytest.mark.benchmark(group="DLP 1,000 resources x 50,000 products")
def test_large_dlp_pulp_model_and_solve(benchmark, large_lp):
    sol = benchmark.pedantic(get_solver("pulp-highs").solve, args=(large_lp,), rounds=3)
    assert sol.objective == pytest.approx(get_solver("highs").solve(large_lp).objective, rel=1e-9)


@pytest.fixture(scope="module")
def topaloglu_instances():
    files = sorted(SHARED.glob("rm_*.txt"))
    if len(files) != 48:
        pytest.skip(f"the 48 Topaloglu instances are not at {SHARED}")
    return {f.stem: yo.load_scenario(f) for f in files}


def _solve_all(instances, solver):
    return {
        name: yo.dlp(sc.network, sc.demand, solver=solver).objective
        for name, sc in instances.items()
    }


@pytest.mark.benchmark(group="DLP on the 48 Topaloglu instances (total)")
@pytest.mark.parametrize("solver", ["auto", "highs"])
def test_dlp_all_topaloglu(benchmark, topaloglu_instances, solver):
    bounds = benchmark(_solve_all, topaloglu_instances, solver)
    assert round(bounds["rm_200_4_1.0_4.0"]) == 21531


@pytest.mark.benchmark(group="DP decomposition, rm_600_8_1.6_8.0")
def test_dp_decomposition_largest(benchmark, topaloglu_instances):
    sc = topaloglu_instances["rm_600_8_1.6_8.0"]
    res = benchmark(yo.dp_decomposition, sc.network, sc.arrival_probs)
    assert len(res.values) == 16
