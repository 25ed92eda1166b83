"""Reading and checking the long-format tables (history, closures, transactions, exports).

A private bottom module (beside :mod:`yieldopt._validate`) shared by ``forecast``,
``segments`` and ``ingest``, so that none of them reaches into another's private
modules. Every check raises :class:`~yieldopt.errors.InputError` whose field is the column
name and whose message, for row-level problems, names the first bad row: its
0-based position in the table (the first data line of a CSV file is row 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._validate import ISO_DATE_HINT, ISO_DATE_RE, check_csv_delimiter, parse_date
from .errors import InputError

__all__ = [
    "DateLike",
    "date_column",
    "first_bad_row",
    "key_column",
    "numeric_column",
    "parse_day",
    "read_table",
    "require_columns",
]

#: What the public functions accept as a calendar day (ISO 8601 text or a date object).
DateLike = str | dt.date | np.datetime64 | pd.Timestamp


def parse_day(value: DateLike, field: str) -> np.datetime64:
    """Parse a calendar day (ISO 8601 text or a date object, see ``parse_date``).

    Raises :class:`~yieldopt.errors.InputError` naming ``field`` and the expected
    format otherwise, so ``04/03/2025`` is refused rather than read as April 3.

    Examples
    --------
    >>> parse_day("2025-04-03", "as_of")
    np.datetime64('2025-04-03')
    """
    return np.datetime64(parse_date(value, field), "D")


def read_table(path: str | Path, table: str) -> pd.DataFrame:
    """Read a CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file.

    Parameters
    ----------
    path : str or Path
        File to read; the format follows the extension.
    table : str
        Name of the table, used as the error field (e.g. ``"history"``).

    Returns
    -------
    DataFrame
        The raw table, one row per line; nothing is validated yet.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(table, f"file not found: {p}")
    name = p.name.lower()
    if name.endswith(".csv"):
        # A ';'-separated export would read as one column and fail as "missing column".
        check_csv_delimiter(p, table)
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(p)
        if name.endswith((".csv", ".csv.gz")):
            return pd.read_csv(p, dtype={"product": str, "segment": str, "customer_id": str})
    except (OSError, ValueError) as exc:
        raise InputError(table, f"cannot read {p}: {exc}") from None
    raise InputError(table, f"unknown file type {p.suffix!r}; use .csv or .parquet")


def require_columns(df: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    """Raise naming the first of ``columns`` that ``df`` lacks."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(table, f"must be a pandas DataFrame, got {type(df).__name__}")
    for col in columns:
        if col not in df.columns:
            raise InputError(
                col, f"missing column in the {table} table (required: {', '.join(columns)})"
            )


def first_bad_row(bad: NDArray[np.bool_]) -> int:
    """Position of the first ``True`` in ``bad``."""
    return int(np.flatnonzero(bad)[0])


def _raise_row(col: str, what: str, bad: NDArray[np.bool_], values: pd.Series) -> None:
    i = first_bad_row(bad)
    raise InputError(
        col, f"{what}; {int(bad.sum())} bad row(s), first bad row {i}: {values.iloc[i]!r}"
    )


def key_column(df: pd.DataFrame, col: str, *, as_str: bool = True) -> np.ndarray:
    """Return an identifier column without missing or empty values.

    Values become strings (object array); with ``as_str=False`` integer columns keep
    their integer dtype, which is faster to group on.
    """
    s = df[col]
    missing = s.isna().to_numpy()
    if missing.any():
        _raise_row(col, "missing value", missing, s)
    if s.dtype.kind in "iu":
        return s.to_numpy() if not as_str else s.astype(str).to_numpy(dtype=object)
    out = s.astype(str).str.strip()
    empty = (out == "").to_numpy()
    if empty.any():
        _raise_row(col, "empty value", empty, s)
    return out.to_numpy(dtype=object)


def date_column(
    df: pd.DataFrame, col: str, *, allow_missing: bool = False, day: bool = False
) -> NDArray[np.datetime64]:
    """Parse a date or timestamp column (ISO 8601 text or datetimes).

    Parameters
    ----------
    df : DataFrame
        The table.
    col : str
        Column to parse.
    allow_missing : bool
        Whether empty cells are allowed (they become ``NaT``).
    day : bool
        Return calendar days (``datetime64[D]``) instead of timestamps (``datetime64[s]``).

    Returns
    -------
    ndarray of datetime64
        Time zones are dropped, keeping the local wall-clock time.
    """
    s = df[col]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = s.dt.tz_localize(None)
    elif s.dtype.kind == "M":
        parsed = s
    else:
        # The one date rule (yieldopt._validate): pandas' "ISO8601" format also takes
        # 2024-5-1, 20240501 and 2024-05, so text must match the strict pattern too.
        text = s.astype("str").str.strip()
        is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        iso = text.str.fullmatch(ISO_DATE_RE.pattern).to_numpy(dtype=bool)
        not_iso = is_text & (text != "").to_numpy() & ~iso
        if not_iso.any():
            _raise_row(col, f"not a date (use {ISO_DATE_HINT})", not_iso, s)
        # Keep the local wall-clock time: drop UTC offsets from text before parsing,
        # which also lets a column mix offsets (pandas refuses mixed time zones).
        local = s.where(~is_text, text.str.replace(r"(?:Z|[+-]\d{2}:?\d{2})$", "", regex=True))
        parsed = pd.to_datetime(local, errors="coerce", format="ISO8601")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
    nat = parsed.isna().to_numpy()
    if nat.any():
        was_missing = s.isna().to_numpy() | (s.astype(str).str.strip() == "").to_numpy()
        unparseable = nat & ~was_missing
        if unparseable.any():
            _raise_row(col, f"not a date (use {ISO_DATE_HINT})", unparseable, s)
        if not allow_missing:
            _raise_row(col, "missing date", nat, s)
    return parsed.to_numpy().astype("datetime64[D]" if day else "datetime64[s]")


def numeric_column(
    df: pd.DataFrame,
    col: str,
    *,
    nonnegative: bool = True,
    integer: bool = False,
    default: float | None = None,
) -> NDArray[np.float64]:
    """Return a finite numeric column as float64.

    Parameters
    ----------
    df : DataFrame
        The table.
    col : str
        Column to read.
    nonnegative : bool
        Reject negative values.
    integer : bool
        Reject non-integer values.
    default : float, optional
        Value used for the whole column when it is absent (then it is optional).
    """
    if col not in df.columns and default is not None:
        return np.full(len(df), float(default))
    s = df[col]
    num = pd.to_numeric(s, errors="coerce")
    a = num.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(a)
    if bad.any():
        _raise_row(col, "must be a finite number", bad, s)
    if nonnegative and (a < 0).any():
        _raise_row(col, "must be non-negative", a < 0, s)
    if integer and (a != np.round(a)).any():
        _raise_row(col, "must be a whole number", a != np.round(a), s)
    return a
