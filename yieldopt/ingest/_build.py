"""Build the contract columns of one export through its mapping.

:class:`_Builder` selects the property's rows, builds every contract column the
mapping names (export columns, derivations, defaults, value tables; see
:mod:`._mapping`) and hands the typed checks and fixes to :mod:`._clean`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ._clean import clean
from ._mapping import Derivation, ExportMapping
from ._names import closest
from ._quality import QualityReport

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
        return clean(self)
