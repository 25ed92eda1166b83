"""The daily cycle: reservation imports and the per-night controls of hotel networks."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from yieldopt.decisions import import_reservations, night_controls
from yieldopt.errors import InputError

from ..dependencies import AdminKey, ReadKey, StoreDep
from ..errors import body_error
from ..schemas import ControlsOut, ImportOut, ReservationsIn
from ._shared import NetworkId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["cycle"])

_CSV_TYPES = ("text/csv", "application/csv", "application/gzip", "application/x-gzip")
_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ReservationsIn.model_json_schema()},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/gzip": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post("/reservations", responses=problems(404, 413, 415), openapi_extra=_IMPORT_BODY)
async def post_reservations(
    network_id: NetworkId,
    request: Request,
    store: StoreDep,
    _: AdminKey,
    mapping: Annotated[
        str | None,
        Query(max_length=100, description="CSV: a built-in mapping, e.g. hotel-booking-demand."),
    ] = None,
    property: Annotated[
        str | None, Query(max_length=200, description="Import only this property.")
    ] = None,
) -> ImportOut:
    """Import a reservation export: contract records (JSON) or a CSV (gzip accepted).

    JSON: ``{"reservations": [{reservation_id, property, arrival, departure | nights,
    room_type, segment, booked_at, status, cancelled_at?, rooms?, rate, guests, …}]}``,
    validated strictly. CSV (``Content-Type: text/csv``, or ``application/gzip`` for a
    ``.csv.gz``): the contract's columns, or an export read through ``?mapping=``;
    answered with the data-quality report. Reservations are stored by
    ``reservation_id``: importing one again replaces it. The body limit applies.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if kind in _CSV_TYPES:
        if mapping is not None and not mapping.strip():
            raise InputError("mapping", "must name a mapping")
        out = await run_in_threadpool(
            lambda: import_reservations(
                store, network_id, csv=raw, mapping=mapping, property=property
            )
        )
    elif kind in ("application/json", ""):
        if mapping is not None:
            raise InputError("mapping", "applies to CSV uploads only (Content-Type: text/csv)")
        try:
            body = ReservationsIn.model_validate(json.loads(raw or b"null"))
        except ValidationError as exc:
            raise body_error(exc) from None
        except ValueError:
            raise InputError("body", "is not valid JSON") from None
        records = body.records()
        out = await run_in_threadpool(
            lambda: import_reservations(store, network_id, records=records, property=property)
        )
    else:
        raise HTTPException(
            415,
            f"Content-Type must be application/json, text/csv or application/gzip, not {kind!r}",
        )
    return ImportOut(network=network_id, **out)


@router.get("/controls", responses=problems(404, 409))
def get_controls(
    network_id: NetworkId,
    store: StoreDep,
    _: ReadKey,
    start: Annotated[str, Query(alias="from", max_length=40, description="First night (ISO).")],
    end: Annotated[str, Query(alias="to", max_length=40, description="Last night (ISO).")],
) -> ControlsOut:
    """Per-night controls of a hotel network, as ``yieldopt decide``'s controls.csv.

    ``night``, ``capacity``, ``on_the_books``, ``forecast_remaining``,
    ``forecast_remaining_std``, ``forecast_occupancy`` (recomputed on the reservations
    and bookings stored now), ``bid_price``, ``authorized``, ``min_los`` and
    ``closed_to_arrival`` (of the latest decision set optimized from the
    reservations); at most 365 nights, ``from`` <= ``to``.
    """
    return ControlsOut(**night_controls(store, network_id, start, end))
