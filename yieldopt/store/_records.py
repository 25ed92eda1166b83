"""Plain records the store reads and writes: bookings, inventory, optimization runs.

Forecasts, decision sets, overrides and booking requests are records of the controls
(:mod:`yieldopt.control`); they are re-exported here for the store's callers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ..control import BookingRequest, DecisionSet, Forecast, Override
from ..model import BookingStatus, OverrideAction, Reason

__all__ = [
    "Booking",
    "BookingRequest",
    "DecisionSet",
    "Forecast",
    "InventoryRow",
    "OptimizationRun",
    "Override",
    "OverrideAudit",
    "utc_now",
]


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Booking:
    """A booking, or a rejected request kept to replay its idempotency key.

    Attributes
    ----------
    id : str or None
        Booking id (32 hex characters); ``None`` for a rejection that was not stored.
    network : str
        Network id.
    product : str
        Product id.
    resources : list of str
        Resources it took one unit each of, per unit of quantity.
    quantity : int
        Units booked.
    price : float
        Price per unit (money).
    value : float
        Value of the whole booking: quantity × (price + segment adjustment) (money).
    bid_price_total : float
        quantity × the bid prices of its resources when decided (money).
    segment : str or None
        Segment id the value was computed for.
    status : BookingStatus
        ``"confirmed"``, ``"cancelled"`` or ``"rejected"``.
    reason : Reason
        ``"accepted"``, or why it was rejected: ``"bid_price"``, ``"booking_limit"``,
        ``"unavailable"``.
    decision_version : int
        Version of the decision set it was decided by (0: none published yet).
    idempotency_key : str or None
        The client's ``Idempotency-Key``.
    created_at : str
        ISO 8601 (UTC).
    cancelled_at : str or None
        ISO 8601 (UTC) once cancelled.
    asserted : tuple of str
        Fields the client asserted instead of the product's defaults (``"price"``,
        ``"segment"``).
    asserted_by : str or None
        Id of the API key that asserted them.
    """

    id: str | None
    network: str
    product: str
    resources: list[str]
    quantity: int
    price: float
    value: float
    bid_price_total: float
    segment: str | None
    status: BookingStatus
    reason: Reason
    decision_version: int
    idempotency_key: str | None
    created_at: str
    cancelled_at: str | None = None
    asserted: tuple[str, ...] = ()
    asserted_by: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the request was accepted (the booking may since have been cancelled)."""
        return self.status != BookingStatus.REJECTED

    @property
    def margin(self) -> float:
        """Value less the bid-price total (money)."""
        return self.value - self.bid_price_total


@dataclass(frozen=True)
class InventoryRow:
    """Capacity counts of one resource.

    Attributes
    ----------
    resource : str
        Resource id.
    capacity : int
        Physical capacity (units).
    authorized : int
        Units that may be sold (capacity plus overbooking).
    sold : int
        Units held by confirmed bookings.
    """

    resource: str
    capacity: int
    authorized: int
    sold: int

    @property
    def available(self) -> int:
        """Units that can still be sold, ``authorized − sold``.

        Negative when more is sold than authorized (a publish withdrew overbooking on an
        oversold resource): the deficit, shown rather than hidden behind 0.
        """
        return self.authorized - self.sold


@dataclass(frozen=True)
class OptimizationRun:
    """An optimization run and its outcome.

    Attributes
    ----------
    id : str
        Run id (32 hex characters).
    network : str
        Network id.
    status : str
        ``"queued"``, ``"running"``, ``"succeeded"`` or ``"failed"``.
    method : str
        Optimizer.
    params : dict
        The optimization request.
    decision_version : int or None
        Version of the decision set it published, once succeeded.
    error : str or None
        Why it failed.
    created_at, finished_at : str or None
        ISO 8601 (UTC).
    """

    id: str
    network: str
    status: str
    method: str
    params: dict[str, Any]
    decision_version: int | None
    error: str | None
    created_at: str
    finished_at: str | None


@dataclass(frozen=True)
class OverrideAudit:
    """One change of an override, as the audit keeps it.

    Attributes
    ----------
    id : int
        Entry id (increasing).
    network, resource : str
        Where.
    at : str
        When (ISO 8601, UTC).
    who : str
        Name of the API key that made the change (never the key), or ``"system"`` for
        an expiry.
    action : OverrideAction
        ``"set"``, ``"remove"`` or ``"expire"``.
    old, new : dict or None
        The override before and after (:meth:`Override.to_dict`); ``None`` when there
        was none / is none.
    reason : str or None
        Why (the override's reason, or the one given when removing it).
    decision_version : int
        The decision version published with the change.
    """

    id: int
    network: str
    resource: str
    at: str
    who: str
    action: OverrideAction
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    decision_version: int

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict."""
        out = asdict(self)
        out["action"] = str(self.action)
        return out
