"""The store: networks, forecasts, decision sets, bookings and inventory in one database.

:class:`Store` is the one entry point the service and the CLI use. It opens the
database and brings its schema up to date; its operations live in one module per
part, which it combines:

- :mod:`~yieldopt.store._store_base`: the engine, transactions, group commit, cache;
- :mod:`~yieldopt.store._store_networks`: networks and forecasts;
- :mod:`~yieldopt.store._store_decisions`: optimizations, decision sets, group quotes;
- :mod:`~yieldopt.store._store_bookings`: evaluation, bookings, cancellations, inventory;
- :mod:`~yieldopt.store._store_reservations`: reservations imported from an export;
- :mod:`~yieldopt.store._store_overrides`: revenue managers' overrides and their audit.
"""

from __future__ import annotations

from typing import Any

from ._engine import create_engine
from ._schema import upgrade
from ._store_bookings import BookingsMixin
from ._store_decisions import DecisionsMixin
from ._store_networks import NetworksMixin
from ._store_overrides import OverridesMixin
from ._store_reservations import ReservationsMixin

__all__ = ["Store"]


class Store(NetworksMixin, DecisionsMixin, BookingsMixin, ReservationsMixin, OverridesMixin):
    """Durable state of the booking-control service.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`~yieldopt.store.create_engine`; the schema must be current
        (see :meth:`open`).
    evaluate_ttl : float
        Seconds an in-memory inventory snapshot serves :meth:`evaluate` before it is
        re-read (bookings made through this store update it at once).
    run_lease : float
        Seconds an optimization run of this store stays its own without a heartbeat
        (renewed every third of it); another server reclaims the run only after that.
    """

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        evaluate_ttl: float = 1.0,
        run_lease: float = 30.0,
        **engine_kw: Any,
    ) -> Store:
        """Connect to a database, create or upgrade its schema, and return the store.

        Parameters
        ----------
        url : str, optional
            Database URL (SQLite file ``yieldopt.db`` by default); see
            :func:`~yieldopt.store.create_engine`.
        evaluate_ttl, run_lease : float
            See :class:`Store`.
        **engine_kw
            Passed to :func:`~yieldopt.store.create_engine` (``synchronous``, …).
        """
        engine = create_engine(url, **engine_kw)
        upgrade(engine)
        return cls(engine, evaluate_ttl=evaluate_ttl, run_lease=run_lease)
