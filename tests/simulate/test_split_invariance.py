"""Simulation results do not depend on how sample paths are split into chunks or workers.

Re-optimized LPs are often dual degenerate (equal prices, resources sold out): many
bid-price vectors are optimal, so a solver warm-started from whatever it solved last
would make a path's bid prices, and its revenue, depend on the other paths of its chunk.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from tests.simulate.cases import one_leg, tied_hotel, two_leg
from yieldopt.optimize import WarmDLP
from yieldopt.simulate import LocalExecutor, simulate

POLICIES = ["dlp", "davn", "rlp", "dp-decomposition", "hindsight"]
SAMPLES = 14


def test_warm_lp_duals_do_not_depend_on_earlier_solves():
    # One product on both resources, worth 10, with no capacity left on either: every
    # split π_A + π_B = 10 is an optimal dual. Before this LP, solve one where only A
    # binds (π = (10, 0)) or only B binds (π = (0, 10)); the answer must be the same.
    incidence = sp.csr_array(np.array([[1.0], [1.0]]))
    values = np.array([10.0])
    answers = []
    for before in ([0.0, 5.0], [5.0, 0.0]):
        lp = WarmDLP(values, incidence)
        lp.anchor(np.array([5.0, 5.0]), np.array([3.0]))
        np.testing.assert_array_equal(lp.solve(np.array(before), np.array([3.0])).duals.sum(), 10)
        answers.append(lp.solve(np.zeros(2), np.array([3.0])).duals)
    np.testing.assert_array_equal(answers[0], answers[1])
    assert answers[0].sum() == pytest.approx(10.0)


def test_warm_lp_start_basis_survives_pickling():
    import pickle

    incidence = sp.csr_array(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    lp = WarmDLP(np.array([100.0, 150.0, 80.0]), incidence)
    lp.anchor(np.array([4.0, 4.0]), np.array([3.0, 3.0, 3.0]))
    copy = pickle.loads(pickle.dumps(lp))
    for cap in ([0.0, 0.0], [2.0, 0.0], [1.0, 3.0]):
        a = lp.solve(np.array(cap), np.array([3.0, 3.0, 3.0]))
        b = copy.solve(np.array(cap), np.array([3.0, 3.0, 3.0]))
        np.testing.assert_array_equal(a.duals, b.duals)
        assert a.objective == b.objective


@pytest.fixture(scope="module")
def hotel(tmp_path_factory):
    return tied_hotel(tmp_path_factory.mktemp("tied"))


@pytest.fixture(scope="module")
def whole(hotel):
    """All paths in one chunk: the reference."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return simulate(
            hotel, POLICIES, n_samples=SAMPLES, seed=3, reoptimize=5, chunk_size=SAMPLES
        )


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.paths, b.paths, check_exact=True)
    pd.testing.assert_frame_equal(a.bid_prices, b.bid_prices, check_exact=True)
    pd.testing.assert_frame_equal(a.booking_curves, b.booking_curves, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    # Per night (and product class): means, spreads and half-widths over paths.
    pd.testing.assert_frame_equal(a.resources, b.resources, check_exact=True)
    pd.testing.assert_frame_equal(a.product_mix, b.product_mix, check_exact=True)


@pytest.mark.parametrize("chunk_size", [1, 7])
def test_chunk_size_does_not_change_any_path(hotel, whole, chunk_size):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        split = simulate(
            hotel, POLICIES, n_samples=SAMPLES, seed=3, reoptimize=5, chunk_size=chunk_size
        )
    _same(whole, split)


@pytest.mark.parametrize("here", [True, False])
def test_process_pool_does_not_change_any_path(hotel, whole, here):
    # here=False: every chunk runs in a worker process (with True, this process may
    # finish the chunks before a worker has started).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pool = simulate(
            hotel,
            POLICIES,
            n_samples=SAMPLES,
            seed=3,
            reoptimize=5,
            executor=LocalExecutor(2, here=here),
            chunk_size=5,
        )
    _same(whole, pool)


def test_the_case_is_degenerate_and_reoptimization_acts(hotel, whole):
    # Guard the test's premise: re-optimized bid prices move, so the paths exercise
    # re-solved LPs (with identical opening prices the split could not matter).
    bids = whole.bid_prices[whole.bid_prices.policy == "dlp"]
    by_time = bids.pivot(index="resource", columns="horizon", values="bid_price")
    assert by_time.shape[1] == 5
    assert not np.allclose(by_time.iloc[:, 0], by_time.iloc[:, -1])


def test_dp_decomposition_warns_that_it_is_not_resolved(tmp_path):
    sc = two_leg(tmp_path)
    with pytest.warns(UserWarning, match=r"reoptimize: dp-decomposition is computed once"):
        again = simulate(sc, ["dp-decomposition"], n_samples=6, seed=2, reoptimize=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        once = simulate(sc, ["dp-decomposition", "dlp"], n_samples=6, seed=2, reoptimize=1)
        simulate(sc, ["dlp"], n_samples=2, seed=2, reoptimize=4)
        # The exact single-resource DP is optimal in every state: nothing to re-solve.
        simulate(one_leg(tmp_path), ["dp"], n_samples=2, seed=2, reoptimize=4)
    # Its tables already depend on the period and the remaining capacity; the schedule
    # changes nothing.
    np.testing.assert_array_equal(
        again.paths["revenue"], once.paths[once.paths.policy == "dp-decomposition"]["revenue"]
    )
