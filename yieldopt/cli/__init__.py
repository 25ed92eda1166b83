"""The ``yieldopt`` command line: parse, call the core, format. No algorithm lives here."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from . import __version__
from ._validate import parse_date
from .errors import InputError, YieldoptError
from .model import LegProblem, load_leg
from .optimize import compare_single_leg


def _blank_flag_types(params: list[Any]) -> list[Any]:
    # typer prints "<bool>" in the type column of on/off flags (even --help), as if
    # they took a value; an empty metavar leaves that column blank for them.
    for p in params:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    return params


class _Group(TyperGroup):
    """The root command: its --help shows no value type for flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _blank_flag_types(super().get_params(ctx))


class _Command(TyperCommand):
    """A subcommand whose --help shows no value type for flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _blank_flag_types(super().get_params(ctx))


app = typer.Typer(
    name="yieldopt",
    help="Yield (revenue) management: capacity controls that maximize customer value.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Group,
)
# Piped output (CI logs, files) gets a wide fixed width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)
# soft_wrap: an error or warning stays one line (greppable), whatever the terminal width.
err_console = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    """How results are printed."""

    table = "table"
    json = "json"


class Dist(StrEnum):
    """Demand distribution of the static single-leg model."""

    normal = "normal"
    poisson = "poisson"


def _version(value: bool) -> None:
    if value:
        console.print(f"yieldopt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Yield (revenue) management: capacity controls that maximize customer value."""


def _fail(exc: Exception) -> typer.Exit:
    # escape: messages hold paths like "resources[2].id" that rich would read as markup
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(code=2)


@contextmanager
def _notes() -> Iterator[None]:
    """Show the core's ``UserWarning``s (guessed inputs, shortened horizons) on stderr.

    Each becomes one line ``warning: ...`` instead of Python's two-line warning
    with a source line; other warning categories keep their normal handling.
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            yield
    finally:
        for w in caught:
            if issubclass(w.category, UserWarning):
                err_console.print(f"[yellow]warning:[/] {escape(str(w.message))}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


FRAME_SUFFIXES = (".csv", ".parquet", ".pq")


def _check_out(path: Path | None, *, folder: bool = False) -> Path | None:
    """Check an ``--out`` path before the work starts, so a typo does not waste a run.

    Parameters
    ----------
    path : Path or None
        The option's value (``None``: nothing to check).
    folder : bool
        ``True`` for an output folder (``run``), ``False`` for a table file
        (``.csv`` or ``.parquet``).

    Returns
    -------
    Path or None
        ``path`` unchanged.

    Raises
    ------
    InputError
        Field ``--out``: unsupported suffix, a folder where a file is meant (or the
        reverse), or no writable place to create it.
    """
    if path is None:
        return None
    if not folder:
        if not path.name.lower().endswith(FRAME_SUFFIXES):
            raise InputError("--out", f"must end in .csv or .parquet, got {path.name!r}")
        if path.is_dir():
            raise InputError("--out", f"{path} is a folder; give a file name")
    elif path.exists() and not path.is_dir():
        raise InputError("--out", f"{path} is a file; give a folder")
    # Create the folder now and write a scratch file into it: permission bits alone
    # do not tell (root passes them, read-only file systems do not show in them).
    target = path if folder else path.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot create the folder {target}: {exc.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        raise InputError("--out", f"cannot write to {target}: {exc.strerror}") from None
    if path.exists() and not folder and not os.access(path, os.W_OK):
        raise InputError("--out", f"cannot overwrite {path}: permission denied")
    return path


@app.command()
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
        with _notes():
            prob = _leg_problem(problem, capacity, fare, mean, std, dist)
            result = compare_single_leg(
                prob.fares, prob.means, prob.stds, capacity=prob.capacity, dist=prob.dist
            )
    except YieldoptError as exc:
        raise _fail(exc) from None
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


def _print_leg(prob: LegProblem, result) -> None:
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
    for row in result.itertuples():
        table.add_row(
            row.method,
            " ".join(f"{y:.1f}" for y in row.protection_levels) or "-",
            " ".join(str(b) for b in row.booking_limits),
            f"{row.expected_revenue:,.2f}",
            f"{row.pct_of_optimal:.2f}",
        )
    console.print(table)


class NetworkMethod(StrEnum):
    """Network bid-price methods."""

    dlp = "dlp"
    rlp = "rlp"
    davn = "davn"


@app.command()
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
    from . import davn, dlp, load_scenario, rlp

    try:
        with _notes():
            sc = load_scenario(scenario)
        if method is NetworkMethod.rlp:
            res = rlp(sc.network, sc.demand, n_samples=samples, seed=seed, solver=solver)
            out = {"objective": res.objective, "bid_prices": res.bid_prices.to_dict()}
        elif method is NetworkMethod.davn:
            res = davn(sc.network, sc.demand, solver=solver)
            out = {
                "bid_prices": res.bid_prices.to_dict(),
                "protection_levels": {k: v.tolist() for k, v in res.protection_levels.items()},
            }
        else:
            res = dlp(sc.network, sc.demand, solver=solver)
            out = {
                "objective": res.objective,
                "bid_prices": res.bid_prices.to_dict(),
                "allocation": res.allocation.to_dict(),
            }
    except YieldoptError as exc:
        raise _fail(exc) from None
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


# --- forecasts and segment values -------------------------------------------------------------


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
    replace = "replace"


def _write_frame(frame, path: Path) -> None:
    """Write a DataFrame as CSV or Parquet, chosen by the file extension.

    The commands check ``path`` with :func:`_check_out` before their work starts.
    """
    name = path.name.lower()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".csv"):
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    except OSError as exc:  # e.g. the disk filled up during the run
        raise _fail(InputError("--out", f"cannot write {path}: {exc}")) from None
    err_console.print(f"wrote {len(frame):,} rows to {path}")


@app.command()
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
    rows: Annotated[int, typer.Option(help="Service dates shown in the table.")] = 14,
) -> None:
    """Forecast remaining demand per product, service date and days-before bucket."""
    from datetime import timedelta

    from .forecast import backtest_forecasts as run_backtest
    from .forecast import forecast_demand, load_closures, load_history, total_demand

    try:
        # Options first: a bad date or output path must not cost a forecast run.
        day = None if as_of is None else parse_date(as_of, "--as-of")
        _check_out(out)
        with _notes():
            hist = load_history(history)
            clos = None if closures is None else load_closures(closures)
            if backtest:
                result = run_backtest(
                    hist,
                    closures=clos,
                    window=window,
                    unconstrain=unconstrain.value,
                    **({} if horizon is None else {"horizon": horizon}),
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
        raise _fail(exc) from None
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
            _write_frame(result.detail, out)
        return
    first = fc.iloc[0]  # first bucket of the first service date starts on as_of
    day = (first["ds"] - timedelta(days=int(first["days_before"]))).date()
    wide = total_demand(fc).pivot(index="ds", columns="unique_id")
    products = list(wide["mean"].columns)
    console.print(f"Remaining demand as of {day}, {method.value} (mean ± std, units)")
    table = Table()
    table.add_column("service date")
    for p in products:
        table.add_column(str(p), justify="right")
    for ds, r in wide.head(rows).iterrows():
        table.add_row(
            f"{ds:%a %Y-%m-%d}",
            *(f"{r[('mean', p)]:.1f} ± {r[('std', p)]:.1f}" for p in products),
        )
    table.add_row("all dates", *(f"{wide[('mean', p)].sum():.1f}" for p in products), style="bold")
    console.print(table)
    if out is not None:
        _write_frame(fc, out)


@app.command()
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
    from .segments import load_transactions, segment_records, segment_values

    try:
        day = None if as_of is None else parse_date(as_of, "--as-of")
        _check_out(out)
        with _notes():
            values = segment_values(
                load_transactions(transactions),
                horizon_days=horizon_days,
                discount_rate=discount_rate,
                future_weight=future_weight,
                as_of=day,
            )
        records = segment_records(values)
    except YieldoptError as exc:
        raise _fail(exc) from None
    if out is not None:
        _write_frame(values.reset_index(), out)
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


@app.command()
def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL [default: $YIELDOPT_DB_URL or sqlite:///yieldopt.db]."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes; more than one needs PostgreSQL (SQLite: one process)."
        ),
    ] = 1,
    request_timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds a client has to send a whole request "
            "[default: $YIELDOPT_REQUEST_TIMEOUT or 10]."
        ),
    ] = None,
    timeout_keep_alive: Annotated[
        int | None,
        typer.Option(help="Seconds an idle keep-alive connection stays open [default: 5]."),
    ] = None,
    limit_concurrency: Annotated[
        int | None,
        typer.Option(help="Connections per process; idle ones are closed first [default: 512]."),
    ] = None,
    backlog: Annotated[
        int | None, typer.Option(help="Connections the kernel queues [default: 1024].")
    ] = None,
    max_header_bytes: Annotated[
        int | None, typer.Option(help="Largest request head in bytes [default: 16384].")
    ] = None,
    access_log: Annotated[
        bool | None,
        typer.Option(
            "--access-log/--no-access-log",
            help="One log line per request, query strings redacted, rate-limited [default: off].",
        ),
    ] = None,
) -> None:
    """Start the booking-control HTTP service (API keys from $YIELDOPT_API_KEYS; docs at /docs).

    Every option may also come from the environment (``YIELDOPT_`` + its name, e.g.
    ``YIELDOPT_REQUEST_TIMEOUT``); see the README on running behind a reverse proxy.
    """
    import os

    import uvicorn
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url

    from api.main import create_app, open_store
    from api.security import KeyRing
    from api.settings import Settings
    from api.transport import uvicorn_config

    def refuse(message: str) -> typer.Exit:
        # One line on stderr (rich would wrap it at 80 columns), exit status 2.
        typer.echo(f"error: {message}", err=True)
        return typer.Exit(code=2)

    given = {
        "db_url": db,
        "request_timeout": request_timeout,
        "timeout_keep_alive": timeout_keep_alive,
        "limit_concurrency": limit_concurrency,
        "backlog": backlog,
        "max_header_bytes": max_header_bytes,
        "access_log": access_log,
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        settings = Settings(**overrides)
        is_sqlite = make_url(settings.db_url).get_backend_name() == "sqlite"
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "settings"
        raise refuse(f"{name}: {first['msg']}") from None
    except ValueError as exc:
        raise refuse(str(exc)) from None
    if workers > 1 and is_sqlite:
        raise refuse(
            f"--workers {workers} needs PostgreSQL: a SQLite database is served by one "
            "process (several contend for its single write lock); use --workers 1 or "
            "--db postgresql+psycopg://…"
        )
    try:
        if workers > 1:
            KeyRing.load(settings.api_keys.get_secret_value(), settings.api_keys_file)
            # Create or upgrade the schema once, here, and fail early if unreachable.
            open_store(settings).close()
        else:
            store = open_store(settings)
            application = create_app(settings, store=store)
    except (YieldoptError, ValueError, OSError) as exc:
        raise refuse(str(exc)) from None
    except Exception as exc:  # e.g. the database cannot be reached
        raise refuse(f"cannot open the database: {exc}") from None
    if workers > 1:
        # Each worker process builds the app from the environment (a factory import
        # string, as `uvicorn --factory` does), so the options travel there.
        for name, value in overrides.items():
            os.environ[f"YIELDOPT_{name.upper()}"] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
        uvicorn.run(
            **uvicorn_config(settings, host=host, port=port, log_level=log_level, workers=workers)
        )
        return
    try:
        uvicorn.run(
            **uvicorn_config(settings, host=host, port=port, log_level=log_level, app=application)
        )
    finally:
        store.close()


def main() -> None:
    """Entry point of the ``yieldopt`` console script."""
    app()


# Registers `simulate` and `run` on `app` (they use the helpers above).
from .commands import simulation as _simulation  # noqa: E402, F401

# Every subcommand, wherever it is defined, gets the flag-friendly --help.
for _info in app.registered_commands:
    if _info.cls in (None, TyperCommand):
        _info.cls = _Command
