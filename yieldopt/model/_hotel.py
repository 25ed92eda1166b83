"""A hotel scenario from a compact description: nights, rate plans, segments, demand.

Every night of the stay period is a resource (``night/YYYY-MM-DD``). A product is a
stay — arrival date, length of stay, rate plan — sold to one segment, so its value
carries that segment's adjustments: ``YYYY-MM-DD/<LOS>n/<rate>/<segment>``. Its price
is the sum of the plan's nightly rates (weekday or weekend: Friday and Saturday).
A customer stream is a segment's guests arriving on one date for one length of
stay; they take the cheapest open plan among the segment's ``rates`` (buy-down).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validate import parse_date
from ..errors import InputError
from ._network import Network, _number

__all__ = ["hotel_network"]

WEEKEND = (4, 5)  # Friday and Saturday nights


def hotel_network(
    spec: dict[str, Any], segments: list[dict[str, Any]] | None
) -> tuple[Network, list[dict[str, Any]], list[tuple[list[str], float, Any]]]:
    """Build a hotel network and its customer streams from a ``[hotel]`` table.

    Parameters
    ----------
    spec : dict
        ``start`` (first night, ISO date), ``nights``, ``rooms``, ``max_los``,
        ``rates`` (``[{id, weekday, weekend}]``, money per night) and ``demand``
        (``[{segment, rates, weekday, weekend, los, curve}]``: requests per arrival date
        on weekdays and on Friday/Saturday arrivals, and the share of each length of stay).
    segments : list of dict or None
        The scenario's segment records (values, shows, cancellations).

    Returns
    -------
    network : Network
    products : list of dict
        Product records (``id``, ``resources``, ``price``, ``segment``).
    streams : list of (product ids, mean requests, curve)
        One stream per segment, arrival date and length of stay.
    """
    start = parse_date(spec.get("start"), "hotel.start")
    nights = int(_number("hotel.nights", spec.get("nights"), nonnegative=True, integer=True))
    rooms = int(_number("hotel.rooms", spec.get("rooms"), nonnegative=True, integer=True))
    max_los = int(_number("hotel.max_los", spec.get("max_los", 3), nonnegative=True, integer=True))
    if nights < 1 or max_los < 1:
        raise InputError("hotel", "needs at least one night and max_los >= 1")
    dates = [start + dt.timedelta(days=k) for k in range(nights)]
    night_ids = [f"night/{d.isoformat()}" for d in dates]
    rates = {}
    for i, r in enumerate(spec.get("rates", [])):
        rid = str(r.get("id", ""))
        if not rid:
            raise InputError(f"hotel.rates[{i}].id", "is required")
        rates[rid] = (
            _number(f"hotel.rates[{i}].weekday", r.get("weekday"), nonnegative=True),
            _number(
                f"hotel.rates[{i}].weekend", r.get("weekend", r.get("weekday")), nonnegative=True
            ),
        )
    if not rates:
        raise InputError("hotel.rates", "needs at least one rate plan")
    nightly: dict[str, NDArray[np.float64]] = {
        rid: np.array([we if d.weekday() in WEEKEND else wd for d in dates])
        for rid, (wd, we) in rates.items()
    }
    known_segments = {str(s.get("id")) for s in segments or []}
    products: list[dict[str, Any]] = []
    streams: list[tuple[list[str], float, Any]] = []
    for i, dem in enumerate(spec.get("demand", [])):
        where = f"hotel.demand[{i}]"
        seg = str(dem.get("segment", ""))
        if seg not in known_segments:
            raise InputError(f"{where}.segment", f"unknown segment {seg!r}")
        plans = dem.get("rates", [])
        bad = [p for p in plans if p not in rates]
        if not plans or bad:
            raise InputError(f"{where}.rates", f"needs known rate plans, got {bad or plans}")
        los = np.asarray(dem.get("los", [1.0]), dtype=np.float64)
        if los.size > max_los or np.any(los < 0) or los.sum() <= 0:
            raise InputError(f"{where}.los", f"needs up to {max_los} non-negative shares")
        los = los / los.sum()
        weekday = _number(f"{where}.weekday", dem.get("weekday", 0.0), nonnegative=True)
        weekend = _number(f"{where}.weekend", dem.get("weekend", weekday), nonnegative=True)
        for k, day in enumerate(dates):
            arrivals = weekend if day.weekday() in WEEKEND else weekday
            for stay in range(1, los.size + 1):
                if k + stay > nights or los[stay - 1] == 0:
                    continue
                ids = []
                for plan in plans:
                    pid = f"{day.isoformat()}/{stay}n/{plan}/{seg}"
                    ids.append(pid)
                    products.append(
                        {
                            "id": pid,
                            "resources": night_ids[k : k + stay],
                            "price": float(round(nightly[plan][k : k + stay].sum(), 2)),
                            "segment": seg,
                        }
                    )
                streams.append((ids, arrivals * los[stay - 1], dem.get("curve", "uniform")))
    network = Network.from_records(
        [{"id": nid, "capacity": rooms} for nid in night_ids], products, segments or []
    )
    return network, products, streams
