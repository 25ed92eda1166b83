"""Group quotes against tonight's controls: :func:`quote_group_for`.

The displaced value of a group block on the network of a
:class:`~._controls.NightlyControls` (rooms still to sell, forecast of new bookings).
"""

from __future__ import annotations

import numpy as np

from .._table import DateLike, parse_day
from ..errors import InputError
from ..optimize import GroupQuote, group_quote
from ._controls import NightlyControls
from ._forecast import check_whole

__all__ = ["quote_group_for"]


def quote_group_for(
    controls: NightlyControls,
    arrival: DateLike,
    nights: int,
    rooms: int,
    rate: float,
    *,
    room_type: str | None = None,
    ancillary: float = 0.0,
    cost_to_serve: float = 0.0,
    ancillary_per_unit: float = 0.0,
    attrition: float = 0.0,
    commission: float = 0.0,
    shift_days: int = 3,
) -> GroupQuote:
    """Quote a group block against tonight's forecast and rooms still to sell.

    The displaced value is the drop in the optimizer's objective when the group's
    rooms are set aside (:func:`yieldopt.optimize.group_quote`), on the network of
    ``controls`` (capacity: the reservations still to sell per night; demand: the
    forecast of new bookings).

    Parameters
    ----------
    controls : NightlyControls
        Output of :func:`nightly_controls`.
    arrival : date
        The group's arrival night.
    nights : int
        Nights of the stay (>= 1); every night must lie in the horizon.
    rooms : int
        Rooms per night (>= 1).
    rate : float
        Offered rate per room-night (money).
    room_type : str, optional
        Required when the hotel has room types.
    ancillary, cost_to_serve, ancillary_per_unit, attrition, commission, shift_days
        As in :class:`yieldopt.optimize.GroupRequest` and ``group_quote``: flat
        ancillary spend of the group (money), cost per room-night used (money),
        ancillary spend per room-night used (money), the share of the block that does
        not materialize and the share of the room revenue paid as commission (both in
        [0, 1)), date shifts quoted.

    Returns
    -------
    GroupQuote

    Raises
    ------
    InputError
        ``arrival``/``nights`` outside the horizon, ``rooms``, ``room_type``.
    """
    fc = controls.forecast
    day = np.datetime64(parse_day(arrival, "arrival"), "D")
    n = check_whole("nights", nights, 1, fc.max_los * 100)
    k = check_whole("rooms", rooms, 1, 1_000_000)
    first = fc.as_of + np.timedelta64(1, "D")
    last = fc.as_of + np.timedelta64(fc.horizon, "D")
    if day < first or day + np.timedelta64(n - 1, "D") > last:
        raise InputError(
            "arrival", f"the stay {day} + {n} nights is not within the horizon {first} .. {last}"
        )
    if fc.has_room_types:
        if room_type not in fc.pools:
            raise InputError("room_type", f"must be one of {fc.pools}, got {room_type!r}")
        prefix = f"{room_type}/"
    else:
        prefix = ""
    stay = day + np.arange(n).astype("timedelta64[D]")
    units = {prefix + str(s): float(k) for s in np.datetime_as_string(stay, unit="D")}
    request = {
        "units": units,
        "rate": rate,
        "ancillary": ancillary,
        "cost_to_serve": cost_to_serve,
        "ancillary_per_unit": ancillary_per_unit,
        "attrition": attrition,
        "commission": commission,
    }
    demand = controls.demand.to_numpy()  # aligned with the network's products
    return group_quote(controls.network, demand, request, shift_days=shift_days)
