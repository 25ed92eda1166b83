"""Request and response bodies of the HTTP API's daily cycle: reservations, controls, prices.

Re-exported by :mod:`yieldopt_api.schemas`, which routers import from.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .schemas_base import MAX_MONEY, MAX_UNITS, Id, Money, _In

__all__ = [
    "ControlsOut",
    "ImportOut",
    "NightControlOut",
    "PriceQuoteIn",
    "PriceQuoteOut",
    "PriceQuoteRow",
    "QualityRow",
    "ReservationIn",
    "ReservationsIn",
]

Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO date.")]
Moment = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$",
        description="ISO date or date and time.",
    ),
]
Count = Annotated[int, Field(ge=0, le=MAX_UNITS)]


class ReservationIn(_In):
    """One reservation in the contract of ``yieldopt.ingest`` (see its module doc).

    ``departure`` or ``nights`` (or both); ``reservation_id`` identifies it (importing
    it again replaces it); ancillary revenue in ``ancillary_<name>`` fields.
    """

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)

    reservation_id: Id
    property: Id
    arrival: Day
    departure: Day | None = None
    nights: Annotated[int, Field(ge=0, le=366)] | None = None
    room_type: Id
    rate_code: Id | None = None
    segment: Id
    channel: Id | None = None
    booked_at: Moment
    status: Literal["booked", "cancelled", "no_show", "checked_out"]
    cancelled_at: Moment | None = None
    rooms: Annotated[int, Field(ge=1, le=10_000)] = 1
    rate: Money
    guests: Count = 0
    customer_id: Id | None = None
    is_repeat: bool | None = None
    consent: bool | None = None

    @model_validator(mode="after")
    def _ancillaries(self) -> ReservationIn:
        for key, value in (self.model_extra or {}).items():
            if not key.startswith("ancillary_") or key == "ancillary_":
                raise ValueError(f"unknown field {key!r} (extra fields are ancillary_<name>)")
            ok = value is None or (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and 0 <= value <= MAX_MONEY
            )
            if not ok:
                raise ValueError(f"{key} must be a finite amount >= 0 or null")
        return self


class ReservationsIn(_In):
    """A batch of reservations in the contract (JSON import)."""

    reservations: Annotated[list[ReservationIn], Field(min_length=1, max_length=100_000)]

    def records(self) -> list[dict[str, Any]]:
        """Return the reservations as contract records.

        A field no reservation gives is left out (``departure`` or ``nights``, optional
        columns); ``cancelled_at`` is always there.
        """
        dumped = [r.model_dump() for r in self.reservations]
        given = {k for rec in dumped for k, v in rec.items() if v is not None}
        given.add("cancelled_at")
        return [{k: v for k, v in rec.items() if k in given} for rec in dumped]


class QualityRow(BaseModel):
    """One check of the data-quality report of an import."""

    check: str
    rows: int
    action: str
    example: str | None
    column: str | None = None
    rule: str | None = None


class ImportOut(BaseModel):
    """What an import stored, and the data-quality report of the export."""

    network: str
    received: int = Field(description="Rows read (of the selected property).")
    imported: int
    added: int = Field(description="Reservations not stored before.")
    replaced: int = Field(description="Reservations that replaced one with the same id.")
    dropped: int = Field(description="Rows not imported, each counted in the report.")
    stored: int = Field(description="Reservations the network holds now.")
    properties: list[str]
    quality: list[QualityRow] = Field(
        description="CSV imports: every check of the report (JSON records are validated "
        "strictly instead: any finding is a 422)."
    )


class NightControlOut(BaseModel):
    """Controls of one stay night (and room type), as ``yieldopt decide``'s controls.csv."""

    night: str
    room_type: str | None = None
    capacity: int
    on_the_books: int
    forecast_remaining: float
    forecast_remaining_std: float
    forecast_occupancy: float
    bid_price: float | None
    authorized: int | None
    min_los: int | None = Field(description="None: closed to arrival.")
    closed_to_arrival: bool | None
    override: dict[str, Any] | None = Field(
        None, description="The night's override in force (an OverrideOut record), or null."
    )


class ControlsOut(BaseModel):
    """Per-night controls of a hotel network from its latest decision set."""

    network: str
    decision_version: int
    as_of: str
    horizon: int
    controls: list[NightControlOut]


# ---------------------------------------------------------------------- price quotes
class PriceQuoteIn(_In):
    """Nights (``from``/``to``, hotel networks of the daily cycle) or one product to price."""

    start: str | None = Field(
        default=None, alias="from", max_length=40, description="First night (ISO date)."
    )
    end: str | None = Field(
        default=None, alias="to", max_length=40, description="Last night (ISO date)."
    )
    product: str | None = Field(default=None, max_length=200, description="A product id.")
    ladder: (
        Annotated[str, StringConstraints(max_length=2000)]
        | Annotated[list[Money], Field(min_length=1, max_length=1000)]
    ) = Field(description='Rates allowed: "min:max:step" (e.g. "80:300:5") or a list.')
    floor: Money | None = None
    ceiling: Money | None = None

    @model_validator(mode="after")
    def _one_target(self) -> PriceQuoteIn:
        nights = self.start is not None or self.end is not None
        if nights == (self.product is not None):
            raise ValueError("give either from and to (nights) or product")
        if nights and (self.start is None or self.end is None):
            raise ValueError("from and to go together")
        return self


class PriceQuoteRow(BaseModel):
    """The recommended rate of one stay night (and room type), with the reason."""

    night: str | None = None
    room_type: str | None = None
    product: str | None = None
    recommended_rate: float
    reason: str = Field(
        description="demand, price_sensitivity, bid_price, max_step, floor or ceiling."
    )
    bid_price: float


class PriceQuoteOut(BaseModel):
    """Recommended rates per night from the latest decision set's bid prices."""

    network: str
    decision_version: int
    as_of: str
    quotes: list[PriceQuoteRow]
