"""The booking path: evaluate (hot, read-only), bookings, cancellations, inventory."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from yieldopt.store import BookingRequest, Store

from ..dependencies import BookKey, ReadKey, StoreDep, authorize, principal_of, store_of
from ..errors import body_error, problem
from ..schemas import BookingList, BookingOut, EvaluationOut, InventoryOut, RequestIn
from ..security import Role
from ._shared import NETWORK_ID_PARAMETER, NETWORK_ID_PATTERN, BookingId, NetworkId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["bookings"])

_NETWORK_ID = re.compile(NETWORK_ID_PATTERN)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A retry with the same key returns the same booking and changes nothing.",
    ),
]


def _refuse(status: int, field: str, message: str) -> Response:
    return problem(status, f"{field}: {message}", errors=[{"field": field, "message": message}])


async def _asserting(
    request: Request, store: Store, network_id: str, body: RequestIn
) -> tuple[BookingRequest, Response | None]:
    """Check what a request asserts against its key's grant, before deciding anything.

    A price above the product's list price, and any segment, need a key with the
    ``+assert`` grant (or an admin key): 403 naming the field otherwise, since either
    could carry any request past the bid-price control. An asserted price is at most
    ``max_price_factor`` times the list price (422) for every key.

    Returns
    -------
    query : BookingRequest
        The store's request; when it asserts a price or segment it carries the id of
        the key, which the booking records.
    refusal : Response or None
        The problem to answer instead, if any.
    """
    query = body.to_request()
    if body.price is None and body.segment is None:
        return query, None
    principal = principal_of(request)
    if body.segment is not None and not principal.can_assert:
        return query, _refuse(
            403, "segment", "this API key may not assert a segment (it needs +assert)"
        )
    if body.price is not None:
        listed = BookingRequest(body.product, body.quantity)
        decision = store.evaluate_cached(network_id, listed)
        if decision is None:
            decision = await run_in_threadpool(store.evaluate, network_id, listed)
        list_price = decision.assessment.price
        if body.price > list_price and not principal.can_assert:
            return query, _refuse(
                403,
                "price",
                f"this API key may not assert a price above the list price ({list_price:g}) "
                "(it needs +assert)",
            )
        factor = request.app.state.settings.max_price_factor
        if list_price > 0 and body.price > factor * list_price:
            return query, _refuse(
                422,
                "price",
                f"must be at most {factor:g} times the list price ({factor * list_price:g})",
            )
    return dataclasses.replace(query, asserted_by=principal.key_id), None


@router.post(
    "/evaluate",
    response_model=EvaluationOut,
    responses=problems(404, 413),
    openapi_extra={
        "parameters": [NETWORK_ID_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestIn"}}},
        },
    },
)
async def evaluate(request: Request) -> Response:
    """Accept or reject by the current controls, with the bid-price total and margin.

    Body: ``{"product", "quantity"?, "price"?, "segment"?}`` (``RequestIn``). No solver call
    and no write: decided in memory against the cached decision set and inventory
    (re-read at most every ``evaluate_ttl`` seconds).
    """
    # The hot path skips FastAPI's parameter, dependency and body machinery (40% of its
    # time): the same key check, pattern, model and errors, called directly.
    authorize(request, Role.read)
    network_id = request.path_params["network_id"]
    if _NETWORK_ID.match(network_id) is None:
        raise RequestValidationError(
            [{"loc": ("path", "network_id"), "msg": f"must match {NETWORK_ID_PATTERN}"}]
        )
    try:
        body = RequestIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise body_error(exc) from None
    store = store_of(request)
    query, refused = await _asserting(request, store, network_id, body)
    if refused is not None:
        return refused
    decision = store.evaluate_cached(network_id, query)
    if decision is None:
        decision = await run_in_threadpool(store.evaluate, network_id, query)
    # Dumped directly: the fields are plain, finite numbers and strings by construction.
    content = json.dumps(EvaluationOut.fields_of(decision), separators=(",", ":"))
    return Response(content, media_type="application/json")


@router.post(
    "/bookings",
    status_code=201,
    responses={200: {"model": BookingOut, "description": "Rejected"}, **problems(404, 413)},
)
async def create_booking(
    network_id: NetworkId,
    body: RequestIn,
    request: Request,
    response: Response,
    store: StoreDep,
    _: BookKey,
    idempotency_key: IdempotencyKey = None,
) -> BookingOut:
    """Decide a request and, if accepted, record it and take its capacity in one transaction.

    201 with ``booking_id`` when accepted, 200 with ``accepted: false`` and the reason
    when rejected. A retry with the same ``Idempotency-Key`` and the same API key returns
    the first outcome (header ``Idempotent-Replayed: true``); keys are scoped per API
    key, so two booking systems never replay each other's bookings.
    """
    query, refused = await _asserting(request, store, network_id, body)
    if refused is not None:
        return refused  # type: ignore[return-value]
    # Scoped by the key id (a digest naming the API key, never the key itself).
    booking, replayed = await store.book_async(
        network_id, query, idempotency_key, scope=principal_of(request).key_id
    )
    if booking.accepted:
        response.headers["Location"] = f"/v1/networks/{network_id}/bookings/{booking.id}"
    else:
        response.status_code = 200
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return BookingOut.of(booking)


@router.get("/bookings", responses=problems(404))
def list_bookings(
    network_id: NetworkId,
    store: StoreDep,
    _: ReadKey,
    status: Literal["confirmed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> BookingList:
    """Bookings, oldest first."""
    rows, total = store.list_bookings(network_id, status=status, limit=limit, offset=offset)
    return BookingList(
        bookings=[BookingOut.of(b) for b in rows], total=total, limit=limit, offset=offset
    )


@router.get("/bookings/{booking_id}", responses=problems(404))
def get_booking(
    network_id: NetworkId, booking_id: BookingId, store: StoreDep, _: ReadKey
) -> BookingOut:
    """Return a booking."""
    return BookingOut.of(store.get_booking(network_id, booking_id))


@router.delete("/bookings/{booking_id}", responses=problems(404))
def cancel_booking(
    network_id: NetworkId, booking_id: BookingId, response: Response, store: StoreDep, _: BookKey
) -> BookingOut:
    """Cancel a booking and give its capacity back; cancelling again changes nothing."""
    booking, changed = store.cancel(network_id, booking_id)
    if not changed:
        response.headers["Idempotent-Replayed"] = "true"
    return BookingOut.of(booking)


@router.get("/inventory", responses=problems(404))
def get_inventory(network_id: NetworkId, store: StoreDep, _: ReadKey) -> list[InventoryOut]:
    """Capacity, authorized, sold and available units per resource."""
    return [InventoryOut.of(r) for r in store.inventory(network_id)]
