"""Every LP solver (PuLP/HiGHS, PuLP/CBC when installed, highspy directly, SciPy, and the
test seam) passes the conformance suite (yieldopt.testing.check_solver), sign of the duals
included."""

import numpy as np
import pytest

import yieldopt as yo
from tests.network_cases import hub_network
from yieldopt.testing import check_solver


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


def test_every_solver_passes_the_conformance_suite(solver):
    # Known shadow prices (normalized dual signs), the hand-solved network (2,420;
    # AH 70, HB 200, HC 50), strong duality against an independent dual LP, and
    # InfeasibleError: the checks outside solvers run.
    check_solver(solver)


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
