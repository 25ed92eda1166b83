"""Group quotes and minimum stays of the main job, worded as tables and a calendar.

:func:`quotes_table` gives one row per group request (units, rate, displaced value,
break-even rate, decision, best alternative); :func:`quote_alternatives` every pattern
quoted for one group; :func:`min_los_calendar` the arrival nights that carry a minimum
length of stay or are closed to arrival. Units on dated resources (hotel nights) are
summarised as "30 rooms × 3 nights, 2026-12-08 to 2026-12-10" rather than listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..optimize import GroupQuote
from ._blocks import Calendar, Cell, Row, Table, calendar_weeks
from ._format import _DASH, _num

__all__: list[str] = []

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_MAX_LISTED = 4


def _money(x: float, decimals: int = 0) -> str:
    return _DASH if x is None or not math.isfinite(x) else _num(x, decimals)


def units_summary(units: Mapping[str, float]) -> str:
    """Words for a units-per-resource pattern.

    Equal units on consecutive dated resources read ``30 × 3 nights, 2026-12-08 to
    2026-12-10``; other patterns list up to four ``units × resource`` and count the rest.
    """
    if not units:
        return _DASH
    ids = list(units)
    found = [_DATE.search(r) for r in ids]
    counts = {float(v) for v in units.values()}
    if all(found) and len(counts) == 1:
        days = sorted(pd.Timestamp(m.group(1)) for m in found if m)
        step = np.diff(np.array(days, dtype="datetime64[D]")).astype(int)
        if len(set(days)) == len(days) and (step == 1).all():
            k = counts.pop()
            n = len(days)
            span = f"{days[0]:%Y-%m-%d}" if n == 1 else f"{days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}"
            return f"{k:g} \u00d7 {n} night{'s' if n > 1 else ''}, {span}"
    listed = [f"{float(units[r]):g} \u00d7 {r}" for r in ids[:_MAX_LISTED]]
    more = f" and {len(ids) - _MAX_LISTED} more" if len(ids) > _MAX_LISTED else ""
    return ", ".join(listed) + more


def _decision(accept: bool) -> Cell:
    text = "accept" if accept else "reject"
    return Cell("", "text", badge=text, badge_cls=text)


def _best_alternative(quote: GroupQuote) -> str:
    """Name the accepted pattern with the largest margin, or the least-displacing one."""
    alts = quote.alternatives
    others = alts[alts["label"] != "requested"]
    if others.empty:
        return "none quoted"
    accepted = others[others["accept"].astype(bool)]
    if not accepted.empty:
        best: Any = accepted.iloc[int(np.argmax(accepted["margin"].to_numpy(dtype=float)))]
        return f"{best['label']}: accept (margin {_money(float(best['margin']))})"
    best = others.iloc[0]  # cheapest displacement first
    return f"{best['label']}: reject (break-even {_money(float(best['break_even_rate']), 2)})"


def _terms(request: Any) -> str:
    """Word the request's money terms besides the rate, those that are not zero."""
    parts = []
    if request.cost_to_serve:
        parts.append(f"cost to serve {_num(request.cost_to_serve, 2)} per unit")
    per_unit = float(getattr(request, "ancillary_per_unit", 0.0))
    if per_unit:
        parts.append(f"ancillary {_num(per_unit, 2)} per unit")
    if request.ancillary:
        parts.append(f"ancillary {_num(request.ancillary)} for the group")
    for name in ("attrition", "commission"):
        share = float(getattr(request, name, 0.0))
        if share:
            parts.append(f"{name} {share:.0%}")
    return "; ".join(parts) or _DASH


def quotes_table(quotes: Sequence[tuple[str, GroupQuote]]) -> Table:
    """One row per group request: what was asked, what it displaces, the decision."""
    heads = (
        Cell("group", "text"),
        Cell("units asked", "text"),
        Cell("rate per unit", "num"),
        Cell("other terms", "text"),
        Cell("group value", "num"),
        Cell("displaced value", "num"),
        Cell("break-even rate", "num"),
        Cell("decision", "text"),
        Cell("best alternative", "text"),
    )
    rows = []
    for name, q in quotes:
        cells = (
            Cell(name, "text wrap"),
            Cell(units_summary(q.request.units), "text wrap"),
            Cell(_money(q.request.rate, 2), "num"),
            Cell(_terms(q.request), "text wrap"),
            Cell(_money(q.group_value), "num"),
            Cell(_money(q.displaced_value), "num"),
            Cell(_money(q.break_even_rate, 2), "num"),
            _decision(q.accept),
            Cell(
                _best_alternative(q) if q.fits or len(q.alternatives) > 1 else q.reason, "text wrap"
            ),
        )
        rows.append(Row(cells))
    note = (
        "Money in the scenario's currency. Group value: per unit expected to materialize "
        "(after attrition), the rate net of commission plus ancillary spend per unit minus "
        "the cost to serve; plus the group's total ancillary spend. Displaced value: what "
        "the deterministic LP loses when the group's units are set aside (the regular "
        "demand they turn away). "
        "Break-even rate: the rate per unit at which the group value equals the displaced "
        "value; accept at or above it. Units: rooms (or seats) per night (or leg)."
    )
    return Table(heads, tuple(rows), note, wide=True)


def quote_alternatives(quote: GroupQuote) -> Table:
    """Every pattern quoted for one group (the request, date shifts, alternatives)."""
    heads = (
        Cell("pattern", "text"),
        Cell("units", "text"),
        Cell("total units", "num"),
        Cell("fits", "text"),
        Cell("displaced value", "num"),
        Cell("bid-price estimate", "num"),
        Cell("group value", "num"),
        Cell("break-even rate", "num"),
        Cell("margin", "num"),
        Cell("decision", "text"),
    )
    rows = []
    r: Any  # a namedtuple of the alternatives' columns
    for r in quote.alternatives.itertuples(index=False):
        cells = (
            Cell(str(r.label), "text"),
            Cell(units_summary(r.units), "text wrap"),
            Cell(_num(float(r.total_units)), "num"),
            Cell("yes" if r.fits else "no", "text"),
            Cell(_money(float(r.displaced_value)), "num"),
            Cell(_money(float(r.bid_price_displacement)), "num"),
            Cell(_money(float(r.group_value)), "num"),
            Cell(_money(float(r.break_even_rate), 2), "num"),
            Cell(_money(float(r.margin)), "num"),
            _decision(bool(r.accept)),
        )
        rows.append(Row(cells, "asked" if r.label == "requested" else ""))
    note = (
        "Cheapest displacement first; the requested pattern is in bold. Bid-price "
        "estimate: units \u00d7 bid prices, a lower bound of the displaced value. Margin: "
        "group value \u2212 displaced value."
    )
    if quote.reason:
        note += f" The request {quote.reason}."
    return Table(heads, tuple(rows), note, wide=True)


def min_los_calendar(min_los: pd.DataFrame) -> Calendar:
    """Lay out the arrival nights with a minimum length of stay above 1 or closed to arrival.

    Parameters
    ----------
    min_los : DataFrame
        ``arrival`` (date), ``min_los`` (nights; NaN: every stay closed, i.e. closed to
        arrival) and optionally the columns it is split by (e.g. ``segment``).
    """
    by = [c for c in min_los.columns if c not in ("arrival", "min_los")]
    cells: dict[pd.Timestamp, dict[str, str]] = {}
    restricted = 0
    for arrival, rows in min_los.groupby("arrival", sort=True):
        words = []
        closed = False
        for r in rows.to_dict(orient="records"):
            who = " ".join(str(r[c]) for c in by)
            prefix = f"{who}: " if who else ""
            value = r["min_los"]
            if value is None or pd.isna(value):
                closed = True
                words.append(f"{prefix}closed to arrival")
            elif float(value) > 1:
                words.append(f"{prefix}min {float(value):g} nights")
        kind = "cta" if closed else "minlos" if words else "open"
        restricted += kind != "open"
        cells[pd.Timestamp(str(arrival))] = {"kind": kind, "text": "; ".join(words) or "open"}
    return Calendar(calendar_weeks(cells), restricted, len(cells))
