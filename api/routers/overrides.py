"""Overrides of a network's controls by revenue managers, with their audit trail; what-if.

An override is part of the decision: setting, changing or removing one publishes a new
decision version at once (``evaluate`` and bookings use it), it is kept through
re-optimizations until it expires or is removed, and every change is audited under the
API key's name (never the key). Admin keys change overrides; read keys list them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from yieldopt.decisions import preview_what_if, publish_what_if

from ..dependencies import AdminKey, ReadKey, StoreDep, run_heavy, who_of
from ..schemas_overrides import (
    AuditEntryOut,
    AuditOut,
    OverrideIn,
    OverrideOut,
    OverridesOut,
    WhatIfIn,
    WhatIfOut,
    WhatIfPublishIn,
    WhatIfPublishOut,
)
from ._shared import NetworkId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["overrides"])

# Resource ids may hold "/" (``std/2026-12-04``): the rest of the path is the id.
ResourceId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Resource id (may contain /).",
    ),
]
OptionalReason = Annotated[
    str | None, Query(min_length=1, max_length=500, description="Why it is removed.")
]


@router.get("/overrides", responses=problems(404))
def list_overrides(network_id: NetworkId, store: StoreDep, _: ReadKey) -> OverridesOut:
    """List the overrides in force, in network order, with the current decision version."""
    found = store.overrides(network_id)
    version = store.decision_version(network_id)
    return OverridesOut(
        network=network_id,
        decision_version=version,
        overrides=[OverrideOut.of(network_id, o, version) for o in found],
    )


@router.get("/overrides/audit", responses=problems(404))
def override_audit(
    network_id: NetworkId,
    store: StoreDep,
    _: ReadKey,
    resource: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditOut:
    """Every change of the network's overrides (or one resource's), newest first.

    ``who`` is the API key's name (``key:role@name``, else its key id), ``system`` for
    an expiry; ``old`` and ``new`` the override before and after.
    """
    entries = store.override_audit(network_id, resource, limit)
    return AuditOut(network=network_id, entries=[AuditEntryOut(**e.to_dict()) for e in entries])


@router.put("/overrides/{resource_id:path}", responses=problems(404))
def put_override(
    network_id: NetworkId,
    resource_id: ResourceId,
    body: OverrideIn,
    request: Request,
    store: StoreDep,
    _: AdminKey,
) -> OverrideOut:
    """Set (or replace) a resource's override: ``bid_price``, ``authorized`` or ``closed``.

    Publishes a new decision version with it at once: ``evaluate`` and bookings use
    it, a closed resource sells nothing (reason ``closed``), the optimizer is told
    about it at the next run. ``expires_at`` (in the future; ISO datetime or date)
    ends it; without it, it lasts until removed.
    """
    o, ds = store.put_override(
        network_id,
        resource_id,
        bid_price=body.bid_price,
        authorized=body.authorized,
        closed=body.closed,
        reason=body.reason,
        expires_at=body.expires_at,
        who=who_of(request),
    )
    return OverrideOut.of(network_id, o, ds.version)


@router.delete("/overrides/{resource_id:path}", status_code=204, responses=problems(404))
def delete_override(
    network_id: NetworkId,
    resource_id: ResourceId,
    request: Request,
    store: StoreDep,
    _: AdminKey,
    reason: OptionalReason = None,
) -> Response:
    """Remove a resource's override; publishes a version with the optimizer's values."""
    store.delete_override(network_id, resource_id, who=who_of(request), reason=reason)
    return Response(status_code=204)


@router.post("/what-if", responses=problems(404, 409, 429))
async def what_if(
    network_id: NetworkId, body: WhatIfIn, request: Request, store: StoreDep, _: ReadKey
) -> WhatIfOut:
    """Preview, without publishing, the decision set with more capacity or other prices.

    ``overbook``: units added to the authorized capacity (every resource, or
    ``{resource: units}``); ``prices``: new product prices. Solves linear programs,
    so it runs on the bounded pool of heavy work (429 with ``Retry-After`` when full).
    """
    args = body.args()
    out = await run_heavy(request, lambda: preview_what_if(store, network_id, **args))
    return WhatIfOut(**out)


@router.post("/what-if/publish", responses=problems(404, 409, 429))
async def what_if_publish(
    network_id: NetworkId,
    body: WhatIfPublishIn,
    request: Request,
    store: StoreDep,
    _: AdminKey,
) -> WhatIfPublishOut:
    """Apply a what-if, then optimize again and publish.

    Raised capacity becomes ``authorized`` overrides (with the reason), prices a network
    update (sold kept).
    """
    args, who = body.args(), who_of(request)
    out = await run_heavy(
        request,
        lambda: publish_what_if(store, network_id, **args, reason=body.reason, who=who),
    )
    version = out["decision_version"]
    return WhatIfPublishOut(
        network=network_id,
        decision_version=version,
        overrides=[OverrideOut.of(network_id, o, version) for o in out["overrides"]],
        preview=WhatIfOut(**out["preview"]),
    )
