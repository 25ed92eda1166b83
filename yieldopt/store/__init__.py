"""Durable state of the booking-control service, on SQLAlchemy Core.

A SQLite file by default (WAL, busy timeout), PostgreSQL by URL
(``postgresql+psycopg://…``, the ``postgres`` extra). :class:`Store` keeps networks,
forecasts, versioned decision sets, bookings with idempotency keys and the inventory
per resource; a booking decides and takes capacity in one transaction.

>>> from yieldopt.store import BookingRequest, Store
>>> store = Store.open("sqlite://")
>>> import yieldopt as yo
>>> net = yo.Network.from_records(
...     [{"id": "leg", "capacity": 2}], [{"id": "y", "resources": ["leg"], "price": 100.0}]
... )
>>> store.put_network("demo", net)
(1, True)
>>> booking, _ = store.book("demo", BookingRequest("y", 2))
>>> booking.status, [r.available for r in store.inventory("demo")]
('confirmed', [0])
"""

from ._cache import ControlsCache, Snapshot
from ._controls import Assessment, Controls, Decision
from ._engine import DEFAULT_URL, create_engine, is_sqlite
from ._errors import ConflictError, IdempotencyError, NotFoundError, StoreError, UnavailableError
from ._optimize import (
    MAX_OVERBOOKING_FACTOR,
    METHODS,
    OptimizationRequest,
    Overbooking,
    compute_decisions,
    quote_group,
)
from ._records import (
    Booking,
    BookingRequest,
    DecisionSet,
    Forecast,
    InventoryRow,
    OptimizationRun,
)
from ._schema import MIGRATIONS, SCHEMA_VERSION, schema_version, upgrade
from ._store import Store
from ._writer import GroupCommitter

__all__ = [
    "DEFAULT_URL",
    "MAX_OVERBOOKING_FACTOR",
    "METHODS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Assessment",
    "Booking",
    "BookingRequest",
    "ConflictError",
    "Controls",
    "ControlsCache",
    "Decision",
    "DecisionSet",
    "Forecast",
    "GroupCommitter",
    "IdempotencyError",
    "InventoryRow",
    "NotFoundError",
    "OptimizationRequest",
    "OptimizationRun",
    "Overbooking",
    "Snapshot",
    "Store",
    "StoreError",
    "UnavailableError",
    "compute_decisions",
    "create_engine",
    "is_sqlite",
    "quote_group",
    "schema_version",
    "upgrade",
]
