"""The booking-history and closures tables: contract, validation, loading.

History (long format, one row per booking):

============  =================================================================
column        meaning
============  =================================================================
booking_id    unique identifier of the booking
product       product identifier (e.g. rate plan, fare class)
segment       customer segment of the booking
service_date  night or departure date (calendar day)
booked_at     when the booking was made (date or timestamp)
quantity      units booked (rooms, seats), a whole number >= 0
price         price per unit (money), >= 0
status        ``booked``, ``cancelled`` or ``no_show``
cancelled_at  when a cancelled booking was cancelled; empty otherwise
============  =================================================================

Closures (optional, one row per product and service date that stopped selling):
``product``, ``service_date``, ``closed_at``. A closure censors demand: requests
after ``closed_at`` were turned away and are not in the history.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._table import (
    date_column,
    first_bad_row,
    key_column,
    numeric_column,
    read_table,
    require_columns,
)
from ..errors import InputError

__all__ = [
    "CLOSURE_COLUMNS",
    "HISTORY_COLUMNS",
    "STATUSES",
    "load_closures",
    "load_history",
    "validate_closures",
    "validate_history",
]

HISTORY_COLUMNS = (
    "booking_id",
    "product",
    "segment",
    "service_date",
    "booked_at",
    "quantity",
    "price",
    "status",
    "cancelled_at",
)
CLOSURE_COLUMNS = ("product", "service_date", "closed_at")
STATUSES = ("booked", "cancelled", "no_show")
_STATUS_ALIASES = {
    "booked": "booked",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "no_show": "no_show",
    "no-show": "no_show",
    "noshow": "no_show",
}


def validate_history(history: pd.DataFrame) -> pd.DataFrame:
    """Check a booking-history table and return it in canonical form.

    Parameters
    ----------
    history : DataFrame
        One row per booking with the columns of :data:`HISTORY_COLUMNS`
        (extra columns are dropped). Dates may be ISO 8601 text or datetimes.

    Returns
    -------
    DataFrame
        Columns in contract order: ``service_date`` as midnight timestamps,
        ``booked_at`` and ``cancelled_at`` as timestamps (``NaT`` when not
        cancelled), ``quantity`` as int64, ``price`` as float64, ``status``
        lower-case, ``product`` and ``segment`` as strings.

    Raises
    ------
    InputError
        Naming the column, and for row-level problems the first bad row (0-based):
        missing columns, unparseable dates, negative or fractional quantities,
        unknown statuses, duplicate booking ids, bookings made after their service
        date, cancellations without ``cancelled_at`` or before ``booked_at``.
    """
    require_columns(history, HISTORY_COLUMNS, "history")
    ids = history["booking_id"]
    if ids.isna().any():
        i = first_bad_row(ids.isna().to_numpy())
        raise InputError("booking_id", f"missing value; first bad row {i}")
    dup = ids.duplicated().to_numpy()
    if dup.any():
        i = first_bad_row(dup)
        raise InputError("booking_id", f"duplicate id; first bad row {i}: {ids.iloc[i]!r}")
    product = key_column(history, "product")
    segment = key_column(history, "segment")
    service = date_column(history, "service_date", day=True)
    booked = date_column(history, "booked_at")
    quantity = numeric_column(history, "quantity", integer=True)
    price = numeric_column(history, "price")
    status = _statuses(history["status"])
    cancelled = date_column(history, "cancelled_at", allow_missing=True)

    late = booked.astype("datetime64[D]") > service
    if late.any():
        i = first_bad_row(late)
        raise InputError(
            "booked_at",
            f"after the service_date; first bad row {i}: booked {booked[i]} "
            f"for service on {service[i]}",
        )
    is_cancelled = status == "cancelled"
    no_time = is_cancelled & np.isnat(cancelled)
    if no_time.any():
        i = first_bad_row(no_time)
        raise InputError("cancelled_at", f"missing for a cancelled booking; first bad row {i}")
    stray = ~is_cancelled & ~np.isnat(cancelled)
    if stray.any():
        raise InputError(
            "cancelled_at",
            f"set on a booking whose status is not cancelled; first bad row {first_bad_row(stray)}",
        )
    early = is_cancelled & (cancelled < booked)
    if early.any():
        raise InputError("cancelled_at", f"before booked_at; first bad row {first_bad_row(early)}")
    return pd.DataFrame(
        {
            "booking_id": ids.to_numpy(),
            "product": pd.array(product, dtype="str"),
            "segment": pd.array(segment, dtype="str"),
            "service_date": service.astype("datetime64[s]"),
            "booked_at": booked,
            "quantity": quantity.astype(np.int64),
            "price": price,
            "status": pd.array(status, dtype="str"),
            "cancelled_at": cancelled,
        }
    )


def _statuses(s: pd.Series) -> np.ndarray:
    raw = s.astype("str").str.strip().str.lower()
    codes, uniques = pd.factorize(raw)
    mapped = np.array([_STATUS_ALIASES.get(u, "") for u in uniques], dtype=object)
    out = mapped[codes] if len(uniques) else np.array([], dtype=object)
    bad = (codes < 0) | (out == "")
    if bad.any():
        i = first_bad_row(bad)
        raise InputError(
            "status",
            f"must be one of {', '.join(STATUSES)}; first bad row {i}: {s.iloc[i]!r}",
        )
    return out


def validate_closures(closures: pd.DataFrame) -> pd.DataFrame:
    """Check a closures table and return it in canonical form.

    Parameters
    ----------
    closures : DataFrame
        Columns ``product``, ``service_date``, ``closed_at``: the product stopped
        selling for that service date at ``closed_at`` (and did not reopen).

    Returns
    -------
    DataFrame
        One row per (product, service_date), keeping the earliest closure, sorted.

    Raises
    ------
    InputError
        Missing columns, unparseable dates, or a closure after its service date.
    """
    require_columns(closures, CLOSURE_COLUMNS, "closures")
    product = key_column(closures, "product")
    service = date_column(closures, "service_date", day=True)
    closed = date_column(closures, "closed_at")
    late = closed.astype("datetime64[D]") > service
    if late.any():
        i = first_bad_row(late)
        raise InputError(
            "closed_at", f"after the service_date; first bad row {i}: closed {closed[i]}"
        )
    out = pd.DataFrame(
        {
            "product": pd.array(product, dtype="str"),
            "service_date": service.astype("datetime64[s]"),
            "closed_at": closed,
        }
    )
    out = out.sort_values(["product", "service_date", "closed_at"], kind="stable")
    out = out.drop_duplicates(["product", "service_date"], keep="first")
    return out.reset_index(drop=True)


def load_history(path: str | Path) -> pd.DataFrame:
    """Read and validate a booking history from CSV or Parquet (see :func:`validate_history`)."""
    return validate_history(read_table(path, "history"))


def load_closures(path: str | Path) -> pd.DataFrame:
    """Read and validate a closures table from CSV or Parquet (see :func:`validate_closures`)."""
    return validate_closures(read_table(path, "closures"))
