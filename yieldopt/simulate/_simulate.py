"""``simulate``: compare policies on common sample paths of a scenario."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..control import ControlModel, make_policy
from ..errors import InputError
from ..model import POLICY_NAMES, Scenario, load_scenario
from ._engine import CURVE_BINS, Outcome, play
from ._executors import Executor, make_executor
from ._hindsight import hindsight
from ._metrics import summarize
from ._paths import draw_paths

__all__ = ["SimulationResult", "reopt_times", "run_chunk", "simulate"]

_PATH_FIELDS = (
    "revenue",
    "value",
    "booking_revenue",
    "units_sold",
    "occupied",
    "denied",
    "denied_cost",
    "spill",
    "requests",
)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    summary : DataFrame
        One row per policy: ``policy``, ``revenue_mean``, ``revenue_hw95`` (95% half-width),
        ``value_mean``, ``value_hw95``, ``load_factor``, ``adr``, ``revpar``, ``spill``,
        ``denied``, ``denied_cost``, ``rom``, ``samples``.
    paths : DataFrame
        One row per policy and sample path with the per-path metrics.
    booking_curves : DataFrame
        Mean bookings made per horizon bin: ``policy``, ``horizon`` (bin start, 0 =
        opening of sales), ``bookings``, ``cumulative``.
    bid_prices : DataFrame
        Mean bid price per resource at the opening and after each re-optimization
        (bid-price policies): ``policy``, ``horizon``, ``resource``, ``bid_price``.
    scenario : str
        Scenario name.
    seconds : float
        Wall-clock time of the simulation.
    settings : dict
        Samples, seed, re-optimizations and executor used.
    """

    summary: pd.DataFrame
    paths: pd.DataFrame
    booking_curves: pd.DataFrame
    bid_prices: pd.DataFrame
    scenario: str
    seconds: float
    settings: dict = field(default_factory=dict)


def reopt_times(k: int) -> NDArray[np.float64]:
    """``k`` equally spaced re-optimization times of the horizon: 0, 1/k, …, (k−1)/k."""
    if k < 1:
        raise InputError("reoptimize", f"must be at least 1, got {k}")
    return np.arange(k) / k


def run_chunk(
    model: ControlModel,
    policies: Sequence[str],
    path_ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> dict[str, dict[str, NDArray[np.float64]]]:
    """Simulate ``policies`` on sample paths ``path_ids``: the unit of work of an executor.

    Returns plain data: per policy, a dict of per-path arrays (and ``curve``,
    ``bid_prices``).
    """
    paths = draw_paths(model, path_ids, seed)
    out = {}
    for name in policies:
        if name == "hindsight":
            res: Outcome = hindsight(model, paths)
        else:
            res = play(make_policy(name, model, seed), model, paths, reopt)
        out[name] = {k: getattr(res, k) for k in (*_PATH_FIELDS, "curve")}
        out[name]["bid_prices"] = res.bid_prices
    return out


def simulate(
    scenario: Scenario | str | Path,
    policies: Sequence[str] | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    *,
    reoptimize: int | None = None,
    workers: int = 1,
    cluster: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    progress: bool | Callable[[int, int], None] = False,
) -> SimulationResult:
    """Simulate booking policies on common random sample paths of a scenario.

    Parameters
    ----------
    scenario : Scenario or path
        The scenario (or a file for :func:`~yieldopt.load_scenario`).
    policies : sequence of str, optional
        Policy names (``fcfs``, ``emsr-b``, ``davn``, ``dlp``, ``rlp``, ``dp-decomposition``,
        ``dp``, ``hindsight``); the scenario's list by default.
    n_samples : int, optional
        Number of sample paths (the scenario's by default).
    seed : int, optional
        Seed; the same seed gives the same numbers on every run, executor, number of
        workers and chunk size (path ``i`` draws from a generator seeded with
        ``(seed, i)``, and every re-optimized LP starts from the same basis).
    reoptimize : int, optional
        Controls are recomputed at this many equally spaced times (1 = at the opening only).
        ``dp-decomposition`` is computed once and warns (``UserWarning``) when this is
        above 1; ``dp`` is exact in every state and needs no re-solving.
    workers : int
        Local worker processes (1 = this process).
    cluster : str, optional
        Dask scheduler address ``tcp://host:port`` (or set ``DASK_SCHEDULER_ADDRESS``).
    executor : Executor, optional
        An executor to use instead (tests pass one).
    chunk_size : int, optional
        Sample paths per task; chosen from the scenario size by default.
    progress : bool or callable
        ``True`` shows a progress bar; a callable receives ``(done, total)`` paths.

    Returns
    -------
    SimulationResult
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    cfg = sc.settings
    names = list(policies or cfg.policies)
    unknown = [p for p in names if p not in POLICY_NAMES]
    if unknown:
        raise InputError(
            "policy", f"unknown policy {unknown[0]!r}; choose from {', '.join(POLICY_NAMES)}"
        )
    if len(set(names)) != len(names):
        raise InputError("policy", "each policy may be given once")
    samples = int(cfg.samples if n_samples is None else n_samples)
    if samples < 1:
        raise InputError("n_samples", f"must be at least 1, got {samples}")
    seed = int(cfg.seed if seed is None else seed)
    reopt = reopt_times(int(cfg.reoptimize if reoptimize is None else reoptimize))
    if reopt.size > 1 and "dp-decomposition" in names:
        # Re-solving it per path would cost one DP over the remaining periods per path
        # and re-optimization time (about 0.3 s each on the city hotel), so it is not.
        warnings.warn(
            "reoptimize: dp-decomposition is computed once, at the opening, and not "
            f"re-solved at the {reopt.size - 1} later re-optimization times; its bid prices "
            "already depend on the period and the remaining capacity (only the DLP split of "
            "product values into resources stays as it was at the opening)",
            UserWarning,
            stacklevel=2,
        )
    model = ControlModel.from_scenario(sc)

    own = executor is None
    ex = executor or make_executor(workers, cluster)
    if chunk_size is None:
        events = float(sc.customers.mean.sum()) * (1.0 + float(model.cancel_prob.max(initial=0.0)))
        by_memory = max(1, int(2_000_000 // max(events, 1.0)))
        chunk_size = max(1, min(64, by_memory, math.ceil(samples / ex.slots)))
    ids = np.arange(samples)
    tasks = [
        (model, names, ids[i : i + chunk_size], seed, reopt) for i in range(0, samples, chunk_size)
    ]

    report = _progress(progress, samples)
    start = time.perf_counter()
    results: list = [None] * len(tasks)
    done = 0
    try:
        for i, res in ex.map(run_chunk, tasks):
            results[i] = res
            done += len(tasks[i][2])
            report(done, samples)
    finally:
        if own:
            ex.close()
        close = getattr(report, "close", None)
        if close:
            close()
    seconds = time.perf_counter() - start
    return _collect(sc, model, names, tasks, results, reopt, seconds, workers, cluster)


def _collect(
    sc, model, names, tasks, results, reopt, seconds, workers, cluster
) -> SimulationResult:
    frames, curves, bids = [], [], []
    for name in names:
        parts = [r[name] for r in results]
        ids = np.concatenate([t[2] for t in tasks])
        frame = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in _PATH_FIELDS})
        frame.insert(0, "path", ids)
        frame.insert(0, "policy", name)
        frames.append(frame)
        curve = np.concatenate([p["curve"] for p in parts]).mean(axis=0)
        if name != "hindsight":
            curves.append(
                pd.DataFrame(
                    {
                        "policy": name,
                        "horizon": np.arange(CURVE_BINS) / CURVE_BINS,
                        "bookings": curve,
                        "cumulative": np.cumsum(curve),
                    }
                )
            )
        if parts[0]["bid_prices"] is not None:
            # Per-path prices in path order, then one mean: the same floats for any chunking.
            mean = np.concatenate([p["bid_prices"] for p in parts]).mean(axis=0)
            when = np.concatenate([[0.0], reopt[reopt > 0]])
            for k, frac in enumerate(when):
                bids.append(
                    pd.DataFrame(
                        {
                            "policy": name,
                            "horizon": frac,
                            "resource": model.network.resource_ids,
                            "bid_price": mean[k],
                        }
                    )
                )
    paths = pd.concat(frames, ignore_index=True)
    summary = summarize(paths, float(model.capacity.sum()), sc.kind == "hotel")
    samples = int(sum(len(t[2]) for t in tasks))
    return SimulationResult(
        summary=summary,
        paths=paths,
        booking_curves=pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(),
        bid_prices=pd.concat(bids, ignore_index=True) if bids else pd.DataFrame(),
        scenario=sc.name,
        seconds=seconds,
        settings={
            "samples": samples,
            "seed": int(tasks[0][3]) if tasks else None,
            "reoptimize": int(reopt.size),
            "workers": workers,
            "cluster": cluster,
            "authorized": model.authorized.tolist(),
        },
    )


def _progress(
    progress: bool | Callable[[int, int], None], total: int
) -> Callable[[int, int], None]:
    if callable(progress):
        return progress
    if not progress:
        return lambda done, total: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    bar.start()
    task = bar.add_task("simulating sample paths", total=total)

    def report(done: int, total: int) -> None:
        bar.update(task, completed=done)

    report.close = bar.stop  # type: ignore[attr-defined]
    return report
