"""``simulate``: compare policies on common sample paths of a scenario."""

from __future__ import annotations

import math
import pickle
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..control import POLICIES, ControlModel, Policy, make_policy
from ..errors import InputError
from ..model import POLICY_NAMES, PolicyName, Scenario, load_scenario
from ._engine import CURVE_BINS, play
from ._executors import Executor, LocalExecutor, make_executor
from ._hindsight import hindsight
from ._metrics import summarize
from ._paths import draw_paths

__all__ = [
    "PolicyFactory",
    "PolicySpec",
    "SimulationResult",
    "policy_label",
    "reopt_times",
    "run_chunk",
    "simulate",
]

# Builds a policy for a model and seed: a Policy subclass itself, a module-level
# function, or a functools.partial of either (see simulate).
type PolicyFactory = Callable[[ControlModel, int], Policy]
# What simulate takes per policy: a built-in name or a factory.
type PolicySpec = str | PolicyFactory

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


def policy_label(policy: Policy) -> str:
    """Name a policy in results: its ``name``, or its class name when it kept the default."""
    name = getattr(policy, "name", Policy.name)
    return type(policy).__name__ if name == Policy.name else str(name)


def run_chunk(
    model: ControlModel,
    policies: Sequence[PolicySpec],
    path_ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> dict[str, dict[str, NDArray[np.float64] | None]]:
    """Simulate ``policies`` on sample paths ``path_ids``: the unit of work of an executor.

    Parameters
    ----------
    model : ControlModel
        The scenario's arrays.
    policies : sequence of (str or PolicyFactory)
        Built-in names (``"hindsight"`` included) or factories ``(model, seed) -> Policy``.
    path_ids : ndarray of int, shape (P,)
        Sample paths to draw and play.
    seed : int
        The simulation's seed.
    reopt : ndarray, shape (K,)
        Re-optimization times, fractions of the horizon in [0, 1).

    Returns
    -------
    dict
        Plain data: per policy label (:func:`policy_label`), a dict of per-path arrays
        (and ``curve``, ``bid_prices``).
    """
    paths = draw_paths(model, path_ids, seed)
    out: dict[str, dict[str, NDArray[np.float64] | None]] = {}
    for spec in policies:
        if spec == PolicyName.HINDSIGHT:
            label, res = PolicyName.HINDSIGHT.value, hindsight(model, paths)
        else:
            policy = make_policy(spec, model, seed) if isinstance(spec, str) else spec(model, seed)
            label, res = policy_label(policy), play(policy, model, paths, reopt)
        fields: dict[str, NDArray[np.float64] | None] = {
            k: getattr(res, k) for k in (*_PATH_FIELDS, "curve")
        }
        fields["bid_prices"] = res.bid_prices
        out[label] = fields
    return out


def simulate(
    scenario: Scenario | str | Path,
    policies: Sequence[PolicySpec] | None = None,
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
    policies : sequence of (str or PolicyFactory), optional
        Policy names (``fcfs``, ``emsr-b``, ``emsr-b-mr``, ``davn``, ``dlp``, ``rlp``,
        ``dp-decomposition``, ``dp``, ``dynamic-pricing``, ``hindsight``) or policy
        factories, in any mix; the scenario's list by default. A factory is called as
        ``factory(model, seed)`` with the scenario's :class:`~yieldopt.control.ControlModel`
        and must return a
        :class:`~yieldopt.control.Policy`: a ``Policy`` subclass itself, a module-level
        function or a :func:`functools.partial` of one (so that, with ``workers > 1``,
        it can be pickled to the worker processes; a cluster also takes lambdas).
        It is called once per chunk of sample paths, so every chunk starts from a fresh
        policy. A policy appears in the results under its ``name`` attribute (its class
        name if it keeps the default); a policy instance is refused, since it is bound
        to the model it was built with.
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
    specs: list[PolicySpec] = list(policies or cfg.policies)
    model = ControlModel.from_scenario(sc)
    names = _policy_labels(specs, model, int(cfg.seed if seed is None else seed))
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

    own = executor is None
    ex = executor or make_executor(workers, cluster)
    if isinstance(ex, LocalExecutor) and ex.workers > 1:
        _check_picklable(specs, ex)
    if chunk_size is None:
        events = float(sc.customers.mean.sum()) * (1.0 + float(model.cancel_prob.max(initial=0.0)))
        by_memory = max(1, int(2_000_000 // max(events, 1.0)))
        chunk_size = max(1, min(64, by_memory, math.ceil(samples / ex.slots)))
    ids = np.arange(samples)
    tasks = [
        (model, specs, ids[i : i + chunk_size], seed, reopt) for i in range(0, samples, chunk_size)
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


def _policy_labels(specs: Sequence[PolicySpec], model: ControlModel, seed: int) -> list[str]:
    """Check the policies before any work is done; return their labels in the results."""
    labels = []
    for spec in specs:
        if isinstance(spec, str):
            if spec not in POLICY_NAMES:
                raise InputError(
                    "policy", f"unknown policy {spec!r}; choose from {', '.join(POLICY_NAMES)}"
                )
            labels.append(spec)
            continue
        if isinstance(spec, Policy):
            raise InputError(
                "policy",
                f"got a {type(spec).__name__} instance, which is bound to the model it was "
                "built with; pass its class or a factory (model, seed) -> Policy",
            )
        if not callable(spec):
            raise InputError(
                "policy",
                "must be a policy name, a Policy subclass or a factory (model, seed) -> Policy, "
                f"got {spec!r}",
            )
        # One probe build names the policy and catches a wrong factory before the paths run.
        probe = spec(model, seed)
        if not isinstance(probe, Policy):
            raise InputError(
                "policy",
                f"{spec!r} returned {type(probe).__name__}, not a yieldopt.control.Policy",
            )
        label = policy_label(probe)
        builtin = POLICIES.get(label)
        if label == PolicyName.HINDSIGHT or (builtin is not None and type(probe) is not builtin):
            # The summary's ROM is measured against the built-in fcfs and hindsight rows.
            raise InputError(
                "policy", f"{type(probe).__name__} is named {label!r}, a built-in policy's name"
            )
        labels.append(label)
    if len(set(labels)) != len(labels):
        raise InputError("policy", "each policy may be given once")
    return labels


def _check_picklable(specs: Sequence[PolicySpec], ex: LocalExecutor) -> None:
    """Refuse, up front, a factory that cannot reach the worker processes."""
    for spec in specs:
        try:
            pickle.dumps(spec)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise InputError(
                "policy",
                f"{spec!r} cannot be sent to {ex.workers} worker processes ({exc}); use a "
                "Policy subclass, a module-level function or a functools.partial of one",
            ) from None


def _collect(
    sc: Scenario,
    model: ControlModel,
    names: list[str],
    tasks: list[tuple[Any, ...]],
    results: list[Any],
    reopt: NDArray[np.float64],
    seconds: float,
    workers: int,
    cluster: str | None,
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
        if name != PolicyName.HINDSIGHT:
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
