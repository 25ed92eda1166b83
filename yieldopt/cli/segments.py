"""``yieldopt segments``: the value of a booking of each customer segment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .._validate import parse_date
from ..errors import YieldoptError
from ._common import OutputFormat, check_out, console, fail, notes, write_frame

__all__ = ["segments"]


def segments(
    transactions: Annotated[
        Path, typer.Argument(help="CRM transactions, CSV or Parquet (see README).")
    ],
    horizon_days: Annotated[int, typer.Option(help="Retention horizon in days.")] = 365,
    discount_rate: Annotated[float, typer.Option(help="Annual discount rate.")] = 0.10,
    future_weight: Annotated[
        float, typer.Option(help="Weight of future value in the value adjustment.")
    ] = 1.0,
    as_of: Annotated[
        str | None,
        typer.Option(help="Last day counted, YYYY-MM-DD (default: the last transaction)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the segment values to .csv or .parquet.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Value a booking of each customer segment: margin, retention, future and referral value."""
    from ..segments import load_transactions, segment_records, segment_values

    try:
        day = None if as_of is None else parse_date(as_of, "--as-of")
        check_out(out)
        with notes():
            values = segment_values(
                load_transactions(transactions),
                horizon_days=horizon_days,
                discount_rate=discount_rate,
                future_weight=future_weight,
                as_of=day,
            )
        records = segment_records(values)
    except YieldoptError as exc:
        raise fail(exc) from None
    if out is not None:
        write_frame(values.reset_index(), out)
    if fmt is OutputFormat.json:
        print(
            json.dumps(
                {"values": values.reset_index().to_dict(orient="records"), "records": records},
                indent=2,
            )
        )
        return
    console.print("Segment values, money per booking (margin = revenue + ancillary - cost)")
    table = Table()
    cols = [
        ("bookings", "bookings", "{:,.0f}"),
        ("margin", "contribution_per_booking", "{:,.2f}"),
        ("retention", "retention", "{:.1%}"),
        ("future value per customer", "future_value", "{:,.2f}"),
        ("referral value", "referral_value", "{:,.2f}"),
        ("price adjust", "value_adjustment", "{:+,.2f}"),
    ]
    table.add_column("segment")
    for head, _, _ in cols:
        table.add_column(head, justify="right")
    for seg, r in values.iterrows():
        table.add_row(str(seg), *(f.format(r[c]) for _, c, f in cols))
    console.print(table)
