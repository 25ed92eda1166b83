"""check_solver passes outside solvers that behave, and fails, by name, those that don't."""

import dataclasses

import numpy as np
import pytest

import yieldopt as yo
from yieldopt.testing import check_solver


class Wrapped:
    """An outside solver: SciPy's, behind the Solver interface."""

    name = "wrapped"

    def __init__(self):
        self.inner = yo.get_solver("scipy")

    def solve(self, lp):
        return self.inner.solve(lp)


class RawSigns(Wrapped):
    """Forgets to normalize: reports the duals of the negated (minimization) problem."""

    name = "raw-signs"

    def solve(self, lp):
        sol = self.inner.solve(lp)
        return dataclasses.replace(sol, duals=-sol.duals)


class SilentOnInfeasible(Wrapped):
    """Returns a made-up answer instead of raising InfeasibleError."""

    name = "silent"

    def solve(self, lp):
        try:
            return self.inner.solve(lp)
        except yo.InfeasibleError:
            n = lp.objective.size
            return yo.optimize.LPSolution(0.0, np.zeros(n), np.zeros(lp.rhs.size), self.name)


class Tuples(Wrapped):
    name = "tuples"

    def solve(self, lp):
        sol = self.inner.solve(lp)
        return sol.objective, sol.x, sol.duals


def test_an_outside_solver_that_behaves_passes():
    check_solver(Wrapped())


@pytest.mark.parametrize(
    ("solver", "check"),
    [
        (RawSigns(), "known shadow prices"),
        (SilentOnInfeasible(), "infeasible"),
        (Tuples(), "interface"),
        (object(), "interface"),
    ],
    ids=["raw-dual-signs", "silent-on-infeasible", "returns-tuples", "not-a-solver"],
)
def test_a_broken_solver_fails_the_named_check(solver, check):
    with pytest.raises(AssertionError, match=rf"^check_solver\(.+\): {check} failed"):
        check_solver(solver)
