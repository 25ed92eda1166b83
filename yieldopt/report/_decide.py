"""The morning page of the daily cycle (``yieldopt decide``) and the backtest plot.

:func:`decide_report` renders tonight's controls (:class:`yieldopt.cycle.NightlyControls`)
as one self-contained HTML page from the Jinja2 template
``yieldopt/report/templates/decide.html``: on the books against the forecast by night,
pace against the same weekday last year, the occupancy forecast with the capacity and
authorized lines, the bid price by night, a restrictions calendar (MinLOS and
closed-to-arrival), the next nights' controls, the import's data-quality table and the
CRM note. Pictures are inline PNGs (base64), the style is inline CSS: the page opens
from a mail attachment without any outside host.

:func:`backtest_figure` plots the WAPE of :func:`yieldopt.cycle.backtest_occupancy` by
days before arrival, one line per method.

Time axes are dates (bottom) and days before arrival (top); each axis names its unit.
Rooms of several room types are added up per night for the pictures (the tables keep
the room types); the spread of a sum is taken as that of independent room types.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..cycle import NightlyControls
from ._blocks import calendar_weeks, render
from ._figures import DPI, RC, new_figure, png

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["backtest_figure", "decide_report", "write_decide_report"]

# Wider than the run report's figures: the morning page shows one per row.
_WIDTH_IN = 10.0
_NEXT_NIGHTS = 14
# Okabe-Ito (colour-blind safe).
_BLUE, _ORANGE, _GREEN, _SKY, _VERMILION, _GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#D55E00",
    "#6E6E6E",
)
_METHOD_COLOURS = (_BLUE, _ORANGE, _GREEN, "#CC79A7", _VERMILION, _GREY, _SKY, "#8C6D31")


def _figure(height: float) -> Figure:
    return new_figure(height, width=_WIDTH_IN)


def _by_night(controls: pd.DataFrame) -> pd.DataFrame:
    """One row per night: rooms added over room types, spreads as independent ones."""
    if "room_type" not in controls.columns:
        return controls.reset_index(drop=True)
    g = controls.groupby("night", sort=True)
    cols = [
        "capacity",
        "on_the_books",
        "expected_cancellations",
        "forecast_remaining",
        "forecast_occupancy",
        "authorized",
    ]
    out = g[cols].sum()
    for std in ("forecast_remaining_std", "forecast_occupancy_std"):
        out[std] = np.sqrt(g[std].apply(lambda s: float(np.sum(np.square(s)))))
    return out.reset_index()


def _date_axes(ax: Axes, as_of: np.datetime64) -> None:
    """Dates on the bottom axis, days before arrival on the top one."""
    import matplotlib.dates as mdates

    origin = float(mdates.date2num(pd.Timestamp(as_of)))
    loc = mdates.AutoDateLocator(maxticks=12)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.set_xlabel("stay night (date)")

    def to_days(x: Any) -> Any:
        return x - origin

    def to_dates(x: Any) -> Any:
        return x + origin

    top = ax.secondary_xaxis("top", functions=(to_days, to_dates))
    top.set_xlabel("days before arrival")


def _otb_plot(night: pd.DataFrame, as_of: np.datetime64) -> str:
    fig = _figure(3.6)
    ax = fig.add_subplot()
    x = night["night"]
    staying = (night["on_the_books"] - night["expected_cancellations"]).clip(lower=0)
    ax.bar(x, staying, width=0.85, color=_BLUE, label="on the books that will stay")
    ax.bar(
        x,
        night["forecast_remaining"],
        bottom=staying,
        width=0.85,
        color=_SKY,
        label="still to book (forecast, net of cancellations)",
    )
    ax.step(
        x,
        night["on_the_books"],
        where="mid",
        color="black",
        linewidth=1.0,
        label="on the books tonight (before cancellations)",
    )
    ax.step(x, night["capacity"], where="mid", color=_GREY, linestyle="--", label="capacity")
    ax.set_ylabel("rooms")
    ax.set_ylim(bottom=0)
    _date_axes(ax, as_of)
    fig.legend(loc="outside lower center", fontsize=8, ncols=4)
    return png(fig)


def _pace_plot(pace: pd.DataFrame, as_of: np.datetime64) -> str:
    p = pace.groupby("night", sort=True)[["rooms", "ly_rooms", "ly_final"]].sum(min_count=1)
    p = p.reset_index()
    fig = _figure(3.4)
    ax = fig.add_subplot()
    ax.plot(p["night"], p["rooms"], color=_BLUE, label="on the books now")
    ax.plot(
        p["night"],
        p["ly_rooms"],
        color=_ORANGE,
        label="same weekday last year, as many days before",
    )
    if p["ly_final"].notna().any():
        ax.plot(
            p["night"],
            p["ly_final"],
            color=_ORANGE,
            linestyle=":",
            label="same weekday last year, final",
        )
    ax.set_ylabel("rooms")
    ax.set_ylim(bottom=0)
    _date_axes(ax, as_of)
    fig.legend(loc="outside lower center", fontsize=8, ncols=3)
    return png(fig)


def _occupancy_plot(night: pd.DataFrame, as_of: np.datetime64) -> str:
    fig = _figure(3.4)
    ax = fig.add_subplot()
    x = night["night"]
    occ = night["forecast_occupancy"]
    std = night["forecast_occupancy_std"]
    ax.fill_between(x, occ - std, occ + std, color=_SKY, alpha=0.35, linewidth=0, label="± 1 sd")
    ax.plot(x, occ, color=_BLUE, label="forecast occupancy")
    ax.step(x, night["capacity"], where="mid", color=_GREY, linestyle="--", label="capacity")
    ax.step(
        x,
        night["authorized"],
        where="mid",
        color=_VERMILION,
        linestyle="-.",
        label="authorized (overbooking)",
    )
    ax.set_ylabel("rooms occupied")
    ax.set_ylim(bottom=0)
    _date_axes(ax, as_of)
    fig.legend(loc="outside lower center", fontsize=8, ncols=4)
    return png(fig)


def _bid_plot(controls: pd.DataFrame, as_of: np.datetime64, currency: str) -> str:
    fig = _figure(3.2)
    ax = fig.add_subplot()
    if "room_type" in controls.columns:
        for i, (rt, sub) in enumerate(controls.groupby("room_type", sort=True)):
            colour = _METHOD_COLOURS[i % len(_METHOD_COLOURS)]
            ax.step(sub["night"], sub["bid_price"], where="mid", color=colour, label=str(rt))
        ax.legend(title="room type", fontsize=8)
    else:
        ax.step(controls["night"], controls["bid_price"], where="mid", color=_BLUE)
    ax.set_ylabel(f"bid price ({currency} per room-night)")
    ax.set_ylim(bottom=0)
    _date_axes(ax, as_of)
    return png(fig)


def _calendar(controls: pd.DataFrame) -> list[dict[str, Any]]:
    """Weeks (Monday first) of the horizon, each night with its restriction."""
    c = controls
    if "room_type" in c.columns:
        # A night is shown restricted when any room type is; the words say which.
        c = c.assign(
            label=c["room_type"].astype(str) + ": ",
        )
    nights = pd.DatetimeIndex(sorted(pd.unique(c["night"])))
    cells: dict[pd.Timestamp, dict[str, str]] = {}
    for day in nights:
        rows = c[c["night"] == day]
        words = []
        for r in rows.to_dict(orient="records"):
            prefix = r.get("label", "")
            mlos = r["min_los"]
            if bool(r["closed_to_arrival"]):
                words.append(f"{prefix}closed to arrival")
            elif mlos is not None and mlos is not pd.NA and int(mlos) > 1:
                words.append(f"{prefix}MinLOS {int(mlos)}")
        cta = bool(rows["closed_to_arrival"].any())
        kind = "cta" if cta else ("minlos" if words else "open")
        cells[day] = {"kind": kind, "text": "; ".join(words)}
    return calendar_weeks(cells)


def _fmt(value: Any, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return "\u2013"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return f"{float(value):,.{decimals}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%a %Y-%m-%d")
    return str(value)


def _next_nights(controls: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    split = ["room_type"] if "room_type" in controls.columns else []
    cols = ["night", *split, "capacity", "on_the_books", "forecast_remaining"]
    cols += ["forecast_occupancy", "bid_price", "authorized", "min_los", "closed_to_arrival"]
    first = controls["night"].drop_duplicates().iloc[:_NEXT_NIGHTS]
    sub = controls[controls["night"].isin(first)][cols]
    rows = [[_fmt(v) for v in r] for r in sub.itertuples(index=False, name=None)]
    heads = [c.replace("_", " ") for c in cols]
    return heads, rows


def decide_report(
    controls: NightlyControls,
    quality: pd.DataFrame,
    *,
    crm_note: str | None = None,
    source: str = "",
    title: str | None = None,
) -> str:
    """Render the morning page of tonight's controls as self-contained HTML.

    Parameters
    ----------
    controls : NightlyControls
        Output of :func:`yieldopt.cycle.nightly_controls`.
    quality : DataFrame
        The import's data-quality report (:data:`yieldopt.ingest.QUALITY_COLUMNS`).
    crm_note : str, optional
        Where the segment values came from and how many guests were valued or only
        counted (``reservation_values(...).note``); ``None``: no CRM values used.
    source : str
        The export read, named on the page.
    title : str, optional
        Page title (default: the property and the as-of date).

    Returns
    -------
    str
        The HTML page.
    """
    c = controls.controls
    fc = controls.forecast
    as_of = fc.as_of
    inputs = controls.inputs
    currency = str(inputs["currency"])
    night = _by_night(c)
    restricted = c[c["closed_to_arrival"] | (c["min_los"].fillna(1) > 1)]
    heads, rows = _next_nights(c)
    q = quality.copy()
    found = q[q["rows"] > 0]
    cap = float(night["capacity"].sum())
    summary = {
        "property": inputs["property"],
        "as_of": str(as_of),
        "nights": f"{night['night'].iloc[0]:%Y-%m-%d} .. {night['night'].iloc[-1]:%Y-%m-%d}",
        "horizon": int(fc.horizon),
        "method": inputs["method"],
        "optimizer": inputs["optimizer"],
        "on_the_books": f"{int(night['on_the_books'].sum()):,} room-nights",
        "occupancy": (
            f"{float(night['forecast_occupancy'].sum()) / cap:.1%}" if cap > 0 else "\u2013"
        ),
        "objective": f"{controls.objective:,.0f} {currency}",
        "restricted": int(restricted["night"].nunique()),
        "currency": currency,
        "walk_cost": f"{float(inputs['walk_cost']):,.0f} {currency}",
        "no_show_rate": f"{float(inputs['no_show_rate']):.1%}",
    }
    adjustments: Mapping[str, float] = inputs.get("segment_adjustment", {})
    import matplotlib

    with matplotlib.rc_context(RC):
        pictures = {
            "otb_png": _otb_plot(night, as_of),
            "pace_png": _pace_plot(controls.pace, as_of),
            "occupancy_png": _occupancy_plot(night, as_of),
            "bid_png": _bid_plot(c, as_of, currency),
        }
    return render(
        "decide.html",
        title=title or f"{inputs['property']}: controls as of {as_of}",
        source=source,
        s=summary,
        **pictures,
        weeks=_calendar(c),
        heads=heads,
        rows=rows,
        quality=[
            {k: _fmt(v) for k, v in r.items()} | {"found": int(r["rows"]) > 0}
            for r in q.to_dict(orient="records")
        ],
        findings=len(found),
        crm_note=crm_note,
        adjustments=[(k, f"{v:+,.2f}") for k, v in sorted(adjustments.items())],
    )


def write_decide_report(
    path: str | Path,
    controls: NightlyControls,
    quality: pd.DataFrame,
    *,
    crm_note: str | None = None,
    source: str = "",
) -> Path:
    """Write :func:`decide_report` to ``path`` (UTF-8) and return the path."""
    p = Path(path)
    p.write_text(decide_report(controls, quality, crm_note=crm_note, source=source), "utf-8")
    return p


def backtest_figure(frame: pd.DataFrame, title: str = "") -> bytes:
    """Plot the WAPE of a backtest by days before arrival, one line per method.

    Parameters
    ----------
    frame : DataFrame
        :func:`yieldopt.cycle.backtest_occupancy` output (``method``,
        ``days_before``, ``wape``).
    title : str
        Title above the plot.

    Returns
    -------
    bytes
        The PNG image.
    """
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _figure(4.0)
        ax = fig.add_subplot()
        for i, (method, sub) in enumerate(frame.groupby("method", sort=False)):
            naive = str(method).startswith("naive")
            ax.plot(
                sub["days_before"],
                sub["wape"] * 100.0,
                marker="o",
                linestyle="--" if naive else "-",
                color=_METHOD_COLOURS[i % len(_METHOD_COLOURS)],
                label=str(method),
            )
        ax.set_xlabel("days before arrival")
        ax.set_ylabel("WAPE of forecast occupancy (%)")
        ax.set_xticks(sorted(frame["days_before"].unique()))
        ax.set_ylim(bottom=0)
        if title:
            ax.set_title(title)
        ax.legend(fontsize=8)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
