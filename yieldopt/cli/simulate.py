"""``yieldopt simulate`` and ``yieldopt run``: compare policies, and the main job end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from ..errors import InputError, YieldoptError
from ..model import POLICY_NAMES, Scenario, load_scenario
from ._common import OutputFormat, check_out, console, err_console, fail, notes, write_frame

if TYPE_CHECKING:
    from ..pipeline import RunResult
    from ..simulate import SimulationResult

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
    typer.Option(
        "--reoptimize",
        "-k",
        help="Controls recomputed at K equally spaced times of the booking horizon "
        "(dp-decomposition is computed once and warns).",
    ),
]
WorkersOpt = Annotated[
    str,
    typer.Option(
        "--workers",
        "-w",
        help="Local processes, this one included, or 'auto': one per CPU when the run is "
        "long enough to repay a worker's start-up (about 2 s), else 1.",
    ),
]


def _workers(value: str) -> int | str:
    """Parse ``--workers``: a whole number >= 1 or ``auto``."""
    text = value.strip().lower()
    if text == "auto":
        return "auto"
    try:
        n = int(text)
    except ValueError:
        raise InputError("--workers", f"must be a whole number or 'auto', got {value!r}") from None
    if n < 1:
        raise InputError("--workers", f"must be at least 1, got {n}")
    return n


ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster", envvar="DASK_SCHEDULER_ADDRESS", help="Dask scheduler, tcp://host:port."
    ),
]


def _records(summary: pd.DataFrame) -> list[dict[str, Any]]:
    """Summary rows as JSON-safe records (NaN becomes null, half-widths in cents)."""
    out = []
    for rec in summary.to_dict(orient="records"):
        row: dict[str, Any] = {}
        for k, v in rec.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif str(k).endswith("_hw95") and isinstance(v, float):
                v = round(v, 2)  # a half-width is precise to cents at best
            row[str(k)] = v
        out.append(row)
    return out


#: Resources shown in ``run``'s opening-controls table (all are in the CSV).
CONTROL_ROWS = 14


def _controls_table(result: RunResult) -> tuple[Table, str]:
    """Tabulate the opening controls (bid prices, authorized, MinLOS), first rows only.

    Returns the table and a note that says how many rows it shows ("" when all).
    """
    c = result.controls
    frame = c.table()
    shown = frame.head(CONTROL_ROWS)
    note = ""
    if len(shown) < len(frame):
        note = f"{len(shown)} of {len(frame)} resources shown; all in opening_controls.csv"
    title = f"Opening controls (DLP bound {c.dlp.objective:,.0f})"
    table = Table(title=title, title_justify="left")
    los = [col for col in frame.columns if col.startswith("min_los_")]
    for col in ["resource", "capacity", "authorized", "bid price", *los]:
        name = f"MinLOS {col.removeprefix('min_los_')}" if col in los else col
        table.add_column(name, justify="left" if col == "resource" else "right")
    for rec in shown.to_dict(orient="records"):
        row = [str(rec["resource"]), f"{rec['capacity']:,.0f}", f"{rec['authorized']:,.0f}"]
        row.append(f"{rec['bid_price']:,.2f}")
        row += ["closed" if math.isnan(rec[col]) else f"{rec[col]:g}" for col in los]
        table.add_row(*row)
    return table, note


def _summary_table(res: SimulationResult, sc: Scenario) -> Table:
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
    r: Any  # a namedtuple of the summary's columns
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


def _simulate(
    sc: Scenario,
    policies: list[str] | None,
    samples: int | None,
    seed: int | None,
    reoptimize: int | None,
    workers: int | str,
    cluster: str | None,
    progress: bool,
) -> SimulationResult:
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


def _run(sc: Scenario, folder: Path, **options: Any) -> RunResult:
    from ..pipeline import run as run_pipeline

    return run_pipeline(sc, folder, log=lambda msg: err_console.print(msg), **options)


def simulate_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    policy: PolicyOpt = None,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    reoptimize: ReoptOpt = None,
    workers: WorkersOpt = "auto",
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
        check_out(out)  # before the simulation, not after it
        with notes():
            sc = load_scenario(scenario)
            res = _simulate(
                sc,
                policy,
                samples,
                seed,
                reoptimize,
                _workers(workers),
                cluster,
                fmt is OutputFormat.table,
            )
    except YieldoptError as exc:
        raise fail(exc) from None
    if out is not None:
        write_frame(res.summary, out)
    if fmt is OutputFormat.json:
        print(json.dumps(_records(res.summary), indent=2))
        return
    console.print(_summary_table(res, sc))


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    reoptimize: ReoptOpt = None,
    policy: PolicyOpt = None,
    workers: WorkersOpt = "auto",
    cluster: ClusterOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: out/<scenario name>).")
    ] = None,
) -> None:
    """Run the main job: value segments, forecast, optimize, simulate, report.

    Prints the opening controls and the policy comparison; writes report.html,
    summary.csv, paths.parquet, booking_curves.csv, bid_prices.csv, resources.csv
    (and .parquet: results by night or leg), product_mix.csv, opening_controls.csv
    and opening_controls.json.
    """
    try:
        check_out(out, folder=True)  # before the run, not after it
        with notes():
            sc = load_scenario(scenario)
            folder = out or Path("out") / sc.name
            check_out(folder, folder=True)
            result = _run(
                sc,
                folder,
                policies=policy,
                n_samples=samples,
                seed=seed,
                reoptimize=reoptimize,
                workers=_workers(workers),
                cluster=cluster,
                progress=True,
            )
    except YieldoptError as exc:
        raise fail(exc) from None
    controls, note = _controls_table(result)
    console.print(controls)
    if note:
        console.print(note, soft_wrap=True)  # one line, whatever the width
    console.print(_summary_table(result.simulation, result.scenario))
    for name, path in result.files.items():
        err_console.print(f"{name:>21}: {path}")
