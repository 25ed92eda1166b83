"""Conformance suites for implementations from outside: policies and LP solvers.

Like scikit-learn's ``check_estimator``, these run the checks every built-in policy and
solver of yieldopt passes (the project's own tests call them), so an outside
implementation can be held to the same standard::

    from yieldopt.testing import check_policy, check_solver

    check_policy(MyPolicy)  # a yieldopt.control.Policy subclass or factory
    check_solver(MySolver())  # any object with .name and .solve(lp)

Both raise :class:`AssertionError` naming the check that failed and return ``None`` when
all pass. The small cases they run on are here too (:func:`two_leg`, :func:`one_leg`,
:func:`hub_network`, :func:`random_network`).
"""

from ._cases import OVERBOOKING, hub_network, one_leg, random_network, two_leg
from ._policies import check_policy
from ._solvers import check_solver

__all__ = [
    "OVERBOOKING",
    "check_policy",
    "check_solver",
    "hub_network",
    "one_leg",
    "random_network",
    "two_leg",
]
