"""Request and response bodies of the HTTP API.

Requests mirror the Python records and are validated strictly: finite, non-negative,
bounded numbers; ids without control characters; no unknown fields.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from yieldopt.control import BookingRequest, Decision, DecisionSet
from yieldopt.decisions import OptimizationRequest, Overbooking
from yieldopt.model import BookingStatus, ControlKind, Method, Reason, RunStatus
from yieldopt.optimize import RLP_SAMPLES
from yieldopt.store import Booking, InventoryRow, OptimizationRun

from .schemas_base import MAX_MONEY, MAX_UNITS, Amount, Id, MethodName, Money, Units, _In
from .schemas_cycle import (
    ControlsOut,
    ImportOut,
    NightControlOut,
    PriceQuoteIn,
    PriceQuoteOut,
    PriceQuoteRow,
    QualityRow,
    ReservationIn,
    ReservationsIn,
)
from .schemas_groups import GroupQuoteIn, GroupQuoteOut
from .schemas_overrides import (
    AuditEntryOut,
    AuditOut,
    OverrideIn,
    OverrideOut,
    OverridesOut,
    WhatIfIn,
    WhatIfOut,
    WhatIfPublishIn,
    WhatIfPublishOut,
)

__all__ = [
    "MAX_MONEY",
    "MAX_UNITS",
    "AuditEntryOut",
    "AuditOut",
    "BookingIn",
    "BookingList",
    "BookingOut",
    "ControlsOut",
    "DecisionsOut",
    "EvaluationOut",
    "ForecastIn",
    "ForecastOut",
    "GroupQuoteIn",
    "GroupQuoteOut",
    "Health",
    "ImportOut",
    "InventoryOut",
    "NetworkIn",
    "NetworkOut",
    "NightControlOut",
    "OptimizationIn",
    "OptimizationOut",
    "OverrideIn",
    "OverrideOut",
    "OverridesOut",
    "PriceQuoteIn",
    "PriceQuoteOut",
    "PriceQuoteRow",
    "Problem",
    "QualityRow",
    "RequestIn",
    "ReservationIn",
    "ReservationsIn",
    "WhatIfIn",
    "WhatIfOut",
    "WhatIfPublishIn",
    "WhatIfPublishOut",
]


# ---------------------------------------------------------------------- networks
class ResourceIn(_In):
    """One pool of perishable capacity (a room type on one night, a flight leg)."""

    id: Id
    capacity: Units


class ProductIn(_In):
    """What is sold: one unit of each listed resource per unit sold."""

    id: Id
    resources: Annotated[list[Id], Field(min_length=1, max_length=366)]
    price: Money
    segment: Id | None = None


class SegmentIn(_In):
    """A customer segment's value adjustments per unit (money)."""

    id: Id
    ancillary: Money = 0.0
    cost_to_serve: Money = 0.0
    future_value: Money = 0.0


class NetworkIn(_In):
    """Resources, products and segments, as ``Network.from_records`` takes them."""

    resources: Annotated[list[ResourceIn], Field(min_length=1, max_length=20_000)]
    products: Annotated[list[ProductIn], Field(max_length=50_000)] = []  # noqa: RUF012 (a pydantic field: _In is a BaseModel)
    segments: Annotated[list[SegmentIn], Field(max_length=1_000)] = []  # noqa: RUF012 (a pydantic field)


class NetworkOut(BaseModel):
    """A stored network."""

    id: str
    revision: int
    resources: list[dict[str, Any]]
    products: list[dict[str, Any]]
    segments: list[dict[str, Any]]


# ---------------------------------------------------------------------- forecasts
class DemandIn(_In):
    """Expected demand still to come for one product (and booking period, if given)."""

    product: Id
    mean: Amount
    std: Amount | None = Field(None, description="Spread; Poisson (sqrt(mean)) when omitted.")
    period: Annotated[int, Field(ge=0, le=100_000)] | None = None


class ForecastIn(_In):
    """A network's forecast, replaced as a whole."""

    demand: Annotated[list[DemandIn], Field(max_length=200_000)]


class ForecastOut(BaseModel):
    """A stored forecast."""

    network: str
    revision: int
    updated_at: str | None
    demand: list[dict[str, Any]]


# ---------------------------------------------------------------------- optimizations
class OverbookingIn(_In):
    """Overbooking parameters: authorized capacity becomes the cost-optimal limit."""

    show_prob: Annotated[float, Field(ge=0.01, le=1)]
    denied_cost: Money
    spoilage_cost: Money
    cancel_prob: Annotated[float, Field(ge=0, le=0.99)] = 0.0


class OptimizationIn(_In):
    """An optimization run."""

    method: MethodName = Method.DLP
    overbooking: OverbookingIn | None = None
    samples: Annotated[int, Field(ge=1, le=1_000, description="rlp: sampled LPs.")] = RLP_SAMPLES
    seed: Annotated[int, Field(ge=0, le=2**32 - 1, description="rlp: random seed.")] = 0
    classes: Annotated[int, Field(ge=1, le=100, description="davn: virtual classes.")] = 10
    background: bool | None = Field(
        None, description="Run in the background (202); by default only large runs do."
    )
    forecast: Literal["stored", "history"] | None = Field(
        None,
        description="Demand from the stored forecast, or re-forecast by the daily cycle from "
        "the imported reservations and the service's bookings (hotel networks); by default "
        "the stored forecast when there is one, else the history.",
    )
    as_of: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        None,
        description="history: the as-of day (ISO date); by default the last day the "
        "imported reservations know.",
    )

    def to_request(self) -> OptimizationRequest:
        """Return the store's request."""
        ob = None if self.overbooking is None else Overbooking(**self.overbooking.model_dump())
        return OptimizationRequest(
            method=self.method,
            overbooking=ob,
            samples=self.samples,
            seed=self.seed,
            classes=self.classes,
            forecast=self.forecast,
            as_of=self.as_of,
        )


class DecisionsOut(BaseModel):
    """A versioned, full-overlay decision set (see ``yieldopt.control.DecisionSet``)."""

    network: str
    version: int
    method: Method
    control: ControlKind
    created_at: str
    network_revision: int
    forecast_revision: int
    objective: float | None
    bid_prices: dict[str, float]
    authorized: dict[str, int]
    booking_limits: dict[str, dict[str, int]]
    allocation: dict[str, float]
    los: list[dict[str, Any]] | None
    min_los: list[dict[str, Any]] | None
    params: dict[str, Any]
    overrides: list[dict[str, Any]] = Field(
        [], description="Overrides in force in this version (bid_prices/authorized include them)."
    )
    optimized: dict[str, Any] | None = Field(
        None,
        description='{"bid_prices", "authorized"} as the optimizer left them, before '
        "overrides; null when no override applies.",
    )

    @classmethod
    def of(cls, ds: DecisionSet) -> DecisionsOut:
        """From the store's record."""
        return cls(**ds.to_dict())


class RunOut(BaseModel):
    """An optimization run."""

    id: str
    network: str
    status: RunStatus
    method: Method
    params: dict[str, Any]
    decision_version: int | None
    error: str | None
    created_at: str
    finished_at: str | None

    @classmethod
    def of(cls, run: OptimizationRun) -> RunOut:
        """From the store's record."""
        return cls(**run.__dict__)


class OptimizationOut(BaseModel):
    """A run and, once it succeeded, the decision set it published."""

    run: RunOut
    decisions: DecisionsOut | None = None


# ---------------------------------------------------------------------- requests and bookings
class RequestIn(_In):
    """A request to evaluate or book."""

    product: Id
    quantity: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    price: Money | None = Field(None, description="Price per unit; the product's by default.")
    segment: Id | None = Field(None, description="Customer segment; the product's by default.")

    def to_request(self) -> BookingRequest:
        """Return the store's request."""
        return BookingRequest(self.product, self.quantity, self.price, self.segment)


BookingIn = RequestIn


class EvaluationOut(BaseModel):
    """Accept or reject by the current controls (nothing is written)."""

    accepted: bool
    reason: Reason
    decision_version: int
    product: str
    quantity: int
    price: float
    segment: str | None
    value: float = Field(description="quantity × (price + segment adjustment).")
    bid_price_total: float = Field(description="quantity × Σ bid prices of its resources.")
    margin: float = Field(description="value − bid_price_total.")

    @classmethod
    def of(cls, d: Decision) -> EvaluationOut:
        """From the store's decision."""
        return cls(**cls.fields_of(d))

    @staticmethod
    def fields_of(d: Decision) -> dict[str, Any]:
        """Return the response fields of a decision as plain values (for a fast JSON dump)."""
        a = d.assessment
        return {
            "accepted": d.accepted,
            "reason": d.reason,
            "decision_version": d.decision_version,
            "product": a.product,
            "quantity": a.quantity,
            "price": a.price,
            "segment": a.segment,
            "value": a.value,
            "bid_price_total": a.bid_price_total,
            "margin": a.margin,
        }


class BookingOut(BaseModel):
    """A booking, or the rejection of a booking request."""

    accepted: bool
    booking_id: str | None = Field(description="Set when accepted.")
    status: BookingStatus
    reason: Reason
    decision_version: int
    product: str
    quantity: int
    price: float
    segment: str | None
    value: float
    bid_price_total: float
    margin: float
    resources: list[str]
    idempotency_key: str | None
    created_at: str
    cancelled_at: str | None
    asserted: list[str] = Field(
        [], description="Fields the client asserted instead of the product's: price, segment."
    )
    asserted_by: str | None = Field(None, description="Key id of the API key that asserted them.")

    @classmethod
    def of(cls, b: Booking) -> BookingOut:
        """From the store's record."""
        return cls(
            accepted=b.accepted,
            booking_id=b.id if b.accepted else None,
            status=b.status,
            reason=b.reason,
            decision_version=b.decision_version,
            product=b.product,
            quantity=b.quantity,
            price=b.price,
            segment=b.segment,
            value=b.value,
            bid_price_total=b.bid_price_total,
            margin=b.margin,
            resources=b.resources,
            idempotency_key=b.idempotency_key,
            created_at=b.created_at,
            cancelled_at=b.cancelled_at,
            asserted=list(b.asserted),
            asserted_by=b.asserted_by,
        )


class BookingList(BaseModel):
    """A page of bookings."""

    bookings: list[BookingOut]
    total: int
    limit: int
    offset: int


class InventoryOut(BaseModel):
    """Counts of one resource (units)."""

    resource: str
    capacity: int
    authorized: int
    sold: int
    available: int = Field(
        description="authorized − sold; negative when more is sold than authorized (a deficit)."
    )

    @classmethod
    def of(cls, r: InventoryRow) -> InventoryOut:
        """From the store's record."""
        return cls(
            resource=r.resource,
            capacity=r.capacity,
            authorized=r.authorized,
            sold=r.sold,
            available=r.available,
        )


# ---------------------------------------------------------------------- misc
class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = Field(None, description="First offending field (input errors).")
    errors: list[dict[str, str]] | None = Field(
        None, description='Every offending field: [{"field", "message"}].'
    )


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"]
    version: str
