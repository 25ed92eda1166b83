"""The hotel (property) file: the facts about a hotel that no reservation export holds.

``HOTEL.toml`` (validated; unknown keys are errors)::

    name = "City Hotel"            # as the export's property column spells it
    currency = "EUR"               # ISO 4217 code of every rate
    capacity = 226                 # rooms to sell per night
    walk_cost = 200.0              # cost of walking one guest (a room elsewhere,
                                   # transport, goodwill), money per room-night
    group_segments = ["groups"]    # segments sold as group blocks
    description = "..."            # optional

    [room_types]                   # optional: rooms per room type, adding up to capacity
    A = 150
    D = 76
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..errors import InputError
from ..model import check_schema as parse_model

__all__ = ["Property", "load_property"]


class _PropertyModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    capacity: int = Field(gt=0)
    walk_cost: float = Field(ge=0)
    group_segments: list[str] = []
    room_types: dict[str, int] = {}

    @field_validator("walk_cost")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be finite")
        return v

    @field_validator("room_types")
    @classmethod
    def _rooms(cls, v: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        for key, rooms in v.items():
            if rooms < 0:
                raise ValueError(f"room type {key!r} has {rooms} rooms; must be >= 0")
        capacity = info.data.get("capacity")  # absent when it failed its own check
        if v and capacity is not None and sum(v.values()) != capacity:
            raise ValueError(
                f"the room types add up to {sum(v.values())} rooms, not the capacity {capacity}"
            )
        return v


@dataclass(frozen=True)
class Property:
    """A hotel: name, rooms, currency, walk cost and group segments.

    Attributes
    ----------
    name : str
        The property, as the reservations' ``property`` column names it.
    capacity : int
        Rooms to sell per night.
    currency : str
        ISO 4217 code of its rates.
    walk_cost : float
        Cost of walking one guest with a reservation (money per room-night).
    group_segments : tuple of str
        Segments sold as group blocks.
    room_types : dict of str to int
        Rooms per room type (empty when not known); adds up to ``capacity``.
    description : str
        Free text.
    """

    name: str
    capacity: int
    currency: str
    walk_cost: float
    group_segments: tuple[str, ...] = ()
    room_types: dict[str, int] = field(default_factory=dict)
    description: str = ""

    @classmethod
    def from_dict(cls, data: dict, source: str = "property") -> Property:
        """Validate a parsed property file; ``source`` names it in errors."""
        m = parse_model(_PropertyModel, data, source)
        return cls(
            name=m.name,
            capacity=m.capacity,
            currency=m.currency,
            walk_cost=m.walk_cost,
            group_segments=tuple(m.group_segments),
            room_types=dict(m.room_types),
            description=m.description,
        )


def load_property(path: str | Path) -> Property:
    """Load and validate a hotel file (``HOTEL.toml``, see the module docstring).

    Raises
    ------
    InputError
        ``path`` for a missing or non-TOML file; the key path (``capacity``,
        ``room_types``) for invalid content, with "did you mean" for unknown keys.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError("path", f"{p} is not valid TOML: {exc}") from None
    return Property.from_dict(data, str(p))
