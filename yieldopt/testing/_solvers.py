"""``check_solver``: the conformance suite every LP solver of yieldopt passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ..errors import InfeasibleError
from ..optimize import LinearProgram, LPSolution, Solver, dlp, get_solver
from ._cases import hub_network, random_network
from ._run import run_checks

__all__ = ["check_solver"]


def check_solver(solver: str | Solver, *, seeds: int = 4) -> None:
    """Check that an LP solver behaves as yieldopt's optimizers need.

    The checks, run in this order (each names itself when it fails):

    - ``interface``: a ``name`` (str) and ``solve(lp)`` returning an
      :class:`~yieldopt.optimize.LPSolution` with arrays of the right shapes;
    - ``known shadow prices``: on ``max 3x + 2y  s.t.  x + y <= 4, x + 3y <= 9, x <= 3``
      the optimum (3, 1), value 11, and row duals (2, 0, 1) — shadow prices
      ``∂objective/∂b >= 0`` of the maximization, whatever the solver's own sign;
    - ``hand-solved network``: :func:`~yieldopt.dlp` on the hub network gives the bound
      2,420, bid prices AH 70, HB 200, HC 50 and the allocation solved by hand;
    - ``strong duality``: on ``seeds`` random networks (with segment value adjustments)
      the bound equals the dual value at the returned bid prices and the optimum of the
      dual LP solved independently (SciPy's dual simplex), and the allocation is feasible;
    - ``infeasible``: a program without a solution raises
      :class:`~yieldopt.InfeasibleError`.

    Parameters
    ----------
    solver : str or Solver
        A name for :func:`~yieldopt.get_solver` or any object with ``name`` and
        ``solve(lp)``.
    seeds : int
        Number of random networks in ``strong duality``.

    Raises
    ------
    AssertionError
        When a check fails; the message starts with ``check_solver(NAME): CHECK``.

    Examples
    --------
    >>> from yieldopt.testing import check_solver
    >>> check_solver("highs")
    """
    label = solver if isinstance(solver, str) else getattr(solver, "name", repr(solver))
    checks: list[tuple[str, Callable[[], None]]] = []
    resolved: list[Solver] = []

    def interface() -> None:
        try:
            s = get_solver(solver)
        except Exception as exc:
            raise AssertionError(f"not a solver: {exc}") from exc
        assert isinstance(s.name, str) and s.name, f"name must be a non-empty str, got {s.name!r}"
        resolved.append(s)
        sol = s.solve(_small_lp())
        assert isinstance(sol, LPSolution), f"solve() returned {type(sol).__name__}"
        assert np.shape(sol.x) == (2,), f"x has shape {np.shape(sol.x)}, expected (2,)"
        assert np.shape(sol.duals) == (3,), f"duals have shape {np.shape(sol.duals)}, expected (3,)"
        assert np.isfinite(sol.objective), f"objective {sol.objective!r} is not finite"

    checks.append(("interface", interface))
    checks.append(("known shadow prices", lambda: _known_shadow_prices(resolved[0])))
    checks.append(("hand-solved network", lambda: _hand_solved_network(resolved[0])))
    checks.append(("strong duality", lambda: _strong_duality(resolved[0], seeds)))
    checks.append(("infeasible", lambda: _infeasible(resolved[0])))
    run_checks(f"check_solver({label})", checks)


def _small_lp() -> LinearProgram:
    return LinearProgram(
        objective=np.array([3.0, 2.0]),
        matrix=sp.csr_array(np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 0.0]])),
        rhs=np.array([4.0, 9.0, 3.0]),
        upper=np.array([np.inf, np.inf]),
    )


def _known_shadow_prices(solver: Solver) -> None:
    # Rows 1 and 3 bind, row 2 is slack. From the columns: y gives π1 = 2, x gives
    # π1 + π3 = 3, so π3 = 1.
    sol = solver.solve(_small_lp())
    np.testing.assert_allclose(sol.objective, 11.0, rtol=1e-9, err_msg="objective")
    np.testing.assert_allclose(sol.x, [3.0, 1.0], atol=1e-7, err_msg="x")
    np.testing.assert_allclose(
        sol.duals, [2.0, 0.0, 1.0], atol=1e-7, err_msg="duals (normalized shadow prices)"
    )


def _hand_solved_network(solver: Solver) -> None:
    net, demand = hub_network()
    res = dlp(net, demand, solver=solver)
    np.testing.assert_allclose(res.objective, 2420.0, rtol=1e-9, err_msg="DLP bound")
    bid = res.bid_prices
    np.testing.assert_allclose(
        bid.reindex(["AH", "HB", "HC"]).to_numpy(),
        [70.0, 200.0, 50.0],
        atol=1e-6,
        err_msg="bid prices AH, HB, HC",
    )
    order = ["AB-Y", "AB-M", "AC-M", "HB-Y", "HC-M"]
    np.testing.assert_allclose(
        res.allocation.reindex(order).to_numpy(),
        [4, 0, 6, 2, 2],
        atol=1e-7,
        err_msg=f"allocation {order}",
    )


def _strong_duality(solver: Solver, seeds: int) -> None:
    # The dual value c·π + d·max(v − A'π, 0) at the bid prices, and the dual LP
    # min c·π + d·σ  s.t.  A'π + σ >= v,  π, σ >= 0 solved independently.
    for seed in range(seeds):
        net, demand = random_network(np.random.default_rng(seed))
        res = dlp(net, dict(zip(net.product_ids, demand, strict=True)), solver=solver)
        pi = res.bid_prices.to_numpy()
        assert np.all(pi >= 0), f"network {seed}: negative bid prices {pi}"
        a = net.incidence.toarray()
        v = net.values
        dual_value = net.capacity @ pi + demand @ np.maximum(v - a.T @ pi, 0)
        np.testing.assert_allclose(
            res.objective,
            dual_value,
            rtol=1e-7,
            atol=1e-6,
            err_msg=f"network {seed}: bound vs dual value at the bid prices",
        )
        m, n = a.shape
        ref = linprog(
            np.concatenate([net.capacity, demand]),
            A_ub=-np.hstack([a.T, np.eye(n)]),
            b_ub=-v,
            bounds=[(0, None)] * (m + n),
            method="highs-ds",
        )
        np.testing.assert_allclose(
            res.objective,
            ref.fun,
            rtol=1e-7,
            atol=1e-6,
            err_msg=f"network {seed}: bound vs the independent dual LP",
        )
        x = res.allocation.to_numpy()
        assert np.all(x >= -1e-9) and np.all(x <= demand + 1e-7), (
            f"network {seed}: allocation outside [0, demand]"
        )
        assert np.all(a @ x <= net.capacity + 1e-7), f"network {seed}: allocation over capacity"


def _infeasible(solver: Solver) -> None:
    # x >= 5 but x <= 3: no solution.
    lp = LinearProgram(
        objective=np.array([1.0]),
        matrix=sp.csr_array(np.array([[1.0]])),
        rhs=np.array([3.0]),
        upper=np.array([10.0]),
        lower=np.array([5.0]),
    )
    try:
        sol = solver.solve(lp)
    except InfeasibleError:
        return
    raise AssertionError(f"returned {sol!r} instead of raising InfeasibleError")
