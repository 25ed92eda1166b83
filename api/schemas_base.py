"""Shared field types and the strict base model of the HTTP API's request bodies.

Bounds (:data:`MAX_MONEY`, :data:`MAX_UNITS`), the annotated field types (``Id``,
``Money``, ``Units``, ``Amount``, ``MethodName``) and ``_In``, the strict request base
(finite numbers, no unknown fields, a "did you mean" for a misspelt one), used by
:mod:`yieldopt_api.schemas` and its sibling modules.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

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

    @model_validator(mode="before")
    @classmethod
    def _did_you_mean(cls, data: Any) -> Any:
        # An unknown key is refused by extra="forbid" anyway ("unknown field"); one close
        # to a known field ("closd") is refused naming it, which saves a trip to /docs.
        if not isinstance(data, dict) or cls.model_config.get("extra") != "forbid":
            return data  # bodies that keep extra keys (reservation extras) are not refused
        known = _known_keys(cls)
        if data.keys() <= known:  # the common case, a set operation: no cost per key
            return data
        hints = []
        for key in data:
            if key in known:
                continue
            near = difflib.get_close_matches(str(key), sorted(known), 1, 0.5)
            if near:
                hints.append(
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "unknown_field",
                            "unknown field; did you mean '{near}'?",
                            {"near": near[0]},
                        ),
                        loc=(str(key),),
                        input=data[key],
                    )
                )
        if hints:
            raise ValidationError.from_exception_data(cls.__name__, hints)
        return data


@cache
def _known_keys(model: type[BaseModel]) -> frozenset[str]:
    """Field names and aliases a body of ``model`` may carry."""
    fields = model.model_fields
    return frozenset(fields) | {f.alias for f in fields.values() if f.alias}


# A method from the registry (yieldopt.model.Method), given as its string: lax on this
# field only, as strict mode would want an enum member and the JSON body has the string.
MethodName = Annotated[Method, Field(strict=False)]
