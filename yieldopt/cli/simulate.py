"""``yieldopt simulate`` and ``yieldopt run``: compare policies, and the main job end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from ..cli import OutputFormat, _check_out, _fail, _notes, _write_frame, app, console, err_console
from ..errors import YieldoptError
from ..model import POLICY_NAMES, Scenario, load_scenario

__all__ = ["run", "simulate_command"]

PolicyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--policy", "-p", help=f"Policy to simulate; repeat. One of: {', '.join(POLICY_NAMES)}."
    ),
]
SamplesOpt = Annotated[
    int | None, typer.Option("--samples", "-n", help="Sample paths (default: the scenario's).")
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", "-s", help="Random seed (default: the scenario's).")
]
ReoptOpt = Annotated[
    int | None,
    typer.Option("--reoptimize", "-k", help="Recompute controls at K equally spaced times."),
]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", help="Local worker processes.")]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster", envvar="DASK_SCHEDULER_ADDRESS", help="Dask scheduler, tcp://host:port."
    ),
]


def _records(summary: pd.DataFrame) -> list[dict]:
    """Summary rows as JSON-safe records (NaN becomes null)."""
    out = []
    for rec in summary.to_dict(orient="records"):
        out.append(
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
        )
    return out


def _summary_table(res, sc: Scenario) -> Table:
    s = res.settings
    title = (
        f"{sc.name}: {s['samples']} sample paths, seed {s['seed']}, "
        f"{s['reoptimize']} optimization(s), {res.seconds:.1f} s"
    )
    summary, hotel = res.summary, sc.kind == "hotel"
    table = Table(title=title, title_justify="left")
    cols = ["policy", "revenue", "± 95%", "value", "load factor"]
    cols += ["ADR", "RevPAR"] if hotel else []
    cols += ["spill", "denied", "ROM"]
    for c in cols:
        table.add_column(c, justify="left" if c == "policy" else "right")
    best = summary[summary["policy"] != "hindsight"]["revenue_mean"].max()
    for r in summary.itertuples():
        name = (
            f"[bold]{r.policy}[/]"
            if r.revenue_mean == best and r.policy != "hindsight"
            else r.policy
        )
        row = [name, f"{r.revenue_mean:,.0f}", f"{r.revenue_hw95:,.0f}", f"{r.value_mean:,.0f}"]
        row.append(f"{100 * r.load_factor:.1f}%")
        if hotel:
            row += [f"{r.adr:,.2f}", f"{r.revpar:,.2f}"]
        row += [f"{r.spill:,.1f}", f"{r.denied:,.2f}", "-" if math.isnan(r.rom) else f"{r.rom:.3f}"]
        table.add_row(*row)
    return table


def _simulate(sc: Scenario, policies, samples, seed, reoptimize, workers, cluster, progress):
    from ..simulate import simulate

    return simulate(
        sc,
        policies or None,
        samples,
        seed,
        reoptimize=reoptimize,
        workers=workers,
        cluster=cluster,
        progress=progress,
    )


@app.command("simulate")
def simulate_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    policy: PolicyOpt = None,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    reoptimize: ReoptOpt = None,
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option(help="Also write the summary (.csv or .parquet).")
    ] = None,
) -> None:
    """Simulate policies on common sample paths: mean revenue ± 95% half-width and more."""
    try:
        _check_out(out)  # before the simulation, not after it
        with _notes():
            sc = load_scenario(scenario)
            res = _simulate(
                sc, policy, samples, seed, reoptimize, workers, cluster, fmt is OutputFormat.table
            )
    except YieldoptError as exc:
        raise _fail(exc) from None
    if out is not None:
        _write_frame(res.summary, out)
    if fmt is OutputFormat.json:
        print(json.dumps(_records(res.summary), indent=2))
        return
    console.print(_summary_table(res, sc))


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    reoptimize: ReoptOpt = None,
    policy: PolicyOpt = None,
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: out/<scenario name>).")
    ] = None,
) -> None:
    """Run the main job: value segments, forecast, optimize, simulate, report.

    Writes report.html, summary.csv, paths.parquet, booking_curves.csv and bid_prices.csv.
    """
    from ..simulate import write_report, write_results

    try:
        _check_out(out, folder=True)  # before the run, not after it
        with _notes():
            sc = load_scenario(scenario)
            folder = out or Path("out") / sc.name
            _check_out(folder, folder=True)
            sc, sections = _prepare(sc)
            res = _simulate(sc, policy, samples, seed, reoptimize, workers, cluster, True)
            files = write_results(res, folder)
            files["report"] = write_report(res, sc, folder, sections=sections)
    except YieldoptError as exc:
        raise _fail(exc) from None
    console.print(_summary_table(res, sc))
    for name, path in files.items():
        err_console.print(f"{name:>15}: {path}")


def _prepare(sc: Scenario) -> tuple[Scenario, list[tuple[str, pd.DataFrame | str]]]:
    """Everything before the simulation; returns the scenario to simulate and report sections."""
    from ..pipeline import prepare

    return prepare(sc, log=lambda msg: err_console.print(msg))
