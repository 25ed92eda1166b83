"""Optimizers: single-resource (static and dynamic) and, later, network models."""

from ._compare import LEG_METHODS, compare_single_leg
from ._dynamic import DynamicSolution, single_leg_dp
from ._emsr import emsr_a, emsr_b, littlewood
from ._fare_adjustment import FareAdjustment, efficient_frontier, emsr_b_mr, fare_adjustment
from ._static import (
    ProtectionLevels,
    booking_limits,
    demand_pmf,
    expected_revenue,
    optimal_protection_levels,
)

__all__ = [
    "LEG_METHODS",
    "DynamicSolution",
    "FareAdjustment",
    "ProtectionLevels",
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
