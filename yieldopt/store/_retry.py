"""Transient database failures: which to retry, how long to wait, which mean "unavailable".

The store retries a write transaction (all of it, from its first statement) when
PostgreSQL aborted it as a deadlock victim or a serialization failure, or when a booking
found the network changed under it (:class:`Stale`): such a transaction was rolled back
entirely, so running it again is safe. The retries are bounded, with exponential backoff
and full jitter so that the transactions that collided do not collide again.

Failures that mean the database cannot serve at all (connection refused or dropped,
SQLite's lock held past the busy timeout, connection pool exhausted, or a deadlock that
persists through every retry) become :class:`~yieldopt.store.UnavailableError`, which the
service answers with 503 and ``Retry-After``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy import exc as sa_exc

from ._errors import UnavailableError

__all__ = [
    "ATTEMPTS",
    "STALE_ATTEMPTS",
    "Stale",
    "as_unavailable",
    "backoff",
    "is_transient",
    "retrying",
]

#: Most attempts of one transaction that failed on a database fault (the first try included).
ATTEMPTS = 6
#: Most attempts of a booking that found the network changed under it (:class:`Stale`).
STALE_ATTEMPTS = 50
_BASE = 0.005  # seconds; the n-th retry waits up to _BASE * 2**n (full jitter)
_CAP = 0.25
# SQLSTATEs of a transaction PostgreSQL rolled back to let another one through.
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class Stale(Exception):
    """The network or its decision set changed while a booking decided; decide again."""


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` rolled its transaction back and a retry may well succeed."""
    if isinstance(exc, Stale):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and not exc.connection_invalidated:
        return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES
    return False


def as_unavailable(exc: BaseException) -> UnavailableError | None:
    """Return the :class:`UnavailableError` that ``exc`` amounts to (``None`` if none)."""
    if isinstance(exc, UnavailableError):
        return exc
    if isinstance(exc, sa_exc.TimeoutError):  # pool exhausted
        return UnavailableError("the database is overloaded (no free connection); retry", 1)
    if isinstance(exc, Stale):
        return UnavailableError("the network kept changing during the booking; retry", 1)
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(
            exc, sa_exc.OperationalError | sa_exc.InterfaceError
        ):
            # str(exc.orig) may carry host names; keep the message generic.
            kind = "busy" if "locked" in str(exc.orig).lower() else "unavailable"
            return UnavailableError(f"the database is {kind}; retry shortly", 2)
    return None


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): full jitter, capped."""
    return random.uniform(0.0, min(_CAP, _BASE * 2**attempt))


def retrying[T](
    attempt: Callable[[], T], retry: Callable[[BaseException], bool] = is_transient
) -> T:
    """Run ``attempt()``; retry it while ``retry(exc)`` holds.

    At most :data:`ATTEMPTS` tries are spent on database faults and
    :data:`STALE_ATTEMPTS` on stale reads (:class:`Stale`), each budget on its own.

    Parameters
    ----------
    attempt : callable
        One complete transaction.
    retry : callable
        Which exceptions to retry (:func:`is_transient` by default).

    Raises
    ------
    UnavailableError
        When the last failure means the database is unavailable (see :func:`as_unavailable`).
    Exception
        Any other failure of the last attempt, unchanged.
    """
    failures = stale = 0
    while True:
        try:
            return attempt()
        except Exception as exc:
            # A stale read means an admin write committed meanwhile: progress, not a
            # fault, so it has its own, larger budget (a burst of admin writes at peak
            # must not turn bookings away) and only a short pause before deciding again.
            if isinstance(exc, Stale):
                stale += 1
                if stale < STALE_ATTEMPTS and retry(exc):
                    time.sleep(backoff(0))
                    continue
            else:
                failures += 1
                if failures < ATTEMPTS and retry(exc):
                    time.sleep(backoff(failures - 1))
                    continue
            unavailable = as_unavailable(exc)
            if unavailable is not None and unavailable is not exc:
                raise unavailable from exc
            raise
