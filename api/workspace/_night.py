"""What the page of one night or resource shows: history, overrides, bookings, forecast.

* history: the bid price and authorized capacity of the resource in each decision
  version (``store.decision_history``, newest first) and whether an override set them;
* overrides: the one in force (from the latest decision set) and the audit trail of the
  resource (``store.override_audit``);
* bookings on hand: confirmed bookings through the service that use the resource;
* forecast by segment: for a hotel optimized by the daily cycle, the cycle's forecast of
  new rooms still to come that stay that night (``forecast_nights(...).demand``, net of
  cancellations, from the imported reservations and the service's own bookings, as
  ``night_controls`` counts them), by segment; otherwise the stored
  forecast of the products using the resource, by the products' segments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from yieldopt.cycle import forecast_nights
from yieldopt.decisions import cycle_reservations, night_layout
from yieldopt.store import NotFoundError, Store

__all__ = ["ResourcePage", "build_resource_page"]

#: Most confirmed bookings scanned for the ones on hand (oldest first, pages of 500).
MAX_BOOKINGS_SCANNED = 5000
_NONE = "(none)"


@dataclass
class ResourcePage:
    """The page of one resource (see the module doc).

    Attributes
    ----------
    network, resource : str
        Ids.
    night, room_type : str or None
        Of a hotel night.
    capacity, sold, authorized : int
        Inventory counts (units).
    bid_price : float or None
        Latest decision set's (money per unit).
    override : dict or None
        The override in force.
    history : list of dict
        ``version``, ``created_at``, ``method``, ``source``, ``bid_price``,
        ``authorized``, ``overridden`` per decision version, newest first.
    audit : list of dict
        Override audit entries of the resource, newest first.
    bookings : list of Booking
        Confirmed bookings using it.
    bookings_truncated : bool
        More bookings than :data:`MAX_BOOKINGS_SCANNED` were not looked at.
    forecast : list of dict
        ``segment``, ``mean`` (units still to come), newest-biggest first.
    forecast_source : str
        ``"cycle"``, ``"stored"`` or ``"none"``.
    """

    network: str
    resource: str
    night: str | None
    room_type: str | None
    capacity: int
    sold: int
    authorized: int
    bid_price: float | None
    override: dict[str, Any] | None
    history: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[Any] = field(default_factory=list)
    bookings_truncated: bool = False
    forecast: list[dict[str, Any]] = field(default_factory=list)
    forecast_source: str = "none"


def build_resource_page(store: Store, network_id: str, resource_id: str) -> ResourcePage:
    """Read what the page of ``resource_id`` shows (module doc).

    Raises
    ------
    NotFoundError
        No such network or resource.
    """
    network, _rev = store.get_network(network_id)
    if resource_id not in network.resource_index:
        raise NotFoundError("resource", f"{network_id}/{resource_id}")
    j = network.resource_index[resource_id]
    layout = night_layout(network)
    inv = next(r for r in store.inventory(network_id) if r.resource == resource_id)
    try:
        ds = store.decisions(network_id)
    except NotFoundError:
        ds = None
    page = ResourcePage(
        network=network_id,
        resource=resource_id,
        night=layout.nights[j].isoformat() if layout else None,
        room_type=layout.pool[j] if layout and layout.split else None,
        capacity=int(network.resources[j].capacity),
        sold=int(inv.sold),
        authorized=int(inv.authorized),
        bid_price=ds.bid_prices.get(resource_id) if ds is not None else None,
        override=next(
            (o for o in (ds.overrides if ds else []) if o["resource"] == resource_id), None
        ),
    )
    page.history = _history(store, network_id, resource_id)
    page.audit = [a.to_dict() for a in store.override_audit(network_id, resource_id, limit=100)]
    page.bookings, page.bookings_truncated = _bookings(store, network_id, resource_id)
    if ds is not None and "cycle" in ds.params and layout is not None:
        page.forecast = _cycle_forecast(store, network_id, layout, j)
        page.forecast_source = "cycle"
    else:
        fc = store.optimization_inputs(network_id).forecast
        if fc is not None:
            page.forecast = _stored_forecast(network, fc, resource_id)
            page.forecast_source = "stored"
    return page


def _history(store: Store, network_id: str, resource_id: str) -> list[dict[str, Any]]:
    out = []
    for ds in store.decision_history(network_id, limit=50):
        out.append(
            {
                "version": ds.version,
                "created_at": ds.created_at,
                "method": ds.method,
                "source": ds.params.get("source", "optimization"),
                "bid_price": ds.bid_prices.get(resource_id),
                "authorized": ds.authorized.get(resource_id),
                "overridden": any(o["resource"] == resource_id for o in ds.overrides),
            }
        )
    return out


def _bookings(store: Store, network_id: str, resource_id: str) -> tuple[list[Any], bool]:
    found: list[Any] = []
    offset, page = 0, 500
    while offset < MAX_BOOKINGS_SCANNED:
        rows, total = store.list_bookings(network_id, status="confirmed", limit=page, offset=offset)
        found += [b for b in rows if resource_id in b.resources]
        offset += page
        if offset >= total:
            return found, False
    return found, True


def _stored_forecast(network: Any, forecast: Any, resource_id: str) -> list[dict[str, Any]]:
    means, _stds = forecast.totals()
    by: dict[str, float] = {}
    for p in network.products:
        if resource_id in p.resources:
            seg = p.segment or _NONE
            by[seg] = by.get(seg, 0.0) + means.get(p.id, 0.0)
    return _ranked(by)


def _cycle_forecast(store: Store, network_id: str, layout: Any, j: int) -> list[dict[str, Any]]:
    """Return the new rooms still to come that stay the night, by segment (module doc)."""
    frame, hotel, as_of, horizon = cycle_reservations(store, network_id)
    fc = forecast_nights(frame, hotel, as_of, horizon=horizon)
    d = fc.demand
    night = pd.Timestamp(layout.nights[j])
    arrival = pd.to_datetime(d["arrival"])
    stays = (arrival <= night) & (night < arrival + pd.to_timedelta(d["los"], unit="D"))
    if layout.split:
        stays &= d["pool"].astype(str) == layout.pool[j]
    by = d.loc[stays].groupby("segment")["net"].sum()
    return _ranked({str(k): float(v) for k, v in by.items()})


def _ranked(by: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {"segment": k, "mean": v} for k, v in sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def today() -> dt.date:
    """Return today (UTC): the smallest expiry date the override form offers."""
    return dt.datetime.now(dt.UTC).date()
