"""Request and response bodies of overrides, their audit and the what-if preview.

Re-exported by :mod:`yieldopt_api.schemas`. Requests are strict like the others: no
unknown fields (422 with a did-you-mean), finite bounded numbers.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from yieldopt.control import Override
from yieldopt.model import Method, OverrideAction

from .schemas_base import MAX_UNITS, Id, MethodName, Money, Units, _In

__all__ = [
    "AuditEntryOut",
    "AuditOut",
    "OverrideIn",
    "OverrideOut",
    "OverridesOut",
    "WhatIfChange",
    "WhatIfIn",
    "WhatIfOut",
    "WhatIfPlan",
    "WhatIfPublishIn",
    "WhatIfPublishOut",
]

Reason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]+$"),
    Field(description="Why (1–500 characters; shown in the audit)."),
]
Delta = Annotated[int, Field(ge=-MAX_UNITS, le=MAX_UNITS)]


class OverrideIn(_In):
    """A revenue manager's override of one resource: at least one of the three controls."""

    bid_price: Money | None = Field(
        None, description="Bid price instead of the optimizer's (binds under every control)."
    )
    authorized: Units | None = Field(
        None, description="Authorized capacity (units); below sold it shows a deficit."
    )
    closed: bool | None = Field(None, description="true: nothing using the resource is sold.")
    reason: Reason
    expires_at: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None,
        description="When it stops applying, in the future: ISO datetime with offset or Z "
        "(naive means UTC) or a date (00:00 UTC). Until removed when omitted.",
    )


class OverrideOut(BaseModel):
    """An override in force."""

    network: str
    resource: str
    bid_price: float | None
    authorized: int | None
    closed: bool | None
    reason: str
    expires_at: str | None
    set_by: str = Field(description="Name of the API key that set it (never the key).")
    set_at: str
    decision_version: int = Field(description="The decision version it is (first) part of.")

    @classmethod
    def of(cls, network_id: str, o: Override, version: int) -> OverrideOut:
        """From the store's record."""
        return cls(network=network_id, decision_version=version, **o.to_dict())


class OverridesOut(BaseModel):
    """The overrides in force, in network order."""

    network: str
    decision_version: int
    overrides: list[OverrideOut]


class AuditEntryOut(BaseModel):
    """One change of an override."""

    id: int
    network: str
    resource: str
    at: str
    who: str = Field(description="The API key's name, or system for an expiry.")
    action: OverrideAction
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    decision_version: int


class AuditOut(BaseModel):
    """The audit of a network's overrides, newest first."""

    network: str
    entries: list[AuditEntryOut]


class WhatIfIn(_In):
    """A what-if: more authorized capacity and/or changed product prices."""

    overbook: Delta | Annotated[dict[Id, Delta], Field(max_length=20_000)] = Field(
        0, description="Units added to authorized: on every resource, or {resource: units}."
    )
    prices: Annotated[dict[Id, Money], Field(max_length=50_000)] = Field(
        default_factory=dict, description="New prices by product id."
    )
    method: MethodName | None = Field(
        None, description="Optimizer; the latest decision set's by default."
    )

    def args(self) -> dict[str, Any]:
        """Return the keyword arguments of ``preview_what_if``."""
        return {
            "overbook": self.overbook,
            "prices": dict(self.prices),
            "method": None if self.method is None else Method(self.method).value,
        }


class WhatIfPublishIn(WhatIfIn):
    """A what-if to publish, with why."""

    reason: Reason


class WhatIfPlan(BaseModel):
    """Objective and effective controls of one decision set."""

    objective: float | None
    bid_prices: dict[str, float]
    authorized: dict[str, int]


class WhatIfChange(BaseModel):
    """A resource whose bid price or authorized capacity changes."""

    resource: str
    bid_price_before: float
    bid_price_after: float
    authorized_before: int | None
    authorized_after: int | None


class WhatIfOut(BaseModel):
    """The decision set now and with the change (nothing published)."""

    method: Method
    current: WhatIfPlan
    preview: WhatIfPlan
    changes: list[WhatIfChange]


class WhatIfPublishOut(BaseModel):
    """A published what-if: the overrides set and the version published last."""

    network: str
    decision_version: int
    overrides: list[OverrideOut]
    preview: WhatIfOut
