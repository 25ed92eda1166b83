"""Revenue managers' overrides: the part of :class:`~yieldopt.store.Store` that keeps them.

Every change of an override — set, change, remove, expiry — publishes a new decision
version (the latest optimized values with the overrides now in force laid over them,
:func:`yieldopt.control.apply_overrides`), writes the inventory's authorized capacity,
appends to the audit and drops the evaluate cache, in one transaction with the override
rows (nothing half-done on failure). It locks the inventory rows and then the network
row, the lock order of every admin write (see :mod:`yieldopt.store._queries`).

Expiry: the compiled controls and the decision set carry the earliest expiry of their
overrides. The store operations that read them (evaluate, book, decisions, overrides,
controls) check it and, once it passed, call :meth:`~OverridesMixin.expire_overrides`,
which publishes a version without the expired ones only if the decision version is still
the one read and expired rows are still stored, so two servers do not both publish.
Expiries are audited as ``expire`` by ``system``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from ..control import Override, in_force, parse_expiry
from ..errors import InputError
from ..model import OverrideAction
from ._errors import NotFoundError
from ._overrides_db import (
    audit,
    base_decisions,
    expire_rows,
    load_audit,
    load_overrides,
    publish_set,
    remove_override,
    write_override,
)
from ._queries import load_head, load_network, lock_inventory
from ._records import DecisionSet, OverrideAudit
from ._schema import decision_sets
from ._store_base import StoreBase

__all__ = ["MAX_REASON", "OverridesMixin"]

#: Longest reason kept (characters).
MAX_REASON = 500
#: Largest authorized capacity an override may set (units).
_MAX_UNITS = 1_000_000_000
_FIELDS = ("bid_price", "authorized", "closed")


class OverridesMixin(StoreBase):
    """Set, list, remove and expire overrides; read their audit and the decision history."""

    def put_override(
        self,
        network_id: str,
        resource_id: str,
        *,
        bid_price: float | None = None,
        authorized: int | None = None,
        closed: bool | None = None,
        reason: str,
        expires_at: object = None,
        who: str,
    ) -> tuple[Override, DecisionSet]:
        """Set (or replace) the override of one resource and publish a new decision version.

        Parameters
        ----------
        network_id, resource_id : str
            Where.
        bid_price : float, optional
            Bid price to use instead of the optimizer's (money per unit, >= 0).
        authorized : int, optional
            Authorized capacity (units, >= 0; below sold shows a deficit).
        closed : bool, optional
            ``True`` closes the resource: nothing using it is sold.
        reason : str
            Why (1–500 characters).
        expires_at : str or datetime or date, optional
            When it stops applying (ISO 8601; naive means UTC, a date 00:00 UTC), in
            the future; ``None``: until removed.
        who : str
            Name of the API key making the change (never the key).

        Returns
        -------
        override : Override
            As stored.
        decisions : DecisionSet
            The version published with it.

        Raises
        ------
        NotFoundError
            No such network or resource.
        InputError
            None of ``bid_price``, ``authorized``, ``closed`` given, or one out of
            range, a blank reason, an expiry not in the future — naming the field.
        """
        change = {
            "resource": resource_id,
            "bid_price": bid_price,
            "authorized": authorized,
            "closed": closed,
        }
        made, ds = self.put_overrides(
            network_id, [change], reason=reason, expires_at=expires_at, who=who, prefix=""
        )
        return made[0], ds

    def put_overrides(
        self,
        network_id: str,
        changes: Sequence[Mapping[str, Any]],
        *,
        reason: str,
        expires_at: object = None,
        who: str,
        prefix: str | None = None,
    ) -> tuple[list[Override], DecisionSet]:
        """Set the overrides of several resources at once: one decision version for all.

        Parameters
        ----------
        network_id : str
            Network id.
        changes : sequence of mapping
            ``{"resource", "bid_price"?, "authorized"?, "closed"?}`` each, one per
            resource.
        reason, expires_at, who
            As :meth:`put_override`, for all of them.
        prefix : str, optional
            Prefix of field names in errors (``overrides[2].``) by default.

        Returns
        -------
        overrides : list of Override
        decisions : DecisionSet

        Raises
        ------
        NotFoundError, InputError
            As :meth:`put_override`.
        """
        now = self._now()
        expiry = parse_expiry(expires_at, now)
        why = _reason(reason)
        name = _who(who)
        stamp = now.isoformat(timespec="microseconds")
        made: list[Override] = []
        seen: set[str] = set()
        for i, change in enumerate(changes):
            where = f"overrides[{i}]." if prefix is None else prefix
            o = _override(change, where, why, expiry, name, stamp)
            if o.resource in seen:
                raise InputError(f"{where}resource", f"{o.resource!r} is listed twice")
            seen.add(o.resource)
            made.append(o)
        if not made:
            raise InputError("overrides", "give at least one override")

        def work(conn: Connection) -> DecisionSet:
            lock_inventory(conn, network_id)
            head = load_head(conn, network_id, lock="update")
            network = load_network(conn, network_id)
            known = network.resource_index
            for o in made:
                if o.resource not in known:
                    raise NotFoundError("resource", o.resource)
            base = base_decisions(conn, network_id, head, network, stamp)
            old = expire_rows(conn, network_id, now, base.version)
            for o in made:
                write_override(conn, network_id, o)
                audit(
                    conn,
                    network_id,
                    o.resource,
                    at=stamp,
                    who=name,
                    action=OverrideAction.SET,
                    old=old.get(o.resource),
                    new=o,
                    reason=o.reason,
                    version=base.version,
                )
            return publish_set(conn, network_id, base, now)[0]

        try:
            return made, self._transact(work)
        finally:
            self._cache.invalidate(network_id)

    def delete_override(
        self, network_id: str, resource_id: str, *, who: str, reason: str | None = None
    ) -> DecisionSet:
        """Remove a resource's override and publish a new decision version without it.

        Parameters
        ----------
        network_id, resource_id : str
            Where.
        who : str
            Name of the API key making the change.
        reason : str, optional
            Why it is removed (kept in the audit).

        Returns
        -------
        DecisionSet
            The version published.

        Raises
        ------
        NotFoundError
            No such network, or no override in force on the resource.
        """
        name = _who(who)
        why = None if reason is None else _reason(reason)
        now = self._now()
        stamp = now.isoformat(timespec="microseconds")

        def work(conn: Connection) -> DecisionSet:
            lock_inventory(conn, network_id)
            head = load_head(conn, network_id, lock="update")
            network = load_network(conn, network_id)
            base = base_decisions(conn, network_id, head, network, stamp)
            old = expire_rows(conn, network_id, now, base.version)
            prev = old.get(resource_id)
            if prev is None:
                raise NotFoundError("override", resource_id)
            remove_override(
                conn,
                network_id,
                prev,
                at=stamp,
                who=name,
                action=OverrideAction.REMOVE,
                reason=why,
                version=base.version,
            )
            return publish_set(conn, network_id, base, now)[0]

        try:
            return self._transact(work)
        finally:
            self._cache.invalidate(network_id)

    def expire_overrides(
        self, network_id: str, expect_version: int | None = None
    ) -> DecisionSet | None:
        """Publish a version without the expired overrides, if any expired.

        Parameters
        ----------
        network_id : str
            Network id.
        expect_version : int, optional
            The decision version the caller read; nothing happens if another is
            current by now (someone else published, e.g. another server's expiry).

        Returns
        -------
        DecisionSet or None
            The version published, or ``None`` when there was nothing to do.
        """
        now = self._now()
        stamp = now.isoformat(timespec="microseconds")

        def work(conn: Connection) -> DecisionSet | None:
            lock_inventory(conn, network_id)
            head = load_head(conn, network_id, lock="update")
            if expect_version is not None and head.decision_version != expect_version:
                return None
            if not in_force(load_overrides(conn, network_id), now)[1]:
                return None
            network = load_network(conn, network_id)
            base = base_decisions(conn, network_id, head, network, stamp)
            return publish_set(conn, network_id, base, now)[0]

        try:
            return self._transact(work)
        finally:
            self._cache.invalidate(network_id)

    def overrides(self, network_id: str) -> list[Override]:
        """Return the overrides in force, in network order (expiring any that are due).

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            stored = load_overrides(conn, network_id)
        kept, gone = in_force(stored, self._now())
        if gone:
            self.expire_overrides(network_id)
        return kept

    def decision_version(self, network_id: str) -> int:
        """Return the network's current decision version (0: none published yet).

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            return load_head(conn, network_id).decision_version

    def override_audit(
        self, network_id: str, resource_id: str | None = None, limit: int = 200
    ) -> list[OverrideAudit]:
        """Return the audit of a network's overrides (or one resource's), newest first.

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        with self._read() as conn:
            load_head(conn, network_id)
            return load_audit(conn, network_id, resource_id, max(int(limit), 0))

    def decision_history(self, network_id: str, limit: int = 50) -> list[DecisionSet]:
        """Return the network's decision sets, newest first (at most ``limit``).

        Raises
        ------
        NotFoundError
            If there is no such network.
        """
        d = decision_sets.c
        with self._read() as conn:
            load_head(conn, network_id)
            bodies = conn.execute(
                select(d.body)
                .where(d.network_id == network_id)
                .order_by(d.version.desc())
                .limit(max(int(limit), 0))
            ).scalars()
            return [DecisionSet.from_dict(b) for b in bodies]


# ---------------------------------------------------------------------- validation
def _reason(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError("reason", "must be a non-empty text saying why")
    text = value.strip()
    if len(text) > MAX_REASON:
        raise InputError("reason", f"at most {MAX_REASON} characters, got {len(text)}")
    if any(ord(c) < 32 and c not in "\t\n" for c in text):
        raise InputError("reason", "must not contain control characters")
    return text


def _who(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InputError("who", "must name who makes the change (1–64 characters)")
    return value


def _override(
    change: Mapping[str, Any], where: str, reason: str, expiry: str | None, who: str, stamp: str
) -> Override:
    resource = change.get("resource")
    if not isinstance(resource, str) or not resource:
        raise InputError(f"{where}resource", "must be a resource id")
    unknown = sorted(set(change) - {"resource", *_FIELDS})
    if unknown:
        raise InputError(f"{where}{unknown[0]}", "unknown field")
    bid, auth, closed = (change.get(k) for k in _FIELDS)
    if bid is None and auth is None and closed is None:
        raise InputError(f"{where}bid_price", "give at least one of bid_price, authorized, closed")
    if bid is not None:
        if isinstance(bid, bool) or not isinstance(bid, int | float) or not math.isfinite(bid):
            raise InputError(f"{where}bid_price", f"must be a finite number, got {bid!r}")
        if bid < 0:
            raise InputError(f"{where}bid_price", f"must be >= 0, got {bid!r}")
    if auth is not None:
        if isinstance(auth, bool) or not isinstance(auth, int):
            raise InputError(f"{where}authorized", f"must be a whole number, got {auth!r}")
        if not 0 <= auth <= _MAX_UNITS:
            raise InputError(f"{where}authorized", f"must be from 0 to {_MAX_UNITS}, got {auth}")
    if closed is not None and not isinstance(closed, bool):
        raise InputError(f"{where}closed", f"must be true or false, got {closed!r}")
    return Override(
        resource=resource,
        bid_price=None if bid is None else float(bid),
        authorized=None if auth is None else int(auth),
        closed=closed,
        reason=reason,
        expires_at=expiry,
        set_by=who,
        set_at=stamp,
    )
