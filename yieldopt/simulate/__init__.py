"""Scenario simulation: sample paths, policies played in lockstep, metrics, executors."""

from ._engine import BidPriceTracking, Outcome, play
from ._executors import DaskExecutor, Executor, LocalExecutor, make_executor
from ._hindsight import hindsight
from ._paths import Paths, draw_paths
from ._simulate import (
    PolicyFactory,
    PolicySpec,
    SimulationResult,
    policy_label,
    reopt_times,
    run_chunk,
    simulate,
)

__all__ = [
    "BidPriceTracking",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "Outcome",
    "Paths",
    "PolicyFactory",
    "PolicySpec",
    "SimulationResult",
    "draw_paths",
    "hindsight",
    "make_executor",
    "play",
    "policy_label",
    "reopt_times",
    "run_chunk",
    "simulate",
]
