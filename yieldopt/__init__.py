"""yieldopt: a yield (revenue) management engine.

The public names below are the stable surface; submodules whose names start with
an underscore are private.
"""

from .errors import InfeasibleError, InputError, SolverError, YieldoptError
from .model import Network, Product, Resource, Scenario, Segment, load_scenario
from .optimize import (
    DAVNResult,
    DecompositionResult,
    DLPResult,
    DynamicSolution,
    FareAdjustment,
    ProtectionLevels,
    RLPResult,
    available_solvers,
    booking_limits,
    compare_single_leg,
    davn,
    demand_pmf,
    dlp,
    dp_decomposition,
    efficient_frontier,
    emsr_a,
    emsr_b,
    emsr_b_mr,
    expected_revenue,
    fare_adjustment,
    get_solver,
    littlewood,
    optimal_protection_levels,
    rlp,
    single_leg_dp,
)

__version__ = "0.1.0"

__all__ = [
    "DAVNResult",
    "DLPResult",
    "DecompositionResult",
    "DynamicSolution",
    "FareAdjustment",
    "InfeasibleError",
    "InputError",
    "Network",
    "Product",
    "ProtectionLevels",
    "RLPResult",
    "Resource",
    "Scenario",
    "Segment",
    "SolverError",
    "YieldoptError",
    "__version__",
    "available_solvers",
    "booking_limits",
    "compare_single_leg",
    "davn",
    "demand_pmf",
    "dlp",
    "dp_decomposition",
    "efficient_frontier",
    "emsr_a",
    "emsr_b",
    "emsr_b_mr",
    "expected_revenue",
    "fare_adjustment",
    "get_solver",
    "littlewood",
    "load_scenario",
    "optimal_protection_levels",
    "rlp",
    "single_leg_dp",
]
