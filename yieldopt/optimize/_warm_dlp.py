"""A network LP kept in HiGHS and re-solved warm: :class:`WarmDLP`."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..errors import SolverError
from ._lp import LinearProgram, LPSolution, _highs_lp, _silence_highs_banner, shadow_prices

__all__ = ["WarmDLP"]


class WarmDLP:
    """One network LP kept in HiGHS and re-solved as capacity and demand change.

    Re-optimization during a booking horizon solves the same LP many times with new
    right-hand sides (remaining capacity) and column bounds (remaining demand).
    Keeping the model in HiGHS and starting the dual simplex from a good basis is
    far cheaper than building and solving from scratch.

    Every solve starts from the same place: the solver state is cleared and the
    *start basis* restored (the slack basis, or the optimal basis of the last
    :meth:`anchor` solve). The result is therefore a function of the inputs alone,
    not of the solves before it. That matters because network LPs are often dual
    degenerate (equal values, resources with no capacity left): many bid-price
    vectors are optimal, and a start from the previous solve's basis would pick one
    that depends on which LP happened to be solved before, so a simulation's numbers
    would depend on how its sample paths were split into chunks.

    Parameters
    ----------
    values : ndarray, shape (n,)
        Objective coefficients (value per product).
    incidence : sparse array, shape (m, n)
        Resource × product incidence.
    """

    name = "highs-warm"

    def __init__(self, values: NDArray[np.float64], incidence: sp.csr_array) -> None:
        m, n = incidence.shape
        self._values = np.asarray(values, dtype=np.float64)
        self._positive = self._values > 0
        self._lp = LinearProgram(self._values, incidence, np.zeros(m), np.zeros(n))
        # highspy objects, created on first use (highspy is imported lazily).
        self._h: Any = None
        self._cols = np.arange(n, dtype=np.int32)
        self._rows = np.arange(m, dtype=np.int32)
        # Start basis as plain status codes (picklable), and its highspy object (not).
        self._start: tuple[NDArray[np.int8], NDArray[np.int8]] | None = None
        self._start_basis: Any = None

    def _model(self):
        if self._h is None:
            import highspy

            _silence_highs_banner()
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("presolve", "off")
            model = _highs_lp(self._lp)
            h.passModel(model)
            self._h = h
        return self._h

    def _restore_start(self, h) -> None:
        """Put HiGHS in the same state before every solve: cleared, start basis set."""
        # clearSolver drops the previous basis, factorization and simplex data (edge
        # weights) but keeps the model with its current bounds.
        h.clearSolver()
        if self._start is None:
            return
        if self._start_basis is None:
            import highspy

            basis = highspy.HighsBasis()
            basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in self._start[0]]
            basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in self._start[1]]
            basis.valid = True
            self._start_basis = basis
        h.setBasis(self._start_basis)

    def solve(self, capacity: NDArray[np.float64], demand: NDArray[np.float64]) -> LPSolution:
        """Solve with capacity (shape (m,)) and demand (shape (n,)) from the start basis."""
        import highspy

        h = self._model()
        m, n = self._lp.matrix.shape
        upper = np.where(self._positive, np.asarray(demand, dtype=np.float64), 0.0)
        h.changeColsBounds(n, self._cols, np.zeros(n), upper)
        h.changeRowsBounds(
            m, self._rows, np.full(m, -highspy.kHighsInf), np.asarray(capacity, dtype=np.float64)
        )
        self._restore_start(h)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = h.modelStatusToString(h.getModelStatus())
            raise SolverError(f"highs-warm: solver stopped with status {status}")
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        return LPSolution(
            objective=float(self._values @ x),
            x=x,
            duals=shadow_prices(np.asarray(sol.row_dual), sign=1, name=self.name),
            solver=self.name,
        )

    def anchor(self, capacity: NDArray[np.float64], demand: NDArray[np.float64]) -> LPSolution:
        """Solve from the slack basis and make the optimal basis the start of later solves.

        Call it once with representative inputs (the opening capacity and demand):
        later solves on nearby inputs then need few simplex iterations.
        """
        self._start, self._start_basis = None, None
        sol = self.solve(capacity, demand)
        basis = self._h.getBasis()
        self._start = (
            np.array([int(s) for s in basis.col_status], dtype=np.int8),
            np.array([int(s) for s in basis.row_status], dtype=np.int8),
        )
        self._start_basis = basis
        return sol

    def __getstate__(self) -> dict:
        # HiGHS objects cannot cross process boundaries; workers rebuild them.
        state = self.__dict__.copy()
        state["_h"] = None
        state["_start_basis"] = None
        return state
