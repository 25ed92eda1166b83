"""A hotel without a hotel file: its facts taken from its own reservations.

``yieldopt decide --capacity N`` (no ``HOTEL.toml``) and a first look at an export
need a :class:`~yieldopt.ingest.Property` all the same. :func:`property_from_reservations`
builds one, stating each choice:

* **capacity**: as given, else the fullest night observed: the most rooms of
  checked-out stays on one night (the shipped hotel files chose their 226 and 187
  rooms this way). A hotel rarely sells out every room, so this is a lower bound;
* **walk cost**: as given, else two nights at the median rate of the stays (a
  comparable room elsewhere, transport and goodwill), as the shipped hotel files;
* **currency**: as given, else ``XXX`` (ISO 4217 for "no currency": the export
  does not say).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..ingest import Property, validate_reservations

__all__ = ["fullest_night", "property_from_reservations"]

_WALK_NIGHTS = 2.0


def fullest_night(reservations: pd.DataFrame) -> int:
    """Return the most rooms of checked-out stays on one night (0 without stays).

    Parameters
    ----------
    reservations : DataFrame
        The reservation table of one property.
    """
    res = validate_reservations(reservations)
    stays = res[(res["status"] == "checked_out").to_numpy() & (res["nights"].to_numpy() > 0)]
    if len(stays) == 0:
        return 0
    nights = stays["nights"].to_numpy(dtype=np.int64)
    arrival = stays["arrival"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first = int(arrival.min())
    idx = np.repeat(np.arange(len(stays)), nights)
    k = np.arange(idx.size) - np.repeat(np.cumsum(nights) - nights, nights)
    day = arrival[idx] - first + k
    rooms = np.bincount(day, stays["rooms"].to_numpy(dtype=np.float64)[idx])
    return round(float(rooms.max()))


def property_from_reservations(
    reservations: pd.DataFrame,
    *,
    capacity: int | None = None,
    name: str | None = None,
    currency: str = "XXX",
    walk_cost: float | None = None,
) -> Property:
    """Build the hotel of a one-property reservation table (choices in the module doc).

    Parameters
    ----------
    reservations : DataFrame
        The reservation table; it must hold one property (select it at import).
    capacity : int, optional
        Rooms per night (>= 1); default: the fullest night observed.
    name : str, optional
        Default: the reservations' property.
    currency : str
        ISO 4217 code of the rates.
    walk_cost : float, optional
        Cost of walking a guest (money per room-night); default: two nights at the
        median rate of the stays.

    Returns
    -------
    Property

    Raises
    ------
    InputError
        ``property`` with several properties; ``capacity`` when not a whole number
        >= 1, or when the data show no stay to take it from.
    """
    res = validate_reservations(reservations)
    names = sorted(map(str, pd.unique(res["property"])))
    if len(names) > 1:
        raise InputError(
            "property", f"the export holds {len(names)} properties ({', '.join(names)}); name one"
        )
    if capacity is None:
        capacity = fullest_night(res)
        if capacity < 1:
            raise InputError("capacity", "no checked-out stay to take the capacity from; give it")
    elif isinstance(capacity, bool) or int(capacity) != capacity or capacity < 1:
        raise InputError("capacity", f"must be a whole number of rooms >= 1, got {capacity!r}")
    if walk_cost is None:
        stayed = res[(res["status"] == "checked_out").to_numpy()]["rate"]
        median = float(stayed.median()) if len(stayed) else 0.0
        walk_cost = _WALK_NIGHTS * (median if np.isfinite(median) else 0.0)
    return Property.from_dict(
        {
            "name": name or names[0],
            "capacity": int(capacity),
            "currency": currency,
            "walk_cost": float(walk_cost),
        },
        source="property",
    )
