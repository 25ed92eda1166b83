"""Argument checks shared by the numeric core.

Each helper converts its argument to a float array and raises
:class:`~yieldopt.errors.InputError` naming the argument when it is unusable.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError

__all__ = [
    "as_amount",
    "as_capacity",
    "as_descending_fares",
    "as_nonnegative",
    "as_probabilities",
    "check_same_shape",
]


def _as_float(name: str, x: ArrayLike, min_ndim: int) -> NDArray[np.float64]:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(name, f"must be numeric ({exc})") from None
    if a.ndim < min_ndim:
        raise InputError(name, f"must have at least {min_ndim} dimension(s), got a scalar")
    if not np.all(np.isfinite(a)):
        raise InputError(name, "must be finite (found NaN or infinity)")
    return a


def as_amount(name: str, value: object) -> float:
    """Return one finite, non-negative number (money or units) from a record field."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(name, f"must be a number, got {value!r}") from None
    if not np.isfinite(x) or x < 0:
        raise InputError(name, f"must be finite and non-negative, got {value!r}")
    return x


def as_nonnegative(name: str, x: ArrayLike, *, min_ndim: int = 0) -> NDArray[np.float64]:
    """Return ``x`` as a finite, non-negative float array."""
    a = _as_float(name, x, min_ndim)
    if np.any(a < 0):
        raise InputError(name, f"must be non-negative (found {a[a < 0].flat[0]:g})")
    return a


def as_descending_fares(name: str, x: ArrayLike) -> NDArray[np.float64]:
    """Return positive fares, shape (..., n), strictly descending along the last axis."""
    a = _as_float(name, x, 1)
    if np.any(a <= 0):
        raise InputError(name, "must be positive")
    if a.shape[-1] == 0:
        raise InputError(name, "must hold at least one class")
    if a.shape[-1] > 1 and np.any(np.diff(a, axis=-1) >= 0):
        raise InputError(name, "must be strictly descending (class 1 is the highest fare)")
    return a


def as_probabilities(name: str, x: ArrayLike) -> NDArray[np.float64]:
    """Return ``x`` as a float array with every entry in [0, 1]."""
    a = _as_float(name, x, 0)
    if np.any((a < 0) | (a > 1)):
        raise InputError(name, "must lie in [0, 1]")
    return a


def as_capacity(name: str, x: ArrayLike) -> int:
    """Return a non-negative integer capacity."""
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(name, f"must be a non-negative integer, got {x!r}") from None
    if not np.isfinite(value) or value < 0 or value != int(value):
        raise InputError(name, f"must be a non-negative integer, got {x!r}")
    return int(value)


def check_same_shape(**arrays: NDArray[np.float64]) -> None:
    """Raise if the arrays do not all have the same shape; names the first mismatch."""
    items = list(arrays.items())
    first_name, first = items[0]
    for name, a in items[1:]:
        if a.shape != first.shape:
            raise InputError(name, f"has shape {a.shape} but {first_name} has shape {first.shape}")
