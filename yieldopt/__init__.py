"""yieldopt: a yield (revenue) management engine.

The public names below are the stable surface; submodules whose names start with
an underscore are private.
"""

from .errors import InfeasibleError, InputError, SolverError, YieldoptError
from .optimize import (
    DynamicSolution,
    FareAdjustment,
    ProtectionLevels,
    booking_limits,
    compare_single_leg,
    demand_pmf,
    efficient_frontier,
    emsr_a,
    emsr_b,
    emsr_b_mr,
    expected_revenue,
    fare_adjustment,
    littlewood,
    optimal_protection_levels,
    single_leg_dp,
)

__version__ = "0.1.0"

__all__ = [
    "DynamicSolution",
    "FareAdjustment",
    "InfeasibleError",
    "InputError",
    "ProtectionLevels",
    "SolverError",
    "YieldoptError",
    "__version__",
    "booking_limits",
    "compare_single_leg",
    "demand_pmf",
    "efficient_frontier",
    "emsr_a",
    "emsr_b",
    "emsr_b_mr",
    "expected_revenue",
    "fare_adjustment",
    "littlewood",
    "optimal_protection_levels",
    "single_leg_dp",
]
