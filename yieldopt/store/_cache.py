"""In-memory snapshot of each network's controls and inventory, for the evaluate hot path.

A :class:`Snapshot` holds the compiled :class:`~yieldopt.store.Controls` of the current
decision set and the ``sold``/``authorized`` counts per resource. The store replaces it
whenever this process publishes decisions or changes the network (invalidation by
revision and decision version), applies this process's bookings and cancellations to
its counts as they commit, and reloads it from the database once it is older than the
time-to-live, which bounds how stale it can be when several processes share a database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ._controls import Controls

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

    def controls(self, network_id: str, revision: int, version: int) -> Controls | None:
        """Return the cached controls if they match a network revision and decision version."""
        c = self._compiled.get(network_id)
        return (
            c if c is not None and (c.network_revision, c.version) == (revision, version) else None
        )

    def put_controls(self, network_id: str, controls: Controls) -> None:
        """Keep compiled controls (unless newer ones are cached)."""
        with self._lock:
            old = self._compiled.get(network_id)
            key = (controls.network_revision, controls.version)
            if old is None or (old.network_revision, old.version) <= key:
                self._compiled[network_id] = controls

    def put(self, network_id: str, snapshot: Snapshot) -> None:
        """Store a snapshot (unless a newer network revision or decision version is cached)."""
        with self._lock:
            old = self._items.get(network_id)
            new = snapshot.controls
            if old is not None and (old.controls.network_revision, old.controls.version) > (
                new.network_revision,
                new.version,
            ):
                return
            self._items[network_id] = snapshot

    def invalidate(self, network_id: str) -> None:
        """Drop a network's snapshot and controls (its network or decisions changed)."""
        with self._lock:
            self._items.pop(network_id, None)
            self._compiled.pop(network_id, None)

    def add_sold(
        self, network_id: str, revision: int, positions: Iterable[int], quantity: int
    ) -> None:
        """Apply a committed booking (``quantity`` > 0) or cancellation (< 0) to the counts."""
        with self._lock:
            snap = self._items.get(network_id)
            if snap is None or snap.controls.network_revision != revision:
                return
            for i in positions:
                snap.sold[i] += quantity
