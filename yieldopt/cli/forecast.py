"""``yieldopt forecast``: remaining demand per product, service date and days-before bucket."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .._validate import parse_date
from ..errors import YieldoptError
from ._common import check_out, console, fail, notes, write_frame

__all__ = ["ForecastMethod", "UnconstrainMethod", "forecast"]


class ForecastMethod(StrEnum):
    """Forecast method (see ``yieldopt.forecast.FORECAST_METHODS``)."""

    additive_advanced = "additive-advanced"
    additive_classical = "additive-classical"
    multiplicative_advanced = "multiplicative-advanced"
    multiplicative_classical = "multiplicative-classical"
    smoothing = "smoothing"


class UnconstrainMethod(StrEnum):
    """Unconstraining method for censored history."""

    em = "em"
    pd = "pd"
    naive = "naive"
    discard = "discard"
    # The member is not called "replace": that would hide str.replace.
    replace_ = "replace"


def forecast(
    history: Annotated[
        Path, typer.Argument(help="Booking history, CSV or Parquet (long format, see README).")
    ],
    closures: Annotated[
        Path | None,
        typer.Option(help="Closures (product, service_date, closed_at), CSV or Parquet."),
    ] = None,
    method: Annotated[ForecastMethod, typer.Option(help="Forecast method.")] = (
        ForecastMethod.additive_advanced
    ),
    as_of: Annotated[
        str | None,
        typer.Option(help="Forecast day, YYYY-MM-DD (default: the last day of data)."),
    ] = None,
    horizon: Annotated[
        int | None, typer.Option(help="Days ahead to forecast (default: the largest DCP).")
    ] = None,
    window: Annotated[int, typer.Option(help="Comparable past service dates.")] = 8,
    unconstrain: Annotated[
        UnconstrainMethod, typer.Option(help="Unconstraining of censored history.")
    ] = UnconstrainMethod.em,
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest/--no-backtest", help="Compare all methods on a rolling origin instead."
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the forecast (or backtest detail) to .csv or .parquet."),
    ] = None,
    rows: Annotated[
        int,
        typer.Option(
            min=1, help="Service dates shown in the table (the total row sums all of them)."
        ),
    ] = 14,
) -> None:
    """Forecast remaining demand per product, service date and days-before bucket."""
    from datetime import timedelta

    from ..forecast import backtest_forecasts as run_backtest
    from ..forecast import forecast_demand, load_closures, load_history, total_demand

    try:
        # Options first: a bad date or output path must not cost a forecast run.
        day = None if as_of is None else parse_date(as_of, "--as-of")
        check_out(out)
        with notes():
            hist = load_history(history)
            clos = None if closures is None else load_closures(closures)
            if backtest:
                result = run_backtest(
                    hist,
                    closures=clos,
                    window=window,
                    unconstrain=unconstrain.value,
                    **({} if horizon is None else {"horizon": horizon}),  # type: ignore[arg-type]
                )
            else:
                fc = forecast_demand(
                    hist,
                    method.value,
                    closures=clos,
                    as_of=day,
                    horizon=horizon,
                    window=window,
                    unconstrain=unconstrain.value,
                )
    except YieldoptError as exc:
        raise fail(exc) from None
    if backtest:
        console.print("Backtest on a rolling origin: remaining demand per product and date")
        table = Table()
        for col in ("method", "forecasts", "MAE", "WAPE", "bias"):
            table.add_column(col, justify="left" if col == "method" else "right")
        for name, r in result.summary.iterrows():
            table.add_row(
                str(name),
                f"{int(r['n']):,}",
                f"{r['mae']:.2f}",
                f"{r['wape']:.1%}",
                f"{r['bias']:+.2f}",
            )
        console.print(table)
        if out is not None:
            write_frame(result.detail, out)
        return
    first = fc.iloc[0]  # first bucket of the first service date starts on as_of
    day = (first["ds"] - timedelta(days=int(first["days_before"]))).date()
    wide = total_demand(fc).pivot(index="ds", columns="unique_id")
    products = list(wide["mean"].columns)
    n_dates = len(wide)
    shown = wide.head(rows)
    # The total row always sums every date, so say when the table shows fewer than that.
    count = f"all {n_dates} dates" if len(shown) == n_dates else f"{len(shown)} of {n_dates} shown"
    console.print(
        f"Remaining demand as of {day}, {method.value} (mean ± std, units; service dates: {count})"
    )
    table = Table(
        caption=None if len(shown) == n_dates else f"--rows {n_dates} shows every date",
        caption_justify="left",
    )
    table.add_column("service date")
    for p in products:
        table.add_column(str(p), justify="right")
    for ds, r in shown.iterrows():
        table.add_row(
            f"{ds:%a %Y-%m-%d}",
            *(f"{r[('mean', p)]:.1f} ± {r[('std', p)]:.1f}" for p in products),
        )
    table.add_row(
        f"total, all {n_dates} dates",
        *(f"{wide[('mean', p)].sum():.1f}" for p in products),
        style="bold",
    )
    console.print(table)
    if out is not None:
        write_frame(fc, out)
