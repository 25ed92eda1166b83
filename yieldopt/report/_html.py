"""HTML building blocks of the simulation report: escaping, number formats and tables.

Helpers shared by :mod:`yieldopt.report._page` (page, header, comparison table) and
:mod:`yieldopt.report._plots` (captions, labels): HTML escaping, numbers with thousands
separators, percentages, ``mean ± half-width`` cells, run times, and the rendering of the
extra report sections (a DataFrame as an escaped table, a string as preformatted text, or
trusted HTML).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

__all__: list[str] = []

_MAX_SECTION_ROWS = 200
_DASH = "\u2013"  # shown for missing numbers (NaN)


def _e(text: object) -> str:
    """Escape any value for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _num(x: float, decimals: int = 0) -> str:
    """Format a number with thousands separators; a dash for NaN/None."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return _DASH
    return f"{x:,.{decimals}f}"


def _pct(x: float, decimals: int = 1) -> str:
    """Fraction as a percentage (0.834 -> ``83.4%``); a dash for NaN."""
    if x is None or not math.isfinite(x):
        return _DASH
    return f"{x:.{decimals}%}"


def _money_decimals(*columns: pd.Series) -> int:
    """Whole currency units for large amounts, cents for small ones (one rule per column)."""
    values = pd.concat([c.astype(float) for c in columns]).abs()
    big = values[np.isfinite(values)].max() if len(values) else 0.0
    return 0 if big >= 1000 else 2


def _mean_hw(mean: float, hw: float, decimals: int) -> str:
    """``mean ± half-width``; the mean alone when the half-width is unknown (one sample)."""
    if not math.isfinite(hw):
        return _num(mean, decimals)
    return f"{_num(mean, decimals)} \u00b1 {_num(hw, decimals)}"


def _duration(seconds: float) -> str:
    """Human-readable run time."""
    if seconds < 60:
        return f"{seconds:,.2f} s"
    minutes, sec = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _section(title: str, content: Any) -> str:
    """Render an extra section: a table, escaped preformatted text or trusted HTML."""
    if isinstance(content, pd.Series):
        content = content.to_frame()
    if isinstance(content, pd.DataFrame):
        inner = _frame_table(content)
    elif hasattr(content, "__html__"):
        inner = f"<div class='html'>{content.__html__()}</div>"
    elif isinstance(content, str):
        inner = f"<pre>{_e(content)}</pre>"
    else:
        raise TypeError(
            f"section {title!r}: expected a DataFrame or str, got {type(content).__name__}"
        )
    return f"<section><h2>{_e(title)}</h2>{inner}</section>"


def _column_formatter(col: pd.Series) -> Any:
    """Format function for one column: thousands separators, decimals by magnitude."""
    if pd.api.types.is_bool_dtype(col):
        return str
    if pd.api.types.is_integer_dtype(col):
        return lambda v: _DASH if pd.isna(v) else f"{int(v):,}"
    if pd.api.types.is_float_dtype(col):
        finite = col[np.isfinite(col.astype(float))].astype(float)
        if finite.empty or (finite == finite.round()).all() or finite.abs().max() >= 1000:
            decimals = 0
        elif finite.abs().max() >= 1:
            decimals = 2
        else:
            decimals = 4
        return lambda v: _num(float(v), decimals)
    return lambda v: _DASH if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _label(name: Any) -> str:
    return " / ".join(map(str, name)) if isinstance(name, tuple) else str(name)


def _frame_table(frame: pd.DataFrame) -> str:
    """Render a DataFrame as an escaped HTML table, keeping an index that carries labels."""
    keep_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    shown = frame.reset_index() if keep_index else frame
    total = len(shown)
    shown = shown.iloc[:_MAX_SECTION_ROWS]
    fmts = [_column_formatter(shown.iloc[:, j]) for j in range(shown.shape[1])]
    numeric = [
        pd.api.types.is_numeric_dtype(shown.iloc[:, j])
        and not pd.api.types.is_bool_dtype(shown.iloc[:, j])
        for j in range(shown.shape[1])
    ]
    head = "".join(
        f"<th class='{'num' if num else 'text'}'>{_e(_label(c))}</th>"
        for c, num in zip(shown.columns, numeric, strict=True)
    )
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = (
            f"<td class='{'num' if num else 'text'}'>{_e(fmt(v))}</td>"
            for v, fmt, num in zip(values, fmts, numeric, strict=True)
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = (
        f"<p class='note'>Showing the first {_MAX_SECTION_ROWS:,} of {total:,} rows.</p>"
        if total > _MAX_SECTION_ROWS
        else ""
    )
    return (
        f"<div class='scroll'><table class='data generic'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{note}"
    )
