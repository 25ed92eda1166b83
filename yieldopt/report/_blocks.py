"""What the report templates render: tables, calendars, figures and sections as plain data.

The templates (``yieldopt/report/templates``) turn these frozen records into HTML with
autoescape on; the Python side only formats numbers and words, it never writes markup.
:func:`frame_table` turns any DataFrame into a :class:`Table` (numbers right-aligned,
thousands separators, decimals by magnitude, dates as ISO dates); :func:`as_block` turns a
report section ``(title, content)`` into a :class:`Block` for the ``block`` macro.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from ._format import _DASH, _num

__all__ = ["Block", "Calendar", "Cell", "FigureBlock", "Row", "Table"]

_MAX_SECTION_ROWS = 200

#: The template environment of both reports (autoescape on for HTML templates).
ENV = Environment(
    loader=PackageLoader("yieldopt.report", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Cell:
    """One table cell (or header): text and its CSS class (``num``, ``text``, ``name``…).

    ``swatch`` is a policy colour shown before the text, ``badge`` a label after it,
    ``href``/``link_text`` a link after that (e.g. to the explanation of a number).
    """

    text: str
    cls: str = "text"
    swatch: str | None = None
    badge: str | None = None
    badge_cls: str = ""
    href: str | None = None
    link_text: str = ""


@dataclass(frozen=True)
class Row:
    """A table row: its cells and an optional CSS class (``best``, ``bound``, ``found``)."""

    cells: tuple[Cell, ...]
    cls: str = ""


@dataclass(frozen=True)
class Table:
    """A table: header cells, rows and a note shown below it (plain text)."""

    heads: tuple[Cell, ...]
    rows: tuple[Row, ...]
    note: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Calendar:
    """Weeks (Monday first) of arrival nights, each day ``{day, kind, text}`` or ``None``.

    ``kind`` is ``open``, ``minlos`` or ``cta`` (closed to arrival). ``weeks`` is a list of
    ``{"start": ISO date of the Monday, "days": [7 day records or None]}``.
    """

    weeks: list[dict[str, Any]]
    restricted: int
    nights: int


@dataclass(frozen=True)
class FigureBlock:
    """A rendered figure with what a reader and a test need to know about it.

    Attributes
    ----------
    id : str
        HTML id of its section.
    title, alt, how : str
        Section title, the image's alternative text, the "how to read this" caption.
    png : str
        The base64 PNG.
    labels : tuple of (str, str)
        ``(x label, y label)`` of every panel, as drawn (panels sharing an x axis carry
        the label of the bottom one).
    table : Table or None
        A compact table of the figure's numbers, shown below it.
    table_title : str
        Heading of ``table``.
    csv, csv_what : str
        Results file holding every number (relative link) and what one row of it is.
    more : tuple of (str, Table)
        Further tables below the first, with their headings.
    """

    id: str
    title: str
    png: str
    alt: str
    how: str
    labels: tuple[tuple[str, str], ...]
    table: Table | None = None
    table_title: str = ""
    csv: str = ""
    csv_what: str = ""
    more: tuple[tuple[str, Table], ...] = ()


@dataclass(frozen=True)
class Block:
    """An extra report section for the ``block`` macro.

    ``kind`` is ``table`` (``content`` a :class:`Table`), ``calendar`` (a list of weeks,
    see :class:`Calendar`), ``html`` (an object with ``__html__``, trusted) or ``text``.
    """

    title: str
    kind: str
    content: Any
    lead: str = ""
    id: str = field(default="")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def as_block(title: str, content: Any) -> Block:
    """Turn a section ``(title, content)`` into a :class:`Block`.

    Parameters
    ----------
    title : str
        Section heading.
    content : DataFrame, Series, Table, Calendar, str or object with ``__html__``
        A frame becomes a table (first 200 rows), a str escaped text, ``__html__``
        trusted HTML.

    Raises
    ------
    TypeError
        For any other content, naming the section.
    """
    sid = _slug(title)
    if isinstance(content, pd.Series):
        content = content.to_frame()
    if isinstance(content, pd.DataFrame):
        return Block(title, "table", frame_table(content), id=sid)
    if isinstance(content, Table):
        return Block(title, "table", content, id=sid)
    if isinstance(content, Calendar):
        if content.restricted == 0:
            lead = (
                f"No arrival is restricted: all {content.nights} arrival nights are open for "
                "every length of stay."
            )
            return Block(title, "calendar", [], lead=lead, id=sid)
        lead = (
            f"{content.restricted} of {content.nights} arrival nights carry a minimum length "
            "of stay or are closed to arrival; the others are open."
        )
        return Block(title, "calendar", content.weeks, lead=lead, id=sid)
    if hasattr(content, "__html__"):
        return Block(title, "html", content, id=sid)
    if isinstance(content, str):
        return Block(title, "text", content, id=sid)
    raise TypeError(f"section {title!r}: expected a DataFrame or str, got {type(content).__name__}")


def _is_dates(col: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(col))


def column_formatter(col: pd.Series) -> Any:
    """Format function for one column: thousands separators, decimals by magnitude.

    Dates without a time of day print as ISO dates (``2026-12-07``), not timestamps.
    """
    if pd.api.types.is_bool_dtype(col):
        return lambda v: "yes" if bool(v) else "no"
    if _is_dates(col):
        times = col.dropna()
        midnight = bool((times == times.dt.normalize()).all())
        fmt = "%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M"
        return lambda v: _DASH if pd.isna(v) else pd.Timestamp(v).strftime(fmt)
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
    text = " / ".join(map(str, name)) if isinstance(name, tuple) else str(name)
    return text.replace("_", " ")


def _numeric(col: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col))


def frame_table(frame: pd.DataFrame, *, max_rows: int = _MAX_SECTION_ROWS) -> Table:
    """Turn a DataFrame into a :class:`Table`, keeping an index that carries labels.

    Parameters
    ----------
    frame : DataFrame
        Any frame; a labelled index becomes the first columns.
    max_rows : int
        Rows shown; a note says how many there are when there are more.
    """
    keep_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    shown = frame.reset_index() if keep_index else frame
    total = len(shown)
    shown = shown.iloc[:max_rows]
    cols = [shown.iloc[:, j] for j in range(shown.shape[1])]
    fmts = [column_formatter(c) for c in cols]
    classes = ["num" if _numeric(c) else "text" for c in cols]
    heads = tuple(Cell(_label(name), cls) for name, cls in zip(shown.columns, classes, strict=True))
    rows = tuple(
        Row(tuple(Cell(fmt(v), cls) for v, fmt, cls in zip(values, fmts, classes, strict=True)))
        for values in shown.itertuples(index=False, name=None)
    )
    note = f"Showing the first {max_rows:,} of {total:,} rows." if total > max_rows else ""
    return Table(heads, rows, note)


def render(template: str, **context: Any) -> str:
    """Render one of the report templates with ``context``."""
    return ENV.get_template(template).render(**context)


def rows_of(cells: Sequence[Sequence[Cell]]) -> tuple[Row, ...]:
    """Rows of plain cells (no row class)."""
    return tuple(Row(tuple(c)) for c in cells)


def calendar_weeks(cells: dict[pd.Timestamp, dict[str, str]]) -> list[dict[str, Any]]:
    """Weeks (Monday first) covering the days in ``cells``, for the ``calendar`` macro.

    Parameters
    ----------
    cells : dict of Timestamp to dict
        Per day ``{"kind": "open"|"minlos"|"cta", "text": words}``.

    Returns
    -------
    list of dict
        ``{"start": ISO date of the Monday, "days": 7 × ({day, kind, text} or None)}``.
    """
    if not cells:
        return []
    days = sorted(cells)
    day = days[0] - pd.Timedelta(days=days[0].weekday())
    weeks: list[dict[str, Any]] = []
    while day <= days[-1]:
        week = []
        for k in range(7):
            d = day + pd.Timedelta(days=k)
            c = cells.get(d)
            week.append(None if c is None else {"day": d.strftime("%Y-%m-%d"), **c})
        weeks.append({"start": day.strftime("%Y-%m-%d"), "days": week})
        day += pd.Timedelta(days=7)
    return weeks
