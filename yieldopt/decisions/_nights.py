"""Night layout of hotel networks and the store protocol of the service's daily cycle.

:class:`CycleStore` is the persistence the cycle needs; :class:`NightLayout` and
:func:`night_layout` map a hotel network's resources (``YYYY-MM-DD`` or
``<room type>/YYYY-MM-DD``) onto the cycle's pools and nights (see
:mod:`yieldopt.decisions._cycle`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import ConflictError
from ..model import Network

__all__ = ["CycleStore", "NightLayout", "night_layout"]

_NIGHT = re.compile(r"^(?:(?P<pool>.+)/)?(?P<night>\d{4}-\d{2}-\d{2})$")
_ALL = "all"
_SERVICE = "service"  # segment of a service booking that names none


class CycleStore(Protocol):
    """The persistence the daily cycle of the service needs."""

    def cycle_inputs(self, network_id: str) -> Any:
        """Read network, forecast, inventory, reservations and bookings in one transaction."""
        ...

    def put_reservations(
        self, network_id: str, records: Sequence[Mapping[str, Any]]
    ) -> tuple[int, int]:
        """Store reservations by id; return (added, replaced)."""
        ...

    def count_reservations(self, network_id: str) -> int:
        """Return the number of stored reservations."""
        ...

    def get_network(self, network_id: str) -> Any:
        """Return the network and its revision (raises when there is none)."""
        ...

    def decisions(self, network_id: str, version: int | None = None) -> Any:
        """Return the latest decision set."""
        ...


# ---------------------------------------------------------------------- nights
@dataclass(frozen=True)
class NightLayout:
    """How a hotel network's resources map onto the cycle's pools and nights.

    Attributes
    ----------
    pools : list of str
        Room types (several resource prefixes), or ``["all"]``.
    pool : list of str
        Pool of each resource, in network order.
    nights : list of datetime.date
        Night of each resource, in network order.
    capacity : dict of str to int
        Rooms per pool: the largest capacity of its nights.
    """

    pools: list[str]
    pool: list[str]
    nights: list[dt.date]
    capacity: dict[str, int]

    @property
    def split(self) -> bool:
        """Whether the pools are room types."""
        return self.pools != [_ALL]

    @property
    def last(self) -> dt.date:
        """The last night."""
        return max(self.nights)


def night_layout(network: Network) -> NightLayout | None:
    """Return the night layout of a hotel network, ``None`` when a resource is not a night."""
    prefixes: list[str | None] = []
    nights: list[dt.date] = []
    for rid in network.resource_ids:
        m = _NIGHT.match(rid)
        if m is None:
            return None
        try:
            nights.append(dt.date.fromisoformat(m["night"]))
        except ValueError:
            return None
        prefixes.append(m["pool"])
    distinct = sorted({p or "" for p in prefixes})
    split = len(distinct) > 1
    pool = [(p or "") if split else _ALL for p in prefixes]
    capacity: dict[str, int] = {}
    for p, r in zip(pool, network.resources, strict=True):
        capacity[p] = max(capacity.get(p, 0), int(r.capacity))
    return NightLayout(distinct if split else [_ALL], pool, nights, capacity)


def _require_layout(network: Network, network_id: str) -> NightLayout:
    layout = night_layout(network)
    if layout is None:
        raise ConflictError(
            f"network {network_id!r} is not a hotel network (resource ids YYYY-MM-DD or "
            "<room type>/YYYY-MM-DD), so it cannot be re-forecast from its reservations; "
            "PUT …/forecast",
            ["forecast"],
        )
    return layout
