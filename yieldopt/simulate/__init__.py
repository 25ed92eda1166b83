"""Scenario simulation: sample paths, policies played in lockstep, metrics, executors."""

from ._engine import SPILL_REASONS, BidPriceTracking, Outcome, play
from ._executors import DaskExecutor, Executor, LocalExecutor, make_executor
from ._hindsight import hindsight
from ._paths import Paths, draw_paths
from ._resources import RESOURCE_COLUMNS, product_classes
from ._simulate import (
    AUTO_POOL_STEPS,
    HORIZON_DAYS,
    PolicyFactory,
    PolicySpec,
    SimulationResult,
    auto_workers,
    policy_label,
    reopt_times,
    run_chunk,
    simulate,
)

__all__ = [
    "AUTO_POOL_STEPS",
    "HORIZON_DAYS",
    "RESOURCE_COLUMNS",
    "SPILL_REASONS",
    "BidPriceTracking",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "Outcome",
    "Paths",
    "PolicyFactory",
    "PolicySpec",
    "SimulationResult",
    "auto_workers",
    "draw_paths",
    "hindsight",
    "make_executor",
    "play",
    "policy_label",
    "product_classes",
    "reopt_times",
    "run_chunk",
    "simulate",
]
