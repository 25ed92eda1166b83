"""Scenario simulation: sample paths, policies played in lockstep, metrics, executors."""

from ._engine import Outcome, play
from ._executors import DaskExecutor, Executor, LocalExecutor, make_executor
from ._hindsight import hindsight
from ._paths import Paths, draw_paths
from ._report import write_report, write_results
from ._simulate import SimulationResult, reopt_times, run_chunk, simulate

__all__ = [
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "Outcome",
    "Paths",
    "SimulationResult",
    "draw_paths",
    "hindsight",
    "make_executor",
    "play",
    "reopt_times",
    "run_chunk",
    "simulate",
    "write_report",
    "write_results",
]
