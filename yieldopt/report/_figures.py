"""What every figure of the simulation report shares: style, colours, axes, PNG, metadata.

Plots are drawn on :class:`matplotlib.figure.Figure` objects (Agg rendering), never through
pyplot, so no display and no global figure state are involved; the style is applied with
``matplotlib.rc_context`` by the caller and stays local to these figures. Every policy keeps
one colour (Okabe-Ito, colour-blind safe) across all plots and the comparison table.
:func:`finish` renders a figure into a :class:`~._blocks.FigureBlock` that records each
panel's axis labels, so tests can check that every axis says what it shows and in which unit.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._blocks import FigureBlock, Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__: list[str] = []

# Okabe-Ito colours (colour-blind safe), fixed per policy name so every plot and every report
# shows the same policy in the same colour.
_POLICY_COLOURS = {
    "fcfs": "#E69F00",
    "emsr-b": "#56B4E9",
    "davn": "#009E73",
    "dlp": "#0072B2",
    "rlp": "#CC79A7",
    "dp-decomposition": "#D55E00",
    "dp": "#8C6D31",
    "hindsight": "#6E6E6E",
}
_SPARE_COLOURS = ("#1B9E77", "#7570B3", "#E7298A", "#66A61E", "#A6761D", "#17BECF")
DPI = 130
WIDTH_IN = 9.0

RC: Any = {  # matplotlib's stubs type rc keys as a Literal of every known name
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#D9D9D9",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "savefig.facecolor": "white",
}


def policy_colours(policies: Sequence[str]) -> dict[str, str]:
    """Colour per policy: fixed for known names, spare colours in order for others."""
    spare = iter(_SPARE_COLOURS * (len(policies) // len(_SPARE_COLOURS) + 1))
    return {p: _POLICY_COLOURS.get(p) or next(spare) for p in policies}


def new_figure(height: float, width: float = WIDTH_IN) -> Figure:
    """Make a bare Figure (Agg on savefig: no pyplot, no display, no global registry)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def png(fig: Figure) -> str:
    """Base64 PNG of a figure (metadata stripped so the output is reproducible)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def axis_labels(fig: Figure) -> tuple[tuple[str, str], ...]:
    """``(x label, y label)`` of every panel; a shared axis takes its labelled sibling's."""
    out = []
    for ax in fig.axes:
        x = ax.get_xlabel() or next(
            (a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax) if a.get_xlabel()),
            "",
        )
        y = ax.get_ylabel() or next(
            (a.get_ylabel() for a in ax.get_shared_y_axes().get_siblings(ax) if a.get_ylabel()),
            "",
        )
        out.append((x, y))
    return tuple(out)


def finish(
    fig: Figure,
    fid: str,
    title: str,
    alt: str,
    how: str,
    *,
    table: Table | None = None,
    table_title: str = "",
    csv: str = "",
    csv_what: str = "",
    more: tuple[tuple[str, Table], ...] = (),
) -> FigureBlock:
    """Render ``fig`` and keep what the page and the tests need about it."""
    return FigureBlock(
        id=fid,
        title=title,
        png=png(fig),
        alt=alt,
        how=how,
        labels=axis_labels(fig),
        table=table,
        table_title=table_title,
        csv=csv,
        csv_what=csv_what,
        more=more,
    )


def thousands(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    """Tick labels with thousands separators."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def days_axis(ax: Axes, horizon_days: float, kind: str) -> None:
    """Days before arrival (hotel) or departure on the x axis, counting down to 0 at the right."""
    ax.set_xlim(horizon_days, 0)
    event = "arrival" if kind == "hotel" else "departure"  # what the horizon counts down to
    ax.set_xlabel(f"Days before {event} (days; sales open at {horizon_days:,.0f}, close at 0)")


def policy_ticks(ax: Axes, names: Sequence[str]) -> None:
    """Policy names under categorical positions 0..n-1."""
    ax.set_xticks(range(len(names)), names, rotation=20 if len(names) > 6 else 0)
    ax.grid(axis="x", visible=False)


def reference_line(ax: Axes, y: float, label: str, style: str, *, left: bool) -> None:
    """Horizontal line with its label just above it, at the left or right end."""
    ax.axhline(y, color="#333333", linewidth=1.1, linestyle=style)
    ax.annotate(
        label,
        (0.005 if left else 0.995, y),
        xycoords=("axes fraction", "data"),
        xytext=(0, 2),
        textcoords="offset points",
        ha="left" if left else "right",
        va="bottom",
        fontsize=8.5,
        color="#333333",
    )
