"""Write simulation results to CSV/Parquet and render a self-contained HTML report.

The report is one HTML file with inline CSS and plots embedded as base64 PNGs, so it can be
mailed, archived or opened offline. It is rendered from the Jinja2 template
``templates/run.html`` (sharing ``base.html``, ``macros.html`` and ``report.css`` with the
morning page of ``yieldopt decide``); this module gathers what the template shows: the run's
facts, the policy comparison (:mod:`._compare`), the figures (:mod:`._plots`) and the extra
sections of the main job (:mod:`._run`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Scenario
from ..simulate import SimulationResult
from ._blocks import FigureBlock, as_block, render
from ._compare import comparison_table, headline, rom_explanations
from ._figures import policy_colours
from ._format import _DASH, _duration, _num
from ._plots import figures

__all__ = ["write_report", "write_results"]

#: What one row of each results file is, for the report's list of files.
_FILES = {
    "summary.csv": "one row per policy (the comparison table)",
    "paths.parquet": "one row per policy and sample path",
    "resources.csv": "one row per policy and resource (night or leg): sales, occupancy, "
    "revenue, denied, spill",
    "resources.parquet": "the same as resources.csv, typed",
    "product_mix.csv": "units and revenue per policy, resource and rate plan or fare class",
    "booking_curves.csv": "bookings and requests per policy over the booking horizon",
    "bid_prices.csv": "bid prices per policy and resource at each re-optimization",
    "opening_controls.csv": "the opening controls: bid prices, authorized capacity, MinLOS",
    "opening_controls.json": "the same opening controls, with the DLP bound and group quotes",
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
    than the hindsight bound highlighted; a negative ROM explained next to it) and the
    figures that have data: revenue distribution per policy, occupancy by stay night or
    load factor by leg and the rate-plan / fare-class mix (with the per-resource results
    of the simulation), bid prices over the booking horizon and booking curves against
    the forecast (days before arrival), load factor per policy. Each figure has labelled
    axes with units, a "how to read this" caption and, where it holds them, a link to the
    results file with every number (files present in ``out_dir`` when the report is
    written).

    Parameters
    ----------
    result : SimulationResult
        What :func:`~yieldopt.simulate.simulate` returned for ``scenario``.
    scenario : Scenario
        The simulated scenario (name, kind, capacity and products are used).
    out_dir : str or Path
        Directory to write into; created (with parents) if missing.
    sections : sequence of (str, content), optional
        Extra sections appended after the plots, as ``(title, content)``. A DataFrame (or
        Series) becomes a table (first 200 rows), a table or calendar made by the
        ``*_sections`` functions is shown as such, a ``str`` as escaped text, and an object with
        an ``__html__()`` method (e.g. ``markupsafe.Markup``) is inserted as trusted HTML.

    Returns
    -------
    Path
        The written ``report.html``.

    Raises
    ------
    TypeError
        If a section's content is none of these, naming the section.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    blocks = [as_block(title, content) for title, content in sections or ()]
    present = {p.name for p in out.iterdir() if p.is_file()}
    colours = policy_colours(list(result.summary["policy"]))
    why = rom_explanations(result.summary, scenario)
    page = render(
        "run.html",
        title=f"yieldopt simulation report {_DASH} {scenario.name}",
        scenario=scenario.name,
        facts=_facts(result, scenario),
        headline=headline(result.summary),
        comparison=comparison_table(result.summary, scenario.kind, colours, set(why)),
        why=why,
        hotel=scenario.kind == "hotel",
        figures=[_linked(f, present) for f in figures(result, scenario, colours)],
        blocks=blocks,
        files=[(name, what) for name, what in _FILES.items() if name in present],
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _linked(fig: FigureBlock, present: set[str]) -> FigureBlock:
    """Keep a figure's link to its results file only when the file is there."""
    return fig if fig.csv in present else dataclasses.replace(fig, csv="", csv_what="")


def _facts(result: SimulationResult, scenario: Scenario) -> list[tuple[str, str]]:
    """List the run's settings as (name, value) pairs for the header."""
    s = result.settings
    network = scenario.network
    k = s.get("reoptimize")
    days = getattr(result, "horizon_days", None)
    if k is None:
        reopt = _DASH
    elif k <= 1:
        reopt = "1 (controls set at the opening only)"
    elif days is not None:
        reopt = f"{k} (controls recomputed every {float(days) / k:,.0f} days)"
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
    if days is not None:
        horizon = f"{float(days):,.0f} days"
        if s.get("horizon_days_source") == "assumed":
            # The scenario does not say how long sales are open: the axes use a default.
            horizon += " (assumed: state [simulation] horizon_days)"
        facts.insert(4, ("Booking horizon", horizon))
    return facts
