"""In-memory snapshot of each network's controls and inventory, for the evaluate hot path.

A :class:`Snapshot` holds the compiled :class:`~yieldopt.control.Controls` of the current
decision set and the ``sold``/``authorized`` counts per resource. The store replaces it
whenever this process publishes decisions or changes the network, and keys what it
keeps by the network's incarnation, revision and decision version (revisions restart
at 1 when a network is deleted and created again, so the incarnation, drawn at random
on create, tells the old network from the new), applies this process's bookings and cancellations to
its counts as they commit, and reloads it from the database once it is older than the
time-to-live, which bounds how stale it can be when several processes share a database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ..control import Controls

__all__ = ["ControlsCache", "Snapshot"]


@dataclass(eq=False)
class Snapshot:
    """Controls and inventory counts of one network at one moment.

    Attributes
    ----------
    controls : Controls
        Compiled controls (network revision and decision version inside).
    sold, authorized : list of int
        Per resource, in network order (units).
    loaded_at : float
        ``time.monotonic()`` when the counts were read from the database.
    """

    controls: Controls
    sold: list[int]
    authorized: list[int]
    loaded_at: float


class ControlsCache:
    """Thread-safe map from network id to its latest :class:`Snapshot`.

    Parameters
    ----------
    ttl : float
        Seconds after which a snapshot is reloaded before use (0 disables the cache).
    """

    def __init__(self, ttl: float = 1.0) -> None:
        self.ttl = float(ttl)
        self._items: dict[str, Snapshot] = {}
        self._compiled: dict[str, Controls] = {}
        self._lock = threading.Lock()

    def fresh(self, network_id: str) -> Snapshot | None:
        """Return the snapshot if it is younger than the time-to-live, else ``None``."""
        snap = self._items.get(network_id)
        if snap is None or time.monotonic() - snap.loaded_at >= self.ttl:
            return None
        return snap

    def controls(self, network_id: str, key: tuple[str, int, int]) -> Controls | None:
        """Return the cached controls if they match ``(incarnation, revision, version)``."""
        c = self._compiled.get(network_id)
        return c if c is not None and c.key == key else None

    def put_controls(self, network_id: str, controls: Controls) -> None:
        """Keep compiled controls (unless newer ones of the same incarnation are cached)."""
        with self._lock:
            if not _older(controls, self._compiled.get(network_id)):
                self._compiled[network_id] = controls

    def put(self, network_id: str, snapshot: Snapshot) -> None:
        """Store a snapshot (unless a newer one of the same incarnation is cached)."""
        with self._lock:
            old = self._items.get(network_id)
            if not _older(snapshot.controls, None if old is None else old.controls):
                self._items[network_id] = snapshot

    def invalidate(self, network_id: str) -> None:
        """Drop a network's snapshot and controls (its network or decisions changed)."""
        with self._lock:
            self._items.pop(network_id, None)
            self._compiled.pop(network_id, None)

    def add_sold(
        self,
        network_id: str,
        network: tuple[str, int],
        positions: Iterable[int],
        quantity: int,
    ) -> None:
        """Apply a committed booking (``quantity`` > 0) or cancellation (< 0) to the counts.

        ``network`` is the ``(incarnation, revision)`` the positions refer to.
        """
        with self._lock:
            snap = self._items.get(network_id)
            if snap is None or snap.controls.key[:2] != network:
                return
            for i in positions:
                snap.sold[i] += quantity


def _older(new: Controls, old: Controls | None) -> bool:
    """Whether ``new`` is older than ``old``: same incarnation, lower revision or version.

    Incarnations have no order; controls of another incarnation were loaded later and
    replace the old ones (bookings check the exact key, so a mix-up costs only a reload).
    """
    if old is None or old.incarnation != new.incarnation:
        return False
    return (new.network_revision, new.version) < (old.network_revision, old.version)
