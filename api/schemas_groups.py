"""Request and response bodies of group quotes (``POST /v1/networks/{id}/group-quotes``).

Re-exported by :mod:`yieldopt_api.schemas`. A group's terms mirror
:class:`yieldopt.optimize.GroupRequest`: flat and per-unit ancillary spend, cost to serve,
attrition and commission.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from yieldopt.model import QuoteDecision

from .schemas_base import Amount, Id, Money, _In

__all__ = ["GroupQuoteIn", "GroupQuoteOut", "GroupUnitIn", "Share"]


class GroupUnitIn(_In):
    """Units of one resource."""

    resource: Id
    units: Amount


UnitsByResource = Annotated[
    dict[Id, Amount] | Annotated[list[GroupUnitIn], Field(max_length=1_000)],
    Field(description='{resource: units} or [{"resource", "units"}].'),
]


# A share of a block or of revenue: 0 <= x < 1 (0.1 for 10%).
Share = Annotated[float, Field(ge=0, lt=1, description="A share, 0 <= x < 1 (0.1 for 10%).")]


class GroupQuoteIn(_In):
    """A group asking for a block of units over several resources, with its terms.

    The group's value is ``(1 − attrition) · units · (rate · (1 − commission) +
    ancillary_per_unit − cost_to_serve) + ancillary``; the whole block is held (see
    ``yieldopt.optimize.GroupRequest``).
    """

    units: UnitsByResource
    rate: Money = Field(description="Price per unit and resource.")
    ancillary: Money = Field(0.0, description="Flat ancillary spend of the whole group.")
    ancillary_per_unit: Money = Field(0.0, description="Ancillary spend per unit used.")
    cost_to_serve: Money = Field(0.0, description="Variable cost per unit used.")
    attrition: Share = Field(0.0, description="Share of the block that does not materialize.")
    commission: Share = Field(0.0, description="Share of the room revenue paid as commission.")
    alternatives: Annotated[list[UnitsByResource], Field(max_length=20)] = []  # noqa: RUF012 (a pydantic field)
    shift_days: Annotated[int, Field(ge=0, le=7)] = 3

    def record(self) -> dict[str, Any]:
        """Return the record ``GroupRequest.from_record`` takes."""

        def plain(u: Any) -> Any:
            return [x.model_dump() for x in u] if isinstance(u, list) else u

        return {
            "units": plain(self.units),
            "rate": self.rate,
            "ancillary": self.ancillary,
            "ancillary_per_unit": self.ancillary_per_unit,
            "cost_to_serve": self.cost_to_serve,
            "attrition": self.attrition,
            "commission": self.commission,
            "alternatives": [plain(a) for a in self.alternatives],
        }


class GroupQuoteOut(BaseModel):
    """The displacement quote of a group (money; ``None`` where it does not fit)."""

    decision: QuoteDecision
    accept: bool
    fits: bool
    displaced_value: float | None
    group_value: float | None
    break_even_rate: float | None
    margin: float | None
    bid_price_displacement: float | None
    total_units: float = Field(description="Units held, summed over resources.")
    expected_units: float = Field(description="Units expected to materialize (after attrition).")
    reason: str
    bid_prices: dict[str, float]
    alternatives: list[dict[str, Any]]
