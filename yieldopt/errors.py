"""The exceptions yieldopt raises on purpose.

Every error derives from :class:`YieldoptError`, so callers can catch the
library's own failures in one place. Input errors are also ``ValueError`` and
solver failures are also ``RuntimeError``, so generic handlers keep working.

::

    YieldoptError
    ├── InputError (ValueError)       bad argument or field; ``.field`` names it
    ├── ConflictError                 the request clashes with the current state
    └── SolverError (RuntimeError)    a solver failed or gave no usable answer
        └── InfeasibleError           the model has no feasible solution
"""

from __future__ import annotations

__all__ = ["ConflictError", "InfeasibleError", "InputError", "SolverError", "YieldoptError"]


class YieldoptError(Exception):
    """Base class of every exception yieldopt raises on purpose."""


class InputError(YieldoptError, ValueError):
    """Invalid input; the message starts with the offending argument or field.

    Parameters
    ----------
    field : str
        Name of the argument, column or record field that is wrong.
    message : str
        What is wrong with it.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class ConflictError(YieldoptError):
    """The request clashes with the current state (e.g. capacity below what is sold).

    Raised by the store and the decision service (:mod:`yieldopt.decisions`); the HTTP
    API answers it with 409.

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


class SolverError(YieldoptError, RuntimeError):
    """A solver failed, timed out or returned no usable solution."""


class InfeasibleError(SolverError):
    """The optimization model has no feasible solution."""
