"""Revenue managers' overrides of a decision set: the record and the one rule applying them.

An :class:`Override` replaces, on one resource, the optimizer's bid price, its authorized
capacity, or closes the resource (nothing using it is sold). Overrides are part of the
decision: :func:`apply_overrides` lays the overrides in force over the optimizer's values
and returns the decision set a booking system reads (``bid_prices`` and ``authorized``
are the *effective* values; ``optimized`` keeps the optimizer's, ``overrides`` the
overrides applied). :func:`override_remaining` tells the optimizers about them: a closed
resource has nothing left to sell, an authorized override leaves ``max(override − sold, 0)``.

Times are ISO 8601 strings in UTC; :func:`parse_expiry` reads what a client sends.

>>> from datetime import UTC, datetime
>>> o = Override("leg", None, None, True, "storm", None, "rm-anna", "2026-01-01T00:00:00+00:00")
>>> ds = DecisionSet("n", 1, "dlp", "bid-price", "t", 1, 1, 10.0, {"leg": 50.0}, {"leg": 9})
>>> out = apply_overrides(ds, [o], datetime(2026, 1, 2, tzinfo=UTC))
>>> out.overrides[0]["closed"], out.optimized
(True, {'bid_prices': {'leg': 50.0}, 'authorized': {'leg': 9}})
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ._records import DecisionSet

__all__ = [
    "Override",
    "apply_overrides",
    "expiry_time",
    "in_force",
    "optimized_values",
    "override_remaining",
    "parse_expiry",
]


@dataclass(frozen=True)
class Override:
    """A revenue manager's change to the controls of one resource.

    Attributes
    ----------
    resource : str
        Resource id.
    bid_price : float or None
        Replaces the resource's bid price (money per unit); it binds under every
        control, so products using the resource must pay it even under nested or
        first-come-first-served control.
    authorized : int or None
        Replaces the authorized capacity (units, >= 0; below ``sold`` it shows a
        deficit, as an overbooking withdrawn).
    closed : bool or None
        ``True``: nothing using the resource is sold (reason ``"closed"``).
    reason : str
        Why (free text, shown in the audit).
    expires_at : str or None
        ISO 8601 UTC instant after which it no longer applies; ``None``: until removed.
    set_by : str
        Name of the API key that set it (never the key).
    set_at : str
        ISO 8601 UTC.
    """

    resource: str
    bid_price: float | None
    authorized: int | None
    closed: bool | None
    reason: str
    expires_at: str | None
    set_by: str
    set_at: str

    def to_dict(self) -> dict[str, Any]:
        """Return the override as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Override:
        """Build from :meth:`to_dict` output (unknown keys are ignored)."""
        fields: dict[str, Any] = {k: body.get(k) for k in cls.__dataclass_fields__}
        return cls(**fields)

    @property
    def is_closed(self) -> bool:
        """Whether it closes the resource."""
        return bool(self.closed)

    def expired(self, now: dt.datetime) -> bool:
        """Whether it has expired at ``now`` (an aware datetime)."""
        t = expiry_time(self.expires_at)
        return t is not None and t <= now.timestamp()


def expiry_time(expires_at: str | None) -> float | None:
    """Return an ISO 8601 UTC instant as Unix seconds (``None`` stays ``None``)."""
    if expires_at is None:
        return None
    return _aware(dt.datetime.fromisoformat(expires_at)).timestamp()


def _aware(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t


def parse_expiry(value: object, now: dt.datetime, field: str = "expires_at") -> str | None:
    """Read an expiry: an ISO datetime (offset or ``Z``; naive means UTC) or a date.

    A date means 00:00 UTC of that day.

    Parameters
    ----------
    value : str or datetime or date or None
        What the client sent.
    now : datetime
        The current instant (aware); the expiry must be after it.
    field : str
        Name of the field, for errors.

    Returns
    -------
    str or None
        The instant in UTC, ISO 8601 (``+00:00``).

    Raises
    ------
    InputError
        On something that is not an ISO date or datetime, or not in the future.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        t = _aware(value)
    elif isinstance(value, dt.date):
        t = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                d = dt.date.fromisoformat(text)
                t = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
            else:
                t = _aware(dt.datetime.fromisoformat(text))
        except ValueError:
            raise InputError(
                field,
                f"must be an ISO 8601 date or datetime (e.g. 2026-12-04T18:00Z), got {value!r}",
            ) from None
    else:
        raise InputError(field, f"must be an ISO 8601 date or datetime, got {value!r}")
    t = t.astimezone(dt.UTC)
    if t <= _aware(now):
        raise InputError(field, f"{t.isoformat()} is not in the future (now {now.isoformat()})")
    return t.isoformat()


def in_force(
    overrides: Iterable[Override], now: dt.datetime
) -> tuple[list[Override], list[Override]]:
    """Split overrides into those in force at ``now`` and those expired."""
    kept: list[Override] = []
    gone: list[Override] = []
    for o in overrides:
        (gone if o.expired(now) else kept).append(o)
    return kept, gone


def optimized_values(ds: DecisionSet) -> dict[str, Any]:
    """Return the optimizer's ``{"bid_prices", "authorized"}`` of a decision set.

    ``ds.optimized`` when overrides applied to it, else its own values.
    """
    if ds.optimized is not None:
        return {
            "bid_prices": dict(ds.optimized["bid_prices"]),
            "authorized": dict(ds.optimized["authorized"]),
        }
    return {"bid_prices": dict(ds.bid_prices), "authorized": dict(ds.authorized)}


def apply_overrides(
    decisions: DecisionSet, overrides: Iterable[Override], now: dt.datetime
) -> DecisionSet:
    """Lay the overrides in force at ``now`` over a decision set's optimized values.

    The one place of the rule: ``bid_prices`` and ``authorized`` become the effective
    values (an override's ``bid_price`` / ``authorized`` replace the optimizer's on its
    resource), ``overrides`` lists the overrides applied (expired ones and those of
    resources the set does not name are left out), and ``optimized`` keeps the
    optimizer's values, or is ``None`` when no override applies. Applying to a set that
    already carries overrides starts again from its optimized values.

    Parameters
    ----------
    decisions : DecisionSet
        The optimizer's set (or an earlier effective one).
    overrides : iterable of Override
        Overrides to apply (at most one per resource).
    now : datetime
        The current instant (aware).

    Returns
    -------
    DecisionSet
        A new set; ``decisions`` is not changed.
    """
    base = optimized_values(decisions)
    bid, auth = dict(base["bid_prices"]), dict(base["authorized"])
    kept, _ = in_force(overrides, now)
    applied = [o for o in kept if o.resource in auth or o.resource in bid]
    for o in applied:
        if o.bid_price is not None:
            bid[o.resource] = float(o.bid_price)
        if o.authorized is not None:
            auth[o.resource] = int(o.authorized)
    return dataclasses.replace(
        decisions,
        bid_prices=bid,
        authorized=auth,
        overrides=[o.to_dict() for o in applied],
        optimized=base if applied else None,
    )


def override_remaining(
    resource_ids: Sequence[str],
    remaining: NDArray[np.int64],
    sold: NDArray[np.int64],
    overrides: Iterable[Override],
) -> NDArray[np.int64]:
    """Remaining capacity the optimizers see, told about the overrides.

    Parameters
    ----------
    resource_ids : sequence of str, length m
        Resource ids, in network order.
    remaining : ndarray of int, shape (m,)
        Units left by the optimizer's own authorized capacity.
    sold : ndarray of int, shape (m,)
        Units sold.
    overrides : iterable of Override
        Overrides in force.

    Returns
    -------
    ndarray of int, shape (m,)
        0 on a closed resource, ``max(authorized override − sold, 0)`` on one with an
        authorized override, ``remaining`` elsewhere.
    """
    out = np.array(remaining, dtype=np.int64, copy=True)
    where = {r: i for i, r in enumerate(resource_ids)}
    for o in overrides:
        i = where.get(o.resource)
        if i is None:
            continue
        if o.is_closed:
            out[i] = 0
        elif o.authorized is not None:
            out[i] = max(int(o.authorized) - int(sold[i]), 0)
    return out
