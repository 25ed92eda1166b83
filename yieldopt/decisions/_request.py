"""What to optimize: the method, its parameters and the overbooking inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import InputError
from ..model import Method, parse_name
from ..optimize import RLP_SAMPLES

__all__ = ["FORECAST_SOURCES", "METHODS", "OptimizationRequest", "Overbooking"]

#: Where an optimization's demand comes from (:attr:`OptimizationRequest.forecast`).
FORECAST_SOURCES: tuple[str, ...] = ("stored", "history")

#: Optimizers a decision set can come from, as spelled in JSON (:class:`~yieldopt.model.Method`).
METHODS: tuple[str, ...] = tuple(m.value for m in Method)


@dataclass(frozen=True)
class Overbooking:
    """Overbooking parameters, the same for every resource.

    Attributes
    ----------
    show_prob : float
        Probability that a reservation shows up, in [0.01, 1].
    denied_cost : float
        Cost of denying a customer who shows (money).
    spoilage_cost : float
        Cost of a unit left empty (money).
    cancel_prob : float
        Probability that a reservation cancels before the day, in [0, 0.99].
    """

    show_prob: float
    denied_cost: float
    spoilage_cost: float
    cancel_prob: float = 0.0

    def __post_init__(self) -> None:
        # Below 1% shows the limits run into the billions; such inputs are mistakes.
        for name, lo, hi in (("show_prob", 0.01, 1.0), ("cancel_prob", 0.0, 0.99)):
            x = getattr(self, name)
            if not (isinstance(x, int | float) and lo <= x <= hi):
                raise InputError(f"overbooking.{name}", f"must lie in [{lo}, {hi}], got {x!r}")


@dataclass(frozen=True)
class OptimizationRequest:
    """What to optimize.

    Attributes
    ----------
    method : Method
        One of :class:`~yieldopt.model.Method` (a plain string is converted).
    overbooking : Overbooking or None
        When given, the authorized capacity of every resource is its cost-optimal
        overbooking limit; otherwise it is the physical capacity.
    samples : int
        ``rlp``: number of sampled LPs (default
        :data:`~yieldopt.optimize.RLP_SAMPLES`, as the simulator's ``rlp`` policy).
    seed : int
        ``rlp``: random seed.
    classes : int
        ``davn`` and ``emsr-b``: virtual classes per resource at most.
    forecast : {"stored", "history"} or None
        Where the demand comes from: ``"stored"`` the network's forecast
        (``PUT …/forecast``); ``"history"`` a re-forecast by the daily cycle from the
        stored reservations and the bookings made through the service (hotel
        networks, :mod:`yieldopt.decisions._cycle`). ``None`` (default): the stored
        forecast when there is one, else the history.
    as_of : str or None
        ``history``: the as-of day (ISO date); by default the last day the imported
        reservations know.
    """

    method: Method = Method.DLP
    overbooking: Overbooking | None = None
    samples: int = RLP_SAMPLES
    seed: int = 0
    classes: int = 10
    forecast: str | None = None
    as_of: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", parse_name(Method, self.method, "method"))
        if self.forecast not in (None, *FORECAST_SOURCES):
            raise InputError(
                "forecast",
                f"must be one of {', '.join(FORECAST_SOURCES)} or absent, got {self.forecast!r}",
            )
        if self.as_of is not None:
            try:
                dt.date.fromisoformat(str(self.as_of))
            except ValueError:
                raise InputError(
                    "as_of", f"must be an ISO date YYYY-MM-DD, got {self.as_of!r}"
                ) from None
        for name in ("samples", "classes"):
            if int(getattr(self, name)) < 1:
                raise InputError(name, "must be at least 1")

    def work(self, n_products: int) -> int:
        """Rough size of the run (LP columns solved), to choose between sync and background."""
        return n_products * (self.samples if self.method == Method.RLP else 1)

    def to_dict(self) -> dict[str, Any]:
        """Return the request as a JSON-ready dict."""
        out = asdict(self)
        out["method"] = self.method.value
        return out

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> OptimizationRequest:
        """Build from :meth:`to_dict` output.

        Parameters
        ----------
        body : mapping
            ``{"method", "overbooking"?, "samples"?, "seed"?, "classes"?, "forecast"?,
            "as_of"?}``.
        """
        ob = body.get("overbooking")
        known = ("method", "samples", "seed", "classes", "forecast", "as_of")
        return cls(
            overbooking=None if ob is None else Overbooking(**ob),
            **{k: body[k] for k in known if k in body},
        )
