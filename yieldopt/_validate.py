"""Argument checks shared by the numeric core and its loaders.

Each helper converts its argument (to a float array, a date, ...) and raises
:class:`~yieldopt.errors.InputError` naming the argument when it is unusable.
The date rule lives here once: ISO 8601 text only (``YYYY-MM-DD``, or a full ISO
datetime where a time is meant), because ``04/03/2025`` means April 3 to some
readers and March 4 to others.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .errors import InputError

__all__ = [
    "ISO_DATE_HINT",
    "ISO_DATE_RE",
    "as_amount",
    "as_capacity",
    "as_descending_fares",
    "as_nonnegative",
    "as_probabilities",
    "check_csv_delimiter",
    "check_same_shape",
    "parse_date",
]

#: ISO 8601 calendar day, optionally with a time of day and a UTC offset.
ISO_DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
#: What the date rule expects, quoted in every date error.
ISO_DATE_HINT = "ISO 8601: YYYY-MM-DD (e.g. 2025-04-03) or YYYY-MM-DDTHH:MM[:SS]"


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


def parse_date(value: object, field: str) -> dt.date:
    """Return the calendar day of an ISO 8601 date or datetime.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, numpy.datetime64 or pandas.Timestamp
        Text must be ISO 8601 (``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM[:SS]`` with an
        optional UTC offset); a time of day is dropped, keeping the local day.
    field : str
        Name of the argument or option, used in the error (e.g. ``"--as-of"``).

    Returns
    -------
    datetime.date

    Raises
    ------
    InputError
        Naming ``field`` and the expected format, for anything else (``04/03/2025``,
        ``2025-4-3``, ``20250403``, empty text, ``NaT``).
    """
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        if pd.isna(value):
            raise InputError(field, f"must be a date ({ISO_DATE_HINT}), got NaT")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InputError(field, f"must be a date ({ISO_DATE_HINT}), got NaT")
        return pd.Timestamp(value).date()
    if isinstance(value, str):
        text = value.strip()
        if ISO_DATE_RE.fullmatch(text):
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError as exc:  # e.g. 2025-02-30
                raise InputError(field, f"is not a valid date: {value!r} ({exc})") from None
        why = ""
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
            why = " (day/month order is ambiguous)"
        raise InputError(field, f"must be {ISO_DATE_HINT}, got {value!r}{why}")
    raise InputError(field, f"must be a date ({ISO_DATE_HINT}), got {type(value).__name__}")


# Delimiters a spreadsheet export uses instead of commas (European locales: ';').
_OTHER_DELIMITERS = (";", "\t", "|")


def check_csv_delimiter(path: str | Path, field: str, expected: tuple[str, ...] = ()) -> None:
    """Raise when a CSV file is not comma-separated, before its columns are checked.

    Without this, a ``;``-separated file reads as one column named ``a;b;c`` and
    the error is a misleading "missing column".

    Parameters
    ----------
    path : str or Path
        The CSV file (plain text; ``.gz`` files are not sniffed).
    field : str
        Name of the table, used as the error field.
    expected : tuple of str
        Column names the file should have, quoted in the error.

    Raises
    ------
    InputError
        If the header has no comma but another delimiter splits it.
    """
    p = Path(path)
    if p.name.lower().endswith(".gz"):
        return
    try:
        with p.open(newline="", encoding="utf-8", errors="replace") as fh:
            sample = "".join(fh.readline() for _ in range(5))
    except OSError:
        return  # the reader reports unreadable files
    header = sample.splitlines()[0] if sample else ""
    if "," in header or not header:
        return
    found: str | None
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(_OTHER_DELIMITERS)).delimiter
    except csv.Error:
        found = next((d for d in _OTHER_DELIMITERS if d in header), None)
    if found is None:
        return
    shown = "tab" if found == "\t" else repr(found)
    want = f" with columns {', '.join(expected)}" if expected else ""
    raise InputError(
        field,
        f"the file {p.name} looks {shown}-separated; yieldopt reads comma-separated CSV{want} "
        "(with '.' as the decimal point)",
    )
