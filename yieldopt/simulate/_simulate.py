"""``simulate``: compare policies on common sample paths of a scenario."""

from __future__ import annotations

import math
import os
import pickle
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..control import POLICIES, ControlModel, Policy, make_policy
from ..errors import InputError
from ..model import POLICY_NAMES, PolicyName, Scenario, load_scenario
from ._engine import play
from ._executors import Executor, LocalExecutor, make_executor
from ._hindsight import hindsight
from ._paths import draw_paths
from ._result import ARRAY_FIELDS, PATH_FIELDS, SimulationResult, collect

__all__ = [
    "AUTO_POOL_STEPS",
    "HORIZON_DAYS",
    "PolicyFactory",
    "PolicySpec",
    "SimulationResult",
    "auto_workers",
    "policy_label",
    "reopt_times",
    "run_chunk",
    "simulate",
]

#: Booking horizon in days by scenario kind when neither the caller nor booking history
#: says (only labels time: the simulator's horizon is a fraction). Hotels sell most
#: rooms in the last three months; airlines open sales about a year out but book most
#: seats in the last six months.
HORIZON_DAYS: dict[str, float] = {"hotel": 90.0, "airline": 180.0, "network": 90.0}

# Builds a policy for a model and seed: a Policy subclass itself, a module-level
# function, or a functools.partial of either (see simulate).
type PolicyFactory = Callable[[ControlModel, int], Policy]
# What simulate takes per policy: a built-in name or a factory.
type PolicySpec = str | PolicyFactory


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
        out[label] = {k: getattr(res, k) for k in (*PATH_FIELDS, *ARRAY_FIELDS)}
    return out


def simulate(
    scenario: Scenario | str | Path,
    policies: Sequence[PolicySpec] | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    *,
    reoptimize: int | None = None,
    workers: int | str = 1,
    cluster: str | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    progress: bool | Callable[[int, int], None] = False,
    horizon_days: float | None = None,
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
    workers : int or "auto"
        Local processes, this one included (1 = this process only). Extra worker
        processes take about two seconds each to start, and this process works from the
        start, so a pool never costs much but pays off only on runs of several seconds.
        ``"auto"`` picks one process per CPU (at most one per chunk of paths) when the
        estimated work (:func:`auto_workers`) is large enough, else 1.
    cluster : str, optional
        Dask scheduler address ``tcp://host:port`` (or set ``DASK_SCHEDULER_ADDRESS``).
    executor : Executor, optional
        An executor to use instead (tests pass one).
    chunk_size : int, optional
        Sample paths per task; chosen from the scenario size by default.
    progress : bool or callable
        ``True`` shows a progress bar; a callable receives ``(done, total)`` paths.
    horizon_days : float, optional
        Length of the booking horizon in days, for the ``days_before`` columns of the
        results (sales open this many days before arrival or departure). Scenarios
        give the horizon as a fraction, so this only labels time; by default the
        scenario's ``[simulation] horizon_days``, else :data:`HORIZON_DAYS` of its kind
        (marked ``"assumed"`` in ``settings["horizon_days_source"]``; ``yieldopt run``
        takes it from the booking history when the scenario has one).

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
    events = float(sc.customers.mean.sum()) * (1.0 + float(model.cancel_prob.max(initial=0.0)))
    if workers == "auto":
        workers = auto_workers(samples, events, len(specs))
    if not isinstance(workers, int) or isinstance(workers, bool):
        raise InputError("workers", f'must be a whole number or "auto", got {workers!r}')
    ex = executor or make_executor(workers, cluster)
    if isinstance(ex, LocalExecutor) and ex.workers > 1:
        _check_picklable(specs, ex)
    if chunk_size is None:
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
    settings = {
        "samples": samples,
        "seed": seed,
        "reoptimize": int(reopt.size),
        "workers": workers,
        "cluster": cluster,
        "authorized": model.authorized.tolist(),
    }
    days, settings["horizon_days_source"] = _horizon_days(sc, horizon_days)
    return collect(sc, model, names, tasks, results, reopt, seconds, settings, days)


def _horizon_days(sc: Scenario, horizon_days: float | None) -> tuple[float, str]:
    """Return the booking horizon in days and where it came from.

    As given; else the scenario's ``[simulation] horizon_days``; else the default of the
    scenario kind (:data:`HORIZON_DAYS`), reported as ``"assumed"`` so the report says so.
    """
    if horizon_days is None:
        if sc.settings.horizon_days is not None:
            return float(sc.settings.horizon_days), "scenario"
        return HORIZON_DAYS.get(sc.kind, HORIZON_DAYS["network"]), "assumed"
    days = float(horizon_days)
    if not math.isfinite(days) or days <= 0:
        raise InputError("horizon_days", f"must be a positive number of days, got {horizon_days}")
    return days, "given"


#: Event-policy steps (requests and cancellations × policies × paths) from which
#: ``workers="auto"`` uses a pool: about 6 s on one core (the city hotel's 200 paths
#: of 6 policies are 1.6 million steps and took 10-12 s on the benchmark machine),
#: three times a worker's start-up.
AUTO_POOL_STEPS = 1_000_000


def auto_workers(samples: int, events: float, policies: int) -> int:
    """Choose the processes for ``workers="auto"``: one per CPU on long runs, else 1.

    Parameters
    ----------
    samples : int
        Sample paths.
    events : float
        Expected events (requests and possible cancellations) per path.
    policies : int
        Policies simulated on every path.

    Returns
    -------
    int
        1 below :data:`AUTO_POOL_STEPS` estimated steps or on one CPU; else the CPUs this
        process may use (at most one process per 16 paths, so every process gets work).
    """
    cpus = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    if samples * events * policies < AUTO_POOL_STEPS or cpus < 2:
        return 1
    return max(1, min(cpus, samples // 16))


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
