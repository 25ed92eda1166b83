"""Number formats of the reports: thousands separators, percentages, ``mean ± half-width``.

Shared by the page, the tables and the plots' labels; formatting only, no markup (the
templates escape and lay out what these return).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__: list[str] = []

_DASH = "\u2013"  # shown for missing numbers (NaN)


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
