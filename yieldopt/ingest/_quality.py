"""The data-quality report written at every import.

Each check counts the rows it found, shows the first one (its 0-based row number
in the export and the export columns involved) and states the rule applied:
``kept`` (imported as it is), ``fixed`` (imported after the stated correction) or
``dropped`` (not imported). A dropped row is counted once, by the first check that
drops it; nothing is dropped without a row in this report.

======================  =======  ==========================================================
check                   action   rule
======================  =======  ==========================================================
duplicate_rows          kept     export without ids: identical rows are rooms of one block
                        dropped  export with ids: the same reservation exported twice
duplicate_ids           dropped  a later row reusing an id (the first is kept)
missing_values          varies   per column: required codes and dates dropped; rate set to 0,
                                 rooms to 1, guests to 0 (empty terms of a sum count as 0);
                                 optional columns left empty
bad_values              varies   present but unreadable (not a date / number / boolean, or
                                 a negative or fractional count): as missing_values
date_out_of_range       dropped  arrival or booked_at outside the mapping's date range
departure_before_arrival dropped
nights_mismatch         fixed    departure and nights disagree: departure = arrival + nights
zero_nights             kept     day-use rooms (no room-night)
booked_after_arrival    fixed    booked_at set to the arrival day
extreme_lead_time       kept     booked longer ahead than ``max_lead_days``
unknown_status          dropped  a status code missing from ``[values.status]``
unknown_<column>        kept     a code missing from ``[values.<column>]``
cancelled_without_date  fixed    cancelled_at set to booked_at
cancelled_at_not_cancelled fixed cancelled_at blanked
cancelled_before_booked fixed    cancelled_at set to booked_at
zero_rooms              dropped  rooms < 1
negative_rate           fixed    set to 0 (a refund or adjustment posting, not a price)
extreme_rate            kept     rate > ``extreme_rate_factor`` x the property's median rate
zero_guests             kept
======================  =======  ==========================================================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["CHECKS", "QUALITY_COLUMNS", "QualityReport", "write_quality"]

QUALITY_COLUMNS = ("check", "rows", "action", "example", "column", "rule")
"""Columns of the quality report, in order."""

CHECKS = (
    "duplicate_rows",
    "duplicate_ids",
    "missing_values",
    "bad_values",
    "date_out_of_range",
    "departure_before_arrival",
    "nights_mismatch",
    "zero_nights",
    "booked_after_arrival",
    "extreme_lead_time",
    "unknown_status",
    "unknown_*",
    "cancelled_without_date",
    "cancelled_at_not_cancelled",
    "cancelled_before_booked",
    "zero_rooms",
    "negative_rate",
    "extreme_rate",
    "zero_guests",
)
"""The checks, in report order (``unknown_*``: one per ``[values]`` table)."""

_PER_COLUMN = ("missing_values", "bad_values")


def _show(v: object) -> str:
    if hasattr(v, "item"):
        v = v.item()  # numpy scalars print as plain numbers
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "<empty>"
    text = repr(v)
    return text if len(text) <= 30 else text[:27] + "..."


class QualityReport:
    """Collects findings during one import (internal to :func:`read_reservations`).

    Parameters
    ----------
    raw : DataFrame
        The export rows being imported (positions match the masks).
    rows : ndarray of int
        Row number in the export of each position of ``raw``.
    """

    def __init__(self, raw: pd.DataFrame, rows: np.ndarray) -> None:
        self.raw = raw
        self.rows = rows
        self.context: list[str] = []  # export columns shown in every example (the property)
        self._found: list[dict[str, object]] = []
        self._bad: dict[str, tuple[np.ndarray, list[str]]] = {}
        self.first_copy = np.arange(len(raw))  # position of each row's first identical copy

    def example(self, i: int, sources: list[str]) -> str:
        """Render position ``i``: its export row number and the columns involved."""
        cols = list(dict.fromkeys([*self.context, *sources]))[:6]
        shown = ", ".join(f"{c}={_show(self.raw[c].iloc[i])}" for c in cols)
        return f"row {int(self.rows[i])}: {shown}" if shown else f"row {int(self.rows[i])}"

    def add(
        self,
        check: str,
        mask: np.ndarray,
        sources: list[str],
        action: str,
        rule: str,
        *,
        column: str = "",
        duplicate: bool = False,
    ) -> None:
        """Record a check: ``mask`` marks the rows it found (possibly none)."""
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        example = ""
        if count:
            i = int(np.flatnonzero(mask)[0])
            if duplicate:
                j = int(self.first_copy[i])  # its first copy, found by the caller
                cols = list(self.raw.columns[:5])
                example = f"{self.example(i, cols)} (same as row {int(self.rows[j])})"
            else:
                example = self.example(i, sources)
        if count == 0 and check in _PER_COLUMN:
            return  # listed once, empty, by frame()
        self._found.append(
            {
                "check": check,
                "rows": count,
                "action": action,
                "example": example,
                "column": column,
                "rule": rule,
            }
        )

    def note_bad(self, column: str, mask: np.ndarray, sources: list[str]) -> None:
        """Remember unreadable values of a contract column (reported by :meth:`settle`)."""
        old, old_src = self._bad.get(column, (np.zeros(len(mask), dtype=bool), []))
        self._bad[column] = (old | mask, list(dict.fromkeys([*old_src, *sources])))

    def settle(
        self,
        column: str,
        empty: np.ndarray,
        alive: np.ndarray,
        sources: list[str],
        action: str,
        rule: str,
    ) -> np.ndarray:
        """Report the bad and the missing values of ``column`` among ``alive`` rows.

        ``empty`` marks rows without a usable value (bad ones included). Returns
        the rows found (bad or missing), which the caller fixes, keeps or drops.
        """
        bad, bad_src = self._bad.pop(column, (np.zeros(len(empty), dtype=bool), []))
        bad = bad & alive
        missing = empty & ~bad & alive
        self.add("bad_values", bad, bad_src or sources, action, rule, column=column)
        self.add("missing_values", missing, sources, action, rule, column=column)
        return bad | missing

    def frame(self) -> pd.DataFrame:
        """Return the report: :data:`QUALITY_COLUMNS`, rows in :data:`CHECKS` order."""
        found = list(self._found)
        for check in _PER_COLUMN:
            if not any(f["check"] == check for f in found):
                found.append(
                    {
                        "check": check,
                        "rows": 0,
                        "action": "",
                        "example": "",
                        "column": "",
                        "rule": "",
                    }
                )
        order = {c: k for k, c in enumerate(CHECKS)}
        unknown = order["unknown_*"]
        found.sort(key=lambda f: order.get(str(f["check"]), unknown))
        out = pd.DataFrame(found, columns=list(QUALITY_COLUMNS))
        out["rows"] = out["rows"].astype(np.int64)
        return out

    def raise_first(self) -> None:
        """Raise InputError on the first finding in report order (``strict`` imports)."""
        for f in self.frame().to_dict("records"):
            if f["rows"]:
                # The field is the column the check looks at; the check is named once,
                # also when it has no single column (duplicate_rows).
                detail = f"{f['rows']} row(s) (rule without strict: {f['action']}, {f['rule']})"
                if f["column"]:
                    field, message = str(f["column"]), f"{f['check']}: {detail}"
                else:
                    field, message = str(f["check"]), detail
                raise InputError(field, f"{message}; first {f['example']}")


def write_quality(quality: pd.DataFrame, path: str | Path) -> Path:
    """Write a quality report as CSV.

    Parameters
    ----------
    quality : DataFrame
        ``ImportResult.quality``.
    path : str or Path
        A directory (the file is ``data_quality.csv`` inside it, created if
        needed) or a file name.

    Returns
    -------
    Path
        The file written.
    """
    missing = [c for c in QUALITY_COLUMNS if c not in quality.columns]
    if missing:
        raise InputError(missing[0], "missing column in the quality report")
    p = Path(path)
    if p.is_dir() or not p.suffix:
        p.mkdir(parents=True, exist_ok=True)
        p = p / "data_quality.csv"
    quality.loc[:, list(QUALITY_COLUMNS)].to_csv(p, index=False)
    return p
