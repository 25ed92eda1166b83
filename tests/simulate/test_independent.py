"""Simulated DLP-policy revenue on a Topaloglu-format instance against an independent,
plainly written simulator (own random numbers, SciPy's LP solver, scalar loops)."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import yieldopt as yo
from tests.network_cases import write_topaloglu
from yieldopt.simulate import simulate

REOPT = 5


def _independent_dlp(network, probs, n_paths, seed):
    """Bid prices re-solved at periods 0, T/5, …; accept iff fare >= Σ bid prices."""
    a = network.incidence.toarray()
    fares = network.prices
    periods, n = probs.shape
    at = {int(k * periods / REOPT) for k in range(REOPT)}
    cum = np.cumsum(probs, axis=1)
    rng = np.random.default_rng(seed)
    revenues = []
    for _ in range(n_paths):
        left = network.capacity.copy()
        revenue, bid = 0.0, None
        for t in range(periods):
            if t in at:
                demand = probs[t:].sum(axis=0)
                lp = linprog(
                    -fares,
                    A_ub=a,
                    b_ub=left,
                    bounds=list(zip([0] * n, demand, strict=True)),
                    method="highs",
                )
                bid = -lp.ineqlin.marginals
            j = int(np.searchsorted(cum[t], rng.random(), side="right"))
            if j == n:
                continue
            used = a[:, j] > 0
            if np.all(left[used] >= 1) and fares[j] >= bid[used].sum() - 1e-9:
                left[used] -= 1
                revenue += fares[j]
        revenues.append(revenue)
    return np.array(revenues)


def test_dlp_policy_matches_independent_simulation(tmp_path):
    path = tmp_path / "rm_80_3_1.2_4.0.txt"
    write_topaloglu(path, np.random.default_rng(42), spokes=3, periods=80)
    sc = yo.load_scenario(path)
    ours = (
        simulate(sc, ["dlp"], n_samples=400, seed=5, reoptimize=REOPT).paths["revenue"].to_numpy()
    )
    theirs = _independent_dlp(sc.network, sc.arrival_probs, 400, seed=99)
    se = np.sqrt(ours.var(ddof=1) / ours.size + theirs.var(ddof=1) / theirs.size)
    assert abs(ours.mean() - theirs.mean()) <= 2.58 * se, (ours.mean(), theirs.mean(), se)
    # The policy is not trivial here: it earns less than the DLP bound, and so does
    # perfect hindsight in expectation (the LP value is concave in demand).
    bound = yo.dlp(sc.network, sc.demand).objective
    assert ours.mean() < bound
    best = simulate(sc, ["hindsight"], n_samples=400, seed=5).paths["revenue"].to_numpy()
    assert best.mean() <= bound + 2.58 * best.std(ddof=1) / np.sqrt(best.size)
    assert best.mean() > ours.mean()


@pytest.mark.parametrize("workers", [2])
def test_process_pool_gives_the_same_numbers(workers, tmp_path):
    path = tmp_path / "rm.txt"
    write_topaloglu(path, np.random.default_rng(7), spokes=2, periods=40)
    sc = yo.load_scenario(path)
    here = simulate(sc, ["fcfs", "dlp", "hindsight"], n_samples=8, seed=3, reoptimize=2)
    pool = simulate(
        sc,
        ["fcfs", "dlp", "hindsight"],
        n_samples=8,
        seed=3,
        reoptimize=2,
        workers=workers,
        chunk_size=3,
    )
    np.testing.assert_array_equal(here.paths["revenue"], pool.paths["revenue"])


def test_dask_local_cluster_gives_the_same_numbers(tmp_path):
    distributed = pytest.importorskip(
        "distributed", reason="the 'distributed' extra is not installed"
    )
    path = tmp_path / "rm.txt"
    write_topaloglu(path, np.random.default_rng(7), spokes=2, periods=40)
    sc = yo.load_scenario(path)
    here = simulate(sc, ["fcfs", "davn", "hindsight"], n_samples=6, seed=3, reoptimize=2)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cl:
        remote = simulate(
            sc,
            ["fcfs", "davn", "hindsight"],
            n_samples=6,
            seed=3,
            reoptimize=2,
            cluster=cl.scheduler_address,
            chunk_size=2,
        )
    np.testing.assert_array_equal(here.paths["revenue"], remote.paths["revenue"])
    pd.testing.assert_frame_equal(here.resources, remote.resources, check_exact=True)
    pd.testing.assert_frame_equal(here.product_mix, remote.product_mix, check_exact=True)
    pd.testing.assert_frame_equal(here.booking_curves, remote.booking_curves, check_exact=True)
    assert remote.settings["cluster"] == cl.scheduler_address
