"""Durable state of the booking-control service, on SQLAlchemy Core.

A SQLite file by default (WAL, busy timeout), PostgreSQL by URL
(``postgresql+psycopg://…``, the ``postgres`` extra). :class:`Store` keeps networks,
forecasts, versioned decision sets, bookings with idempotency keys, the inventory per
resource, and the revenue managers' overrides with their audit; a booking is decided by
the compiled controls of :mod:`yieldopt.control` and takes capacity in one transaction.
The store only persists and loads: decision sets are computed by
:mod:`yieldopt.decisions` and handed to :meth:`Store.publish_decisions`.

>>> from yieldopt.store import BookingRequest, Store
>>> store = Store.open("sqlite://")
>>> import yieldopt as yo
>>> net = yo.Network.from_records(
...     [{"id": "leg", "capacity": 2}], [{"id": "y", "resources": ["leg"], "price": 100.0}]
... )
>>> store.put_network("demo", net)
(1, True)
>>> booking, _ = store.book("demo", BookingRequest("y", 2))
>>> str(booking.status), [r.available for r in store.inventory("demo")]
('confirmed', [0])
"""

from ._cache import ControlsCache, Snapshot
from ._engine import DEFAULT_URL, create_engine, is_sqlite
from ._errors import ConflictError, IdempotencyError, NotFoundError, StoreError, UnavailableError
from ._records import (
    Booking,
    BookingRequest,
    DecisionSet,
    Forecast,
    InventoryRow,
    OptimizationRun,
    Override,
    OverrideAudit,
)
from ._schema import MIGRATIONS, SCHEMA_VERSION, schema_version, upgrade
from ._store import Store
from ._store_decisions import OptimizationInputs
from ._store_reservations import RESERVATION_FIELDS, CycleInputs
from ._writer import GroupCommitter

__all__ = [
    "DEFAULT_URL",
    "MIGRATIONS",
    "RESERVATION_FIELDS",
    "SCHEMA_VERSION",
    "Booking",
    "BookingRequest",
    "ConflictError",
    "ControlsCache",
    "CycleInputs",
    "DecisionSet",
    "Forecast",
    "GroupCommitter",
    "IdempotencyError",
    "InventoryRow",
    "NotFoundError",
    "OptimizationInputs",
    "OptimizationRun",
    "Override",
    "OverrideAudit",
    "Snapshot",
    "Store",
    "StoreError",
    "UnavailableError",
    "create_engine",
    "is_sqlite",
    "schema_version",
    "upgrade",
]
