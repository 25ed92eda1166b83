"""Scenarios: a network, its customers and their behaviour, and what to simulate.

Read from the project's TOML format or a Topaloglu (2009) instance (``.txt``). The
TOML format is documented in the README ("Scenario files"); in short::

    name, kind ("hotel" | "airline" | "network"), periods?, curve?
    [[resources]] id, capacity
    [[segments]]  id, ancillary, cost_to_serve, future_value, cancel_prob, show_prob
    [[products]]  id, resources, price, segment, demand?, curve?
    [[customers]] name, products (buy-down: cheapest open), mean, curve
    [choice]      model ("buydown" | "mnl" | "wtp"), price_sensitivity, no_purchase, frat5,
                  segments = { id = { ... } }   how customers choose among open products
    [topaloglu]   file                         network + per-period demand from a .txt
    [generator]   type = "hub", spokes, banks, classes, connections, load, seed
    [hotel]       start, nights, rooms, max_los, [[hotel.rates]], [[hotel.demand]] (see _hotel)
    [overbooking] denied_cost, spoilage_cost, show_prob, cancel_prob
    [simulation]  policies, samples, seed, reoptimize, horizon_days (days sales open before
                  arrival or departure: the unit of the report's booking-horizon axes)
    [[groups]]    a group request to quote (see ``group_quote``)
    [history]     bookings, closures, transactions (paths relative to the file), future_weight
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import InputError
from ._generators import hub_network
from ._hotel import hotel_network
from ._names import PolicyName
from ._network import Network, _number
from ._schema import ScenarioFile, check
from ._streams import CURVES, CustomerStreams, StreamChoice, auto_periods
from ._topaloglu import read_topaloglu

__all__ = ["POLICY_NAMES", "Behaviour", "Scenario", "SimulationSettings", "load_scenario"]

#: Simulator policy names, from the one registry (:class:`~yieldopt.model.PolicyName`).
POLICY_NAMES: tuple[str, ...] = tuple(str(p) for p in PolicyName)
KINDS = ("hotel", "airline", "network")


@dataclass(frozen=True, eq=False)
class Behaviour:
    """What happens to bookings between sale and service.

    Attributes
    ----------
    cancel_prob : ndarray, shape (n,)
        Probability that a booking of each product cancels before service (refunded,
        capacity returned).
    show_prob : ndarray, shape (n,)
        Probability that a kept booking shows up (no-shows pay and use nothing).
    denied_cost : float
        Cost of denying service to one shown customer on one resource (money).
    spoilage_cost : float or None
        Cost of one empty unit at service (money); with it, policies sell up to the
        cost-optimal overbooking limit instead of the physical capacity.
    """

    cancel_prob: NDArray[np.float64]
    show_prob: NDArray[np.float64]
    denied_cost: float = 0.0
    spoilage_cost: float | None = None

    @classmethod
    def none(cls, n: int) -> Behaviour:
        """Every booking kept and shown."""
        return cls(np.zeros(n), np.ones(n))


@dataclass(frozen=True)
class SimulationSettings:
    """Defaults for simulating a scenario (the CLI's options override them)."""

    policies: tuple[str, ...] = ("fcfs", "davn", "dlp", "dp-decomposition", "hindsight")
    samples: int = 200
    seed: int = 0
    reoptimize: int = 1
    #: Days between the opening of sales and arrival (departure); ``None``: not stated.
    horizon_days: float | None = None


@dataclass(frozen=True, eq=False)
class Scenario:
    """A network, the customers it faces and what to simulate.

    Attributes
    ----------
    name : str
        Short name, by default the file name without extension.
    network : Network
        Resources, products and segments.
    customers : CustomerStreams
        Who asks for what and when.
    behaviour : Behaviour
        Cancellations, shows and overbooking costs.
    settings : SimulationSettings
        Policies, samples, seed and re-optimization count.
    kind : str
        ``"hotel"`` (reports ADR and RevPAR), ``"airline"`` or ``"network"``.
    groups : tuple of dict
        Group requests to quote in the report.
    forecast_scale : ndarray, shape (n,), or None
        Optimizers' demand belief as a multiple of each product's expected demand
        (set from a forecast by ``yieldopt run``; ``None``: they know the true means).
    history : dict
        Booking history (``bookings``, ``closures``) and CRM data (``transactions``) files,
        and ``future_weight``: the share of a customer's expected future contribution
        credited to accepting their booking.
    """

    name: str
    network: Network
    customers: CustomerStreams
    behaviour: Behaviour = None  # type: ignore[assignment]
    settings: SimulationSettings = field(default_factory=SimulationSettings)
    kind: str = "network"
    groups: tuple[dict[str, Any], ...] = ()
    history: dict[str, Any] = field(default_factory=dict)
    forecast_scale: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        if self.behaviour is None:
            object.__setattr__(self, "behaviour", Behaviour.none(len(self.network.products)))
        if self.kind not in KINDS:
            raise InputError("kind", f"must be one of {KINDS}, got {self.kind!r}")

    @cached_property
    def demand(self) -> pd.Series:
        """Expected demand over the horizon by product id (units)."""
        return pd.Series(
            self.customers.product_demand(0.0), index=self.network.product_ids, name="demand"
        )

    @cached_property
    def arrival_probs(self) -> NDArray[np.float64]:
        """Per-period request probability by product, shape (periods, n)."""
        return self.customers.product_period_probs()

    @property
    def periods(self) -> int:
        """Number of booking periods."""
        return self.customers.periods

    @property
    def believed_demand(self) -> pd.Series:
        """Expected demand by product id as the optimizers see it (units)."""
        if self.forecast_scale is None:
            return self.demand
        return (self.demand * self.forecast_scale).rename("demand")

    def with_forecast_scale(self, scale: NDArray[np.float64]) -> Scenario:
        """Copy whose optimizers believe demand is ``scale`` times the true mean, per product."""
        scale = np.asarray(scale, dtype=np.float64)
        if (
            scale.shape != (len(self.network.products),)
            or not np.all(np.isfinite(scale))
            or np.any(scale < 0)
        ):
            raise InputError("forecast_scale", "needs one finite, non-negative factor per product")
        return dataclasses.replace(self, forecast_scale=scale)

    def with_segment_values(self, records: list[dict[str, Any]]) -> Scenario:
        """Copy with segment value adjustments replaced, e.g. by ones estimated from CRM data.

        Parameters
        ----------
        records : list of dict
            ``{"id", "ancillary"?, "cost_to_serve"?, "future_value"?}`` per segment; segments
            of the scenario not listed keep their values, unknown ids are ignored.
        """
        given = {str(r["id"]): r for r in records}
        segments = []
        for seg in self.network.segments:
            rec = given.get(seg.id)
            if rec is None:
                segments.append(seg)
                continue
            adj = {
                k: float(rec.get(k, getattr(seg, k)) or 0.0)
                for k in ("ancillary", "cost_to_serve", "future_value")
            }
            segments.append(type(seg)(id=seg.id, **adj))
        network = Network(self.network.resources, self.network.products, tuple(segments))
        return dataclasses.replace(self, network=network)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file.

    ``.txt`` files are read as Topaloglu (2009) network RM instances; ``.toml`` files
    use the project's scenario format (see the module docstring and the README).

    Parameters
    ----------
    path : str or Path
        The scenario file.

    Returns
    -------
    Scenario
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"no such file: {p}")
    if p.suffix.lower() == ".txt":
        network, probs = read_topaloglu(p)
        streams = CustomerStreams.independent(probs, network.product_ids)
        return Scenario(p.stem, network, streams, kind="airline")
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(p.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(p), f"is not valid TOML ({exc})") from None
        # Keys and types first: a misspelled key must not be silently ignored.
        check(ScenarioFile, data, p.name)
        return _from_toml(p, data)
    raise InputError("path", f"unsupported scenario file {p.name!r}; use .toml or .txt")


def _curve(where: str, value: Any) -> tuple[float, float]:
    if isinstance(value, str):
        if value not in CURVES:
            raise InputError(
                where, f"unknown curve {value!r}; use one of {sorted(CURVES)} or [a, b]"
            )
        return CURVES[value]
    if isinstance(value, list | tuple) and len(value) == 2:
        a, b = (_number(where, v, nonnegative=True) for v in value)
        if a <= 0 or b <= 0:
            raise InputError(where, "Beta shape parameters must be positive")
        return a, b
    raise InputError(where, f"must be a curve name or [a, b], got {value!r}")


def _from_toml(path: Path, data: dict[str, Any]) -> Scenario:
    name = str(data.get("name", path.stem))
    kind = str(data.get("kind", "network"))
    default_curve = _curve("curve", data.get("curve", "uniform"))
    periods = data.get("periods")
    if periods is not None:
        periods = int(_number("periods", periods, nonnegative=True, integer=True))
        if periods < 1:
            raise InputError("periods", "must be at least 1")

    probs = None
    if "topaloglu" in data:
        file = _relative(path, data["topaloglu"].get("file"), "topaloglu.file")
        network, probs = read_topaloglu(file)
        curves = None
    elif "hotel" in data:
        network, records, hotel_streams = hotel_network(data["hotel"], data.get("segments"))
        customers = [
            {
                "name": ids[0].rsplit("/", 2)[0] + "/" + ids[0].rsplit("/", 1)[1],
                "products": ids,
                "mean": mean,
                "curve": curve,
            }
            for ids, mean, curve in hotel_streams
        ]
        data = {**data, "customers": customers + list(data.get("customers", []))}
        curves = None
    elif "generator" in data:
        gen = dict(data["generator"])
        if gen.pop("type", "hub") != "hub":
            raise InputError("generator.type", 'only "hub" is supported')
        try:
            network, demand, curves = hub_network(**gen)
        except TypeError as exc:
            raise InputError("generator", str(exc)) from None
        records = [
            {"id": pid, "demand": float(d)}
            for pid, d in zip(network.product_ids, demand, strict=True)
        ]
    else:
        records = data.get("products", [])
        network = Network.from_records(data.get("resources", []), records, data.get("segments"))
        curves = None

    n = len(network.products)
    if probs is not None:
        streams = CustomerStreams.independent(probs, network.product_ids)
    else:
        streams = _streams(data, network, records, default_curve, curves, periods)
    if "choice" in data:
        streams = dataclasses.replace(streams, choice=_choice(data["choice"], network, streams))
    return Scenario(
        name=name,
        network=network,
        customers=streams,
        behaviour=_behaviour(data, network, n),
        settings=_settings(data.get("simulation", {})),
        kind=kind,
        groups=tuple(data.get("groups", [])),
        history=_history(path, data.get("history", {})),
    )


def _streams(
    data: dict[str, Any],
    network: Network,
    records: list[dict[str, Any]],
    default_curve: tuple[float, float],
    generated_curves: NDArray[np.float64] | None,
    periods: int | None,
) -> CustomerStreams:
    prices = network.prices
    sets, names, means, curves = [], [], [], []
    for i, rec in enumerate(records):
        mean = _number(f"products[{i}].demand", rec.get("demand", 0.0), nonnegative=True)
        if mean > 0:
            j = network.product_index[str(rec["id"])]
            sets.append(np.array([j]))
            names.append(str(rec["id"]))
            means.append(mean)
            if generated_curves is not None:
                curves.append(tuple(generated_curves[j]))
            else:
                curves.append(_curve(f"products[{i}].curve", rec.get("curve", default_curve)))
    for i, rec in enumerate(data.get("customers", [])):
        where = f"customers[{i}]"
        wanted = rec.get("products")
        if not isinstance(wanted, list) or not wanted:
            raise InputError(f"{where}.products", "needs a list of product ids")
        unknown = [w for w in wanted if w not in network.product_index]
        if unknown:
            raise InputError(f"{where}.products", f"unknown product id(s): {unknown[:5]}")
        idx = np.array([network.product_index[w] for w in wanted])
        sets.append(idx[np.argsort(prices[idx], kind="stable")])
        names.append(str(rec.get("name", f"customers{i}")))
        means.append(_number(f"{where}.mean", rec.get("mean"), nonnegative=True))
        curves.append(_curve(f"{where}.curve", rec.get("curve", default_curve)))
    if not sets:
        raise InputError("products", "no demand: give products a demand or add [[customers]]")
    stream_means = np.array(means, dtype=np.float64)
    shape = np.array(curves, dtype=np.float64)
    return CustomerStreams(
        choice_sets=tuple(sets),
        names=tuple(names),
        mean=stream_means,
        curves=shape,
        probs=None,
        periods=periods or auto_periods(stream_means, shape),
        n_products=len(network.products),
    )


# Defaults of the [choice] parameters: a moderately price-sensitive logit, and Frat5 2.
_CHOICE_DEFAULTS = {"price_sensitivity": 2.0, "no_purchase": 0.0, "frat5": 2.0}


def _choice(table: dict[str, Any], network: Network, streams: CustomerStreams) -> StreamChoice:
    """Build the ``[choice]`` table into a :class:`StreamChoice` over the choice sets.

    A stream's segment is its cheapest product's; ``segments`` overrides the
    scenario-wide parameters for the customers of a segment.
    """
    model = str(table.get("model", "buydown"))
    known = {s.id for s in network.segments}
    per_segment = table.get("segments", {}) or {}
    for sid in per_segment:
        if sid not in known:
            raise InputError(f"choice.segments.{sid}", f"unknown segment; known: {sorted(known)}")
    base = {
        k: _number(f"choice.{k}", table.get(k, d), nonnegative=True)
        for k, d in _CHOICE_DEFAULTS.items()
    }
    cm = streams.choice_matrix
    prices = np.where(cm >= 0, network.prices[np.maximum(cm, 0)], np.inf)
    params = {k: np.full(cm.shape[0], v) for k, v in base.items()}
    for k, cs in enumerate(streams.choice_sets):
        seg = network.products[int(cs[0])].segment
        for key, value in (per_segment.get(seg, {}) if seg is not None else {}).items():
            params[key][k] = _number(f"choice.segments.{seg}.{key}", value, nonnegative=True)
    if np.any(prices[:, 0] <= 0):
        raise InputError("choice", "choice models need positive product prices")
    return StreamChoice.build(
        model,
        prices,
        beta=params["price_sensitivity"],
        no_purchase=params["no_purchase"],
        frat5=params["frat5"],
    )


def _behaviour(data: dict[str, Any], network: Network, n: int) -> Behaviour:
    ob = data.get("overbooking", {})
    show = _number("overbooking.show_prob", ob.get("show_prob", 1.0), nonnegative=True)
    cancel = _number("overbooking.cancel_prob", ob.get("cancel_prob", 0.0), nonnegative=True)
    by_segment: dict[str | None, tuple[float, float]] = {}
    for i, s in enumerate(data.get("segments", []) or []):
        by_segment[str(s.get("id"))] = (
            _number(f"segments[{i}].show_prob", s.get("show_prob", show), nonnegative=True),
            _number(f"segments[{i}].cancel_prob", s.get("cancel_prob", cancel), nonnegative=True),
        )
    pairs = [by_segment.get(p.segment, (show, cancel)) for p in network.products]
    show_prob = np.array([s for s, _ in pairs])
    cancel_prob = np.array([c for _, c in pairs])
    if np.any(show_prob > 1) or np.any(show_prob <= 0):
        raise InputError("show_prob", "must lie in (0, 1]")
    if np.any(cancel_prob >= 1):
        raise InputError("cancel_prob", "must lie in [0, 1)")
    denied = _number("overbooking.denied_cost", ob.get("denied_cost", 0.0), nonnegative=True)
    spoil = ob.get("spoilage_cost")
    spoil = None if spoil is None else _number("overbooking.spoilage_cost", spoil, nonnegative=True)
    return Behaviour(cancel_prob, show_prob, denied, spoil)


def _settings(sim: dict[str, Any]) -> SimulationSettings:
    base = SimulationSettings()
    policies = tuple(sim.get("policies", base.policies))
    bad = [p for p in policies if p not in POLICY_NAMES]
    if bad:
        raise InputError("simulation.policies", f"unknown policy {bad[0]!r}; use {POLICY_NAMES}")
    return SimulationSettings(
        policies=policies,
        samples=int(
            _number(
                "simulation.samples",
                sim.get("samples", base.samples),
                nonnegative=True,
                integer=True,
            )
        ),
        seed=int(
            _number("simulation.seed", sim.get("seed", base.seed), nonnegative=True, integer=True)
        ),
        reoptimize=int(
            _number(
                "simulation.reoptimize",
                sim.get("reoptimize", base.reoptimize),
                nonnegative=True,
                integer=True,
            )
        ),
        horizon_days=_horizon_days(sim.get("horizon_days")),
    )


def _horizon_days(value: Any) -> float | None:
    if value is None:
        return None
    days = _number("simulation.horizon_days", value, nonnegative=True)
    if not 0 < days < 10_000:
        raise InputError(
            "simulation.horizon_days", f"must be a number of days in (0, 10000), got {value!r}"
        )
    return days


_HISTORY_FILES = ("bookings", "closures", "transactions")


def _history(base: Path, table: dict[str, Any]) -> dict[str, Any]:
    """History files (resolved next to the scenario) and the options for using them."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in _HISTORY_FILES:
            out[key] = _relative(base, value, f"history.{key}")
        elif key == "future_weight":
            out[key] = _number("history.future_weight", value, nonnegative=True)
        else:
            raise InputError(
                f"history.{key}", f"unknown key; use {_HISTORY_FILES} or future_weight"
            )
    return out


def _relative(base: Path, value: Any, where: str) -> Path:
    if not isinstance(value, str) or not value:
        raise InputError(where, "needs a file path")
    p = (base.parent / value).resolve()
    if not p.is_file():
        raise InputError(where, f"no such file: {p}")
    return p
