"""Exceptions of the store, part of the :class:`~yieldopt.errors.YieldoptError` hierarchy.

::

    YieldoptError
    ├── ConflictError                 the request clashes with the stored state
    │                                 (:class:`yieldopt.errors.ConflictError`, re-exported)
    └── StoreError                    the database refused or is not usable
        ├── NotFoundError (LookupError)   no such network, booking or run
        ├── IdempotencyError              a key was reused for a different request
        └── UnavailableError              the database is unavailable for now; retry later
"""

from __future__ import annotations

from ..errors import ConflictError, YieldoptError

__all__ = ["ConflictError", "IdempotencyError", "NotFoundError", "StoreError", "UnavailableError"]


class StoreError(YieldoptError):
    """The database refused an operation or is not usable by this version."""


class NotFoundError(StoreError, LookupError):
    """No such network, booking or optimization run.

    Parameters
    ----------
    kind : str
        What was looked up: ``"network"``, ``"booking"``, ``"optimization"``, ``"forecast"``.
    key : str
        The id that was not found.
    """

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class IdempotencyError(StoreError):
    """An idempotency key was reused with a different request body."""


class UnavailableError(StoreError):
    """The database cannot serve the request now (down, unreachable, locked, overloaded).

    Raised after the store's own retries; nothing was changed unless ``retry_safe`` is
    ``False`` (a connection dropped during a commit may or may not have committed: a
    retry with the same Idempotency-Key tells).

    Parameters
    ----------
    message : str
        What failed, without credentials or SQL.
    retry_after : int
        Seconds after which a retry is sensible.
    """

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = int(retry_after)
        super().__init__(message)
