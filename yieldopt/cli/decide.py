"""``yieldopt decide`` and ``yieldopt backtest``: the daily cycle on a hotel's reservations.

``decide`` imports the export (with its data-quality report), values the segments
from the same export (consent respected), and writes tonight's controls for every
stay night of the horizon with the morning report. ``backtest`` replays as-of dates
and scores the occupancy forecast against what happened. Parse, call the core
(:mod:`yieldopt.ingest`, :mod:`yieldopt.segments`, :mod:`yieldopt.cycle`), format.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from .._validate import parse_date
from ..errors import InputError, YieldoptError
from ._common import OutputFormat, check_out, console, err_console, fail, notes, write_frame

if TYPE_CHECKING:
    from ..ingest import ImportResult, Property

__all__ = ["backtest", "decide"]

_NEXT_NIGHTS = 14
_LEADS = (1, 7, 14, 30, 60)

# Core argument names -> the options a user typed (errors name what the user can fix).
_OPTION_OF = {
    "as_of": "--as-of",
    "horizon": "--horizon",
    "mapping": "--mapping",
    "property": "--property",
    "capacity": "--capacity",
    "method": "--method",
    "methods": "--method",
    "start": "--from",
    "end": "--to",
    "step_days": "--step-days",
    "path": "EXPORT",
}


def _as_option(exc: YieldoptError, extra: dict[str, str] | None = None) -> YieldoptError:
    """Name the command-line option in an error the core raised with its argument name."""
    if not isinstance(exc, InputError):
        return exc
    names = _OPTION_OF | (extra or {})
    if exc.field not in names:
        return exc
    message = str(exc).removeprefix(f"{exc.field}: ")
    return InputError(names[exc.field], message)


# -- shared options ------------------------------------------------------------------
Export = Annotated[
    Path, typer.Argument(help="Reservation export: CSV (delimiter sniffed), .csv.gz or Parquet.")
]
MappingOpt = Annotated[
    str,
    typer.Option(
        "--mapping", help="Column mapping: a built-in name or a mapping TOML file (see README)."
    ),
]
PropertyOpt = Annotated[
    str | None,
    typer.Option("--property", help="The property's rows to use (the export's property column)."),
]
CapacityOpt = Annotated[
    int | None,
    typer.Option(
        "--capacity",
        help="Rooms per night, without a hotel file (default: the fullest night observed).",
    ),
]
HotelOpt = Annotated[
    Path | None,
    typer.Option("--hotel", help="Hotel file HOTEL.toml: capacity, currency, walk cost, groups."),
]
SepOpt = Annotated[str | None, typer.Option("--sep", help="CSV delimiter (default: sniffed).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail on any data-quality finding.")]


def _check_folder(out: Path | None) -> None:
    """Check an output folder before the work: not a file name such as ``controls.csv``."""
    if out is not None and out.suffix.lower() in {".csv", ".parquet", ".pq", ".json", ".html"}:
        raise InputError("--out", f"must be a folder, got the file name {out.name!r}")
    check_out(out, folder=True)


def _load(
    export: Path,
    mapping: str,
    property_name: str | None,
    capacity: int | None,
    hotel: Path | None,
    sep: str | None,
    strict: bool,
) -> tuple[ImportResult, Property]:
    """Import the export and make the hotel (file, or from the data); errors name options."""
    from ..cycle import property_from_reservations
    from ..ingest import load_property, read_reservations

    if capacity is not None and hotel is not None:
        raise InputError("--capacity", "give --capacity or --hotel, not both")
    prop = None
    if hotel is not None:
        try:
            prop = load_property(hotel)
        except InputError as exc:
            raise _as_option(exc, {"path": "--hotel"}) from None
        if property_name is not None and property_name != prop.name:
            raise InputError(
                "--property",
                f"{property_name!r} is not the hotel file's property {prop.name!r}; "
                "leave --property out or use the same name",
            )
    selection = property_name or (prop.name if prop is not None else None)
    try:
        imported = read_reservations(export, mapping, sep=sep, property=selection, strict=strict)
        if prop is None:
            prop = property_from_reservations(
                imported.reservations, capacity=capacity, name=selection
            )
            if capacity is None:
                err_console.print(
                    f"[yellow]warning:[/] no --capacity or --hotel: {prop.capacity:,} rooms, "
                    f"the fullest night observed; walk cost {prop.walk_cost:,.2f} "
                    "(two nights at the median rate)"
                )
    except InputError as exc:
        raise _as_option(exc) from None
    return imported, prop


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as plain dicts (values of any type, for formatting)."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _print_quality(imported: ImportResult) -> None:
    q = imported.quality
    found = q[q["rows"] > 0]
    console.print(
        f"Imported {len(imported.reservations):,} of {imported.rows_read:,} reservations "
        f"({imported.rows_dropped:,} dropped); data quality: {len(found)} finding(s)"
    )
    if len(found) == 0:
        return
    table = Table(title="Data quality (all in data_quality.csv)", title_justify="left")
    for head in ("check", "column", "rows", "action", "example"):
        table.add_column(head, justify="right" if head == "rows" else "left")
    for r in _records(found):
        table.add_row(
            escape(str(r["check"])),
            escape(str(r["column"] or "")),
            f"{int(r['rows']):,}",
            escape(str(r["action"])),
            escape(str(r["example"])[:70]),
        )
    console.print(table)


def _controls_frame(controls: pd.DataFrame) -> pd.DataFrame:
    """Select the documented columns of ``controls.csv``, nights as ISO dates."""
    from ..cycle import CONTROL_COLUMNS

    split = ["room_type"] if "room_type" in controls.columns else []
    # Recommended rates only when decide was given --rates.
    rates = [c for c in ("recommended_rate", "rate_reason") if c in controls.columns]
    out = controls[["night", *split, *CONTROL_COLUMNS[1:], *rates]].copy()
    out["night"] = out["night"].dt.strftime("%Y-%m-%d")
    return out


def _print_controls(controls: pd.DataFrame, currency: str) -> None:
    split = "room_type" in controls.columns
    nights = controls["night"].drop_duplicates().iloc[:_NEXT_NIGHTS]
    sub = controls[controls["night"].isin(nights)]
    table = Table(
        title=f"Controls of the next {len(nights)} nights (all in controls.csv)",
        title_justify="left",
    )
    heads = ["night", *(["room type"] if split else []), "rooms", "on books", "forecast occ"]
    money = "" if currency == "XXX" else f" {currency}"  # XXX: the export names none
    heads += [f"bid price{money}", "authorized", "MinLOS", "CTA"]
    for i, head in enumerate(heads):
        table.add_column(head, justify="left" if i < 1 + split else "right")
    for r in _records(sub):
        cells = [f"{r['night']:%a %Y-%m-%d}", *([escape(str(r["room_type"]))] if split else [])]
        mlos = r["min_los"]
        cells += [
            f"{int(r['capacity']):,}",
            f"{int(r['on_the_books']):,}",
            f"{float(r['forecast_occupancy']):,.1f}",
            f"{float(r['bid_price']):,.2f}",
            f"{int(r['authorized']):,}",
            "-" if mlos is None or mlos is pd.NA else str(int(mlos)),
            "closed" if bool(r["closed_to_arrival"]) else "",
        ]
        table.add_row(*cells)
    console.print(table)


def decide(
    export: Export,
    as_of: Annotated[str, typer.Option("--as-of", help="The as-of day, YYYY-MM-DD (ISO 8601).")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for controls.csv, controls.json, data_quality.csv, report.html.",
        ),
    ],
    mapping: MappingOpt = "hotel-booking-demand",
    property_name: PropertyOpt = None,
    capacity: CapacityOpt = None,
    hotel: HotelOpt = None,
    horizon: Annotated[int, typer.Option("--horizon", help="Stay nights ahead, 1 to 365.")] = 90,
    method: Annotated[
        str, typer.Option("--method", help="Forecast method of new bookings.")
    ] = "additive-advanced",
    future_weight: Annotated[
        float,
        typer.Option(
            "--future-weight", help="Weight of a guest's future value in the segment values."
        ),
    ] = 1.0,
    sep: SepOpt = None,
    strict: StrictOpt = False,
    rates: Annotated[
        str | None,
        typer.Option(
            "--rates",
            help="Rate ladder min:max:step (e.g. 80:300:5) or r1,r2,...: adds "
            "recommended_rate and rate_reason per night.",
        ),
    ] = None,
) -> None:
    """Tonight's controls for every stay night from a reservation export, with the report.

    Writes controls.csv (one row per night: capacity, on the books, forecast, bid
    price, authorized, MinLOS, closed to arrival; with --rates also the recommended
    rate and its reason), controls.json, data_quality.csv and report.html into --out.
    """
    from ..cycle import nightly_controls
    from ..segments import reservation_values

    try:
        day = parse_date(as_of, "--as-of")
        _check_folder(out)
        with notes():
            imported, prop = _load(export, mapping, property_name, capacity, hotel, sep, strict)
            res = imported.reservations
            crm = None
            try:
                crm = reservation_values(res, as_of=day, future_weight=future_weight)
            except InputError as exc:
                if exc.field != "as_of":  # no stay known by then: the cycle says why
                    raise _as_option(exc, {"future_weight": "--future-weight"}) from None
            try:
                nc = nightly_controls(
                    res,
                    prop,
                    day,
                    horizon=horizon,
                    method=method,
                    segments=None if crm is None else crm.records,
                    rate_ladder=rates,
                )
            except InputError as exc:
                raise _as_option(exc, {"ladder": "--rates"}) from None
    except YieldoptError as exc:
        raise fail(exc) from None

    _print_quality(imported)
    if crm is not None:
        console.print(
            f"CRM: {crm.guests_valued:,} guests valued, {crm.guests_counted_only:,} only "
            "counted in the segment aggregates"
        )
    _print_controls(nc.controls, prop.currency)
    files = _write_decide(out, nc, imported, crm)
    for f in files:
        err_console.print(f"wrote {f}")


def _write_decide(out: Path, nc: Any, imported: ImportResult, crm: Any) -> list[Path]:
    from ..ingest import write_quality
    from ..report import write_decide_report

    frame = _controls_frame(nc.controls)
    record = nc.to_json()
    record["data_quality"] = {
        "rows_read": imported.rows_read,
        "rows_imported": len(imported.reservations),
        "findings": int((imported.quality["rows"] > 0).sum()),
    }
    record["crm"] = (
        None
        if crm is None
        else {
            "guests_valued": crm.guests_valued,
            "guests_counted_only": crm.guests_counted_only,
            "note": crm.note,
        }
    )
    paths = [out / n for n in ("controls.csv", "controls.json", "data_quality.csv", "report.html")]
    try:
        frame.to_csv(paths[0], index=False)
        paths[1].write_text(json.dumps(record, indent=2, allow_nan=False) + "\n", "utf-8")
        write_quality(imported.quality, paths[2])
        write_decide_report(
            paths[3],
            nc,
            imported.quality,
            crm_note=None if crm is None else crm.note,
            source=imported.source,
        )
    except OSError as exc:
        raise fail(InputError("--out", f"cannot write into {out}: {exc}")) from None
    return paths


def _cell(wape: float, bias: float) -> str:
    if not (math.isfinite(wape) and math.isfinite(bias)):
        return "-"
    return f"{wape:.1%} / {bias:+.1%}"


def backtest(
    export: Export,
    start: Annotated[str, typer.Option("--from", help="First as-of day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last as-of day, YYYY-MM-DD.")],
    mapping: MappingOpt = "hotel-booking-demand",
    property_name: PropertyOpt = None,
    capacity: CapacityOpt = None,
    hotel: HotelOpt = None,
    step_days: Annotated[
        int, typer.Option("--step-days", help="Days between replayed as-of days.")
    ] = 7,
    methods: Annotated[
        list[str] | None,
        typer.Option("--method", help="Forecast method to score (repeat; default: all)."),
    ] = None,
    sep: SepOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for backtest.csv and backtest.png."),
    ] = None,
) -> None:
    """Replay as-of days and score the occupancy forecast against what happened.

    WAPE and bias of forecast_occupancy at 1, 7, 14, 30 and 60 days before arrival,
    per forecast method and for two naive forecasts (the same weekday 52 weeks
    earlier; on the books plus the average pickup).
    """
    from ..cycle import backtest_occupancy
    from ..forecast import FORECAST_METHODS
    from ..report import backtest_figure

    try:
        first = parse_date(start, "--from")
        last = parse_date(end, "--to")
        _check_folder(out)
        with notes():
            imported, prop = _load(export, mapping, property_name, capacity, hotel, sep, False)
            try:
                with console.status("replaying as-of days", spinner="dots"):
                    frame = backtest_occupancy(
                        imported.reservations,
                        prop,
                        start=first,
                        end=last,
                        step_days=step_days,
                        lead_days=_LEADS,
                        methods=list(methods) if methods else list(FORECAST_METHODS),
                    )
            except InputError as exc:
                raise _as_option(exc) from None
    except YieldoptError as exc:
        raise fail(exc) from None

    if out is not None:
        write_frame(frame, out / "backtest.csv")
        png = out / "backtest.png"
        try:
            png.write_bytes(
                backtest_figure(frame, f"{prop.name}: as of {first} .. {last} every {step_days} d")
            )
        except OSError as exc:
            raise fail(InputError("--out", f"cannot write {png}: {exc}")) from None
        err_console.print(f"wrote {png}")
    if fmt is OutputFormat.json:
        records = [
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()
            }
            for r in json.loads(frame.to_json(orient="records"))
        ]
        print(json.dumps(records, indent=2))
        return
    nights = int(frame["nights"].max()) if len(frame) else 0
    table = Table(
        title=(
            f"{prop.name}: WAPE / bias of forecast occupancy by days before arrival "
            f"(as of {first} .. {last} every {step_days} days, up to {nights} nights per lead)"
        ),
        title_justify="left",
    )
    leads = sorted(int(x) for x in frame["days_before"].unique())
    table.add_column("method")
    for lead in leads:
        table.add_column(f"{lead} d", justify="right")
    cells: dict[str, dict[int, str]] = {}
    for r in _records(frame):
        by = cells.setdefault(str(r["method"]), {})
        by[int(r["days_before"])] = _cell(float(r["wape"]), float(r["bias"]))
    for method, by in cells.items():
        table.add_row(escape(method), *(by.get(lead, "-") for lead in leads))
    console.print(table)
