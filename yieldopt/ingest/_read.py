"""Read a reservation export (CSV, gzip, Parquet) through a mapping into the contract.

:func:`read_reservations` reads the file, builds every contract column the mapping
names (see :mod:`._mapping`), runs the data-quality checks of :mod:`._quality`
(fixing, keeping or dropping rows by a stated rule, every finding counted) and
returns the validated reservations with the quality report.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ._contract import (
    RESERVATION_STATUSES,
    as_boolean,
    make_reservation_ids,
    validate_reservations,
)
from ._mapping import Derivation, ExportMapping, load_mapping
from ._names import closest
from ._quality import QualityReport

__all__ = ["ImportResult", "read_export", "read_reservations"]

_DATES = ("arrival", "departure", "booked_at", "cancelled_at")
_COUNTS = ("nights", "rooms", "guests")
_BOOLS = ("is_repeat", "consent")
_TEXT: tuple[str, ...] = ("reservation_id", "property", "room_type", "segment", "status")
_TEXT += ("rate_code", "channel", "customer_id")
_MONTHS = {
    name.lower(): i + 1
    for i, name in enumerate(
        "January February March April May June July August September October November "
        "December".split()
    )
}
_MONTHS |= {k[:3]: v for k, v in _MONTHS.items()}


def _month(value: object) -> float:
    """Return the month number of 7, "7", "July" or "jul" (NaN when it is none)."""
    text = str(value).strip().lower()
    if text in _MONTHS:
        return float(_MONTHS[text])
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number if number in range(1, 13) else np.nan


_STATUS_ALIASES = {"canceled": "cancelled", "no-show": "no_show", "noshow": "no_show"}
_STATUS_ALIASES |= {"checked-out": "checked_out", "check-out": "checked_out"}


@dataclass(frozen=True)
class ImportResult:
    """What :func:`read_reservations` returns.

    Attributes
    ----------
    reservations : DataFrame
        The validated reservation table (see :func:`validate_reservations`).
    quality : DataFrame
        The data-quality report: one row per check (and column), see
        :data:`QUALITY_COLUMNS`.
    rows_read : int
        Data rows read from the export (of the selected property).
    source : str
        The file read.
    mapping : ExportMapping
        The mapping applied.
    """

    reservations: pd.DataFrame
    quality: pd.DataFrame
    rows_read: int
    source: str
    mapping: ExportMapping

    @property
    def rows_dropped(self) -> int:
        """Rows of the export not imported (each one counted in the quality report)."""
        return self.rows_read - len(self.reservations)


def _sniff(path: Path, opener) -> str:
    with opener(path) as fh:
        sample = fh.read(65536)
    # Cut at the last full line so the sniffer does not see half a record.
    sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_export(path: str | Path, *, sep: str | None = None) -> pd.DataFrame:
    """Read an export as it is: CSV (optionally gzip-compressed) or Parquet.

    Parameters
    ----------
    path : str or Path
        ``.parquet``/``.pq`` files are Parquet; anything else is delimited text,
        gzip-compressed when the name ends in ``.gz``.
    sep : str, optional
        Field delimiter; by default it is sniffed among ``,`` ``;`` tab and ``|``.

    Returns
    -------
    DataFrame
        One row per data line, in file order; nothing is validated.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"file not found: {p}")
    name = p.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(p)
        gz = name.endswith(".gz")

        def opener(q: Path) -> io.TextIOBase:
            if gz:
                return gzip.open(q, "rt", encoding="utf-8", errors="replace")
            return open(q, encoding="utf-8", errors="replace")

        delimiter = sep if sep is not None else _sniff(p, opener)
        return pd.read_csv(p, sep=delimiter, compression="gzip" if gz else None)
    except (OSError, ValueError, UnicodeDecodeError, EOFError) as exc:
        raise InputError("path", f"cannot read {p}: {exc}") from None


def read_reservations(
    path: str | Path,
    mapping: str | Path | ExportMapping = "hotel-booking-demand",
    *,
    sep: str | None = None,
    property: str | None = None,  # the contract's word, shadowing the builtin here only
    strict: bool = False,
) -> ImportResult:
    """Import a PMS reservation export into the reservation contract.

    Parameters
    ----------
    path : str or Path
        The export (CSV, ``.csv.gz`` or Parquet; see :func:`read_export`).
    mapping : str, Path or ExportMapping
        A built-in mapping name, a mapping TOML file, or a loaded mapping.
    sep : str, optional
        CSV delimiter (default: sniffed).
    property : str, optional
        When the export has a property column: import only that property's rows.
        When it has none: the property's name (default: the file name without
        its suffixes).
    strict : bool
        Raise :class:`~yieldopt.errors.InputError` on any data-quality finding
        instead of applying the report's rule.

    Returns
    -------
    ImportResult
        ``.reservations`` (validated contract table, export order) and ``.quality``.

    Raises
    ------
    InputError
        Unreadable file; a mapping naming an export column that does not exist
        (field ``columns.<name>``, with the closest export columns); an unknown
        property; with ``strict``, the first finding.
    """
    m = load_mapping(mapping)
    raw = read_export(path, sep=sep)
    source = str(path)
    builder = _Builder(raw, m, source)
    builder.select_property(property, Path(path))
    frame, report = builder.build()
    if strict:
        report.raise_first()
    res = validate_reservations(frame)
    if builder.kept:  # pass-through export columns, after the contract ones
        res = pd.concat([res, pd.DataFrame(builder.kept)], axis=1)
    return ImportResult(
        reservations=res,
        quality=report.frame(),
        rows_read=builder.n,
        source=source,
        mapping=m,
    )


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


class _Builder:
    """Builds the contract columns of one export, collecting quality findings."""

    def __init__(self, raw: pd.DataFrame, mapping: ExportMapping, source: str) -> None:
        self.m = mapping
        self.source = source
        self.n_export = len(raw)
        raw.columns = [str(c) for c in raw.columns]
        self.raw = raw
        self.rows = np.arange(len(raw), dtype=np.int64)  # row numbers in the export
        self.built: dict[str, pd.Series] = {}
        self.sources: dict[str, list[str]] = {}
        self.const_property: str | None = None
        self.kept: dict[str, object] = {}
        for table, entries in (("columns", mapping.columns), ("keep", mapping.keep)):
            for key, col in entries.items():
                self._need_export_column(f"{table}.{key}", col)

    @property
    def n(self) -> int:
        return len(self.raw)

    def _need_export_column(self, field: str, col: str) -> None:
        if col not in self.raw.columns:
            raise InputError(
                field,
                f"the export {self.source} has no column {col!r}{closest(col, self.raw.columns)}",
            )

    # -- property selection -------------------------------------------------------
    def select_property(self, prop: str | None, path: Path) -> None:
        col = self.m.columns.get("property")
        if col is None:
            default = self.m.defaults.get("property")
            name = path.name.split(".")[0]
            self.const_property = prop or (str(default) if default is not None else name)
            return
        if prop is None:
            return
        values = self.raw[col].astype("str").str.strip()
        keep = (values == prop).to_numpy()
        if not keep.any():
            found = sorted(values.dropna().unique().tolist())
            raise InputError(
                "property",
                f"no reservations of {prop!r} in {self.source} (it has "
                f"{', '.join(map(repr, found[:10]))}){closest(prop, found)}",
            )
        self.raw = self.raw.loc[keep].reset_index(drop=True)
        self.rows = self.rows[keep]

    # -- column building ----------------------------------------------------------
    def _series(self, name: str, field: str) -> pd.Series:
        """Look up a name of a derivation: a contract column built so far, else an export column."""
        if name in self.built:
            return self.built[name]
        self._need_export_column(field, name)
        return self.raw[name]

    def _sources_of(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            out += self.sources.get(name, [name] if name in self.raw.columns else [])
        return list(dict.fromkeys(out))

    def _derive(self, col: str, d: Derivation) -> pd.Series:
        field = f"derive.{col}"
        rep = self.report
        if d.kind == "sum":
            total = pd.Series(0.0, index=self.raw.index)
            none = np.ones(self.n, dtype=bool)
            some_missing = np.zeros(self.n, dtype=bool)
            for term in d.args:
                if isinstance(term, int):
                    total += term
                    none[:] = False
                    continue
                s = self._series(term, field)
                num = pd.to_numeric(s, errors="coerce")
                rep.note_bad(col, num.isna().to_numpy() & s.notna().to_numpy(), [term])
                missing = s.isna().to_numpy()
                some_missing |= missing
                none &= missing
                total += num.fillna(0.0)
            partly = some_missing & ~none
            rep.add(
                "missing_values",
                partly,
                self._sources_of(d.names()),
                "fixed",
                "empty terms of the sum counted as 0",
                column=col,
            )
            return total.where(~none)
        if d.kind == "date":
            y, mo, day = (self._series(a, field) for a in d.args)
            # Month numbers or names: look up the few distinct spellings once.
            codes, uniques = pd.factorize(mo)
            names = [_month(u) for u in uniques] + [np.nan]
            month = pd.Series(np.array(names, dtype=np.float64)[codes], index=mo.index)
            present = (y.notna() & mo.notna() & day.notna()).to_numpy()
            parts = pd.DataFrame(
                {
                    "year": pd.to_numeric(y, errors="coerce"),
                    "month": month,
                    "day": pd.to_numeric(day, errors="coerce"),
                }
            )
            ok = present & parts.notna().all(axis=1).to_numpy()
            out = pd.Series(pd.NaT, index=self.raw.index, dtype="datetime64[s]")
            if ok.any():
                out[ok] = pd.to_datetime(parts[ok], errors="coerce")
            rep.note_bad(col, out.isna().to_numpy() & present, self._sources_of(d.names()))
            return out
        if d.kind == "shift":
            base_name, sign, days = d.args
            base = self._dates(self._series(base_name, field), col, [base_name])
            if isinstance(days, int):
                return base + sign * pd.Timedelta(days=days)
            s = self._series(days, field)
            num = pd.to_numeric(s, errors="coerce")
            rep.note_bad(col, num.isna().to_numpy() & s.notna().to_numpy(), [days])
            return base + sign * pd.to_timedelta(num, unit="D")
        # "when": x where the condition column equals (or differs from) the literal
        value_name, cond_name, op, literal = d.args
        value = self._series(value_name, field)
        cond = (self._series(cond_name, field).astype("str").str.strip() == str(literal)).to_numpy()
        return value.where(~cond if op == "!=" else cond)

    def _dates(self, s: pd.Series, col: str, src: list[str]) -> pd.Series:
        """Parse dates (the mapping's ``date_format``, else ISO 8601), noting bad cells."""
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return s.dt.tz_localize(None)
        if s.dtype.kind == "M":
            return s
        fmt = self.m.date_format or "ISO8601"
        out = pd.to_datetime(s, errors="coerce", format=fmt)
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_localize(None)
        present = s.notna().to_numpy() & (s.astype("str").str.strip() != "").to_numpy()
        self.report.note_bad(col, out.isna().to_numpy() & present, src)
        return out

    def _map_values(self, col: str, s: pd.Series) -> pd.Series:
        """Translate codes through ``[values.<col>]``; report the codes it lacks."""
        table = self.m.values.get(col)
        if not table:
            return s
        # Look up each distinct code once, then spread by the factor codes.
        codes, uniques = pd.factorize(s)
        keys = [
            str(int(u)) if isinstance(u, float) and u.is_integer() else str(u).strip()
            for u in uniques
        ]
        numeric = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in table.values()
        )
        known = np.array([k in table for k in keys] + [True])
        unknown = ~known[codes]  # missing cells (code -1) pick the trailing True
        if numeric:
            lookup = np.array([float(table.get(k, np.nan)) for k in keys] + [np.nan])
            out = pd.Series(lookup[codes], index=s.index)
            action, rule = "kept", "left empty"
        else:
            labels = pd.array([str(table.get(k, k)) for k in keys], dtype="str")
            out = pd.Series(labels.take(codes, allow_fill=True), index=s.index)
            action, rule = "kept", "code kept as it is"
        if col != "status":  # statuses are checked with those of exports without a table
            self.report.add(
                f"unknown_{col}", unknown, self.sources.get(col, []), action, rule, column=col
            )
        return out

    def build(self) -> tuple[pd.DataFrame, QualityReport]:
        """Build every contract column and run the checks; the frame is not validated yet."""
        m = self.m
        self.report = QualityReport(self.raw, self.rows)
        self.report.context = [m.columns["property"]] if "property" in m.columns else []
        for col, export_col in m.columns.items():
            self.sources[col] = [export_col]
            self.built[col] = self._map_values(col, self.raw[export_col])
        for col, d in m.derive.items():
            self.sources[col] = self._sources_of(d.names())
            self.built[col] = self._map_values(col, self._derive(col, d))
        for col, value in m.defaults.items():
            if col not in self.built and col != "property":
                self.built[col] = pd.Series(value, index=self.raw.index)
                self.sources[col] = []
        if self.const_property is not None:
            self.built["property"] = pd.Series(
                self.const_property, index=self.raw.index, dtype="str"
            )
            self.sources["property"] = []
        for col in ("property", "arrival", "room_type", "segment", "status", "booked_at"):
            self._require(col)
        self._require("rate")
        self._require("guests")
        if "nights" not in self.built and "departure" not in self.built:
            raise InputError("nights", f"the mapping {m.name!r} gives neither nights nor departure")
        return self._clean(), self.report

    def _require(self, col: str) -> None:
        if col not in self.built:
            raise InputError(
                col,
                f"the mapping {self.m.name!r} gives no value for this reservation column; "
                "add it under [columns], [derive] or [defaults]",
            )

    def _src(self, *cols: str) -> list[str]:
        return self._sources_of([c for c in cols if c in self.built])

    # -- typing, checks, fixes ----------------------------------------------------
    def _clean(self) -> pd.DataFrame:
        b, rep, n = self.built, self.report, self.n
        alive = np.ones(n, dtype=bool)

        # 1. duplicates
        dup, first = _duplicates(self.raw)
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
                self._src("reservation_id"),
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
        parsed = {c: self._dates(b[c], c, self.sources.get(c, [])) for c in _DATES if c in b}
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
            rep.note_bad(c, bad, self.sources.get(c, []))
            nums[c] = np.where(bad, np.nan, num)
        text = {}
        for c in _TEXT:
            if c in b:
                raw_c = b[c]
                s = raw_c if raw_c.dtype == "str" else raw_c.astype("str").where(raw_c.notna())
                s = s.str.strip()
                text[c] = s.where(s != "")
        status_text = text["status"].str.lower().replace(_STATUS_ALIASES)
        unknown = (
            status_text.notna().to_numpy() & ~status_text.isin(RESERVATION_STATUSES).to_numpy()
        )
        rep.add(
            "unknown_status",
            unknown & alive,
            self._src("status"),
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
            found = rep.settle(c, empty, alive, self._src(c), "dropped", "a required value")
            alive &= ~found
        for c, default in (("rate", 0.0), ("rooms", 1.0), ("guests", 0.0)):
            if c in nums:
                rep.settle(
                    c, np.isnan(nums[c]), alive, self._src(c), "fixed", f"set to {default:g}"
                )
                nums[c] = np.where(np.isnan(nums[c]), default, nums[c])
        optional: dict[str, object] = {}
        for c in [*ancillary, "rate_code", "channel", "customer_id", *_BOOLS]:
            if c not in b:
                continue
            if c in _BOOLS:
                values, bad = as_boolean(b[c], c)
                rep.note_bad(c, bad, self._src(c))
                empty = pd.isna(values)
                optional[c] = values
            elif c in text:
                empty = text[c].isna().to_numpy()
                optional[c] = text[c].array
            else:
                empty = np.isnan(nums[c])
                optional[c] = nums[c]
            rep.settle(c, np.asarray(empty, dtype=bool), alive, self._src(c), "kept", "left empty")

        # 3. dates out of range, stay length
        lo = np.datetime64(self.m.checks.min_date, "D")
        hi = np.datetime64(self.m.checks.max_date, "D")
        arrival = dates["arrival"].astype("datetime64[D]")
        booked = dates["booked_at"]
        booked_day = booked.astype("datetime64[D]")
        outside = alive & ((arrival < lo) | (arrival > hi) | (booked_day < lo) | (booked_day > hi))
        rep.add(
            "date_out_of_range",
            outside,
            self._src("arrival", "booked_at"),
            "dropped",
            f"arrival or booked_at outside {self.m.checks.min_date} .. {self.m.checks.max_date}",
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
            self._src("arrival", "departure"),
            "dropped",
            "a stay cannot end before it starts",
        )
        alive &= ~neg
        rep.add(
            "nights_mismatch",
            mismatch,
            self._src("arrival", "departure", "nights"),
            "fixed",
            "departure set to arrival + nights",
        )
        rep.add(
            "zero_nights",
            alive & (nights == 0),
            self._src("arrival", "nights", "departure"),
            "kept",
            "day-use rooms: no room-night, kept as a booking",
        )

        # 4. booking time
        late = alive & (booked_day > arrival)
        rep.add(
            "booked_after_arrival",
            late,
            self._src("booked_at", "arrival"),
            "fixed",
            "booked_at set to the arrival day",
        )
        booked = np.where(late, arrival.astype("datetime64[s]"), booked)
        lead = (arrival - booked.astype("datetime64[D]")).astype(np.float64)
        max_lead = self.m.checks.max_lead_days
        rep.add(
            "extreme_lead_time",
            alive & (lead > max_lead),
            self._src("booked_at", "arrival"),
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
            self._src("status", "cancelled_at"),
            "fixed",
            "cancelled_at set to booked_at (never on the books)",
        )
        canc = np.where(no_date, booked, canc)
        stray = alive & ~is_c & ~np.isnat(canc)
        rep.add(
            "cancelled_at_not_cancelled",
            stray,
            self._src("status", "cancelled_at"),
            "fixed",
            "cancelled_at blanked: the status is not cancelled",
        )
        canc = np.where(is_c, canc, nat)
        early = alive & is_c & (canc < booked)
        rep.add(
            "cancelled_before_booked",
            early,
            self._src("cancelled_at", "booked_at"),
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
            self._src("rooms"),
            "dropped",
            "a reservation holds at least one room",
        )
        alive &= ~zero_rooms
        rate = nums["rate"]
        negative = alive & (rate < 0)
        rep.add(
            "negative_rate",
            negative,
            self._src("rate"),
            "fixed",
            "set to 0 (a refund or adjustment posting, not a price)",
        )
        rate = np.where(negative, 0.0, rate)
        prop = text["property"]
        priced = pd.Series(np.where(alive & (rate > 0), rate, np.nan))
        median = priced.groupby(pd.factorize(prop)[0]).transform("median").to_numpy()
        factor = self.m.checks.extreme_rate_factor
        rep.add(
            "extreme_rate",
            alive & (rate > factor * median),
            self._src("rate"),
            "kept",
            f"more than {factor:g} x the property's median rate",
        )
        guests = nums["guests"]
        rep.add(
            "zero_guests", alive & (guests == 0), self._src("guests"), "kept", "no guests recorded"
        )

        ids = (
            text["reservation_id"].array
            if has_ids
            else make_reservation_ids(self.rows, self.n_export)
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
        self.kept = {name: _take(self.raw[col].array, keep) for name, col in self.m.keep.items()}
        return pd.DataFrame(out)
