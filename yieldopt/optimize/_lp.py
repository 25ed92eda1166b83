"""Linear programs and the solver seam.

Every LP in yieldopt is a :class:`LinearProgram` in one canonical form,

    maximize  c·x   subject to  A x <= b,  lower <= x <= upper,

and is handed to a :class:`Solver`. Solvers are small adapters: PuLP 4 with HiGHS
(the default; the model is built with PuLP's batch builders), PuLP with CBC when
the ``cbc`` binary is installed, highspy directly with the sparse matrix (for
large structured LPs, where PuLP's modelling layer would dominate), and SciPy's
``linprog``. Tests can pass any object with a ``solve`` method (the seam).

Solvers disagree on the sign of dual values; each adapter states its
convention and :func:`shadow_prices` turns raw row duals into shadow prices
``∂(optimal objective)/∂b``, which are non-negative for ``<=`` rows of a
maximization. Nothing else in yieldopt reads raw duals.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..errors import InfeasibleError, InputError, SolverError

__all__ = [
    "LPSolution",
    "LinearProgram",
    "Solver",
    "available_solvers",
    "get_solver",
    "shadow_prices",
]

# Above this many nonzeros the "auto" choice skips PuLP's modelling layer.
AUTO_DIRECT_NNZ = 20_000


@dataclass(frozen=True, eq=False)
class LinearProgram:
    """``maximize c·x  s.t.  A x <= b,  lower <= x <= upper``.

    Attributes
    ----------
    objective : ndarray, shape (n,)
        Objective coefficients ``c``.
    matrix : scipy.sparse array, shape (m, n)
        Constraint matrix ``A``.
    rhs : ndarray, shape (m,)
        Right-hand sides ``b``.
    upper : ndarray, shape (n,)
        Upper bounds on ``x`` (``inf`` for none).
    lower : ndarray, shape (n,)
        Lower bounds on ``x``, zeros by default.
    """

    objective: NDArray[np.float64]
    matrix: sp.csr_array
    rhs: NDArray[np.float64]
    upper: NDArray[np.float64]
    # None until __post_init__ fills in zeros, so readers always see an array.
    lower: NDArray[np.float64] = field(default=None)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        n = self.objective.shape[0]
        object.__setattr__(self, "matrix", sp.csr_array(self.matrix))
        if self.lower is None:
            object.__setattr__(self, "lower", np.zeros(n))
        if self.matrix.shape != (self.rhs.shape[0], n):
            raise InputError(
                "matrix", f"has shape {self.matrix.shape}, expected ({self.rhs.shape[0]}, {n})"
            )
        if self.upper.shape != (n,) or self.lower.shape != (n,):
            raise InputError("upper", f"bounds need shape ({n},)")


@dataclass(frozen=True, eq=False)
class LPSolution:
    """An optimal solution.

    Attributes
    ----------
    objective : float
        Optimal objective value.
    x : ndarray, shape (n,)
        Primal solution.
    duals : ndarray, shape (m,)
        Shadow prices of the rows, ``∂objective/∂b`` (>= 0).
    solver : str
        Name of the solver that produced it.
    """

    objective: float
    x: NDArray[np.float64]
    duals: NDArray[np.float64]
    solver: str


@runtime_checkable
class Solver(Protocol):
    """Anything that solves a :class:`LinearProgram`."""

    name: str

    def solve(self, lp: LinearProgram) -> LPSolution:
        """Return an optimal solution or raise :class:`~yieldopt.errors.SolverError`."""
        ...


def shadow_prices(
    raw: NDArray[np.float64], *, sign: int, name: str, tol: float = 1e-7
) -> NDArray[np.float64]:
    """Turn a solver's raw row duals into shadow prices of a maximization's ``<=`` rows.

    Parameters
    ----------
    raw : ndarray, shape (m,)
        Row duals as the solver reports them.
    sign : {+1, -1}
        The solver's convention: ``+1`` if ``raw`` already is ``∂objective/∂b`` of the
        maximization, ``-1`` if the solver reports them for the negated (minimization)
        problem.
    name : str
        Solver name, for the error message.
    tol : float
        Relative tolerance below which slightly negative values are rounding noise.

    Returns
    -------
    ndarray, shape (m,)
        Non-negative shadow prices.
    """
    prices = sign * np.asarray(raw, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(prices), initial=0.0)))
    if np.any(prices < -tol * scale):
        raise SolverError(f"{name} returned duals of the wrong sign; its dual convention changed")
    return np.maximum(prices, 0.0)


# --------------------------------------------------------------------------- HiGHS banner
_banner_lock = threading.Lock()
_banner_done = False


def _silence_highs_banner() -> None:
    """HiGHS prints a copyright banner to fd 1 when the first ``Highs`` object is made.

    It would corrupt the CLI's JSON output; make that first object with stdout
    pointed at /dev/null, once per process.
    """
    global _banner_done
    if _banner_done:
        return
    with _banner_lock:
        if _banner_done:
            return
        import highspy

        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_done = True


# --------------------------------------------------------------------------- adapters
class PulpSolver:
    """PuLP 4 modelling layer with one of its solvers (HiGHS by default, or CBC).

    The model is built with the problem's batch builders: one call creates all
    variables, one affine expression per row.
    """

    def __init__(self, backend: str = "highs") -> None:
        if backend not in ("highs", "cbc"):
            raise InputError("backend", f'must be "highs" or "cbc", got {backend!r}')
        self.backend = backend
        self.name = "pulp-highs" if backend == "highs" else "pulp-cbc"
        # PuLP's HiGHS adapter reports duals of the maximization itself; COIN_CMD solves
        # the negated minimization and passes its duals through unchanged.
        self.dual_sign = 1 if backend == "highs" else -1

    def _pulp_solver(self):
        import pulp

        if self.backend == "highs":
            _silence_highs_banner()
            return pulp.HiGHS(msg=False)
        if shutil.which("cbc") is None:
            raise SolverError("CBC is not installed (no 'cbc' executable on PATH)")
        return pulp.COIN_CMD(msg=False)

    def solve(self, lp: LinearProgram) -> LPSolution:
        """Build the PuLP model and solve it."""
        import pulp

        n = lp.objective.shape[0]
        prob = pulp.LpProblem("yieldopt", pulp.LpMaximize)
        x = prob.add_variable_matrix("x", range(n), lowBound=0)
        for j in np.flatnonzero(np.isfinite(lp.upper)):
            x[j].upBound = float(lp.upper[j])
        for j in np.flatnonzero(lp.lower != 0):
            x[j].lowBound = float(lp.lower[j])
        prob += pulp.lpDot(lp.objective.tolist(), x)
        a = lp.matrix
        rows = []
        for i in range(a.shape[0]):
            lo, hi = a.indptr[i], a.indptr[i + 1]
            expr = pulp.lpDot(a.data[lo:hi].tolist(), [x[j] for j in a.indices[lo:hi]])
            rows.append(prob.addConstraint(expr <= float(lp.rhs[i]), f"r{i}"))
        stats = prob.solve(self._pulp_solver())
        if stats.status == pulp.LpSolveStatus.Infeasible:
            raise InfeasibleError(f"{self.name}: the LP is infeasible")
        if stats.status != pulp.LpSolveStatus.Optimal:
            raise SolverError(f"{self.name}: solver stopped with status {stats.status.name}")
        values = np.array([v.varValue or 0.0 for v in x])
        raw = np.array([0.0 if c.pi is None else c.pi for c in rows])
        return LPSolution(
            objective=float(lp.objective @ values),
            x=values,
            duals=shadow_prices(raw, sign=self.dual_sign, name=self.name),
            solver=self.name,
        )


def _highs_lp(lp: LinearProgram):
    """Return the program as a column-wise ``highspy.HighsLp`` (maximization, ``<=`` rows)."""
    import highspy

    m, n = lp.matrix.shape
    csc = sp.csc_array(lp.matrix)
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = n, m
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = np.ascontiguousarray(lp.objective, dtype=np.float64)
    model.col_lower_ = np.ascontiguousarray(lp.lower, dtype=np.float64)
    model.col_upper_ = np.where(np.isfinite(lp.upper), lp.upper, highspy.kHighsInf)
    model.row_lower_ = np.full(m, -highspy.kHighsInf)
    model.row_upper_ = np.ascontiguousarray(lp.rhs, dtype=np.float64)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = n, m
    model.a_matrix_.start_ = csc.indptr.astype(np.int32)
    model.a_matrix_.index_ = csc.indices.astype(np.int32)
    model.a_matrix_.value_ = csc.data.astype(np.float64)
    return model


class HighsSolver:
    """highspy directly: the sparse matrix goes to HiGHS in one call, no modelling layer.

    Parameters
    ----------
    **options
        HiGHS options. Presolve is off by default: on network LPs (bounded columns,
        0/1 rows) it finds little to remove, and the dual simplex without it took half
        the time on the 1,000 × 50,000 benchmark.
    """

    name = "highs"
    dual_sign = 1  # HiGHS reports row duals in the sense of the objective it optimizes

    def __init__(self, **options: bool | float | str) -> None:
        self.options: dict[str, bool | float | str] = {"presolve": "off", **options}

    def solve(self, lp: LinearProgram) -> LPSolution:
        """Pass the column-wise matrix to HiGHS and solve."""
        import highspy

        _silence_highs_banner()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        for key, value in self.options.items():
            h.setOptionValue(key, value)
        model = _highs_lp(lp)
        h.passModel(model)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InfeasibleError("highs: the LP is infeasible")
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"highs: solver stopped with status {h.modelStatusToString(status)}")
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        return LPSolution(
            objective=float(lp.objective @ x),
            x=x,
            duals=shadow_prices(np.asarray(sol.row_dual), sign=self.dual_sign, name=self.name),
            solver=self.name,
        )


class ScipySolver:
    """``scipy.optimize.linprog(method="highs")`` on the negated (minimization) problem."""

    name = "scipy"
    dual_sign = -1  # marginals are ∂(minimized −c·x)/∂b

    def solve(self, lp: LinearProgram) -> LPSolution:
        """Solve with SciPy's HiGHS wrapper."""
        from scipy.optimize import linprog

        bounds = np.column_stack([lp.lower, np.where(np.isfinite(lp.upper), lp.upper, np.inf)])
        res = linprog(-lp.objective, A_ub=lp.matrix, b_ub=lp.rhs, bounds=bounds, method="highs")
        if res.status == 2:
            raise InfeasibleError("scipy: the LP is infeasible")
        if res.status != 0:
            raise SolverError(f"scipy: {res.message}")
        return LPSolution(
            objective=float(lp.objective @ res.x),
            x=np.asarray(res.x),
            duals=shadow_prices(res.ineqlin.marginals, sign=self.dual_sign, name=self.name),
            solver=self.name,
        )


class AutoSolver:
    """PuLP with HiGHS for small models, highspy directly for large ones."""

    name = "auto"

    def __init__(self, threshold: int = AUTO_DIRECT_NNZ) -> None:
        self.threshold = threshold
        self._small, self._large = PulpSolver("highs"), HighsSolver()

    def solve(self, lp: LinearProgram) -> LPSolution:
        """Pick by the number of nonzeros and solve."""
        return (self._large if lp.matrix.nnz > self.threshold else self._small).solve(lp)


_FACTORIES: dict[str, Callable[[], Solver]] = {
    "auto": AutoSolver,
    "pulp-highs": lambda: PulpSolver("highs"),
    "pulp-cbc": lambda: PulpSolver("cbc"),
    "highs": HighsSolver,
    "scipy": ScipySolver,
}


def available_solvers() -> list[str]:
    """Names accepted by :func:`get_solver` that can run on this machine."""
    names = ["auto", "pulp-highs", "highs", "scipy"]
    if shutil.which("cbc") is not None:
        names.append("pulp-cbc")
    return names


def get_solver(solver: str | Solver | None = None) -> Solver:
    """Resolve a solver name (or pass a solver object through).

    Parameters
    ----------
    solver : str, Solver or None
        ``"auto"`` (default), ``"pulp-highs"``, ``"pulp-cbc"``, ``"highs"`` (highspy
        directly), ``"scipy"``, or any object with ``name`` and ``solve(lp)``.
    """
    if solver is None:
        solver = "auto"
    if isinstance(solver, str):
        if solver not in _FACTORIES:
            raise InputError(
                "solver", f"unknown solver {solver!r}; choose from {sorted(_FACTORIES)}"
            )
        if solver == "pulp-cbc" and shutil.which("cbc") is None:
            raise InputError("solver", "CBC is not installed (no 'cbc' executable on PATH)")
        return _FACTORIES[solver]()
    if not isinstance(solver, Solver):
        raise InputError(
            "solver", f"needs a name or an object with .name and .solve(lp), got {solver!r}"
        )
    return solver
