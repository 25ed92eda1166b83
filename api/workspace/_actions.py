"""The workspace's actions: overrides, re-optimization, group quotes and what-if.

Admin keys set and remove overrides, re-optimize and publish a what-if (403 for the
others, whatever the page showed); any key may quote a group or preview a what-if,
as in the HTTP API, since neither changes anything. Each calls the same functions as
the API routes, in-process. A wrong field is answered 422 with an inline message
naming it, swapped into the form's message box (``HX-Retarget``), never a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from yieldopt.decisions import (
    METHODS,
    OptimizationRequest,
    execute_run,
    night_layout,
    preview_what_if,
    publish_what_if,
    quote_network_group,
)
from yieldopt.errors import ConflictError, InputError, YieldoptError
from yieldopt.store import NotFoundError, Store, UnavailableError

from ..dependencies import AdminKey, ReadKey, StoreDep, run_heavy
from ..routers._shared import NetworkId
from ._forms import Fields, read_form
from ._grid import resource_of
from ._night import build_resource_page, today
from ._pages import PREFIX, render_network, who
from ._render import render, render_text

__all__ = ["router"]

router = APIRouter(prefix=PREFIX, include_in_schema=False)

_CLOSED: dict[str, object] = {"": None, "closed": True, "open": False}


def _refused(exc: YieldoptError, box: str) -> HTMLResponse:
    """Answer a refused action with its message, swapped into the form's box ``#box``.

    A database that cannot serve is re-raised: the app answers it 503 with
    ``Retry-After``, not as a form error.
    """
    if isinstance(exc, UnavailableError):
        raise exc
    field = getattr(exc, "field", None)
    if field is None and isinstance(exc, ConflictError) and exc.fields:
        field = exc.fields[0]
    html = render_text("_error.html", field=field, message=str(exc))
    return HTMLResponse(
        html, status_code=422, headers={"HX-Retarget": f"#{box}", "HX-Reswap": "innerHTML"}
    )


def _resource_response(
    store: Store, request: Request, network_id: str, resource_id: str, flash: str
) -> HTMLResponse:
    page = build_resource_page(store, network_id, resource_id)
    return render(
        "resource.html", page=page, me=who(request), today=today().isoformat(), flash=flash
    )


# ---------------------------------------------------------------------- overrides
@router.post("/networks/{network_id}/resources/{resource_id:path}/override")
async def put_override(
    network_id: NetworkId, resource_id: str, request: Request, store: StoreDep, _: AdminKey
) -> HTMLResponse:
    """Set (or change) the resource's override from the form."""
    try:
        f = await read_form(request, {"bid_price", "authorized", "closed", "reason", "expires_at"})
        kwargs: dict[str, Any] = {
            "bid_price": f.number("bid_price"),
            "authorized": f.whole("authorized"),
            "closed": f.choice("closed", _CLOSED),
            "reason": f.text("reason", required=True),
            "expires_at": f.text("expires_at", max_length=40),
        }
        if all(kwargs[k] is None for k in ("bid_price", "authorized", "closed")):
            raise InputError("bid_price", "give a bid price, an authorized capacity or closed")
        name = who(request)["name"]
        _o, ds = await run_in_threadpool(
            lambda: store.put_override(network_id, resource_id, **kwargs, who=name)
        )
    except YieldoptError as exc:
        return _refused(exc, "override-errors")
    flash = f"Override saved: decision version {ds.version}."
    return await run_in_threadpool(
        _resource_response, store, request, network_id, resource_id, flash
    )


@router.post("/networks/{network_id}/resources/{resource_id:path}/override/remove")
async def remove_override(
    network_id: NetworkId, resource_id: str, request: Request, store: StoreDep, _: AdminKey
) -> HTMLResponse:
    """Remove the resource's override (the optimized values apply again)."""
    try:
        f = await read_form(request, {"reason"})
        reason = f.text("reason")
        name = who(request)["name"]
        ds = await run_in_threadpool(
            lambda: store.delete_override(network_id, resource_id, who=name, reason=reason)
        )
    except YieldoptError as exc:
        return _refused(exc, "remove-errors")
    flash = f"Override removed: decision version {ds.version}."
    return await run_in_threadpool(
        _resource_response, store, request, network_id, resource_id, flash
    )


# ---------------------------------------------------------------------- re-optimize
def _reoptimize(store: Store, network_id: str, method: str | None) -> Any:
    """Do what ``POST …/optimizations`` does, with the latest decision set's parameters."""
    try:
        params = dict(store.decisions(network_id).params)
    except NotFoundError:
        params = {}
    params.pop("cycle", None)
    if method:
        params["method"] = method
    params.setdefault("method", "dlp")
    request = OptimizationRequest.from_dict(params)
    run = store.create_run(network_id, request)
    run = execute_run(store, network_id, run.id, reraise=True)
    return store.decisions(network_id, run.decision_version)


@router.post("/networks/{network_id}/optimize")
async def reoptimize(
    network_id: NetworkId, request: Request, store: StoreDep, _: AdminKey
) -> HTMLResponse:
    """Re-run the optimization (the latest method, or the one chosen) and publish it."""
    try:
        f = await read_form(request, {"method"})
        method = f.choice("method", {"": None, **{m: m for m in METHODS}})
        ds = await run_heavy(request, _reoptimize, store, network_id, method)
    except YieldoptError as exc:
        return _refused(exc, "optimize-errors")
    return await render_network(
        store,
        request,
        network_id,
        flash=f"Re-optimized with {ds.method}: decision version {ds.version}.",
    )


# ---------------------------------------------------------------------- group quote
def _group_units(store: Store, network_id: str, f: Fields) -> dict[str, int]:
    """``{resource: rooms}`` of the form: a block of nights, or ``resource=units`` lines."""
    network, _rev = store.get_network(network_id)
    if night_layout(network) is None:
        text = f.text("units", required=True, max_length=20_000) or ""
        units: dict[str, int] = {}
        for k, line in enumerate(filter(None, (x.strip() for x in text.splitlines()))):
            rid, sep, n = line.partition("=")
            if not sep or not n.strip().isdigit():
                raise InputError("units", f"line {k + 1}: write resource=units, got {line!r}")
            units[rid.strip()] = int(n)
        return units
    rooms = f.whole("rooms", low=1, high=100_000)
    first = f.day("first_night")
    nights = f.whole("nights", low=1, high=365)
    for name, value in (("rooms", rooms), ("first_night", first), ("nights", nights)):
        if value is None:
            raise InputError(name, "is required")
    assert rooms is not None and first is not None and nights is not None
    pool = f.text("room_type") or "all"
    where = resource_of(network)
    out = {}
    for k in range(nights):
        day = (first + dt.timedelta(days=k)).isoformat()
        rid = where.get((pool, day))
        if rid is None:
            field = "first_night" if k == 0 else "nights"
            raise InputError(field, f"the network has no night {day} (room type {pool})")
        out[rid] = rooms
    return out


@router.post("/networks/{network_id}/group-quote")
async def group_quote(
    network_id: NetworkId, request: Request, store: StoreDep, _: ReadKey
) -> HTMLResponse:
    """Displacement, break-even and alternatives of a group (``POST …/group-quotes``)."""
    try:
        f = await read_form(
            request,
            {"rooms", "first_night", "nights", "room_type", "units", "rate", "ancillary"},
        )
        units = await run_in_threadpool(_group_units, store, network_id, f)
        rate = f.number("rate")
        if rate is None:
            raise InputError("rate", "is required")
        record = {"units": units, "rate": rate, "ancillary": f.number("ancillary") or 0.0}
        quote = await run_heavy(request, quote_network_group, store, network_id, record, 3)
    except YieldoptError as exc:
        return _refused(exc, "group-errors")
    return render("_group_quote.html", quote=quote, units=units)


# ---------------------------------------------------------------------- what-if
_WHAT_IF_FIELDS = {"overbook", "resource", "product", "price", "reason"}


def _what_if_args(f: Fields) -> dict[str, Any]:
    n = f.whole("overbook", low=0, high=10_000) or 0
    resource = f.text("resource", max_length=300)
    product = f.text("product", max_length=300)
    price = f.number("price")
    if (product is None) != (price is None):
        raise InputError("price" if product else "product", "give a product and its new price")
    if n == 0 and product is None:
        raise InputError("overbook", "give an overbooking or a new product price")
    return {
        "overbook": ({resource: n} if resource else n) if n else 0,
        "prices": {product: price} if product is not None and price is not None else {},
    }


@router.post("/networks/{network_id}/what-if")
async def what_if(
    network_id: NetworkId, request: Request, store: StoreDep, _: ReadKey
) -> HTMLResponse:
    """Preview the decision set with more authorized capacity or a changed rate."""
    try:
        f = await read_form(request, _WHAT_IF_FIELDS)
        args = _what_if_args(f)
        out = await run_heavy(request, lambda: preview_what_if(store, network_id, **args))
    except YieldoptError as exc:
        return _refused(exc, "whatif-errors")
    return render("_what_if.html", out=out, form=f.values, me=who(request), network=network_id)


@router.post("/networks/{network_id}/what-if/publish")
async def what_if_publish(
    network_id: NetworkId, request: Request, store: StoreDep, _: AdminKey
) -> HTMLResponse:
    """Publish a previewed what-if: overbooking as overrides, a rate as a network change."""
    try:
        f = await read_form(request, _WHAT_IF_FIELDS)
        args = _what_if_args(f)
        reason = f.text("reason", required=True)
        name = who(request)["name"]
        out = await run_heavy(
            request,
            lambda: publish_what_if(store, network_id, **args, reason=reason, who=name),
        )
    except YieldoptError as exc:
        return _refused(exc, "publish-errors")
    return await render_network(
        store,
        request,
        network_id,
        flash=f"What-if published: decision version {out['decision_version']}.",
    )
