"""Plain records the controls are computed from and decide: forecasts, decision sets, requests.

They sit in ``control`` (below the service layer and the store) so the code that computes
decision sets, the compiled controls that decide requests and the store that persists them
share one definition; the store imports them from here.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import InputError

__all__ = ["BookingRequest", "DecisionSet", "Forecast"]


def _instant(text: str) -> float:
    """Return an ISO 8601 instant as Unix seconds (naive means UTC)."""
    t = datetime.fromisoformat(text)
    return (t if t.tzinfo is not None else t.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class Forecast:
    """Expected demand still to come, per product and optionally per booking period.

    Attributes
    ----------
    demand : list of dict
        ``{"product", "mean", "std", "period"}`` records; ``period`` is ``None`` when
        the record covers the whole horizon.
    revision : int
        Incremented at every replacement (0 = never set).
    updated_at : str or None
        When it was last replaced (ISO 8601, UTC).
    """

    demand: list[dict[str, Any]]
    revision: int = 0
    updated_at: str | None = None

    def totals(self) -> tuple[dict[str, float], dict[str, float]]:
        """Mean and standard deviation of each product's demand over the whole horizon.

        Periods are summed: means add up, and so do variances (periods independent).

        Returns
        -------
        means, stds : dict of str to float
            By product id (units).
        """
        means: dict[str, float] = {}
        var: dict[str, float] = {}
        for rec in self.demand:
            p = rec["product"]
            means[p] = means.get(p, 0.0) + float(rec["mean"])
            std = rec.get("std")
            # Without a spread the Poisson one stands in.
            sd = math.sqrt(float(rec["mean"])) if std is None else float(std)
            var[p] = var.get(p, 0.0) + sd * sd
        return means, {p: math.sqrt(v) for p, v in var.items()}


@dataclass(frozen=True)
class DecisionSet:
    """A versioned, full-overlay set of controls for one network.

    Attributes
    ----------
    network : str
        Network id.
    version : int
        1, 2, … per network; a booking system applies the highest.
    method : str
        Optimizer that produced it: ``dlp``, ``rlp``, ``davn``, ``emsr-b`` or ``fcfs``.
    control : str
        Rule a request is decided by: ``"bid-price"`` (value >= bid-price total),
        ``"nested"`` (booking limits) or ``"fcfs"`` (first come, first served).
        Availability against the authorized capacity applies to all.
    created_at : str
        ISO 8601 (UTC).
    network_revision, forecast_revision : int
        Revisions of the network and forecast it was computed from.
    objective : float or None
        LP optimum over the remaining capacity (money), where the method has one.
    bid_prices : dict of str to float
        Bid price per resource id (money per unit).
    authorized : dict of str to int
        Authorized capacity per resource id (units; >= capacity when overbooking).
    booking_limits : dict of str to dict of str to int
        Nested control: per product, per resource it uses, the largest ``sold`` count of
        the resource after a sale of the product. Empty for other controls.
    allocation : dict of str to float
        DLP allocation per product id (units), where the method has one.
    los : list of dict or None
        Hotel networks (every resource id carries an ISO date): per product ``product``,
        ``arrival`` (date), ``los`` (nights), ``open``.
    min_los : list of dict or None
        Hotel networks: ``arrival`` and ``min_los`` (``None``: closed to arrival).
    params : dict
        The optimization request (method, overbooking parameters, …); a set published
        because overrides changed has ``params["source"] == "override"``.
    overrides : list of dict
        The overrides in force in this version (:class:`~yieldopt.control.Override`
        records); ``bid_prices`` and ``authorized`` already include them.
    optimized : dict or None
        ``{"bid_prices", "authorized"}`` as the optimizer left them, before overrides;
        ``None`` when no override applies.
    """

    network: str
    version: int
    method: str
    control: str
    created_at: str
    network_revision: int
    forecast_revision: int
    objective: float | None
    bid_prices: dict[str, float]
    authorized: dict[str, int]
    booking_limits: dict[str, dict[str, int]] = field(default_factory=dict)
    allocation: dict[str, float] = field(default_factory=dict)
    los: list[dict[str, Any]] | None = None
    min_los: list[dict[str, Any]] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    optimized: dict[str, Any] | None = None

    @property
    def closed(self) -> frozenset[str]:
        """Resources closed by an override in this version."""
        return frozenset(o["resource"] for o in self.overrides if o.get("closed"))

    @property
    def expires_at(self) -> str | None:
        """Earliest expiry of its overrides (ISO 8601 UTC), ``None`` when none expires."""
        times = [o["expires_at"] for o in self.overrides if o.get("expires_at")]
        return min(times, key=_instant) if times else None

    def to_dict(self) -> dict[str, Any]:
        """Return the decision set as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> DecisionSet:
        """Build from :meth:`to_dict` output (unknown keys are ignored).

        Parameters
        ----------
        body : dict
            A stored decision set.
        """
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in body.items() if k in names})


@dataclass(frozen=True)
class BookingRequest:
    """A request to evaluate or book.

    Attributes
    ----------
    product : str
        Product id.
    quantity : int
        Units (>= 1); a booking takes ``quantity`` units of each resource of the product.
    price : float or None
        Price per unit offered (money); the product's price when ``None``.
    segment : str or None
        Customer segment id; the product's segment when ``None``.
    asserted_by : str or None
        Id of the API key that sent it, recorded on the booking when the request asserts
        a price or segment (audit); not part of :meth:`fingerprint`.
    """

    product: str
    quantity: int = 1
    price: float | None = None
    segment: str | None = None
    asserted_by: str | None = None

    @property
    def asserted(self) -> tuple[str, ...]:
        """The fields the request sets instead of the product's defaults."""
        return tuple(
            name for name, v in (("price", self.price), ("segment", self.segment)) if v is not None
        )

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or int(self.quantity) != self.quantity:
            raise InputError("quantity", f"must be a whole number, got {self.quantity!r}")
        if self.quantity < 1:
            raise InputError("quantity", f"must be at least 1, got {self.quantity!r}")
        if self.price is not None and not (math.isfinite(self.price) and self.price >= 0):
            raise InputError("price", f"must be finite and non-negative, got {self.price!r}")

    def fingerprint(self) -> str:
        """SHA-256 of the request, to tell a retry from a different request with the same key."""
        fields = asdict(self)
        del fields["asserted_by"]  # who sent it is not what was asked (keeps stored hashes)
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()
