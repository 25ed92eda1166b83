"""Shared field types and the strict base model of the HTTP API's request bodies.

Bounds (:data:`MAX_MONEY`, :data:`MAX_UNITS`), the annotated field types (``Id``,
``Money``, ``Units``, ``Amount``, ``MethodName``) and ``_In``, the strict request base
(finite numbers, no unknown fields), used by :mod:`yieldopt_api.schemas` and its
sibling modules.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from yieldopt.model import Method

__all__ = ["MAX_MONEY", "MAX_UNITS", "Amount", "Id", "MethodName", "Money", "Units"]

MAX_MONEY = 1e12
MAX_UNITS = 1_000_000_000

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Field(description="Identifier: 1–200 characters, no control characters."),
]
Money = Annotated[float, Field(ge=0, le=MAX_MONEY, description="Money, finite and >= 0.")]
Units = Annotated[int, Field(ge=0, le=MAX_UNITS, description="Whole units, >= 0.")]
Amount = Annotated[float, Field(ge=0, le=MAX_UNITS, description="Units, finite and >= 0.")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


# A method from the registry (yieldopt.model.Method), given as its string: lax on this
# field only, as strict mode would want an enum member and the JSON body has the string.
MethodName = Annotated[Method, Field(strict=False)]
