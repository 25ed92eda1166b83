"""Type, check and fix the built contract columns of one export.

:func:`clean` turns the columns a :class:`._build._Builder` built into the typed
contract columns, running every data-quality check of :mod:`._quality` (duplicates
by :func:`_duplicates`, missing and unreadable values, dates, stay length, booking
and cancellation times, rooms, rate and guests) and dropping the rows its rules drop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._contract import RESERVATION_STATUSES, as_boolean, make_reservation_ids

if TYPE_CHECKING:
    from ._build import _Builder

_DATES = ("arrival", "departure", "booked_at", "cancelled_at")
_COUNTS = ("nights", "rooms", "guests")
_BOOLS = ("is_repeat", "consent")
_TEXT: tuple[str, ...] = ("reservation_id", "property", "room_type", "segment", "status")
_TEXT += ("rate_code", "channel", "customer_id")

_STATUS_ALIASES = {"canceled": "cancelled", "no-show": "no_show", "noshow": "no_show"}
_STATUS_ALIASES |= {"checked-out": "checked_out", "check-out": "checked_out"}


def _take(values: Any, mask: np.ndarray | None) -> Any:
    # values: any column container (ndarray, Series, ExtensionArray) indexable by a mask.
    if mask is None:
        return values
    return values[mask]


def _cell_keys(s: pd.Series) -> np.ndarray:
    """Exact 64-bit keys of a column's cells: equal keys if and only if equal values.

    Numbers use their bits (every NaN alike, -0.0 as 0.0); anything else uses its
    factor code, empty cells included as one more value.
    """
    kind = s.dtype.kind
    if kind in "iub":
        return s.to_numpy().astype(np.int64).view(np.uint64)
    if kind == "f":
        a = s.to_numpy(dtype=np.float64, copy=True)
        a[a == 0] = 0.0
        a[np.isnan(a)] = np.nan
        return a.view(np.uint64)
    if kind in "mM":
        return s.to_numpy().view(np.int64).view(np.uint64)
    codes, _ = pd.factorize(s, use_na_sentinel=False)
    return codes.astype(np.uint64)


def _duplicates(raw: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows identical to an earlier row, and each row's first identical copy.

    Each column gets exact integer keys (:func:`_cell_keys`); rows whose mixed key
    meets an earlier row's are candidates, confirmed cell by cell against that
    row, so the result is exact whatever the mixing. Cheaper on a million rows
    than ``DataFrame.duplicated`` (which factorizes the columns again together).
    """
    n = len(raw)
    keys = [_cell_keys(raw[c]) for c in raw.columns]
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in keys:  # multiply-xorshift mixing, wrapping uint64 arithmetic
            h ^= k
            h *= np.uint64(0x9E3779B97F4A7C15)
            h ^= h >> np.uint64(29)
    # Factor codes number the distinct keys in order of first appearance, so the
    # k-th first appearance is where code k starts.
    codes, _ = pd.factorize(h)
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())[codes]
    cand = np.flatnonzero(first != np.arange(n))
    same = np.ones(len(cand), dtype=bool)
    for k in keys:
        same &= k[cand] == k[first[cand]]
    dup = np.zeros(n, dtype=bool)
    dup[cand[same]] = True
    first[cand[~same]] = cand[~same]
    return dup, first


def clean(builder: _Builder) -> pd.DataFrame:
    """Type, check and fix the built columns of ``builder``; return the kept rows.

    Parameters
    ----------
    builder : _Builder
        A builder whose :meth:`~._build._Builder.build` has built the columns and
        opened the quality report; findings go to ``builder.report`` and the
        pass-through columns to ``builder.kept``.

    Returns
    -------
    DataFrame
        The contract columns of the kept rows, not validated yet.
    """
    b, rep, n = builder.built, builder.report, builder.n
    alive = np.ones(n, dtype=bool)

    # 1. duplicates
    dup, first = _duplicates(builder.raw)
    rep.first_copy = first
    has_ids = "reservation_id" in b
    if has_ids:
        rep.add(
            "duplicate_rows",
            dup,
            [],
            "dropped",
            "the same reservation exported twice",
            duplicate=True,
        )
        alive &= ~dup
        same_id = b["reservation_id"].duplicated(keep="first").to_numpy() & alive
        rep.add(
            "duplicate_ids",
            same_id,
            builder._src("reservation_id"),
            "dropped",
            "a later row reusing an id (the first row is kept)",
            column="reservation_id",
        )
        alive &= ~same_id
    else:
        rep.add(
            "duplicate_rows",
            dup,
            [],
            "kept",
            "no reservation ids: identical rows are rooms of one block, each gets its id",
            duplicate=True,
        )
        rep.add(
            "duplicate_ids",
            np.zeros(n, dtype=bool),
            [],
            "dropped",
            "ids made up from row numbers are unique",
            column="reservation_id",
        )

    # 2. typed columns; unknown statuses, then missing or unreadable values
    parsed = {c: builder._dates(b[c], c, builder.sources.get(c, [])) for c in _DATES if c in b}
    dates = {c: v.to_numpy().astype("datetime64[s]") for c, v in parsed.items()}
    nums: dict[str, np.ndarray] = {}
    ancillary = [c for c in b if c.startswith("ancillary_")]
    for c in [*(c for c in _COUNTS if c in b), "rate", *ancillary]:
        num = pd.to_numeric(b[c], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(num) & b[c].notna().to_numpy()
        if c in _COUNTS:
            bad |= np.isfinite(num) & ((num < 0) | (num != np.round(num)))
        elif c != "rate":
            bad |= num < 0
        rep.note_bad(c, bad, builder.sources.get(c, []))
        nums[c] = np.where(bad, np.nan, num)
    text = {}
    for c in _TEXT:
        if c in b:
            raw_c = b[c]
            s = raw_c if raw_c.dtype == "str" else raw_c.astype("str").where(raw_c.notna())
            s = s.str.strip()
            text[c] = s.where(s != "")
    status_text = text["status"].str.lower().replace(_STATUS_ALIASES)
    unknown = status_text.notna().to_numpy() & ~status_text.isin(RESERVATION_STATUSES).to_numpy()
    rep.add(
        "unknown_status",
        unknown & alive,
        builder._src("status"),
        "dropped",
        "the outcome cannot be read",
        column="status",
    )
    alive &= ~unknown
    text["status"] = status_text.where(~unknown)
    required = ["property", "room_type", "segment", "status", "arrival", "booked_at"]
    required.insert(5, "nights" if "nights" in b else "departure")
    if has_ids:
        required.insert(0, "reservation_id")
    for c in required:
        empty = (
            text[c].isna().to_numpy()
            if c in text
            else np.isnat(dates[c])
            if c in dates
            else np.isnan(nums[c])
        )
        found = rep.settle(c, empty, alive, builder._src(c), "dropped", "a required value")
        alive &= ~found
    for c, default in (("rate", 0.0), ("rooms", 1.0), ("guests", 0.0)):
        if c in nums:
            rep.settle(c, np.isnan(nums[c]), alive, builder._src(c), "fixed", f"set to {default:g}")
            nums[c] = np.where(np.isnan(nums[c]), default, nums[c])
    optional: dict[str, object] = {}
    for c in [*ancillary, "rate_code", "channel", "customer_id", *_BOOLS]:
        if c not in b:
            continue
        if c in _BOOLS:
            values, bad = as_boolean(b[c], c)
            rep.note_bad(c, bad, builder._src(c))
            empty = pd.isna(values)
            optional[c] = values
        elif c in text:
            empty = text[c].isna().to_numpy()
            optional[c] = text[c].array
        else:
            empty = np.isnan(nums[c])
            optional[c] = nums[c]
        rep.settle(c, np.asarray(empty, dtype=bool), alive, builder._src(c), "kept", "left empty")

    # 3. dates out of range, stay length
    lo = np.datetime64(builder.m.checks.min_date, "D")
    hi = np.datetime64(builder.m.checks.max_date, "D")
    arrival = dates["arrival"].astype("datetime64[D]")
    booked = dates["booked_at"]
    booked_day = booked.astype("datetime64[D]")
    outside = alive & ((arrival < lo) | (arrival > hi) | (booked_day < lo) | (booked_day > hi))
    rep.add(
        "date_out_of_range",
        outside,
        builder._src("arrival", "booked_at"),
        "dropped",
        f"arrival or booked_at outside {builder.m.checks.min_date} .. {builder.m.checks.max_date}",
    )
    alive &= ~outside
    neg = np.zeros(n, dtype=bool)
    mismatch = np.zeros(n, dtype=bool)
    if "nights" in nums:
        nights = nums["nights"]
        if "departure" in dates:
            dep = dates["departure"].astype("datetime64[D]")
            span = (dep - arrival).astype(np.float64)
            mismatch = alive & ~np.isnat(dep) & (span != nights)
    else:
        dep = dates["departure"].astype("datetime64[D]")
        nights = np.where(
            np.isnat(dep) | np.isnat(arrival), np.nan, (dep - arrival).astype(np.float64)
        )
        neg = alive & (nights < 0)
    rep.add(
        "departure_before_arrival",
        neg,
        builder._src("arrival", "departure"),
        "dropped",
        "a stay cannot end before it starts",
    )
    alive &= ~neg
    rep.add(
        "nights_mismatch",
        mismatch,
        builder._src("arrival", "departure", "nights"),
        "fixed",
        "departure set to arrival + nights",
    )
    rep.add(
        "zero_nights",
        alive & (nights == 0),
        builder._src("arrival", "nights", "departure"),
        "kept",
        "day-use rooms: no room-night, kept as a booking",
    )

    # 4. booking time
    late = alive & (booked_day > arrival)
    rep.add(
        "booked_after_arrival",
        late,
        builder._src("booked_at", "arrival"),
        "fixed",
        "booked_at set to the arrival day",
    )
    booked = np.where(late, arrival.astype("datetime64[s]"), booked)
    lead = (arrival - booked.astype("datetime64[D]")).astype(np.float64)
    max_lead = builder.m.checks.max_lead_days
    rep.add(
        "extreme_lead_time",
        alive & (lead > max_lead),
        builder._src("booked_at", "arrival"),
        "kept",
        f"booked more than {max_lead} days ahead",
    )

    # 5. cancellation time
    status = text["status"]
    is_c = (status == "cancelled").to_numpy(dtype=bool, na_value=False)
    nat = np.datetime64("NaT", "s")
    canc = dates.get("cancelled_at", np.full(n, nat, dtype="datetime64[s]"))
    no_date = alive & is_c & np.isnat(canc)
    rep.add(
        "cancelled_without_date",
        no_date,
        builder._src("status", "cancelled_at"),
        "fixed",
        "cancelled_at set to booked_at (never on the books)",
    )
    canc = np.where(no_date, booked, canc)
    stray = alive & ~is_c & ~np.isnat(canc)
    rep.add(
        "cancelled_at_not_cancelled",
        stray,
        builder._src("status", "cancelled_at"),
        "fixed",
        "cancelled_at blanked: the status is not cancelled",
    )
    canc = np.where(is_c, canc, nat)
    early = alive & is_c & (canc < booked)
    rep.add(
        "cancelled_before_booked",
        early,
        builder._src("cancelled_at", "booked_at"),
        "fixed",
        "cancelled_at set to booked_at",
    )
    canc = np.where(early, booked, canc)

    # 6. rooms, rate, guests
    rooms = nums.get("rooms", np.ones(n))
    zero_rooms = alive & (rooms < 1)
    rep.add(
        "zero_rooms",
        zero_rooms,
        builder._src("rooms"),
        "dropped",
        "a reservation holds at least one room",
    )
    alive &= ~zero_rooms
    rate = nums["rate"]
    negative = alive & (rate < 0)
    rep.add(
        "negative_rate",
        negative,
        builder._src("rate"),
        "fixed",
        "set to 0 (a refund or adjustment posting, not a price)",
    )
    rate = np.where(negative, 0.0, rate)
    prop = text["property"]
    priced = pd.Series(np.where(alive & (rate > 0), rate, np.nan))
    median = priced.groupby(pd.factorize(prop)[0]).transform("median").to_numpy()
    factor = builder.m.checks.extreme_rate_factor
    rep.add(
        "extreme_rate",
        alive & (rate > factor * median),
        builder._src("rate"),
        "kept",
        f"more than {factor:g} x the property's median rate",
    )
    guests = nums["guests"]
    rep.add(
        "zero_guests", alive & (guests == 0), builder._src("guests"), "kept", "no guests recorded"
    )

    ids = (
        text["reservation_id"].array
        if has_ids
        else make_reservation_ids(builder.rows, builder.n_export)
    )
    nights = np.nan_to_num(nights)
    out: dict[str, object] = {
        "reservation_id": ids,
        "property": prop.array,
        "arrival": arrival.astype("datetime64[s]"),
        "nights": nights.astype(np.int64),
        "room_type": text["room_type"].array,
        "segment": text["segment"].array,
        "booked_at": booked,
        "status": status.array,
        "cancelled_at": canc,
        "rooms": np.nan_to_num(rooms, nan=1.0).astype(np.int64),
        "rate": rate,
        "guests": guests.astype(np.int64),
        **optional,
    }
    # Build once from the kept rows: a copy of a million-row frame costs.
    keep = None if alive.all() else alive
    if keep is not None:
        out = {k: _take(v, keep) for k, v in out.items()}
    builder.kept = {
        name: _take(builder.raw[col].array, keep) for name, col in builder.m.keep.items()
    }
    return pd.DataFrame(out)
