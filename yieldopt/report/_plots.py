"""Plots of the simulation report, rendered as base64 PNGs for inline embedding.

Four plots, each returned as an HTML ``<section>`` with a "how to read this" caption:
revenue distribution per policy, bid prices over the booking horizon (bid-price policies
only), load factor per policy and cumulative booking curves. Every policy keeps one colour
(Okabe-Ito, colour-blind safe) across all plots and the comparison table.

Plots are drawn on :class:`matplotlib.figure.Figure` objects (Agg rendering), never through
pyplot, so no display and no global figure state are involved; the style is applied with
``matplotlib.rc_context`` and stays local to these figures.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model import Scenario
from ..simulate import SimulationResult
from ._html import _e, _num

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
_TOP_RESOURCES = 12
_DPI = 130
_WIDTH_IN = 9.0

_RC: Any = {  # matplotlib's stubs type rc keys as a Literal of every known name
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


def _policy_colours(policies: Sequence[str]) -> dict[str, str]:
    """Colour per policy: fixed for known names, spare colours in order for others."""
    spare = iter(_SPARE_COLOURS * (len(policies) // len(_SPARE_COLOURS) + 1))
    return {p: _POLICY_COLOURS.get(p) or next(spare) for p in policies}


def _plot_sections(
    result: SimulationResult, scenario: Scenario, colours: dict[str, str]
) -> list[str]:
    """Render the plot sections in reading order; a plot without data is left out."""
    import matplotlib

    capacity = float(np.sum(scenario.network.capacity))
    authorized = result.settings.get("authorized")
    authorized_units = float(np.sum(authorized)) if authorized is not None else capacity
    # rc_context keeps the style local to these figures: nothing global changes.
    with matplotlib.rc_context(_RC):
        made = [
            _revenue_plot(result.paths, colours),
            _bid_price_plot(result.bid_prices, colours),
            _load_factor_plot(result.summary, colours, capacity, authorized_units),
            _booking_curve_plot(result.booking_curves, result.paths, colours),
        ]
    return [_figure_html(title, png, alt, how) for title, png, alt, how in filter(None, made)]


def _figure_html(title: str, png: str, alt: str, how: str) -> str:
    return (
        f"<section class='plot'><h2>{_e(title)}</h2><figure>"
        f"<img src='data:image/png;base64,{png}' alt='{_e(alt)}'>"
        f"<figcaption><strong>How to read this:</strong> {_e(how)}</figcaption>"
        "</figure></section>"
    )


def _new_figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    # A bare Figure renders with Agg on savefig: no pyplot, no display, no global registry.
    return Figure(figsize=(_WIDTH_IN, height), layout="constrained")


def _png(fig: Figure) -> str:
    """Base64 PNG of a figure (metadata stripped so the output is reproducible)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _thousands(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _horizon_axis(ax: Axes) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("Booking horizon elapsed (%; 0% = opening of sales, 100% = service)")


def _policy_ticks(ax: Axes, names: Sequence[str]) -> None:
    ax.set_xticks(range(len(names)), names, rotation=20 if len(names) > 6 else 0)
    ax.grid(axis="x", visible=False)


def _revenue_plot(paths: pd.DataFrame, colours: dict[str, str]) -> tuple[str, str, str, str] | None:
    if paths.empty:
        return None
    names = list(dict.fromkeys(paths["policy"]))
    data = [paths.loc[paths["policy"] == p, "revenue"].to_numpy(dtype=float) for p in names]
    fig = _new_figure(4.2)
    ax = fig.add_subplot()
    for i, (values, name) in enumerate(zip(data, names, strict=True)):
        _draw_box(ax, i, values, colours[name])
    ax.set_xlim(-0.6, len(names) - 0.4)
    _policy_ticks(ax, names)
    _thousands(ax)
    ax.set_ylabel("Revenue per sample path (currency)")
    how = (
        "each box spans the middle half of the sample-path revenues (interquartile range); the "
        "line inside is the median and the diamond the mean; whiskers reach the most extreme "
        "paths within 1.5 box lengths, dots are paths beyond. Every policy faces the same "
        "demand on each path (common random numbers), so differences come from the controls, "
        "not from luck. Hindsight knows every request in advance: an upper bound, not a "
        "policy you can run."
    )
    return "Revenue distribution", _png(fig), "Box plot of revenue per policy", how


def _draw_box(ax: Axes, x: float, values: np.ndarray, colour: str, width: float = 0.55) -> None:
    """Draw one box plot (quartile box, median, 1.5 IQR whiskers, outliers, mean diamond).

    Drawn from plain artists because ``Axes.boxplot`` iterates over all rcParams, which
    resolves the default backend through pyplot; the report must not touch pyplot.
    """
    from matplotlib import cbook
    from matplotlib.patches import Rectangle

    st = cbook.boxplot_stats(values)[0]
    half = width / 2
    ax.add_patch(
        Rectangle(
            (x - half, st["q1"]),
            width,
            st["q3"] - st["q1"],
            facecolor=colour,
            alpha=0.35,
            edgecolor=colour,
            linewidth=1.4,
        )
    )
    ax.plot([x - half, x + half], [st["med"]] * 2, color=colour, linewidth=2)
    for end, edge in ((st["whislo"], st["q1"]), (st["whishi"], st["q3"])):
        ax.plot([x, x], [end, edge], color=colour, linewidth=1.2)
        ax.plot([x - half / 2, x + half / 2], [end, end], color=colour, linewidth=1.2)
    if len(st["fliers"]):
        ax.plot(
            np.full(len(st["fliers"]), x),
            st["fliers"],
            "o",
            markersize=3,
            markerfacecolor="none",
            markeredgecolor=colour,
            alpha=0.7,
        )
    ax.plot(
        x,
        st["mean"],
        "D",
        markersize=6,
        markerfacecolor="white",
        markeredgecolor=colour,
        markeredgewidth=1.4,
    )


def _top_resources(frame: pd.DataFrame, top: int) -> list[str]:
    """Pick the ``top`` resources with the highest mean bid price (ties: resource order)."""
    means = frame.groupby("resource", sort=False)["bid_price"].mean()
    return list(means.sort_values(ascending=False, kind="stable").index[:top])


def _bid_price_plot(
    bids: pd.DataFrame, colours: dict[str, str]
) -> tuple[str, str, str, str] | None:
    if bids is None or bids.empty:
        return None
    from matplotlib import colormaps

    policies = list(dict.fromkeys(bids["policy"]))
    chosen = {p: _top_resources(bids[bids["policy"] == p], _TOP_RESOURCES) for p in policies}
    # One colour per resource across all panels, so a resource is recognisable in each.
    shown = list(dict.fromkeys(r for rs in chosen.values() for r in rs))
    # tab20 pairs dark and light shades of a hue; take all dark shades first so that
    # resources side by side get distinct hues.
    tab20: Any = colormaps["tab20"]  # a ListedColormap: its colours are listed
    palette = tab20.colors[0::2] + tab20.colors[1::2]
    res_colour = {r: palette[i % len(palette)] for i, r in enumerate(shown)}
    n_resources = bids["resource"].nunique()

    fig = _new_figure(0.6 + 3.0 * len(policies))
    axes = fig.subplots(len(policies), 1, sharex=True, squeeze=False)[:, 0]
    for ax, policy in zip(axes, policies, strict=True):
        frame = bids[bids["policy"] == policy]
        for resource in chosen[policy]:
            line = frame[frame["resource"] == resource].sort_values("horizon")
            # Bid prices hold until the next re-optimization: draw steps to the horizon's end.
            x = [*line["horizon"].astype(float), 1.0]
            y = [*line["bid_price"].astype(float), float(line["bid_price"].iloc[-1])]
            ax.step(x, y, where="post", color=res_colour[resource], linewidth=1.8, label=resource)
        ax.set_title(f"policy: {policy}", color=colours.get(policy, "black"), loc="left")
        ax.set_ylabel("Bid price (currency per unit)")
        _thousands(ax, decimals=0 if frame["bid_price"].max() >= 10 else 2)
        ax.set_ylim(bottom=0)
        ax.legend(
            title="resource", loc="upper left", bbox_to_anchor=(1.01, 1.0), ncols=1, fontsize=8
        )
    _horizon_axis(axes[-1])
    shown_text = (
        f"the {_TOP_RESOURCES} resources with the highest mean bid price (of {n_resources})"
        if n_resources > _TOP_RESOURCES
        else f"all {n_resources} resources"
    )
    how = (
        "a bid price is the revenue the firm expects to lose by selling one more unit of a "
        "resource; a request is accepted when its value covers the sum of the bid prices of "
        "the resources it uses. Lines show the mean over sample paths at the opening and after "
        "each re-optimization, held until the next one. Rising prices mean capacity is "
        "scarcer than expected; a price of zero means the resource is not expected to fill. "
        f"Shown: {shown_text}, per bid-price policy."
    )
    return "Bid prices over the booking horizon", _png(fig), "Bid prices per resource", how


def _load_factor_plot(
    summary: pd.DataFrame, colours: dict[str, str], capacity: float, authorized: float
) -> tuple[str, str, str, str] | None:
    if summary.empty or capacity <= 0:
        return None
    from matplotlib.ticker import PercentFormatter

    names = list(summary["policy"])
    lf = summary["load_factor"].to_numpy(dtype=float)
    fig = _new_figure(4.0)
    ax = fig.add_subplot()
    bars = ax.bar(range(len(names)), lf, width=0.6, color=[colours[n] for n in names], alpha=0.85)
    _label_bars(ax, bars, lf, capacity)
    _reference_line(ax, 1.0, f"physical capacity: {_num(capacity)} units", "-", left=True)
    top = max(1.0, float(np.nanmax(lf)) if len(lf) else 1.0)
    if authorized > capacity + 1e-9:
        label = f"authorized (overbooking): {_num(authorized)} units"
        _reference_line(ax, authorized / capacity, label, "--", left=False)
        top = max(top, authorized / capacity)
    ax.set_ylim(0, top * 1.12)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("Load factor (% of physical capacity)")
    _policy_ticks(ax, names)
    how = (
        "each bar is the mean share of physical capacity occupied at service, with the mean "
        "number of occupied units below the percentage; the solid line is full capacity"
        + (
            ", the dashed line the authorized (overbooked) capacity"
            if authorized > capacity
            else ""
        )
        + ". A higher load factor is not better by itself: a policy can fill up with cheap "
        "demand and displace valuable late bookings, so read it together with revenue."
    )
    return "Load factor", _png(fig), "Bar chart of load factor per policy", how


def _label_bars(ax: Axes, bars: Any, lf: np.ndarray, capacity: float) -> None:
    """Write load factor and occupied units on each bar: inside tall bars, above short ones.

    Inside labels keep the 100% capacity line and its label free of clutter.
    """
    for bar, v in zip(bars, lf, strict=True):
        if not math.isfinite(v):
            continue
        inside = v >= 0.2
        ax.annotate(
            f"{v:.1%}\n{_num(v * capacity)} units",
            (bar.get_x() + bar.get_width() / 2, v),
            xytext=(0, -6 if inside else 4),
            textcoords="offset points",
            ha="center",
            va="top" if inside else "bottom",
            fontsize=8.5,
            color="white" if inside else "#333333",
            fontweight="bold" if inside else "normal",
        )


def _reference_line(ax: Axes, y: float, label: str, style: str, *, left: bool) -> None:
    """Horizontal capacity line with its label just above it, at the left or right end."""
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


def _booking_curve_plot(
    curves: pd.DataFrame, paths: pd.DataFrame, colours: dict[str, str]
) -> tuple[str, str, str, str] | None:
    if curves is None or curves.empty:
        return None
    fig = _new_figure(4.2)
    ax = fig.add_subplot()
    for policy, frame in curves.groupby("policy", sort=False):
        frame = frame.sort_values("horizon")
        starts = frame["horizon"].to_numpy(dtype=float)
        # ``cumulative`` counts bookings up to the end of each bin; start the line at (0, 0).
        ends = np.append(starts[1:], 1.0)
        x = np.concatenate([[0.0], ends])
        y = np.concatenate([[0.0], frame["cumulative"].to_numpy(dtype=float)])
        ax.plot(x, y, color=colours.get(str(policy), "black"), linewidth=2, label=str(policy))
    if not paths.empty and "requests" in paths:
        requests = float(paths.groupby("policy", sort=False)["requests"].mean().iloc[0])
        label = f"mean requests per path: {_num(requests, 1)}"
        _reference_line(ax, requests, label, "--", left=True)
        if requests > 0:
            ax.set_ylim(0, requests * 1.1)
    _horizon_axis(ax)
    _thousands(ax)
    ax.set_ylabel("Cumulative bookings (mean per path)")
    ax.legend(title="policy", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    how = (
        "mean number of bookings made from the opening of sales up to each point of the "
        "booking horizon (bookings later cancelled included). A curve that rises more slowly "
        "early on means the policy closes cheap products to protect capacity for later, "
        "higher-value demand; the dashed line is the mean number of requests over the whole "
        "horizon, so the gap at 100% is the spill. The hindsight bound has no booking process "
        "and is not shown."
    )
    return "Booking curves", _png(fig), "Cumulative bookings over the horizon", how
