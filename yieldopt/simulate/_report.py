"""Write simulation results to CSV/Parquet and render a self-contained HTML report.

The report is one HTML file with inline CSS and plots embedded as base64 PNGs, so it can be
mailed, archived or opened offline. Plots are drawn on :class:`matplotlib.figure.Figure`
objects (Agg rendering), never through pyplot, so no display and no global figure state are
involved.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model import Scenario
from ._simulate import SimulationResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["write_report", "write_results"]

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
_BOUND = "hindsight"
_TOP_RESOURCES = 12
_MAX_SECTION_ROWS = 200
_DPI = 130
_WIDTH_IN = 9.0
_DASH = "\u2013"  # shown for missing numbers (NaN)

_RC = {
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


def write_results(result: SimulationResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the frames of a simulation result as CSV and Parquet files.

    Parameters
    ----------
    result : SimulationResult
        What :func:`~yieldopt.simulate.simulate` returned.
    out_dir : str or Path
        Directory to write into; created (with parents) if missing.

    Returns
    -------
    dict of str to Path
        Written files by frame name: ``summary`` (``summary.csv``, one row per policy),
        ``paths`` (``paths.parquet``, one row per policy and sample path),
        ``booking_curves`` (``booking_curves.csv``) and ``bid_prices`` (``bid_prices.csv``).
        Empty frames are skipped (e.g. no bid prices without a bid-price policy).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = {
        "summary": (result.summary, "summary.csv"),
        "paths": (result.paths, "paths.parquet"),
        "booking_curves": (result.booking_curves, "booking_curves.csv"),
        "bid_prices": (result.bid_prices, "bid_prices.csv"),
    }
    written: dict[str, Path] = {}
    for key, (frame, name) in frames.items():
        if frame is None or frame.empty:
            continue
        path = out / name
        if name.endswith(".parquet"):
            # Per-path rows are the bulky frame; Parquet keeps dtypes and is compact.
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        written[key] = path
    return written


def write_report(
    result: SimulationResult,
    scenario: Scenario,
    out_dir: str | Path,
    *,
    sections: Sequence[tuple[str, Any]] | None = None,
) -> Path:
    """Render a self-contained HTML report of a simulation (``report.html``).

    The report shows the run settings, a policy comparison table (the best policy other
    than the hindsight bound highlighted) and four plots: revenue distribution per policy,
    bid prices over the booking horizon (bid-price policies only; skipped if there are
    none), load factor per policy and cumulative booking curves.

    Parameters
    ----------
    result : SimulationResult
        What :func:`~yieldopt.simulate.simulate` returned for ``scenario``.
    scenario : Scenario
        The simulated scenario (name, kind and capacity are shown).
    out_dir : str or Path
        Directory to write into; created (with parents) if missing.
    sections : sequence of (str, DataFrame or str), optional
        Extra sections appended after the plots, as ``(title, content)``. A DataFrame (or
        Series) becomes a table (first 200 rows); a ``str`` is shown as escaped
        preformatted text; an object with an ``__html__()`` method (e.g.
        ``markupsafe.Markup``) is inserted as trusted HTML.

    Returns
    -------
    Path
        The written ``report.html``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    colours = _policy_colours(list(result.summary["policy"]))
    body = [
        _header(result, scenario),
        _comparison(result, scenario, colours),
        *_plots(result, scenario, colours),
        *(_section(title, content) for title, content in sections or ()),
    ]
    title = f"yieldopt simulation report {_DASH} {scenario.name}"
    page = (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n<footer>Generated by yieldopt. Self-contained: no external resources.</footer>"
        + "\n</main>\n</body>\n</html>\n"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------- formatting helpers


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


def _policy_colours(policies: Sequence[str]) -> dict[str, str]:
    """Colour per policy: fixed for known names, spare colours in order for others."""
    spare = iter(_SPARE_COLOURS * (len(policies) // len(_SPARE_COLOURS) + 1))
    return {p: _POLICY_COLOURS.get(p) or next(spare) for p in policies}


def _best_policy(summary: pd.DataFrame) -> str | None:
    """Policy with the highest mean value (revenue if values are missing), hindsight excluded.

    Value is the optimizers' objective; it equals revenue without segment adjustments.
    """
    rows = summary[summary["policy"] != _BOUND]
    for column in ("value_mean", "revenue_mean"):
        scores = rows[column].astype(float)
        if np.isfinite(scores).any():
            return str(rows.loc[scores.idxmax(), "policy"])
    return None


# ------------------------------------------------------------------------- header


def _header(result: SimulationResult, scenario: Scenario) -> str:
    s = result.settings
    network = scenario.network
    k = s.get("reoptimize")
    if k is None:
        reopt = _DASH
    elif k <= 1:
        reopt = "1 (controls set at the opening only)"
    else:
        reopt = f"{k} (controls recomputed every {1 / k:.0%} of the horizon)"
    facts = [
        ("Kind", scenario.kind),
        ("Resources", f"{len(network.resources):,}"),
        ("Products", f"{len(network.products):,}"),
        ("Capacity", f"{_num(float(np.sum(network.capacity)))} units"),
        ("Samples", _num(s.get("samples", len(result.paths)))),
        ("Seed", _DASH if s.get("seed") is None else str(s["seed"])),
        ("Re-optimizations", reopt),
        ("Run time", _duration(result.seconds)),
    ]
    items = "".join(f"<div><dt>{_e(a)}</dt><dd>{_e(b)}</dd></div>" for a, b in facts)
    return (
        f"<header><p class='eyebrow'>yieldopt {_DASH} policy simulation</p>"
        f"<h1>{_e(scenario.name)}</h1><dl class='facts'>{items}</dl>"
        f"{_headline(result.summary)}</header>"
    )


def _headline(summary: pd.DataFrame) -> str:
    """One sentence with the result a revenue manager looks for first."""
    best = _best_policy(summary)
    if best is None:
        return ""
    by = summary.set_index("policy")
    row = by.loc[best]
    dec = _money_decimals(summary["revenue_mean"])
    parts = [
        f"Best policy: <strong>{_e(best)}</strong> with mean revenue "
        f"{_e(_mean_hw(row['revenue_mean'], row['revenue_hw95'], dec))}"
    ]
    if "fcfs" in by.index and best != "fcfs" and by.loc["fcfs", "revenue_mean"] > 0:
        gain = row["revenue_mean"] / by.loc["fcfs", "revenue_mean"] - 1
        parts.append(f"{gain:+.1%} over first-come-first-served")
    if math.isfinite(row["rom"]):
        parts.append(f"{_pct(row['rom'])} of the revenue opportunity (ROM)")
    return f"<p class='headline'>{', '.join(parts)}.</p>"


# ---------------------------------------------------------------- comparison table


def _comparison(result: SimulationResult, scenario: Scenario, colours: dict[str, str]) -> str:
    summary = result.summary
    best = _best_policy(summary)
    money = _money_decimals(summary["revenue_mean"], summary["value_mean"])
    hotel = scenario.kind == "hotel"
    show_cost = bool((summary["denied_cost"].fillna(0) > 0).any())
    columns = [
        ("Policy", None),
        ("Revenue (mean \u00b1 95% CI)", lambda r: _mean_hw(r.revenue_mean, r.revenue_hw95, money)),
        ("Value (mean \u00b1 95% CI)", lambda r: _mean_hw(r.value_mean, r.value_hw95, money)),
        ("Load factor", lambda r: _pct(r.load_factor)),
    ]
    if hotel:
        rate = _money_decimals(summary["adr"], summary["revpar"])
        columns += [
            ("ADR", lambda r: _num(r.adr, rate)),
            ("RevPAR", lambda r: _num(r.revpar, rate)),
        ]
    columns += [
        ("Spill (requests)", lambda r: _num(r.spill, 1)),
        ("Denied (customers)", lambda r: _num(r.denied, 1)),
    ]
    if show_cost:
        columns.append(("Denied cost", lambda r: _num(r.denied_cost, money)))
    columns.append(("ROM", lambda r: _pct(r.rom)))

    head = "".join(f"<th>{_e(name)}</th>" for name, _ in columns)
    rows = []
    for r in summary.itertuples(index=False):
        cls = "best" if r.policy == best else "bound" if r.policy == _BOUND else ""
        badge = (
            " <span class='badge'>best</span>"
            if cls == "best"
            else " <span class='badge muted'>upper bound</span>"
            if cls == "bound"
            else ""
        )
        swatch = f"<span class='swatch' style='background:{colours[r.policy]}'></span>"
        cells = [f"<td class='name'>{swatch}{_e(r.policy)}{badge}</td>"]
        cells += [f"<td>{_e(fmt(r))}</td>" for _, fmt in columns[1:]]
        rows.append(f"<tr class='{cls}'>{''.join(cells)}</tr>")
    note = (
        "Means over sample paths with 95% confidence half-widths (Student t); money in the "
        "scenario's currency. <em>Value</em> is what bookings are worth to the firm (price + "
        "ancillary \u2212 cost to serve + future value) and equals revenue without segment "
        "adjustments. <em>Load factor</em>: occupied units over physical capacity. "
        "<em>Spill</em>: requests not turned into bookings. <em>Denied</em>: shown customers "
        "without a unit (overbooking). <em>ROM</em> (revenue opportunity metric): share of the "
        "revenue gap between first-come-first-served (0%) and perfect hindsight (100%) that a "
        "policy captures. Highlighted: the policy with the highest mean value, excluding the "
        "hindsight bound, which knows all demand in advance."
    )
    if hotel:
        note += (
            " <em>ADR</em>: booking revenue per room-night sold; <em>RevPAR</em>: booking "
            "revenue per available room-night."
        )
    return (
        "<section><h2>Policy comparison</h2><div class='scroll'><table class='data'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f"<p class='note'>{note}</p></section>"
    )


# ---------------------------------------------------------------------------- plots


def _plots(result: SimulationResult, scenario: Scenario, colours: dict[str, str]) -> list[str]:
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
    palette = colormaps["tab20"].colors[0::2] + colormaps["tab20"].colors[1::2]
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
        ax.plot(x, y, color=colours.get(policy, "black"), linewidth=2, label=policy)
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


# -------------------------------------------------------------------- extra sections


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


_CSS = """
:root { --ink:#1f2933; --muted:#5f6b76; --line:#d9dee3; --bg:#f6f7f9; --accent:#0b5cad;
        --best:#e7f4ea; --best-line:#2e7d32; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
                    "Liberation Sans", sans-serif;
       font-size:15px; line-height:1.5; }
main { max-width:1120px; margin:0 auto; padding:32px 28px 48px; background:#fff;
       box-shadow:0 0 0 1px var(--line); min-height:100vh; }
header { border-bottom:3px solid var(--accent); padding-bottom:18px; margin-bottom:8px; }
.eyebrow { margin:0; color:var(--accent); font-weight:600; letter-spacing:.06em;
           text-transform:uppercase; font-size:12px; }
h1 { margin:4px 0 14px; font-size:28px; line-height:1.2; overflow-wrap:anywhere; }
h2 { font-size:19px; margin:34px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
.facts { display:grid; grid-template-columns:repeat(auto-fill, minmax(200px, 1fr));
         gap:10px 24px; margin:0; }
.facts div { border-left:3px solid var(--line); padding-left:10px; }
.facts dt { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.facts dd { margin:0; font-weight:600; }
.headline { margin:16px 0 0; padding:10px 14px; background:var(--best);
            border-left:4px solid var(--best-line); }
.scroll { overflow-x:auto; }
table.data { border-collapse:collapse; width:100%; font-size:14px;
             font-variant-numeric: tabular-nums; }
table.data th { text-align:right; font-weight:600; color:var(--muted); font-size:12.5px;
                border-bottom:2px solid var(--ink); padding:8px 10px; white-space:nowrap; }
table.data td { text-align:right; padding:7px 10px; border-bottom:1px solid var(--line);
                white-space:nowrap; }
table.data th:first-child, table.data td:first-child,
table.data td.text, table.data th.text { text-align:left; }
table.data.generic { width:auto; min-width:50%; }
table.data tbody tr:nth-child(even) { background:#fafbfc; }
table.data tr.best, table.data tbody tr.best:nth-child(even) { background:var(--best); }
table.data tr.best td { font-weight:600; }
table.data tr.best td:first-child { box-shadow: inset 4px 0 0 var(--best-line); }
table.data tr.bound td { color:var(--muted); font-style:italic; }
.swatch { display:inline-block; width:11px; height:11px; border-radius:2px; margin-right:8px;
          vertical-align:-1px; }
.badge { display:inline-block; margin-left:8px; padding:0 7px; border-radius:9px; font-size:11px;
         font-style:normal; font-weight:600; background:var(--best-line); color:#fff; }
.badge.muted { background:#8a949e; }
.note, figcaption { color:var(--muted); font-size:13px; margin:10px 0 0; max-width:900px; }
figure { margin:0; }
figure img { display:block; width:100%; height:auto; border:1px solid var(--line);
             border-radius:4px; }
pre { background:var(--bg); border:1px solid var(--line); border-radius:4px; padding:12px 14px;
      overflow-x:auto; font-size:13px; line-height:1.45;
      font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
footer { margin-top:40px; color:var(--muted); font-size:12px; border-top:1px solid var(--line);
         padding-top:10px; }
@media print { body { background:#fff; } main { box-shadow:none; max-width:none; padding:0; }
               section.plot { break-inside: avoid; } }
"""
