"""Figures over the booking horizon, in days before arrival (or departure).

:func:`bid_price_figure` shows the mean bid prices of the bid-price policies at the opening
and after each re-optimization, one panel per policy; :func:`booking_curve_figure` the
cumulative bookings per policy against the requests the optimizers planned for (their
forecast) and the requests simulated. Time runs left to right towards arrival: the x axis
counts days before arrival down to 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..model import Scenario
from ..simulate import HORIZON_DAYS, SimulationResult
from ._blocks import FigureBlock
from ._figures import days_axis, finish, new_figure, thousands

__all__: list[str] = []

_TOP_RESOURCES = 12


def horizon_days(result: SimulationResult, scenario: Scenario) -> float:
    """Length of the booking horizon in days (sales open this long before arrival).

    The simulator's own figure; a result without one (made by hand) gets the simulator's
    default of the scenario kind, :data:`yieldopt.simulate.HORIZON_DAYS` (one rule).
    """
    days = getattr(result, "horizon_days", None)
    if days is None or not math.isfinite(float(days)):
        days = HORIZON_DAYS.get(scenario.kind, HORIZON_DAYS["network"])
    return float(days)


def _event(kind: str) -> str:
    """Name what the horizon counts down to: a hotel's arrival, a departure otherwise."""
    return "arrival" if kind == "hotel" else "departure"


def _days_before(frame: pd.DataFrame, days: float) -> pd.Series:
    """Days before arrival of each row: the frame's own, or from the horizon fraction."""
    if "days_before" in frame:
        return frame["days_before"].astype(float)
    return days * (1.0 - frame["horizon"].astype(float))


def _top_resources(frame: pd.DataFrame, top: int) -> list[str]:
    """Pick the ``top`` resources with the highest mean bid price (ties: resource order)."""
    means = frame.groupby("resource", sort=False)["bid_price"].mean()
    return list(means.sort_values(ascending=False, kind="stable").index[:top])


def bid_price_figure(
    bids: pd.DataFrame | None, colours: dict[str, str], days: float, kind: str
) -> FigureBlock | None:
    """Bid prices per resource over the booking horizon, one panel per bid-price policy."""
    if bids is None or bids.empty:
        return None
    from matplotlib import colormaps

    bids = bids.assign(_days=_days_before(bids, days))
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

    fig = new_figure(0.8 + 3.0 * len(policies))
    axes = fig.subplots(len(policies), 1, sharex=True, squeeze=False)[:, 0]
    for ax, policy in zip(axes, policies, strict=True):
        frame = bids[bids["policy"] == policy]
        for resource in chosen[policy]:
            line = frame[frame["resource"] == resource].sort_values("_days", ascending=False)
            # Bid prices hold until the next re-optimization: draw steps to the close of sales.
            x = [*line["_days"], 0.0]
            y = [*line["bid_price"].astype(float), float(line["bid_price"].iloc[-1])]
            ax.step(x, y, where="post", color=res_colour[resource], linewidth=1.8, label=resource)
        ax.set_title(f"policy: {policy}", color=colours.get(policy, "black"), loc="left")
        ax.set_ylabel("Bid price (currency per unit)")
        thousands(ax, decimals=0 if frame["bid_price"].max() >= 10 else 2)
        ax.set_ylim(bottom=0)
        ax.legend(
            title="resource", loc="upper left", bbox_to_anchor=(1.01, 1.0), ncols=1, fontsize=8
        )
    days_axis(axes[-1], days, kind)
    shown_text = (
        f"the {_TOP_RESOURCES} resources with the highest mean bid price (of {n_resources})"
        if n_resources > _TOP_RESOURCES
        else f"all {n_resources} resources"
    )
    how = (
        "a bid price is the revenue the firm expects to lose by selling one more unit of a "
        "resource; a request is accepted when its value covers the sum of the bid prices of "
        "the resources it uses. Read each panel from left (opening of sales) to right "
        "(arrival): lines show the mean over sample paths at the opening and after each "
        "re-optimization, held until the next one. Rising prices mean capacity is scarcer "
        "than expected; a price of zero means the resource is not expected to fill. "
        f"Shown: {shown_text}, per bid-price policy."
    )
    return finish(
        fig,
        "bid-prices",
        "Bid prices over the booking horizon",
        f"Step lines of the bid price of each resource against days before {_event(kind)}, "
        "one panel per bid-price policy",
        how,
        csv="bid_prices.csv",
        csv_what="bid price of every resource at every re-optimization",
    )


def _curve(frame: pd.DataFrame, column: str, days: float) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative values against days before arrival, starting at (horizon, 0)."""
    frame = frame.sort_values("horizon")
    if "days_before" in frame:
        ends = frame["days_before"].to_numpy(dtype=float)
    else:
        # ``cumulative`` counts up to the end of each bin: the next bin's start.
        starts = frame["horizon"].to_numpy(dtype=float)
        ends = days * (1.0 - np.append(starts[1:], 1.0))
    x = np.concatenate([[days], ends])
    y = np.concatenate([[0.0], frame[column].to_numpy(dtype=float)])
    return x, y


def booking_curve_figure(
    curves: pd.DataFrame | None, colours: dict[str, str], days: float, kind: str
) -> FigureBlock | None:
    """Cumulative bookings per policy against the forecast and the simulated requests."""
    if curves is None or curves.empty:
        return None
    fig = new_figure(4.4)
    ax = fig.add_subplot()
    first = curves[curves["policy"] == curves["policy"].iloc[0]]
    references = (
        ("forecast_cumulative", "forecast requests (what the optimizers planned with)", "--"),
        ("requests_cumulative", "simulated requests (mean per path)", ":"),
    )
    for column, label, style in references:
        if column in first:
            x, y = _curve(first, column, days)
            # Drawn over the policies' lines, which often follow the requests closely.
            ax.plot(x, y, color="#333333", linestyle=style, linewidth=1.6, label=label, zorder=3)
    for policy, frame in curves.groupby("policy", sort=False):
        x, y = _curve(frame, "cumulative", days)
        ax.plot(x, y, color=colours.get(str(policy), "black"), linewidth=2, label=str(policy))
    days_axis(ax, days, kind)
    thousands(ax)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Cumulative bookings or requests (mean per path)")
    ax.set_title("Bookings made so far, against the demand planned for", loc="left")
    fig.legend(loc="outside lower center", ncols=4, fontsize=8)
    event = _event(kind)
    how = (
        f"read from left (opening of sales) to right ({event}): each coloured line is the mean "
        f"number of bookings a policy has made by that many days before {event} (bookings "
        "later cancelled included). The dashed line is the demand the optimizers planned "
        "with (their forecast of requests), the dotted line the requests actually simulated; "
        "where the two part, the forecast was off. A policy line below the requests means "
        "requests were turned away (spill): early on that is capacity protected for later, "
        "higher-value demand; at 0 days the gap is the total spill. The hindsight bound has "
        "no booking process and is not shown."
    )
    return finish(
        fig,
        "booking-curves",
        "Booking curves against the forecast",
        "Cumulative bookings of each policy and forecast and simulated requests against "
        f"days before {event}",
        how,
        csv="booking_curves.csv",
        csv_what="policy's bookings per part of the horizon",
    )
