"""``yieldopt leg``: single-leg methods side by side."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from ..errors import YieldoptError
from ..model import LegProblem, load_leg
from ..optimize import compare_single_leg
from ._common import OutputFormat, console, fail, notes

__all__ = ["Dist", "leg"]


class Dist(StrEnum):
    """Demand distribution of the static single-leg model."""

    normal = "normal"
    poisson = "poisson"


def leg(
    problem: Annotated[
        Path | None,
        typer.Argument(help="TOML or CSV file with the classes (fare, mean, std)."),
    ] = None,
    capacity: Annotated[
        int | None, typer.Option("--capacity", "-c", help="Units to sell (overrides the file).")
    ] = None,
    fare: Annotated[
        list[float] | None, typer.Option("--fare", help="Class fare; repeat once per class.")
    ] = None,
    mean: Annotated[
        list[float] | None, typer.Option("--mean", help="Mean demand; repeat once per class.")
    ] = None,
    std: Annotated[
        list[float] | None, typer.Option("--std", help="Demand std; repeat once per class.")
    ] = None,
    dist: Annotated[
        Dist | None, typer.Option(help="Demand distribution (default: the file's, else normal).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Compare single-leg methods: protection levels, booking limits, expected revenue.

    Give a problem file, or the classes with repeated --fare/--mean/--std and --capacity.
    """
    try:
        with notes():
            prob = _leg_problem(problem, capacity, fare, mean, std, dist)
            result = compare_single_leg(
                prob.fares, prob.means, prob.stds, capacity=prob.capacity, dist=prob.dist
            )
    except YieldoptError as exc:
        raise fail(exc) from None
    if fmt is OutputFormat.json:
        print(json.dumps(result.to_dict(orient="records"), indent=2))
        return
    _print_leg(prob, result)


def _leg_problem(
    path: Path | None,
    capacity: int | None,
    fares: list[float] | None,
    means: list[float] | None,
    stds: list[float] | None,
    dist: Dist | None,
) -> LegProblem:
    if path is not None:
        if fares or means or stds:
            raise typer.BadParameter("give either a problem file or --fare/--mean/--std, not both")
        return load_leg(path, capacity=capacity, dist=None if dist is None else dist.value)
    if not fares or not means:
        raise typer.BadParameter("give a problem file, or --fare and --mean for each class")
    if capacity is None:
        raise typer.BadParameter("--capacity is required without a problem file")
    if len(means) != len(fares) or (stds and len(stds) != len(fares)):
        raise typer.BadParameter("--fare, --mean and --std must be given once per class")
    records = [
        {"fare": f, "mean": m, "std": stds[i] if stds else None}
        for i, (f, m) in enumerate(zip(fares, means, strict=True))
    ]
    return LegProblem.from_records(records, capacity=capacity, dist=(dist or Dist.normal).value)


def _print_leg(prob: LegProblem, result: pd.DataFrame) -> None:
    head = Table(
        title=f"Single leg: capacity {prob.capacity}, {prob.dist} demand", title_justify="left"
    )
    for col in ("class", "fare", "mean", "std"):
        head.add_column(col, justify="right" if col != "class" else "left")
    for name, f, m, s in zip(prob.names, prob.fares, prob.means, prob.stds, strict=True):
        head.add_row(name, f"{f:,.2f}", f"{m:,.1f}", f"{s:,.1f}")
    console.print(head)

    table = Table(title="Methods side by side", title_justify="left")
    table.add_column("method")
    table.add_column("protection levels", justify="right")
    table.add_column("booking limits", justify="right")
    table.add_column("expected revenue", justify="right")
    table.add_column("% of optimal", justify="right")
    row: Any  # a namedtuple of the comparison frame's columns
    for row in result.itertuples():
        table.add_row(
            row.method,
            " ".join(f"{y:.1f}" for y in row.protection_levels) or "-",
            " ".join(str(b) for b in row.booking_limits),
            f"{row.expected_revenue:,.2f}",
            f"{row.pct_of_optimal:.2f}",
        )
    console.print(table)
