"""The reservation table: contract and validation.

One row per reservation, as a property-management system (PMS) exports it:

==============  ========  ===================================================================
column          required  meaning
==============  ========  ===================================================================
reservation_id  made up   unique identifier; when the export has none, ``R`` + the 0-based
                          row number of the export (zero-padded), so re-reading the same
                          file gives the same ids
property        yes       the hotel (property) the reservation is for
arrival         yes       arrival day (calendar day)
departure       one of    departure day; ``departure = arrival + nights``
nights          the two   nights booked, a whole number >= 0 (0: a day-use room)
room_type       yes       room type booked (code)
rate_code       no        rate plan code
segment         yes       market segment (e.g. ``online_ta``, ``corporate``, ``groups``)
channel         no        distribution channel
booked_at       yes       when the reservation was made (date or timestamp), on or before
                          the arrival day
status          yes       ``booked`` (not yet arrived or in house), ``cancelled``,
                          ``no_show`` or ``checked_out``
cancelled_at    yes       when a cancelled reservation was cancelled; empty otherwise
rooms           default   rooms reserved, a whole number >= 1 (default 1)
rate            yes       rate per room-night (money), finite, >= 0
guests          yes       guests, a whole number >= 0
customer_id     no        the guest's CRM identifier
is_repeat       no        whether the guest stayed before (boolean)
consent         no        whether the guest agreed to marketing use of their data (boolean)
ancillary_*     no        ancillary revenue per reservation (money), or, when the export only
                          says what was bought, a count or 0/1 indicator (the mapping says
                          which); finite and >= 0, empty when unknown
==============  ========  ===================================================================

Further columns pass through unchanged after the contract columns (an import keeps
the export columns its mapping lists under ``[keep]``).

Dates become ``datetime64[s]`` (days at midnight for ``arrival`` and ``departure``);
codes become strings; counts ``int64``; money ``float64``; booleans ``boolean``
(nullable).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from .._table import date_column, first_bad_row, numeric_column
from ..errors import InputError

__all__ = [
    "OPTIONAL_COLUMNS",
    "RESERVATION_COLUMNS",
    "RESERVATION_STATUSES",
    "contract_column",
    "make_reservation_ids",
    "validate_reservations",
]

RESERVATION_COLUMNS = (
    "reservation_id",
    "property",
    "arrival",
    "departure",
    "nights",
    "room_type",
    "segment",
    "booked_at",
    "status",
    "cancelled_at",
    "rooms",
    "rate",
    "guests",
)
"""Columns every validated reservation table has, in this order."""

OPTIONAL_COLUMNS = ("rate_code", "channel", "customer_id", "is_repeat", "consent")
"""Contract columns kept when present (after the required ones), plus ``ancillary_*``."""

RESERVATION_STATUSES = ("booked", "cancelled", "no_show", "checked_out")

_BOOLEAN = ("is_repeat", "consent")
_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n"}


def contract_column(name: str) -> bool:
    """Whether ``name`` is a column of the reservation contract (``ancillary_*`` included)."""
    return (
        name in RESERVATION_COLUMNS
        or name in OPTIONAL_COLUMNS
        or (name.startswith("ancillary_") and len(name) > len("ancillary_"))
    )


def make_reservation_ids(rows: np.ndarray, n_total: int) -> pd.api.extensions.ExtensionArray:
    """Deterministic ids ``R0000041`` from 0-based export row numbers.

    Parameters
    ----------
    rows : ndarray of int, shape (n,)
        Row numbers in the export.
    n_total : int
        Rows in the whole export (sets the zero padding, at least 7 digits).

    Returns
    -------
    ExtensionArray of str, shape (n,)
    """
    width = max(7, len(str(max(n_total - 1, 0))))
    digits = pd.Series(rows, dtype=np.int64).astype("str").str.zfill(width)
    return ("R" + digits).array


def as_boolean(s: pd.Series, col: str) -> tuple[ExtensionArray, np.ndarray]:
    """Parse 0/1, true/false, yes/no into a nullable boolean array.

    Returns the array and a mask of the cells that were present but not boolean.
    """
    if s.dtype == bool or isinstance(s.dtype, pd.BooleanDtype):
        return pd.array(s.to_numpy(), dtype="boolean"), np.zeros(len(s), dtype=bool)
    text = s.astype("str").str.strip().str.lower()
    missing = s.isna().to_numpy() | (text == "").to_numpy()
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    bad = ~(missing | is_true | is_false)
    out = pd.array(np.where(is_true, True, False), dtype="boolean")
    out[missing | bad] = pd.NA
    return out, bad


def validate_reservations(reservations: pd.DataFrame) -> pd.DataFrame:
    """Check a reservation table and return it in canonical form.

    Parameters
    ----------
    reservations : DataFrame
        One row per reservation with the contract columns (see the module
        docstring). ``departure`` or ``nights`` may be absent (the other one is
        derived); ``reservation_id`` may be absent (ids ``R0000000``, … are made
        up from the row positions); ``rooms`` may be absent (1).

    Returns
    -------
    DataFrame
        :data:`RESERVATION_COLUMNS` in order, then the optional contract columns
        present, then any other columns unchanged. The index is reset.

    Raises
    ------
    InputError
        Naming the column and the first bad row (0-based): missing columns, missing
        or unparseable values, duplicate ids, departure before arrival or not equal
        to arrival + nights, unknown statuses, bookings after the arrival day,
        ``cancelled_at`` missing for a cancelled reservation, set for another or
        before ``booked_at``, rooms < 1, negative or non-finite rates or guests.
    """
    if not isinstance(reservations, pd.DataFrame):
        raise InputError(
            "reservations", f"must be a pandas DataFrame, got {type(reservations).__name__}"
        )
    df = reservations.reset_index(drop=True)
    n = len(df)
    required = [c for c in RESERVATION_COLUMNS if c not in ("reservation_id", "departure")]
    required = [c for c in required if c not in ("nights", "rooms")]
    for col in required:
        if col not in df.columns:
            raise InputError(
                col,
                "missing column in the reservations table "
                f"(required: {', '.join(RESERVATION_COLUMNS)})",
            )
    if "departure" not in df.columns and "nights" not in df.columns:
        raise InputError("nights", "missing column: give departure or nights (or both)")

    if "reservation_id" in df.columns:
        ids = _text(df, "reservation_id")
        dup = ids.duplicated().to_numpy()
        if dup.any():
            i = first_bad_row(dup)
            raise InputError("reservation_id", f"duplicate id; first bad row {i}: {ids.iloc[i]!r}")
    else:
        ids = pd.Series(make_reservation_ids(np.arange(n), n), dtype="str")

    arrival = date_column(df, "arrival", day=True)
    if "nights" in df.columns:
        nights = numeric_column(df, "nights", integer=True).astype(np.int64)
        departure = arrival + nights.astype("timedelta64[D]")
        if "departure" in df.columns:
            given = date_column(df, "departure", day=True)
            off = given != departure
            if off.any():
                i = first_bad_row(off)
                raise InputError(
                    "departure",
                    f"is not arrival + nights; first bad row {i}: arrival {arrival[i]}, "
                    f"{nights[i]} nights, departure {given[i]}",
                )
    else:
        departure = date_column(df, "departure", day=True)
        nights = (departure - arrival).astype(np.int64)
        if (nights < 0).any():
            i = first_bad_row(nights < 0)
            raise InputError(
                "departure",
                f"before arrival; first bad row {i}: {arrival[i]} to {departure[i]}",
            )

    booked = date_column(df, "booked_at")
    late = booked.astype("datetime64[D]") > arrival
    if late.any():
        i = first_bad_row(late)
        raise InputError(
            "booked_at", f"after the arrival day; first bad row {i}: {booked[i]} for {arrival[i]}"
        )
    status = _statuses(df["status"])
    cancelled = date_column(df, "cancelled_at", allow_missing=True)
    is_cancelled = (status == "cancelled").to_numpy(dtype=bool)
    for bad, what in (
        (is_cancelled & np.isnat(cancelled), "missing for a cancelled reservation"),
        (~is_cancelled & ~np.isnat(cancelled), "set on a reservation that is not cancelled"),
        (is_cancelled & (cancelled < booked), "before booked_at"),
    ):
        if bad.any():
            raise InputError("cancelled_at", f"{what}; first bad row {first_bad_row(bad)}")

    rooms = (
        numeric_column(df, "rooms", integer=True).astype(np.int64)
        if "rooms" in df.columns
        else np.ones(n, dtype=np.int64)
    )
    if (rooms < 1).any():
        i = first_bad_row(rooms < 1)
        raise InputError("rooms", f"must be at least 1; first bad row {i}: {rooms[i]}")
    out = {
        "reservation_id": ids.array,
        "property": _text(df, "property").array,
        "arrival": arrival.astype("datetime64[s]"),
        "departure": departure.astype("datetime64[s]"),
        "nights": nights,
        "room_type": _text(df, "room_type").array,
        "segment": _text(df, "segment").array,
        "booked_at": booked,
        "status": status.array,
        "cancelled_at": cancelled,
        "rooms": rooms,
        "rate": numeric_column(df, "rate"),
        "guests": numeric_column(df, "guests", integer=True).astype(np.int64),
    }
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            continue
        if col in _BOOLEAN:
            values, bad = as_boolean(df[col], col)
            if bad.any():
                i = first_bad_row(bad)
                raise InputError(
                    col, f"must be true/false (or 1/0); first bad row {i}: {df[col].iloc[i]!r}"
                )
            out[col] = values
        else:  # optional codes: empty stays empty
            out[col] = _text(df, col, optional=True).array
    for col in df.columns:
        if col.startswith("ancillary_") and contract_column(col):
            s = df[col]
            num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            bad = (~np.isfinite(num) & s.notna().to_numpy()) | (num < 0)
            if bad.any():
                i = first_bad_row(bad)
                raise InputError(
                    col, f"must be a finite number >= 0 or empty; first bad row {i}: {s.iloc[i]!r}"
                )
            out[col] = num
    for col in df.columns:
        if col not in out and col not in ("departure", "nights"):
            out[col] = df[col].array
    return pd.DataFrame(out)


def _text(df: pd.DataFrame, col: str, *, optional: bool = False) -> pd.Series:
    """Return a code column as stripped strings; empty cells are errors unless optional.

    Stays in pandas' string dtype throughout: a round trip through Python objects
    costs more than everything else on a million rows.
    """
    s = df[col]
    text = (s if s.dtype == "str" else s.astype("str").where(s.notna())).str.strip()
    text = text.where(text != "")
    if not optional:
        missing = text.isna().to_numpy()
        if missing.any():
            i = first_bad_row(missing)
            raise InputError(col, f"missing value; first bad row {i}: {s.iloc[i]!r}")
    return text.reset_index(drop=True)


def _statuses(s: pd.Series) -> pd.Series:
    raw = _text(pd.DataFrame({"status": s}), "status").str.lower()
    ok = raw.isin(RESERVATION_STATUSES).to_numpy()
    if not ok.all():
        i = first_bad_row(~ok)
        raise InputError(
            "status",
            f"must be one of {', '.join(RESERVATION_STATUSES)}; first bad row {i}: {s.iloc[i]!r}",
        )
    return raw
