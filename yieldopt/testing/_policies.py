"""``check_policy``: the conformance suite every booking-control policy passes."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..control import ControlModel, Policy, make_policy
from ..model import Scenario
from ..simulate import (
    BidPriceTracking,
    Outcome,
    PolicyFactory,
    draw_paths,
    hindsight,
    play,
    policy_label,
)
from ..simulate import simulate as run_simulation
from ._cases import OVERBOOKING, one_leg, two_leg
from ._run import run_checks

__all__ = ["check_policy"]

# Outcome fields compared for determinism (bid prices too, when recorded).
_FIELDS = ("revenue", "value", "units_sold", "occupied", "denied", "spill", "curve")


def check_policy(
    policy: str | PolicyFactory,
    *,
    single_resource: bool = False,
    seed: int = 0,
    n_samples: int = 12,
) -> None:
    """Check that a booking-control policy behaves as the simulator and its users expect.

    The policy plays small scenarios (two legs with a connecting itinerary, or one
    resource with three fare classes when ``single_resource``), written as TOML and read
    by :func:`~yieldopt.load_scenario`. The checks, in order (each names itself when it
    fails):

    - ``interface``: the factory returns a :class:`~yieldopt.control.Policy` with a str
      ``name``; ``reset``, ``reoptimize`` on some states and ``accept`` work on a batch of
      booking states, and ``accept`` returns one bool per request, shape (Q,); a policy
      with ``bid`` (see :class:`~yieldopt.simulate.BidPriceTracking`) keeps shape (P, m + 1);
    - ``capacity``: playing sample paths (cancellations, no-shows, overbooking and
      re-optimization included) leaves the model unchanged and sells no more units on a
      path than the authorized capacity;
    - ``ample capacity``: when capacity never binds, it earns what first come, first
      served earns on every path (it turns no request away for nothing);
    - ``hindsight bound``: perfect hindsight earns at least as much revenue and value on
      every path;
    - ``deterministic``: a fresh policy with the same seed gives the same numbers to the
      last digit, and so do the paths played in two chunks (paths are independent);
    - ``simulate``: :func:`~yieldopt.simulate` runs it beside ``fcfs`` and reports it
      under its name.

    Parameters
    ----------
    policy : str or PolicyFactory
        A built-in policy name (``"dlp"``), a :class:`~yieldopt.control.Policy` subclass,
        or a factory ``(model, seed) -> Policy`` (e.g. a :func:`functools.partial`).
    single_resource : bool
        Play the one-resource scenario (for policies that refuse networks, like ``dp``).
    seed : int
        Seed of the sample paths and of the policy.
    n_samples : int
        Sample paths per check (at least 2).

    Raises
    ------
    AssertionError
        When a check fails; the message starts with ``check_policy(NAME): CHECK``.
    TypeError
        When ``policy`` is a policy instance (it is bound to its model; pass its class).

    Examples
    --------
    >>> from yieldopt.testing import check_policy
    >>> check_policy("fcfs", n_samples=4)
    """
    if isinstance(policy, Policy):
        raise TypeError(
            f"check_policy takes a policy name, class or factory, not a {type(policy).__name__} "
            "instance (bound to its model)"
        )
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    factory: PolicyFactory = (
        functools.partial(make_policy, policy) if isinstance(policy, str) else policy
    )
    label = policy if isinstance(policy, str) else getattr(policy, "__name__", repr(policy))

    def tight() -> Scenario:
        return one_leg() if single_resource else two_leg(extra=OVERBOOKING)

    def ample() -> Scenario:
        return one_leg(capacity=500) if single_resource else two_leg(capacity=(500, 500))

    ids = np.arange(n_samples)
    reopt = np.array([0.0, 0.25, 0.5, 0.75])
    checks: list[tuple[str, Callable[[], None]]] = [
        ("interface", lambda: _interface(factory, tight(), seed)),
        ("capacity", lambda: _capacity(factory, tight(), ids, seed, reopt)),
        ("ample capacity", lambda: _ample_capacity(factory, ample(), ids, seed, reopt)),
        ("hindsight bound", lambda: _hindsight_bound(factory, tight(), ids, seed, reopt)),
        ("deterministic", lambda: _deterministic(factory, tight(), ids, seed, reopt)),
        ("simulate", lambda: _simulate(policy, factory, tight(), seed)),
    ]
    run_checks(f"check_policy({label})", checks)


def _build(factory: PolicyFactory, model: ControlModel, seed: int) -> Policy:
    policy = factory(model, seed)
    assert isinstance(policy, Policy), (
        f"the factory returned {type(policy).__name__}, not a yieldopt.control.Policy"
    )
    return policy


def _play(
    factory: PolicyFactory,
    model: ControlModel,
    ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> Outcome:
    return play(_build(factory, model, seed), model, draw_paths(model, ids, seed), reopt)


def _interface(factory: PolicyFactory, sc: Scenario, seed: int) -> None:
    model = ControlModel.from_scenario(sc)
    policy = _build(factory, model, seed)
    assert isinstance(policy.name, str) and policy.name, f"name {policy.name!r} is not a str"
    m, n = model.n_resources, model.n_products
    states = 4
    policy.reset(np.arange(states))
    remaining = np.tile(np.append(model.authorized, np.inf), (states, 1))
    policy.reoptimize(np.array([1, 3]), 0.5, remaining[[1, 3]] - 1)
    rows = np.arange(states)
    products = np.array([0, n - 1, min(1, n - 1), 0])
    periods = np.array([0, sc.periods // 4, sc.periods // 2, sc.periods - 1])
    ok = policy.accept(rows, products, periods, remaining)
    assert isinstance(ok, np.ndarray), f"accept returned {type(ok).__name__}, not an ndarray"
    assert ok.shape == (states,), f"accept returned shape {ok.shape}, expected ({states},)"
    assert ok.dtype == np.bool_, f"accept returned dtype {ok.dtype}, expected bool"
    one = policy.accept(rows[:1], products[:1], periods[:1], remaining[:1])
    assert np.shape(one) == (1,), f"accept of one request returned shape {np.shape(one)}"
    if isinstance(policy, BidPriceTracking):
        shape = np.shape(policy.bid)
        assert shape == (states, m + 1), f"bid has shape {shape}, expected ({states}, {m + 1})"


def _capacity(
    factory: PolicyFactory,
    sc: Scenario,
    ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> None:
    model = ControlModel.from_scenario(sc)
    before = {k: np.copy(getattr(model, k)) for k in ("authorized", "capacity", "values", "prices")}
    out = _play(factory, model, ids, seed, reopt)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(model, k), v, err_msg=f"the policy changed {k}")
    limit = float(model.authorized.sum())
    worst = float(out.units_sold.max())
    assert worst <= limit, f"sold {worst:g} units on a path, authorized {limit:g}"


def _ample_capacity(
    factory: PolicyFactory,
    sc: Scenario,
    ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> None:
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, ids, seed)
    fcfs = play(make_policy("fcfs", model, seed), model, paths, reopt)
    mine = play(_build(factory, model, seed), model, paths, reopt)
    bad = np.flatnonzero(~np.isclose(mine.revenue, fcfs.revenue, rtol=1e-12, atol=1e-9))
    assert bad.size == 0, (
        f"earned {mine.revenue[bad[0]]:g} on path {bad[0]} where fcfs earned "
        f"{fcfs.revenue[bad[0]]:g} ({bad.size} of {ids.size} paths differ)"
    )


def _hindsight_bound(
    factory: PolicyFactory,
    sc: Scenario,
    ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> None:
    model = ControlModel.from_scenario(sc)
    paths = draw_paths(model, ids, seed)
    mine = play(_build(factory, model, seed), model, paths, reopt)
    best = hindsight(model, paths)
    for what in ("revenue", "value"):
        gap = getattr(mine, what) - getattr(best, what)
        assert np.all(gap <= 1e-6), (
            f"{what} {getattr(mine, what).max():g} above perfect hindsight on path "
            f"{int(np.argmax(gap))}"
        )


def _deterministic(
    factory: PolicyFactory,
    sc: Scenario,
    ids: NDArray[np.int64],
    seed: int,
    reopt: NDArray[np.float64],
) -> None:
    model = ControlModel.from_scenario(sc)
    a = _play(factory, model, ids, seed, reopt)
    b = _play(factory, model, ids, seed, reopt)
    half = ids.size // 2
    parts = [
        _play(factory, model, ids[:half], seed, reopt),
        _play(factory, model, ids[half:], seed, reopt),
    ]
    for k in _FIELDS:
        np.testing.assert_array_equal(getattr(b, k), getattr(a, k), err_msg=f"{k}, same seed")
        split = np.concatenate([getattr(p, k) for p in parts])
        np.testing.assert_array_equal(split, getattr(a, k), err_msg=f"{k}, paths in two chunks")
    if a.bid_prices is not None:
        assert b.bid_prices is not None
        np.testing.assert_array_equal(b.bid_prices, a.bid_prices, err_msg="bid prices")


def _simulate(policy: str | PolicyFactory, factory: PolicyFactory, sc: Scenario, seed: int) -> None:
    model = ControlModel.from_scenario(sc)
    name = policy if isinstance(policy, str) else policy_label(_build(factory, model, seed))
    specs = [policy] if name == "fcfs" else ["fcfs", policy]
    res = run_simulation(sc, specs, n_samples=3, seed=seed)
    got = list(res.summary["policy"])
    assert name in got, f"simulate() reported policies {got}, not {name!r}"
    rows = res.paths[res.paths["policy"] == name]
    assert len(rows) == 3, f"simulate() reported {len(rows)} paths for {name!r}, expected 3"
