"""Prices of the ``ancillary_*`` columns of a reservation export.

:class:`AncillaryRate` (what one unit of a column is worth, per stay, night,
room-night or guest-night), :data:`DEFAULT_ANCILLARY_RATES`, and the number checks
shared by :func:`~yieldopt.segments.reservation_values`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

__all__ = ["DEFAULT_ANCILLARY_RATES", "AncillaryRate"]

Basis = Literal["stay", "night", "room_night", "guest_night"]
_BASES: tuple[str, ...] = get_args(Basis)
_BASIS_WORDS = {
    "stay": "per stay",
    "night": "per night",
    "room_night": "per room-night",
    "guest_night": "per guest-night",
}


@dataclass(frozen=True)
class AncillaryRate:
    """What one unit of an ``ancillary_*`` column is worth.

    Parameters
    ----------
    amount : float
        Money per unit of the column's value (e.g. per board indicator, per parking
        space), per ``per``; finite, >= 0.
    per : {"stay", "night", "room_night", "guest_night"}
        What the amount is charged for: once per stay, per night, per room-night
        (``nights * rooms``) or per guest-night (``nights * guests``; board is sold
        per person). A day-use stay counts as one night.
    """

    amount: float
    per: Basis = "stay"

    def money(
        self,
        value: NDArray[np.float64],
        nights: NDArray[np.float64],
        rooms: NDArray[np.float64],
        guests: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        """Money of a column's values, shape (n,), given the stays' nights, rooms, guests."""
        if self.per == "night":
            value = value * nights
        elif self.per == "room_night":
            value = value * nights * rooms
        elif self.per == "guest_night":
            value = value * nights * guests
        return self.amount * value

    def describe(self) -> str:
        """Say the rate in words, e.g. ``"10 per guest-night"``."""
        return f"{self.amount:g} {_BASIS_WORDS[self.per]}"


DEFAULT_ANCILLARY_RATES: Mapping[str, AncillaryRate] = {
    "ancillary_meal": AncillaryRate(0.0, "guest_night"),
    "ancillary_parking": AncillaryRate(0.0, "night"),
}
"""Prices of the ``hotel-booking-demand`` mapping's indicator columns without
``ancillary_rates``: board (0/1) per guest-night and parking spaces (a count) per
night, both 0 because the export prices neither. Any other ``ancillary_*`` column is
money per reservation (``AncillaryRate(1.0, "stay")``)."""


def _rates(
    given: Mapping[str, AncillaryRate | float] | None, columns: Sequence[str]
) -> dict[str, AncillaryRate]:
    """Price every ancillary column present: as given, by default, or as money per stay."""
    merged: dict[str, AncillaryRate | float] = dict(DEFAULT_ANCILLARY_RATES)
    for name, rate in (given or {}).items():
        if name not in columns:
            raise InputError(
                f"ancillary_rates[{name!r}]",
                "no such ancillary column in the reservations "
                f"(present: {', '.join(columns) or 'none'})",
            )
        merged[name] = rate
    out: dict[str, AncillaryRate] = {}
    for name in columns:
        rate = merged.get(name, AncillaryRate(1.0, "stay"))
        if not isinstance(rate, AncillaryRate):
            rate = AncillaryRate(_number(f"ancillary_rates[{name!r}]", rate), "stay")
        _number(f"ancillary_rates[{name!r}].amount", rate.amount)
        if rate.per not in _BASES:
            raise InputError(
                f"ancillary_rates[{name!r}].per", f"must be one of {', '.join(_BASES)}"
            )
        out[name] = rate
    return out


def _number(field: str, value: object) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(field, f"must be a number, got {value!r}") from None
    if not np.isfinite(v) or v < 0:
        raise InputError(field, f"must be a finite number >= 0, got {value!r}")
    return v


def _positive(field: str, value: float) -> float:
    v = _number(field, value)
    if v == 0:
        raise InputError(field, f"must be > 0, got {value!r}")
    return v
