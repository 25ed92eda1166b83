"""The simulation report's figures, in reading order, as :class:`~._blocks.FigureBlock`.

:func:`figures` draws every figure that has data: revenue distribution per policy,
occupancy (hotel) or load factor (airline) by resource and the rate-plan / fare-class mix
(:mod:`._plots_resources`), bid prices over the booking horizon and booking curves against
the forecast (:mod:`._plots_time`), and the load factor per policy. Each comes with a
"how to read this" caption and labelled axes with units.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model import Scenario
from ..simulate import SimulationResult
from ._blocks import FigureBlock
from ._compare import best_policy
from ._figures import RC, finish, new_figure, policy_ticks, reference_line, thousands
from ._format import _num
from ._plots_resources import mix_figure, occupancy_figure
from ._plots_time import bid_price_figure, booking_curve_figure, horizon_days

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__: list[str] = []


def figures(
    result: SimulationResult, scenario: Scenario, colours: dict[str, str]
) -> list[FigureBlock]:
    """Every figure of the report that has data, in reading order.

    Parameters
    ----------
    result : SimulationResult
        The simulation.
    scenario : Scenario
        The simulated scenario (kind, capacity, products).
    colours : dict of str to str
        Colour per policy.
    """
    import matplotlib

    capacity = float(np.sum(scenario.network.capacity))
    authorized = result.settings.get("authorized")
    authorized_units = float(np.sum(authorized)) if authorized is not None else capacity
    days = horizon_days(result, scenario)
    resources = getattr(result, "resources", None)
    mix = getattr(result, "product_mix", None)
    # rc_context keeps the style local to these figures: nothing global changes.
    with matplotlib.rc_context(RC):
        made = [
            _revenue_figure(result.paths, colours),
            occupancy_figure(resources, scenario, colours, best_policy(result.summary)),
            mix_figure(mix, scenario),
            bid_price_figure(result.bid_prices, colours, days, scenario.kind),
            booking_curve_figure(result.booking_curves, colours, days, scenario.kind),
            _load_factor_figure(result.summary, colours, capacity, authorized_units),
        ]
    return [f for f in made if f is not None]


def _revenue_figure(paths: pd.DataFrame, colours: dict[str, str]) -> FigureBlock | None:
    if paths.empty:
        return None
    names = list(dict.fromkeys(paths["policy"]))
    data = [paths.loc[paths["policy"] == p, "revenue"].to_numpy(dtype=float) for p in names]
    fig = new_figure(4.2)
    ax = fig.add_subplot()
    for i, (values, name) in enumerate(zip(data, names, strict=True)):
        _draw_box(ax, i, values, colours[name])
    ax.set_xlim(-0.6, len(names) - 0.4)
    policy_ticks(ax, names)
    thousands(ax)
    ax.set_xlabel("Policy (booking-control rule)")
    ax.set_ylabel("Revenue per sample path (currency)")
    ax.set_title("Revenue per simulated booking horizon, by policy", loc="left")
    how = (
        "each box spans the middle half of the sample-path revenues (interquartile range); the "
        "line inside is the median and the diamond the mean; whiskers reach the most extreme "
        "paths within 1.5 box lengths, dots are paths beyond. Every policy faces the same "
        "demand on each path (common random numbers), so differences come from the controls, "
        "not from luck. Hindsight knows every request in advance: an upper bound, not a "
        "policy you can run."
    )
    return finish(
        fig,
        "revenue",
        "Revenue distribution",
        "Box plot of revenue per sample path for each policy",
        how,
        csv="paths.parquet",
        csv_what="sample path's revenue",
    )


def _draw_box(ax: Axes, x: float, values: np.ndarray, colour: str, width: float = 0.55) -> None:
    """Draw one box plot (quartile box, median, 1.5 IQR whiskers, outliers, mean diamond).

    Drawn from plain artists because ``Axes.boxplot`` iterates over all rcParams, which
    resolves the default backend through pyplot; the report must not touch pyplot.
    """
    from matplotlib import cbook
    from matplotlib.patches import Rectangle

    st = cbook.boxplot_stats(values)[0]
    half = width / 2
    box = Rectangle(
        (x - half, st["q1"]),
        width,
        st["q3"] - st["q1"],
        facecolor=colour,
        alpha=0.35,
        edgecolor=colour,
        linewidth=1.4,
    )
    ax.add_patch(box)
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


def _load_factor_figure(
    summary: pd.DataFrame, colours: dict[str, str], capacity: float, authorized: float
) -> FigureBlock | None:
    if summary.empty or capacity <= 0:
        return None
    from matplotlib.ticker import PercentFormatter

    names = list(summary["policy"])
    lf = summary["load_factor"].to_numpy(dtype=float)
    fig = new_figure(4.0)
    ax = fig.add_subplot()
    bars = ax.bar(range(len(names)), lf, width=0.6, color=[colours[n] for n in names], alpha=0.85)
    _label_bars(ax, bars, lf, capacity)
    reference_line(ax, 1.0, f"physical capacity: {_num(capacity)} units", "-", left=True)
    top = max(1.0, float(np.nanmax(lf)) if len(lf) else 1.0)
    if authorized > capacity + 1e-9:
        label = f"authorized (overbooking): {_num(authorized)} units"
        reference_line(ax, authorized / capacity, label, "--", left=False)
        top = max(top, authorized / capacity)
    ax.set_ylim(0, top * 1.12)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("Load factor (% of physical capacity)")
    ax.set_xlabel("Policy (booking-control rule)")
    ax.set_title("Capacity used at service, all resources together", loc="left")
    policy_ticks(ax, names)
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
    return finish(
        fig,
        "load-factor",
        "Load factor",
        "Bar chart of the load factor of each policy",
        how,
        csv="summary.csv",
        csv_what="policy's load factor",
    )


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
