"""The service joins the daily cycle: stored reservations in, per-night controls out.

The orchestration behind three HTTP operations, against any store with the methods
of :class:`CycleStore` (:class:`yieldopt.store.Store` is one):

- :func:`import_reservations`: a reservation export (CSV through a column mapping, or
  records in the reservation contract) is read by :mod:`yieldopt.ingest` with its
  data-quality report and stored, one row per ``reservation_id`` (re-import replaces);
- :func:`cycle_decisions`: for a *hotel network* (every resource id is a night:
  ``YYYY-MM-DD``, ``<prefix>/YYYY-MM-DD``, e.g. ``night/2026-12-04`` as
  :func:`yieldopt.model.hotel_network` names them, or ``<room type>/YYYY-MM-DD`` with
  several prefixes, one per room type), the cycle re-forecasts from the stored
  reservations and the bookings made through the service
  (:func:`yieldopt.cycle.nightly_controls`) and lays its controls out as a decision set;
- :func:`night_controls`: the per-night controls (the columns of ``yieldopt decide``'s
  ``controls.csv``) of the latest such decision set, with the on-the-books and the
  forecast recomputed on what is stored now.

Choices, stated once:

* **as-of day**: the request's ``as_of``, by default the last day the imported
  reservations know (their latest booking or cancellation): the export's own date,
  which a daily import keeps current. The nights are ``as_of + 1`` up to the
  network's last night (at most :data:`yieldopt.cycle.MAX_HORIZON`).
* **bookings made through the service** are on the books: each confirmed one is a
  reservation of ``quantity`` rooms over its nights (booked on its day, or on the
  as-of day when that is earlier: the service's bookings are the current state of
  the inventory, whatever the clocks say); a cancelled one counts as cancelled.
* **capacity** of a pool (the hotel, or one room type) is the largest capacity of its
  night resources; **overbooking**: without ``overbooking`` the authorized capacity is
  the rooms (``max_overbooking`` 0); with it, the walk cost is its ``denied_cost`` and
  the show and cancellation rates are learnt from the reservations (its
  ``show_prob`` and ``cancel_prob`` are not used), capped at 25 % above the rooms.
* the decision set's **authorized** capacity of a night is what the service itself
  may sell: the cycle's authorized reservations less those of the imported export on
  the books (the inventory's ``sold`` counts only the service's bookings). Nights
  outside the horizon keep bid price 0 and their capacity.
* **segments**: the network's segment records value the stays (CRM adjustments).
* networks whose resources are not nights have no re-forecast from history: they
  need a stored forecast (``PUT …/forecast``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cycle import CONTROL_COLUMNS, MAX_HORIZON, forecast_nights, nightly_controls
from ..errors import ConflictError, InputError
from ..ingest import (
    Property,
)
from ..model import BookingStatus, Method, Network
from ._build import _los
from ._nights import _ALL, _SERVICE, CycleStore, NightLayout, _require_layout, night_layout
from ._request import OptimizationRequest
from ._reservations import MAX_CSV_BYTES, import_reservations, inflate

__all__ = [
    "CONTROLS_COLUMNS",
    "MAX_CONTROL_NIGHTS",
    "MAX_CSV_BYTES",
    "CycleStore",
    "NightLayout",
    "cycle_decisions",
    "cycle_reservations",
    "import_reservations",
    "inflate",
    "night_controls",
    "night_layout",
]

#: Columns of :func:`night_controls` (``room_type`` after ``night`` with room types): the
#: cycle's, so the API and ``yieldopt decide`` write the same table.
CONTROLS_COLUMNS = CONTROL_COLUMNS
#: Most nights :func:`night_controls` returns at once.
MAX_CONTROL_NIGHTS = 365
#: Overbooking cap above the rooms (a share) when ``overbooking`` is asked for.
MAX_OVERBOOKING = 0.25


# ---------------------------------------------------------------------- the cycle
def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _default_as_of(stored: Sequence[Mapping[str, Any]]) -> dt.date:
    days = [_day(r["booked_at"]) for r in stored]
    days += [_day(r["cancelled_at"]) for r in stored if r.get("cancelled_at")]
    return max(days)


def _property_name(stored: Sequence[Mapping[str, Any]]) -> str:
    names = sorted({str(r["property"]) for r in stored})
    if len(names) > 1:
        raise InputError(
            "reservations",
            f"the network holds reservations of several properties ({', '.join(names[:5])}); "
            "import one property per network (?property=)",
        )
    return names[0]


def _service_rows(
    network: Network,
    layout: NightLayout,
    bookings: Sequence[Any],
    name: str,
    as_of: dt.date,
) -> list[dict[str, Any]]:
    """Return the service's bookings as reservation records (module doc)."""
    where = {rid: i for i, rid in enumerate(network.resource_ids)}
    products = {p.id: p for p in network.products}
    rows = []
    for b in bookings:
        idx = [where[r] for r in b.resources if r in where]
        if not idx:
            continue
        nights = [layout.nights[i] for i in idx]
        arrival, last = min(nights), max(nights)
        n = (last - arrival).days + 1
        booked = min(_day(b.created_at), as_of, arrival)
        cancelled = None
        if b.status == BookingStatus.CANCELLED:
            cancelled = max(min(_day(b.cancelled_at or b.created_at), as_of), booked)
        product = products.get(b.product)
        segment = b.segment or (product.segment if product else None) or _SERVICE
        rows.append(
            {
                "reservation_id": f"service-{b.id}",
                "property": name,
                "arrival": arrival.isoformat(),
                "departure": (arrival + dt.timedelta(days=n)).isoformat(),
                "nights": n,
                "room_type": layout.pool[idx[0]] if layout.split else _SERVICE,
                "segment": segment,
                "booked_at": booked.isoformat(),
                "status": "cancelled" if cancelled else "booked",
                "cancelled_at": cancelled.isoformat() if cancelled else None,
                "rooms": int(b.quantity),
                "rate": float(b.price) / n,
                "guests": int(b.quantity),
            }
        )
    return rows


@dataclass(frozen=True)
class _Cycle:
    layout: NightLayout
    frame: pd.DataFrame
    hotel: Property
    as_of: dt.date
    horizon: int


def _cycle(inputs: Any, network_id: str, as_of: dt.date | None, walk_cost: float) -> _Cycle:
    stored = inputs.reservations
    if not stored:
        raise ConflictError(
            f"network {network_id!r} has no forecast and no reservations: PUT …/forecast, "
            "or POST …/reservations (an export) and optimize from that history",
            ["forecast"],
        )
    layout = _require_layout(inputs.network, network_id)
    name = _property_name(stored)
    day = as_of or _default_as_of(stored)
    horizon = min((layout.last - day).days, MAX_HORIZON)
    if horizon < 1:
        raise InputError(
            "as_of", f"{day} is on or after the network's last night {layout.last}; no night ahead"
        )
    rows = list(stored) + _service_rows(inputs.network, layout, inputs.bookings, name, day)
    frame = pd.DataFrame(rows)
    hotel = Property(
        name=name,
        capacity=sum(layout.capacity.values()),
        currency="XXX",
        walk_cost=float(walk_cost),
        room_types=dict(layout.capacity) if layout.split else {},
    )
    return _Cycle(layout, frame, hotel, day, horizon)


def _parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("as_of", f"must be an ISO date YYYY-MM-DD, got {value!r}") from None


def cycle_decisions(inputs: Any, request: OptimizationRequest) -> dict[str, Any]:
    """Re-forecast a hotel network from its reservations and compute its decision set body.

    Parameters
    ----------
    inputs : CycleInputs
        From ``store.cycle_inputs`` (network, inventory, reservations, bookings).
    request : OptimizationRequest
        ``method`` ``dlp`` or ``rlp``; ``as_of``; ``overbooking`` (module doc).

    Returns
    -------
    dict
        The body of a decision set, as :func:`compute_decisions` returns it;
        ``params["cycle"]`` holds the as-of day, horizon, hotel and the per-night
        controls (``night``, ``room_type``?, ``bid_price``, ``authorized``,
        ``min_los``, ``closed_to_arrival``) that :func:`night_controls` reads.

    Raises
    ------
    ConflictError
        No reservations, or not a hotel network.
    InputError
        ``method`` other than ``dlp``/``rlp``; ``as_of``; reservations the cycle
        rejects (several properties, room types the network does not have, …).
    """
    method = request.method
    if method not in (Method.DLP, Method.RLP):
        raise InputError(
            "method",
            f"re-forecasting from the reservations optimizes with dlp or rlp, got {method.value!r}",
        )
    network = inputs.network
    ob = request.overbooking
    c = _cycle(
        inputs, inputs.network_id, _parse_as_of(request.as_of), ob.denied_cost if ob else 0.0
    )
    nc = nightly_controls(
        c.frame,
        c.hotel,
        c.as_of,
        horizon=c.horizon,
        optimizer=method.value,
        max_overbooking=MAX_OVERBOOKING if ob else 0.0,
        segments=network.to_records()["segments"],
        remaining=_told(inputs, c.layout),
    )
    table = nc.controls
    split = c.layout.split
    pool_col = [str(p) for p in table["room_type"]] if split else [_ALL] * len(table)
    day_col = [dt.date.fromisoformat(str(d)) for d in table["night"].dt.strftime("%Y-%m-%d")]
    row_of = {k: i for i, k in enumerate(zip(pool_col, day_col, strict=True))}
    bid_col = table["bid_price"].to_numpy(dtype=float)
    auth_col = table["authorized"].to_numpy(dtype=np.int64)
    otb_col = table["on_the_books"].to_numpy(dtype=np.int64)
    sold = inputs.sold
    bid_prices: dict[str, float] = {}
    authorized: dict[str, int] = {}
    for j, r in enumerate(network.resources):
        i = row_of.get((c.layout.pool[j], c.layout.nights[j]))
        if i is None:  # outside the horizon
            bid_prices[r.id] = 0.0
            authorized[r.id] = int(r.capacity)
            continue
        bid_prices[r.id] = float(bid_col[i])
        imported = int(otb_col[i]) - int(sold[j])  # the export's rooms on the books
        authorized[r.id] = max(int(auth_col[i]) - max(imported, 0), 0)
    los, min_los = _los(network, pd.Series(bid_prices, dtype=np.float64))
    days = [str(d) for d in np.datetime_as_string(table["night"].to_numpy(), unit="D")]
    pools = [str(p) for p in table["room_type"]] if split else [_ALL] * len(table)
    mlos = table["min_los"].to_numpy(dtype=np.float64, na_value=np.nan)
    cta = table["closed_to_arrival"].to_numpy(dtype=bool)
    nights = []
    for i, day in enumerate(days):
        row: dict[str, Any] = {"night": day}
        if split:
            row["room_type"] = pools[i]
        row |= {
            "bid_price": float(bid_col[i]),
            "authorized": int(auth_col[i]),
            "min_los": None if np.isnan(mlos[i]) else int(mlos[i]),
            "closed_to_arrival": bool(cta[i]),
        }
        nights.append(row)
    params = request.to_dict()
    params["cycle"] = {
        "as_of": c.as_of.isoformat(),
        "horizon": c.horizon,
        "property": c.hotel.name,
        "walk_cost": c.hotel.walk_cost,
        "max_overbooking": MAX_OVERBOOKING if ob else 0.0,
        "reservations": len(inputs.reservations),
        "service_bookings": len(inputs.bookings),
        "nights": nights,
    }
    return {
        "method": method.value,
        "control": method.control.value,
        "objective": float(nc.objective),
        "bid_prices": bid_prices,
        "authorized": authorized,
        "booking_limits": {},
        "allocation": {},
        "los": los,
        "min_los": min_los,
        "params": params,
    }


def _told(inputs: Any, layout: NightLayout) -> dict[tuple[str, str], int]:
    """Rooms left per (pool, night) by the overrides in force (the optimizer is told).

    A closed night has none; an authorized override leaves ``max(override − sold, 0)``
    of the service's own sales, the same room count the cycle works in (its authorized
    less the export's reservations on the books).
    """
    network = inputs.network
    sold = inputs.sold
    out: dict[tuple[str, str], int] = {}
    for o in getattr(inputs, "overrides", ()):
        j = network.resource_index.get(o.resource)
        if j is None or not (o.is_closed or o.authorized is not None):
            continue
        left = 0 if o.is_closed else max(int(o.authorized) - int(sold[j]), 0)
        out[(layout.pool[j], layout.nights[j].isoformat())] = left
    return out


def _marks(network: Network, layout: NightLayout, ds: Any) -> dict[tuple[str, str], dict]:
    """Return the overrides of a decision set by (pool, night), for the per-night rows."""
    out: dict[tuple[str, str], dict] = {}
    for o in ds.overrides:
        j = network.resource_index.get(o["resource"])
        if j is not None:
            out[(layout.pool[j], layout.nights[j].isoformat())] = dict(o)
    return out


def _parse_day(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(name, f"must be an ISO date YYYY-MM-DD, got {value!r}") from None


def night_controls(store: CycleStore, network_id: str, start: str, end: str) -> dict[str, Any]:
    """Return the per-night controls of a hotel network from ``start`` to ``end`` (included).

    Bid price, authorized, MinLOS and closed-to-arrival come from the latest decision
    set (computed from the reservations, see :func:`cycle_decisions`), and ``override``
    is the override of the night in that set (``None`` without one; an overridden bid
    price replaces the optimizer's in ``bid_price``); capacity, on the
    books and the forecast are recomputed by the cycle on the reservations and
    bookings stored now, as of that decision set's day, so a booking made since shows
    at once.

    Parameters
    ----------
    store : CycleStore
        Where the network lives.
    network_id : str
        Network id.
    start, end : str
        ISO dates, ``start <= end``, at most :data:`MAX_CONTROL_NIGHTS` nights.

    Returns
    -------
    dict
        ``network``, ``decision_version``, ``as_of``, ``horizon`` and ``controls``
        (records of :data:`CONTROLS_COLUMNS`, nights of the horizon in the range).

    Raises
    ------
    InputError
        ``from``/``to`` not ISO dates, reversed, or spanning too many nights.
    ConflictError
        No decision set computed from the reservations yet.
    NotFoundError
        If there is no such network.
    """
    first, last = _parse_day("from", start), _parse_day("to", end)
    if first > last:
        raise InputError("to", f"{last} is before from = {first}")
    if (last - first).days + 1 > MAX_CONTROL_NIGHTS:
        raise InputError("to", f"at most {MAX_CONTROL_NIGHTS} nights from {first}, got to = {last}")
    inputs, ds, cycle, c = _latest_cycle(store, network_id)
    as_of, horizon = c.as_of, int(cycle["horizon"])
    fc = forecast_nights(c.frame, c.hotel, as_of, horizon=horizon)
    nights = fc.nights
    split = c.layout.split
    stored = {(n.get("room_type", _ALL), n["night"]): n for n in cycle["nights"]}
    marks = _marks(inputs.network, c.layout, ds)
    out = []
    for rec in nights.to_dict(orient="records"):
        night = pd.Timestamp(rec["night"]).date()
        if not first <= night <= last:
            continue
        pool = str(rec["room_type"]) if split else _ALL
        s = stored.get((pool, night.isoformat()), {})
        mark = marks.get((pool, night.isoformat()))
        bid = s.get("bid_price")
        if mark is not None and mark.get("bid_price") is not None:
            bid = mark["bid_price"]  # the price in force: the override's
        row: dict[str, Any] = {"night": night.isoformat()}
        if split:
            row["room_type"] = pool
        row |= {
            "capacity": int(rec["capacity"]),
            "on_the_books": int(rec["on_the_books"]),
            "forecast_remaining": float(rec["forecast_remaining"]),
            "forecast_remaining_std": float(rec["forecast_remaining_std"]),
            "forecast_occupancy": float(rec["forecast_occupancy"]),
            "bid_price": bid,
            "authorized": s.get("authorized"),
            "min_los": s.get("min_los"),
            "closed_to_arrival": s.get("closed_to_arrival"),
            "override": mark,
        }
        out.append(row)
    return {
        "network": network_id,
        "decision_version": ds.version,
        "as_of": as_of.isoformat(),
        "horizon": horizon,
        "controls": out,
    }


def _latest_cycle(store: CycleStore, network_id: str) -> tuple[Any, Any, dict[str, Any], _Cycle]:
    """Read the inputs and the latest decision set, and rebuild its cycle on them."""
    inputs = store.cycle_inputs(network_id)
    _require_layout(inputs.network, network_id)
    if not inputs.head.decision_version:
        raise ConflictError(_NO_CYCLE.format(network_id), ["forecast"])
    ds = store.decisions(network_id)
    cycle = ds.params.get("cycle")
    if cycle is None:
        raise ConflictError(_NO_CYCLE.format(network_id), ["forecast"])
    as_of = dt.date.fromisoformat(cycle["as_of"])
    return inputs, ds, cycle, _cycle(inputs, network_id, as_of, float(cycle["walk_cost"]))


def cycle_reservations(
    store: CycleStore, network_id: str
) -> tuple[pd.DataFrame, Property, dt.date, int]:
    """Return what the latest decision set's daily cycle works on, read now.

    The stored reservations plus the bookings made through the service (as reservation
    records), the property, the as-of day and the horizon (nights) of that decision
    set: the same rows :func:`night_controls` forecasts from, so pictures drawn from
    them (pace, forecast by segment) agree with its on-the-books.

    Raises
    ------
    ConflictError
        No decision set computed from the reservations yet.
    NotFoundError
        If there is no such network.
    """
    _inputs, _ds, cycle, c = _latest_cycle(store, network_id)
    return c.frame, c.hotel, c.as_of, int(cycle["horizon"])


_NO_CYCLE = (
    "network {!r} has no decision set computed from its reservations; POST …/reservations "
    'and then POST …/optimizations with {{"forecast": "history"}}'
)
