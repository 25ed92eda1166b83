"""The workspace's read-only fragments: who am I, home, a network, a night or resource.

Each needs a key with the read role (the :class:`~yieldopt_api.middleware.Guard` checks
``/workspace/`` like ``/v1/``) and reads the store in-process. Admin controls are shown
only to admin keys; the action routes check the role again (``_actions``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from yieldopt.decisions import METHODS, night_layout
from yieldopt.store import NotFoundError, Store

from ..dependencies import ReadKey, StoreDep, principal_of
from ..routers._shared import NetworkId
from ..security import Role
from ._grid import build_grid, pace_chart
from ._night import build_resource_page, today
from ._render import chart_json, render

__all__ = ["PREFIX", "render_network", "router", "who"]

#: Where the fragments live.
PREFIX = "/workspace"

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def who(request: Request) -> dict[str, Any]:
    """Return the key's role and name (its key id when it has no name)."""
    p = principal_of(request)
    return {
        "role": Role(p.role).name,
        "name": p.name,
        "admin": p.role >= Role.admin,
    }


@router.get("/whoami")
def whoami(request: Request, _: ReadKey) -> JSONResponse:
    """``{"role", "name", "admin"}`` of the presented key."""
    return JSONResponse(who(request))


def _summary(store: Store, network_id: str) -> dict[str, Any]:
    network, revision = store.get_network(network_id)
    try:
        ds = store.decisions(network_id)
    except NotFoundError:
        ds = None
    return {
        "id": network_id,
        "revision": revision,
        "resources": len(network.resources),
        "products": len(network.products),
        "hotel": night_layout(network) is not None,
        "version": ds.version if ds else None,
        "method": ds.method if ds else None,
        "created_at": ds.created_at if ds else None,
        "as_of": (ds.params.get("cycle") or {}).get("as_of") if ds else None,
        "overrides": len(ds.overrides) if ds else 0,
    }


@router.get("/home", response_class=HTMLResponse)
async def home(request: Request, store: StoreDep, _: ReadKey) -> HTMLResponse:
    """Render the networks with their latest decision version, method and when computed."""

    def read() -> list[dict[str, Any]]:
        out = []
        for nid in store.list_networks():
            try:
                out.append(_summary(store, nid))
            except NotFoundError:  # deleted meanwhile
                continue
        return out

    return render("home.html", networks=await run_in_threadpool(read), me=who(request))


async def render_network(
    store: Store,
    request: Request,
    network_id: str,
    ladder: str | None = None,
    flash: str | None = None,
) -> HTMLResponse:
    """Render the page of a network (its grid, charts and forms), with a message."""
    ladder = (ladder or "").strip() or None
    grid = await run_in_threadpool(build_grid, store, network_id, ladder)
    network, _rev = store.get_network(network_id)
    return render(
        "network.html",
        grid=grid,
        ladder=ladder or "",
        charts=chart_json(grid.charts),
        me=who(request),
        methods=sorted(METHODS),
        products=[p.id for p in network.products],
        nights=sorted({r["night"] for r in grid.rows if r["night"]}),
        flash=flash,
    )


@router.get("/networks/{network_id}", response_class=HTMLResponse)
async def network_page(
    network_id: NetworkId,
    request: Request,
    store: StoreDep,
    _: ReadKey,
    ladder: Annotated[str | None, Query(max_length=2000)] = None,
) -> HTMLResponse:
    """Render the stay-night (or resource) grid, its charts and, for admins, the actions."""
    return await render_network(store, request, network_id, ladder)


@router.get("/networks/{network_id}/pace", response_class=HTMLResponse)
async def pace_fragment(network_id: NetworkId, store: StoreDep, _: ReadKey) -> HTMLResponse:
    """Render the pace chart of a hotel of the daily cycle (loaded after the grid)."""
    data = await run_in_threadpool(pace_chart, store, network_id)
    return render("_pace.html", pace=data, charts=chart_json({"pace": data}))


@router.get("/networks/{network_id}/resources/{resource_id:path}", response_class=HTMLResponse)
async def resource_page(
    network_id: NetworkId, resource_id: str, request: Request, store: StoreDep, _: ReadKey
) -> HTMLResponse:
    """Render one night or resource: history, overrides, bookings on hand, forecast by segment."""
    page = await run_in_threadpool(build_resource_page, store, network_id, resource_id)
    return render("resource.html", page=page, me=who(request), today=today().isoformat())
