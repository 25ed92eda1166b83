"""Statements on overrides, their audit and decision sets, shared by the store's writes.

Publishing a decision set (an optimization, or an override change) ends in
:func:`publish_set` inside the caller's write transaction: the overrides in force are read
(expired ones deleted and audited as ``expire`` by ``system``), laid over the set's
optimized values by :func:`yieldopt.control.apply_overrides`, and the set is written with
its authorized capacity. The caller has locked the inventory rows and the network row
first (the store's lock order, see :mod:`yieldopt.store._queries`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..control import Override, apply_overrides, in_force
from ..model import ControlKind, Method, Network, OverrideAction
from ._errors import ConflictError
from ._queries import Head, load_decisions, set_authorized
from ._records import DecisionSet, OverrideAudit
from ._schema import decision_sets, networks, override_audit, overrides, resources

__all__ = [
    "SYSTEM",
    "audit",
    "base_decisions",
    "delete_override_row",
    "expire_rows",
    "load_audit",
    "load_overrides",
    "publish_set",
    "remove_override",
    "write_decisions",
    "write_override",
]

#: Who an expiry is recorded by.
SYSTEM = "system"


def load_overrides(conn: Connection, network_id: str) -> list[Override]:
    """Return the overrides stored for a network (expired ones included), in network order."""
    o = overrides.c
    rows = conn.execute(
        select(o.resource_id, o.bid_price, o.authorized, o.closed, o.reason, o.expires_at)
        .add_columns(o.set_by, o.set_at)
        .join(
            resources,
            (resources.c.network_id == o.network_id) & (resources.c.id == o.resource_id),
            isouter=True,
        )
        .where(o.network_id == network_id)
        .order_by(resources.c.position, o.resource_id)
    )
    return [
        Override(
            resource=r.resource_id,
            bid_price=None if r.bid_price is None else float(r.bid_price),
            authorized=None if r.authorized is None else int(r.authorized),
            closed=None if r.closed is None else bool(r.closed),
            reason=r.reason,
            expires_at=r.expires_at,
            set_by=r.set_by,
            set_at=r.set_at,
        )
        for r in rows
    ]


def write_override(conn: Connection, network_id: str, o: Override) -> None:
    """Store an override, replacing the resource's previous one."""
    delete_override_row(conn, network_id, o.resource)
    conn.execute(
        insert(overrides).values(
            network_id=network_id,
            resource_id=o.resource,
            bid_price=o.bid_price,
            authorized=o.authorized,
            closed=o.closed,
            reason=o.reason,
            expires_at=o.expires_at,
            set_by=o.set_by,
            set_at=o.set_at,
        )
    )


def delete_override_row(conn: Connection, network_id: str, resource_id: str) -> int:
    """Delete a resource's override; return how many rows went (0 or 1)."""
    res = conn.execute(
        delete(overrides).where(
            (overrides.c.network_id == network_id) & (overrides.c.resource_id == resource_id)
        )
    )
    return int(res.rowcount or 0)


def audit(
    conn: Connection,
    network_id: str,
    resource_id: str,
    *,
    at: str,
    who: str,
    action: OverrideAction,
    old: Override | None,
    new: Override | None,
    reason: str | None,
    version: int,
) -> None:
    """Append one entry to the override audit."""
    conn.execute(
        insert(override_audit).values(
            network_id=network_id,
            resource_id=resource_id,
            at=at,
            who=who,
            action=str(action),
            old=None if old is None else old.to_dict(),
            new=None if new is None else new.to_dict(),
            reason=reason,
            decision_version=version,
        )
    )


def remove_override(
    conn: Connection,
    network_id: str,
    o: Override,
    *,
    at: str,
    who: str,
    action: OverrideAction,
    reason: str | None,
    version: int,
) -> None:
    """Delete an override and audit its going (``remove`` or ``expire``)."""
    delete_override_row(conn, network_id, o.resource)
    audit(
        conn,
        network_id,
        o.resource,
        at=at,
        who=who,
        action=action,
        old=o,
        new=None,
        reason=reason,
        version=version,
    )


def load_audit(
    conn: Connection, network_id: str, resource_id: str | None, limit: int
) -> list[OverrideAudit]:
    """Audit entries of a network (or one resource), newest first."""
    a = override_audit.c
    stmt = select(override_audit).where(a.network_id == network_id)
    if resource_id is not None:
        stmt = stmt.where(a.resource_id == resource_id)
    rows = conn.execute(stmt.order_by(a.id.desc()).limit(limit)).mappings()
    return [
        OverrideAudit(
            id=int(r["id"]),
            network=r["network_id"],
            resource=r["resource_id"],
            at=r["at"],
            who=r["who"],
            action=OverrideAction(r["action"]),
            old=None if r["old"] is None else dict(r["old"]),
            new=None if r["new"] is None else dict(r["new"]),
            reason=r["reason"],
            decision_version=int(r["decision_version"]),
        )
        for r in rows
    ]


def base_decisions(
    conn: Connection, network_id: str, head: Head, network: Network, now: str
) -> DecisionSet:
    """Return the next version's set before overrides: the latest one's optimized values.

    Without a decision set yet, first come first served: bid prices 0, authorized =
    capacity. Method, controls and revisions stay those of the optimization; ``params``
    gains ``"source": "override"``.
    """
    latest = load_decisions(conn, network_id, head.decision_version or None)
    version = head.decision_version + 1
    if latest is None or not head.decision_version:
        ids = network.resource_ids
        return DecisionSet(
            network=network_id,
            version=version,
            method=Method.FCFS.value,
            control=ControlKind.FCFS.value,
            created_at=now,
            network_revision=head.revision,
            forecast_revision=0,
            objective=None,
            bid_prices=dict.fromkeys(ids, 0.0),
            authorized={r.id: int(r.capacity) for r in network.resources},
            params={"method": Method.FCFS.value, "source": "override"},
        )
    return dataclasses.replace(
        latest,
        version=version,
        created_at=now,
        params={**latest.params, "source": "override"},
    )


def publish_set(
    conn: Connection,
    network_id: str,
    ds: DecisionSet,
    now: dt.datetime,
    *,
    expect: Sequence[Override] | None = None,
) -> tuple[DecisionSet, list[Override]]:
    """Lay the overrides in force over ``ds`` and write it as the network's next version.

    Expired overrides are deleted and audited (``expire``, by ``system``) in the same
    transaction. ``ds.version`` must be the network's decision version + 1.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        A write transaction holding the inventory and network row locks.
    network_id : str
        Network id.
    ds : DecisionSet
        The set with the optimizer's values.
    now : datetime
        The current instant (aware).
    expect : sequence of Override, optional
        The overrides the optimizer was told about; if others are in force now (set or
        changed meanwhile), :class:`~yieldopt.errors.ConflictError`.

    Returns
    -------
    published : DecisionSet
        As written.
    in_force : list of Override
        The overrides it carries.
    """
    kept = list(expire_rows(conn, network_id, now, ds.version).values())
    if expect is not None:
        seen = {(o.resource, o.set_at) for o in in_force(expect, now)[0]}
        if {(o.resource, o.set_at) for o in kept} != seen:
            raise ConflictError("overrides changed while optimizing; run it again")
    out = apply_overrides(ds, kept, now)
    write_decisions(conn, network_id, out)
    return out, kept


def expire_rows(
    conn: Connection, network_id: str, now: dt.datetime, version: int
) -> dict[str, Override]:
    """Delete and audit the expired overrides; return those in force by resource.

    ``version`` is the decision version about to be published with the change.
    """
    kept, gone = in_force(load_overrides(conn, network_id), now)
    stamp = now.isoformat(timespec="microseconds")
    for o in gone:
        remove_override(
            conn,
            network_id,
            o,
            at=stamp,
            who=SYSTEM,
            action=OverrideAction.EXPIRE,
            reason=o.reason,
            version=version,
        )
    return {o.resource: o for o in kept}


def write_decisions(conn: Connection, network_id: str, ds: DecisionSet) -> None:
    """Insert a decision set, make it the network's current one, set its authorized."""
    body: dict[str, Any] = ds.to_dict()
    conn.execute(
        insert(decision_sets).values(
            network_id=network_id,
            version=ds.version,
            method=ds.method,
            network_revision=ds.network_revision,
            forecast_revision=ds.forecast_revision,
            created_at=ds.created_at,
            body=body,
        )
    )
    conn.execute(
        update(networks).where(networks.c.id == network_id).values(decision_version=ds.version)
    )
    # Authorized may fall below sold (an oversold resource whose overbooking is withdrawn,
    # or an authorized override below sold): it is kept as published and the inventory
    # shows the deficit as a negative ``available``; bookings are refused until made up.
    set_authorized(conn, network_id, ds.authorized)
