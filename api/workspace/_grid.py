"""The rows and charts of a network's page: the stay-night grid or the per-resource grid.

One read of each thing per page (network, decision set, inventory, controls), never one
per row, so a 365-night horizon renders in a fraction of a second.

Hotel networks (every resource id a night, ``YYYY-MM-DD`` or ``<room type>/YYYY-MM-DD``):

* optimized by the daily cycle (decision set with ``params["cycle"]``): the rows are
  :func:`yieldopt.decisions.night_controls` over the horizon, the numbers
  ``GET …/controls`` gives;
* otherwise (a stored forecast): capacity, sold and authorized from the inventory,
  forecast = the mean demand still to come of the products using the night, occupancy
  forecast = ``min(sold + forecast, capacity)`` rooms, MinLOS / closed-to-arrival from
  the decision set's ``min_los``.

The recommended rate is the rule of ``POST …/price-quotes`` (the ladder rate at the
night's demand pressure, raised to cover the bid price) when a ladder is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldopt.decisions import cycle_reservations, night_controls, night_layout
from yieldopt.errors import InputError
from yieldopt.ingest import pace
from yieldopt.optimize import recommend_rates
from yieldopt.store import NotFoundError, Store

__all__ = ["Grid", "build_grid", "pace_chart", "resource_of"]

_ALL = "all"


@dataclass
class Grid:
    """What a network page shows.

    Attributes
    ----------
    network : str
        Network id.
    hotel : bool
        Stay nights (True) or plain resources.
    rows : list of dict
        One per night (and room type) or resource: ``resource``, ``night``,
        ``room_type``, ``capacity``, ``on_the_books``, ``forecast``, ``occupancy``
        (expected rooms occupied), ``bid_price``, ``authorized``, ``min_los``,
        ``closed_to_arrival``, ``rate``, ``override`` (the override dict or None).
    decisions : DecisionSet or None
        The latest decision set.
    source : str
        ``"cycle"``, ``"forecast"`` or ``"none"`` (no decision set yet).
    as_of : str or None
        As-of day of a cycle decision set.
    room_types : list of str
        Room types of a split hotel (empty otherwise).
    charts : dict
        uPlot-ready series (lists), see :func:`_charts`.
    rate_error : str or None
        Why no recommended rate could be computed from the ladder given.
    """

    network: str
    hotel: bool
    rows: list[dict[str, Any]]
    decisions: Any
    source: str
    as_of: str | None = None
    room_types: list[str] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    rate_error: str | None = None


def resource_of(network: Any) -> dict[tuple[str, str], str]:
    """Map (room type or ``"all"``, ISO night) to the resource id of a hotel network."""
    layout = night_layout(network)
    if layout is None:
        return {}
    return {
        (p, n.isoformat()): rid
        for p, n, rid in zip(layout.pool, layout.nights, network.resource_ids, strict=True)
    }


def _latest(store: Store, network_id: str) -> Any:
    try:
        return store.decisions(network_id)
    except NotFoundError:
        return None


def build_grid(store: Store, network_id: str, ladder: str | None = None) -> Grid:
    """Build the page of a network (module doc).

    Parameters
    ----------
    store : Store
        The service's store.
    network_id : str
        Network id.
    ladder : str, optional
        Rate ladder (``"80:300:5"`` or comma-separated rates) for the recommended rates.

    Raises
    ------
    NotFoundError
        If there is no such network.
    """
    network, _rev = store.get_network(network_id)
    ds = _latest(store, network_id)
    overrides = {o["resource"]: o for o in (ds.overrides if ds is not None else [])}
    layout = night_layout(network)
    if layout is None:
        inv = {r.resource: r for r in store.inventory(network_id)}
        rows = _rows_from_inventory(network, ds, inv, {})
        grid = Grid(network_id, False, rows, ds, _source(ds))
    elif ds is not None and "cycle" in ds.params:
        grid = _cycle_grid(store, network, network_id, ds)
    else:
        rows = _forecast_rows(store, network_id, network, ds)
        grid = Grid(network_id, True, rows, ds, _source(ds))
        grid.room_types = list(layout.pools) if layout.split else []
    for row in grid.rows:
        row["override"] = overrides.get(row["resource"])
    if grid.hotel and ladder:
        grid.rate_error = _rates(grid.rows, ladder)
    grid.charts = _charts(grid)
    return grid


def _source(ds: Any) -> str:
    return "none" if ds is None else "forecast"


def _rows_from_inventory(
    network: Any, ds: Any, inv: dict[str, Any], forecast: dict[str, float]
) -> list[dict[str, Any]]:
    rows = []
    for r in network.resources:
        row = inv.get(r.id)
        sold = row.sold if row is not None else 0
        rows.append(
            {
                "resource": r.id,
                "night": None,
                "room_type": None,
                "capacity": int(r.capacity),
                "on_the_books": int(sold),
                "forecast": forecast.get(r.id),
                "occupancy": None,
                "bid_price": ds.bid_prices.get(r.id) if ds is not None else None,
                "authorized": row.authorized if row is not None else int(r.capacity),
                "min_los": None,
                "closed_to_arrival": None,
                "rate": None,
            }
        )
    return rows


def _forecast_rows(store: Store, network_id: str, network: Any, ds: Any) -> list[dict[str, Any]]:
    """Hotel rows of a network optimized from a stored forecast (module doc)."""
    inputs = store.optimization_inputs(network_id)
    inv = {r.resource: r for r in inputs.inventory}
    by_resource: dict[str, float] = {}
    if inputs.forecast is not None:
        means, _stds = inputs.forecast.totals()
        for p in network.products:
            m = means.get(p.id, 0.0)
            for rid in p.resources:
                by_resource[rid] = by_resource.get(rid, 0.0) + m
    rows = _rows_from_inventory(network, ds, inv, by_resource)
    layout = night_layout(network)
    assert layout is not None  # the caller checked
    mins = {m["arrival"]: m["min_los"] for m in (ds.min_los or [])} if ds is not None else {}
    for row, pool, night in zip(rows, layout.pool, layout.nights, strict=True):
        day = night.isoformat()
        row["night"] = day
        row["room_type"] = pool if layout.split else None
        fc = row["forecast"] or 0.0
        row["occupancy"] = min(row["on_the_books"] + fc, row["capacity"])
        if day in mins:
            row["min_los"] = mins[day]
            row["closed_to_arrival"] = mins[day] is None
    rows.sort(key=lambda r: (r["night"], r["room_type"] or ""))
    return rows


def _cycle_grid(store: Store, network: Any, network_id: str, ds: Any) -> Grid:
    cycle = ds.params["cycle"]
    as_of = dt.date.fromisoformat(cycle["as_of"])
    first = as_of + dt.timedelta(days=1)
    last = as_of + dt.timedelta(days=int(cycle["horizon"]))
    nc = night_controls(store, network_id, first.isoformat(), last.isoformat())
    where = resource_of(network)
    rows = []
    pools: set[str] = set()
    for c in nc["controls"]:
        pool = c.get("room_type") or _ALL
        if c.get("room_type"):
            pools.add(pool)
        rows.append(
            {
                "resource": where.get((pool, c["night"]), c["night"]),
                "night": c["night"],
                "room_type": c.get("room_type"),
                "capacity": c["capacity"],
                "on_the_books": c["on_the_books"],
                "forecast": c["forecast_remaining"],
                "occupancy": c["forecast_occupancy"],
                "bid_price": c["bid_price"],
                "authorized": c["authorized"],
                "min_los": c["min_los"],
                "closed_to_arrival": c["closed_to_arrival"],
                "rate": None,
            }
        )
    grid = Grid(network_id, True, rows, ds, "cycle", as_of=nc["as_of"])
    grid.room_types = sorted(pools)
    return grid


def _rates(rows: list[dict[str, Any]], ladder: str) -> str | None:
    """Fill ``rate`` by the rule of ``POST …/price-quotes``; return an error message or None."""
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    bid = frame["bid_price"].astype(float).fillna(0.0).to_numpy()
    authorized = frame["authorized"].astype(float).fillna(frame["capacity"]).to_numpy()
    left = np.maximum(authorized - frame["on_the_books"].to_numpy(dtype=float), 0.0)
    wanted = frame["forecast"].astype(float).fillna(0.0).to_numpy()
    # A sold-out night has full pressure, as in the cycle's own recommended rates.
    pressure = np.divide(wanted, left, out=np.ones_like(left), where=left > 0)
    try:
        rec = recommend_rates(pd.Series(bid), pressure, ladder)
    except InputError as exc:
        return str(exc)
    for row, rate in zip(rows, rec["recommended_rate"].to_numpy(dtype=float), strict=True):
        row["rate"] = float(rate)
    return None


def _epoch(day: str) -> int:
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp())


def _charts(grid: Grid) -> dict[str, Any]:
    """Series for uPlot: by night (hotel, room types summed) or by resource position."""
    if not grid.rows:
        return {}
    if not grid.hotel:
        return {
            "labels": [r["resource"] for r in grid.rows],
            "bid": {
                "x": list(range(len(grid.rows))),
                "bid_price": [r["bid_price"] for r in grid.rows],
            },
        }
    frame = pd.DataFrame(grid.rows)
    frame["room_type"] = frame["room_type"].fillna(_ALL)
    for col in ("capacity", "authorized", "occupancy", "on_the_books", "bid_price"):
        frame[col] = frame[col].astype(float)
    totals = frame.groupby("night", sort=True)[
        ["capacity", "authorized", "occupancy", "on_the_books"]
    ].sum(min_count=1)
    x = [_epoch(n) for n in totals.index]
    bids = frame.pivot_table(
        index="night", columns="room_type", values="bid_price", aggfunc="first"
    )
    bids = bids.reindex(totals.index)

    def col(s: pd.Series) -> list[float | None]:
        return [None if pd.isna(v) else round(float(v), 4) for v in s]

    return {
        "occupancy": {
            "x": x,
            "capacity": col(totals["capacity"]),
            "authorized": col(totals["authorized"]),
            "occupancy": col(totals["occupancy"]),
            "on_the_books": col(totals["on_the_books"]),
        },
        "bid": {"x": x, "series": {str(k): col(bids[k]) for k in bids.columns}},
    }


def pace_chart(store: Store, network_id: str) -> dict[str, Any] | None:
    """Return rooms on the books by days before arrival, and the same nights a year earlier.

    From the stored reservations and the service's own bookings, the rows
    :func:`~yieldopt.decisions.night_controls` counts (:func:`yieldopt.ingest.pace`: the
    comparison night 364 days earlier as of 364 days before the as-of day), the whole
    hotel, over the horizon of the latest decision set of the daily cycle; ``None``
    without one. Served apart from the grid (it reads every reservation again), so the
    grid comes first.
    """
    ds = _latest(store, network_id)
    cycle = (ds.params.get("cycle") if ds is not None else None) or {}
    if not cycle:
        return None
    frame, _hotel, as_of, horizon = cycle_reservations(store, network_id)
    nights = pd.date_range(as_of + dt.timedelta(days=1), periods=horizon, freq="D")
    table = pace(frame, as_of, nights)
    by_day = table.groupby("days_before", sort=True)[["rooms", "ly_rooms"]].sum()
    return {
        "x": [int(d) for d in by_day.index],
        "rooms": [int(v) for v in by_day["rooms"]],
        "ly_rooms": [int(v) for v in by_day["ly_rooms"]],
    }
