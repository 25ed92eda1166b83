"""``yieldopt network``: bid prices of a network scenario (DLP, RLP, DAVN)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import YieldoptError
from ._common import OutputFormat, console, fail, notes

__all__ = ["NetworkMethod", "network"]


class NetworkMethod(StrEnum):
    """Network bid-price methods."""

    dlp = "dlp"
    rlp = "rlp"
    davn = "davn"


def network(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    method: Annotated[NetworkMethod, typer.Option(help="How to compute bid prices.")] = (
        NetworkMethod.dlp
    ),
    samples: Annotated[int, typer.Option(help="Sampled LPs for rlp.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed for rlp.")] = 0,
    solver: Annotated[
        str, typer.Option(help="LP solver: auto, highs, pulp-highs, scipy, pulp-cbc.")
    ] = ("auto"),
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Bid prices of a network scenario: the DLP bound, RLP or DAVN controls."""
    from .. import davn, dlp, load_scenario, rlp

    try:
        with notes():
            sc = load_scenario(scenario)
        out: dict[str, Any]
        if method is NetworkMethod.rlp:
            sampled = rlp(sc.network, sc.demand, n_samples=samples, seed=seed, solver=solver)
            out = {"objective": sampled.objective, "bid_prices": sampled.bid_prices.to_dict()}
        elif method is NetworkMethod.davn:
            nested = davn(sc.network, sc.demand, solver=solver)
            out = {
                "bid_prices": nested.bid_prices.to_dict(),
                "protection_levels": {k: v.tolist() for k, v in nested.protection_levels.items()},
            }
        else:
            bound = dlp(sc.network, sc.demand, solver=solver)
            out = {
                "objective": bound.objective,
                "bid_prices": bound.bid_prices.to_dict(),
                "allocation": bound.allocation.to_dict(),
            }
    except YieldoptError as exc:
        raise fail(exc) from None
    out = {"scenario": sc.name, "method": method.value, **out}
    if fmt is OutputFormat.json:
        print(json.dumps(out, indent=2))
        return
    title = f"{sc.name}: {method.value} bid prices"
    if "objective" in out:
        title += f" (objective {out['objective']:,.2f})"
    table = Table(title=title, title_justify="left")
    table.add_column("resource")
    table.add_column("capacity", justify="right")
    table.add_column("bid price", justify="right")
    if method is NetworkMethod.davn:
        table.add_column("protection levels", justify="right")
    for r in sc.network.resources:
        row = [r.id, str(r.capacity), f"{out['bid_prices'][r.id]:,.2f}"]
        if method is NetworkMethod.davn:
            row.append(" ".join(f"{y:.1f}" for y in out["protection_levels"][r.id]) or "-")
        table.add_row(*row)
    console.print(table)
