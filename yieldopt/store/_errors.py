"""Exceptions of the store, part of the :class:`~yieldopt.errors.YieldoptError` hierarchy.

::

    YieldoptError
    └── StoreError                    the database refused or is not usable
        ├── NotFoundError (LookupError)   no such network, booking or run
        ├── ConflictError                 the request clashes with the stored state
        └── IdempotencyError              a key was reused for a different request
"""

from __future__ import annotations

from ..errors import YieldoptError

__all__ = ["ConflictError", "IdempotencyError", "NotFoundError", "StoreError"]


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


class ConflictError(StoreError):
    """The request clashes with the stored state (e.g. capacity below what is sold).

    Parameters
    ----------
    message : str
        What clashes.
    fields : list of str, optional
        Request fields involved, e.g. ``["resources[2].capacity"]``.
    """

    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        self.fields = list(fields or [])
        super().__init__(message)


class IdempotencyError(StoreError):
    """An idempotency key was reused with a different request body."""
