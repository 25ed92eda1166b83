"""yieldopt: a yield (revenue) management engine.

The public names below are the stable surface; submodules whose names start with
an underscore are private.
"""

from .errors import InfeasibleError, InputError, SolverError, YieldoptError
from .optimize import (
    ProtectionLevels,
    booking_limits,
    demand_pmf,
    emsr_a,
    emsr_b,
    expected_revenue,
    littlewood,
    optimal_protection_levels,
)

__version__ = "0.1.0"

__all__ = [
    "InfeasibleError",
    "InputError",
    "ProtectionLevels",
    "SolverError",
    "YieldoptError",
    "__version__",
    "booking_limits",
    "demand_pmf",
    "emsr_a",
    "emsr_b",
    "expected_revenue",
    "littlewood",
    "optimal_protection_levels",
]
