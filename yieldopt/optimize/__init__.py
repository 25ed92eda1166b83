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
    "compare_single_leg",
    "efficient_frontier",
    "emsr_b_mr",
    "fare_adjustment",
    "single_leg_dp",
    "ProtectionLevels",
    "booking_limits",
    "demand_pmf",
    "emsr_a",
    "emsr_b",
    "expected_revenue",
    "littlewood",
    "optimal_protection_levels",
]
