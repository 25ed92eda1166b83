"""Reservations into the booking-history contract of :mod:`yieldopt.forecast`.

The history has one row per booking and service date; a hotel sells room-nights,
so a reservation of ``nights`` nights becomes ``nights`` history rows, one per
night, each with ``quantity = rooms`` and ``price = rate``. Room-nights, revenue
(``quantity × price``), statuses and the booking and cancellation times carry over
exactly; ``booking_id`` is ``<reservation_id>/<night index>`` so every history row
leads back to its reservation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..forecast import validate_history
from ._contract import validate_reservations
from ._names import closest

__all__ = ["to_history"]

# The history knows no "checked_out": a stay that happened is a booking that held.
_HISTORY_STATUS = {"booked": "booked", "checked_out": "booked"} | {
    "cancelled": "cancelled",
    "no_show": "no_show",
}


def to_history(
    reservations: pd.DataFrame, *, product: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Expand reservations into booking history, one row per reservation and night.

    Parameters
    ----------
    reservations : DataFrame
        The reservation table (see :func:`validate_reservations`).
    product : str or sequence of str, optional
        The reservation column(s) naming the history's product, joined with ``/``
        (e.g. ``("room_type", "rate_code")`` gives ``A/BAR``). Default:
        ``room_type`` for one property, ``("property", "room_type")`` for several.

    Returns
    -------
    DataFrame
        The history contract, validated by :func:`yieldopt.forecast.validate_history`:
        ``service_date`` is each night of the stay, ``quantity`` the rooms,
        ``price`` the rate per room-night, ``status`` ``booked`` for booked and
        checked-out reservations. Zero-night (day-use) reservations hold no
        room-night and have no row; everything else has ``nights`` rows.
    """
    res = validate_reservations(reservations)
    if product is None:
        cols = ["room_type"] if res["property"].nunique() <= 1 else ["property", "room_type"]
    else:
        cols = [product] if isinstance(product, str) else list(product)
    if not cols:
        raise InputError("product", "name at least one reservation column")
    for col in cols:
        if col not in res.columns:
            raise InputError("product", f"no reservation column {col!r}{closest(col, res.columns)}")
    label = res[cols[0]].astype("str")
    for col in cols[1:]:
        label = label + "/" + res[col].astype("str")

    nights = res["nights"].to_numpy()
    idx = np.repeat(np.arange(len(res)), nights)
    # Night index within its stay: position minus the start of the stay's run.
    starts = np.cumsum(nights) - nights
    k = np.arange(len(idx)) - np.repeat(starts, nights)
    arrival = res["arrival"].to_numpy().astype("datetime64[D]")
    service = arrival[idx] + k.astype("timedelta64[D]")
    ids = res["reservation_id"].take(idx).reset_index(drop=True)
    booking_id = ids + "/" + pd.Series(k).astype("str")
    status = res["status"].map(_HISTORY_STATUS).take(idx)
    history = pd.DataFrame(
        {
            "booking_id": booking_id.array,
            "product": label.take(idx).array,
            "segment": res["segment"].take(idx).array,
            "service_date": service.astype("datetime64[s]"),
            "booked_at": res["booked_at"].to_numpy()[idx],
            "quantity": res["rooms"].to_numpy()[idx],
            "price": res["rate"].to_numpy()[idx],
            "status": status.array,
            "cancelled_at": res["cancelled_at"].to_numpy()[idx],
        }
    )
    return validate_history(history)
