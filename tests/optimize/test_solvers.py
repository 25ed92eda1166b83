"""One conformance suite that every LP solver passes (PuLP/HiGHS, PuLP/CBC when installed,
highspy directly, SciPy, and the test seam), including the sign of the duals."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

import yieldopt as yo
from tests.network_cases import hub_network, random_network
from yieldopt.optimize import LinearProgram, LPSolution


class RecordingSolver:
    """The test seam: any object with ``name`` and ``solve`` can stand in for a solver."""

    name = "recording"

    def __init__(self):
        self.calls = []
        self._inner = yo.get_solver("scipy")

    def solve(self, lp):
        self.calls.append(lp)
        return self._inner.solve(lp)


SOLVERS = [s for s in yo.available_solvers()] + ["seam"]


def _solver(name):
    return RecordingSolver() if name == "seam" else yo.get_solver(name)


@pytest.fixture(params=SOLVERS)
def solver(request):
    return _solver(request.param)


def test_cbc_is_covered_when_installed():
    import shutil

    assert ("pulp-cbc" in yo.available_solvers()) == (shutil.which("cbc") is not None)


def test_known_shadow_prices_on_a_maximization(solver):
    """max 3x + 2y s.t. x + y <= 4, x + 3y <= 9, x <= 3: optimum (3, 1), value 11.

    Rows 1 and 3 bind, row 2 is slack. From the columns: y gives π1 = 2, x gives
    π1 + π3 = 3, so π3 = 1. Every solver must report (2, 0, 1), whatever its own sign.
    """
    lp = LinearProgram(
        objective=np.array([3.0, 2.0]),
        matrix=sp.csr_array(np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 0.0]])),
        rhs=np.array([4.0, 9.0, 3.0]),
        upper=np.array([np.inf, np.inf]),
    )
    sol = solver.solve(lp)
    assert isinstance(sol, LPSolution)
    assert sol.objective == pytest.approx(11.0)
    np.testing.assert_allclose(sol.x, [3, 1], atol=1e-7)
    np.testing.assert_allclose(sol.duals, [2, 0, 1], atol=1e-7)


def test_hand_solved_network(solver):
    net, demand = hub_network()
    res = yo.dlp(net, demand, solver=solver)
    assert res.objective == pytest.approx(2420.0)
    assert res.bid_prices.to_dict() == pytest.approx({"AH": 70.0, "HB": 200.0, "HC": 50.0})
    expected = {"AB-Y": 4, "AB-M": 0, "AC-M": 6, "HB-Y": 2, "HC-M": 2}
    assert res.allocation.to_dict() == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize("seed", range(4))
def test_strong_duality_and_independent_dual_lp(solver, seed):
    """The objective equals the dual value at the returned bid prices, and the dual LP
    min c·π + d·σ  s.t.  A'π + σ >= v,  π, σ >= 0 solved independently."""
    net, demand = random_network(np.random.default_rng(seed))
    res = yo.dlp(net, dict(zip(net.product_ids, demand, strict=False)), solver=solver)
    pi = res.bid_prices.to_numpy()
    assert np.all(pi >= 0)
    a = net.incidence.toarray()
    v = net.values
    dual_value = net.capacity @ pi + demand @ np.maximum(v - a.T @ pi, 0)
    assert res.objective == pytest.approx(dual_value, rel=1e-7, abs=1e-6)
    m, n = a.shape
    ind = linprog(
        np.concatenate([net.capacity, demand]),
        A_ub=-np.hstack([a.T, np.eye(n)]),
        b_ub=-v,
        bounds=[(0, None)] * (m + n),
        method="highs-ds",
    )
    assert res.objective == pytest.approx(ind.fun, rel=1e-7, abs=1e-6)
    x = res.allocation.to_numpy()
    assert np.all(x >= -1e-9) and np.all(x <= demand + 1e-7)
    assert np.all(a @ x <= net.capacity + 1e-7)


def test_infeasible_program_raises(solver):
    # x >= 5 but x <= 3: no solution.
    lp = LinearProgram(
        objective=np.array([1.0]),
        matrix=sp.csr_array(np.array([[1.0]])),
        rhs=np.array([3.0]),
        upper=np.array([10.0]),
        lower=np.array([5.0]),
    )
    with pytest.raises(yo.InfeasibleError):
        solver.solve(lp)


def test_seam_receives_the_program():
    seam = RecordingSolver()
    net, demand = hub_network()
    yo.dlp(net, demand, solver=seam)
    (lp,) = seam.calls
    assert lp.matrix.shape == (3, 5) and lp.rhs.tolist() == [10, 6, 8]


def test_wrong_dual_sign_is_caught():
    from yieldopt.optimize import shadow_prices

    np.testing.assert_allclose(shadow_prices(np.array([-2.0, 0.0]), sign=-1, name="x"), [2, 0])
    with pytest.raises(yo.SolverError, match="sign"):
        shadow_prices(np.array([-2.0, 0.0]), sign=1, name="x")


def test_unknown_solver_names_the_argument():
    with pytest.raises(yo.InputError, match="^solver"):
        yo.get_solver("gurobi-please")
    with pytest.raises(yo.InputError, match="^solver"):
        yo.get_solver(42)
