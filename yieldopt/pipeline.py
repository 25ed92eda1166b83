"""The main job (``yieldopt run``): value segments, forecast, optimize, simulate, report.

Orchestration only: each step calls the layer that owns the work (segment values in
:mod:`yieldopt.segments`, the forecast and its planning scale in :mod:`yieldopt.forecast`,
controls in :mod:`yieldopt.optimize`, the simulation in :mod:`yieldopt.simulate`, the
wording and the HTML page in :mod:`yieldopt.report`) and keeps what it got in a typed,
frozen result. Progress goes through a ``log`` callback; printing is the caller's business.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .control import ControlModel
from .forecast import (
    BacktestResult,
    ForecastScale,
    backtest_forecasts,
    forecast_scale,
    load_closures,
    load_history,
)
from .model import Scenario
from .optimize import DLPResult, GroupQuote, dlp, group_quote, los_controls, min_los
from .report import (
    Section,
    control_sections,
    forecast_sections,
    segment_sections,
    write_report,
    write_results,
)
from .segments import load_transactions, segment_records, segment_values
from .simulate import SimulationResult, simulate

__all__ = [
    "ForecastStep",
    "OpeningControls",
    "Preparation",
    "RunResult",
    "SegmentStep",
    "json_safe",
    "prepare",
    "run",
    "write_run_files",
]

Log = Callable[[str], None]


def _quiet(msg: str) -> None:
    """Discard a progress message (the default ``log``)."""


@dataclass(frozen=True)
class SegmentStep:
    """Segment values estimated from the scenario's CRM transactions.

    Attributes
    ----------
    transactions : int
        CRM transactions read.
    future_weight : float
        Weight of future value in the value adjustment.
    values : DataFrame
        :func:`~yieldopt.segments.segment_values` output, indexed by segment.
    stated : dict of str to float
        The scenario's own value adjustment per booking (money) by segment id.
    applied : dict of str to float
        The adjustment the optimizers use after the CRM values, by segment id.
    """

    transactions: int
    future_weight: float
    values: pd.DataFrame
    stated: dict[str, float]
    applied: dict[str, float]


@dataclass(frozen=True)
class ForecastStep:
    """The forecast backtest and the demand the optimizers plan with.

    Attributes
    ----------
    bookings : int
        Rows of booking history read.
    backtest : BacktestResult
        Rolling-origin backtest of every forecast method.
    method : str
        The method with the lowest WAPE, used for planning.
    scale : ForecastScale or None
        Its rescaling of the scenario's demand per product (``None`` when the history
        does not fit the scenario, e.g. not a hotel or not per segment).
    horizon_days : float
        Booking horizon of the history in days: the longest time between a booking
        and its service date (labels the simulation's booking-horizon axes).
    """

    bookings: int
    backtest: BacktestResult
    method: str
    scale: ForecastScale | None
    horizon_days: float = math.nan


@dataclass(frozen=True)
class OpeningControls:
    """Controls at the start of the booking horizon, on the authorized capacity.

    Attributes
    ----------
    authorized : Series
        Authorized capacity (units, overbooking included) by resource id.
    dlp : DLPResult
        Deterministic LP on the believed demand: value bound ``.objective`` and
        ``.bid_prices`` by resource id.
    min_los : DataFrame or None
        Minimum length of stay by arrival from the night bid prices (hotel scenarios).
    group_quotes : tuple of (str, GroupQuote)
        The scenario's group requests by name, with their quotes.
    capacity : Series
        Physical capacity (units) by resource id.
    """

    authorized: pd.Series
    dlp: DLPResult
    min_los: pd.DataFrame | None
    group_quotes: tuple[tuple[str, GroupQuote], ...]
    capacity: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    def table(self) -> pd.DataFrame:
        """One row per resource: the controls as ``opening_controls.csv`` holds them.

        Returns
        -------
        DataFrame
            ``resource``, ``capacity`` and ``authorized`` (units), ``bid_price`` (money
            per unit, from the DLP on the believed demand) and, for hotels, one column
            ``min_los_<segment>`` per segment: the minimum length of stay (nights) of
            arrivals on that night, NaN where every stay arriving then is closed.
        """
        ids = list(self.authorized.index)
        out = pd.DataFrame(
            {
                "resource": ids,
                "capacity": self.capacity.reindex(ids).to_numpy(dtype=float),
                "authorized": self.authorized.to_numpy(dtype=float),
                "bid_price": self.dlp.bid_prices.reindex(ids).to_numpy(dtype=float),
            }
        )
        if self.min_los is not None and not self.min_los.empty:
            los = self.min_los
            night = "night/" + pd.to_datetime(los["arrival"]).dt.strftime("%Y-%m-%d")
            by = [c for c in los.columns if c not in ("arrival", "min_los")]
            key = los[by[0]].astype(str) if by else pd.Series("all", index=los.index)
            wide = (
                pd.DataFrame({"resource": night, "key": key, "min_los": los["min_los"]})
                .pivot(index="resource", columns="key", values="min_los")
                .add_prefix("min_los_")
            )
            out = out.join(wide, on="resource")
        return out

    def records(self) -> dict[str, Any]:
        """Return the controls as JSON-safe data (``opening_controls.json``).

        Returns
        -------
        dict
            ``dlp_bound`` (money), ``resources`` (the rows of :meth:`table` without the
            MinLOS columns), ``min_los`` (``segment``, ``arrival`` ISO date,
            ``min_los`` nights or null when closed to arrival) and ``group_quotes``
            (``name``, ``decision``, ``accept``, ``displaced_value``, ``group_value``,
            ``break_even_rate``, ``margin``; money).
        """
        cols = ["resource", "capacity", "authorized", "bid_price"]
        los = []
        if self.min_los is not None:
            for row in self.min_los.to_dict(orient="records"):
                arrival = pd.Timestamp(row.pop("arrival")).date().isoformat()
                los.append({**row, "arrival": arrival})
        quotes = [
            {
                "name": name,
                "decision": q.decision,
                "accept": bool(q.accept),
                "displaced_value": q.displaced_value,
                "group_value": q.group_value,
                "break_even_rate": q.break_even_rate,
                "margin": q.margin,
            }
            for name, q in self.group_quotes
        ]
        data = {
            "dlp_bound": float(self.dlp.objective),
            "resources": self.table()[cols].to_dict(orient="records"),
            "min_los": los,
            "group_quotes": quotes,
        }
        return json_safe(data)


def json_safe(value: Any) -> Any:
    """Turn NaN/inf into ``None`` and numpy scalars into Python ones, recursively."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Preparation:
    """Everything before the simulation.

    Attributes
    ----------
    scenario : Scenario
        The scenario to simulate: CRM segment values and the forecast's demand belief
        applied where the scenario has the data for them.
    segments : SegmentStep or None
        ``None`` without CRM transactions in the scenario's ``[history]``.
    forecast : ForecastStep or None
        ``None`` without booking history in the scenario's ``[history]``.
    controls : OpeningControls
        The opening controls of ``scenario``.
    """

    scenario: Scenario
    segments: SegmentStep | None
    forecast: ForecastStep | None
    controls: OpeningControls

    @property
    def sections(self) -> list[Section]:
        """Report sections ``(title, DataFrame or str)`` of the steps, in order."""
        out: list[Section] = []
        if self.segments is not None:
            s = self.segments
            out += segment_sections(s.values, s.stated, s.applied, s.future_weight)
        if self.forecast is not None:
            out += forecast_sections(self.forecast.backtest, self.forecast.scale)
        c = self.controls
        out += control_sections(
            self.scenario.network, c.authorized.tolist(), c.dlp, c.min_los, c.group_quotes
        )
        return out


@dataclass(frozen=True)
class RunResult:
    """What the main job produced.

    Attributes
    ----------
    preparation : Preparation
        Segment values, forecast and opening controls (see :func:`prepare`).
    simulation : SimulationResult
        The policies simulated on ``preparation.scenario``.
    files : dict of str to Path
        Written files by name: ``summary``, ``paths``, ``booking_curves``,
        ``bid_prices`` (those not empty, see ``write_results``), ``resources``
        (``resources.csv``), ``resources_parquet``, ``product_mix`` (``product_mix.csv``),
        ``opening_controls`` (``opening_controls.csv``), ``opening_controls_json`` and
        ``report``; see :func:`write_run_files`.
    """

    preparation: Preparation
    simulation: SimulationResult
    files: Mapping[str, Path]

    @property
    def scenario(self) -> Scenario:
        """The simulated scenario (CRM values and forecast belief applied)."""
        return self.preparation.scenario

    @property
    def forecast(self) -> ForecastStep | None:
        """The forecast step (``None`` without booking history)."""
        return self.preparation.forecast

    @property
    def controls(self) -> OpeningControls:
        """The opening controls."""
        return self.preparation.controls

    @property
    def report(self) -> Path:
        """The written ``report.html``."""
        return self.files["report"]


def _segment_step(sc: Scenario, log: Log) -> tuple[Scenario, SegmentStep]:
    tx = load_transactions(sc.history["transactions"])
    weight = float(sc.history.get("future_weight", 1.0))
    values = segment_values(tx, future_weight=weight)
    stated = {s.id: s.adjustment for s in sc.network.segments}
    sc = sc.with_segment_values(segment_records(values))
    applied = {s.id: s.adjustment for s in sc.network.segments}
    log(f"segment values from {len(tx):,} CRM transactions (future weight {weight:g})")
    return sc, SegmentStep(len(tx), weight, values, stated, applied)


def _forecast_step(sc: Scenario, log: Log) -> tuple[Scenario, ForecastStep]:
    history = load_history(sc.history["bookings"])
    closures = load_closures(sc.history["closures"]) if "closures" in sc.history else None
    bt = backtest_forecasts(history, closures=closures)
    best = str(bt.summary["wape"].idxmin())
    log(f"forecast backtest on {len(history):,} bookings: best method {best}")
    # Whole calendar days, as the forecast counts days before service.
    booked = pd.to_datetime(history["booked_at"]).dt.normalize()
    lead = pd.to_datetime(history["service_date"]).dt.normalize() - booked
    horizon_days = float(max(1, lead.dt.days.max()))
    scale = None
    if sc.kind == "hotel":  # dated nights sold per segment
        scale = forecast_scale(sc.network, sc.demand, history, best, closures=closures)
    if scale is not None:
        f = scale.scale
        log(f"optimizers plan with the {best} forecast (scale {f.min():.2f}-{f.max():.2f})")
        sc = sc.with_forecast_scale(f)
    return sc, ForecastStep(len(history), bt, best, scale, horizon_days)


def _opening_controls(sc: Scenario, log: Log) -> OpeningControls:
    net = sc.network
    authorized = ControlModel.from_scenario(sc).authorized.tolist()
    res = dlp(net, sc.believed_demand, capacity=authorized)
    log(f"DLP bound {res.objective:,.0f}")
    los = None
    if sc.kind == "hotel":
        los = min_los(los_controls(net.with_capacity(authorized), res)).reset_index()
    quotes = []
    for i, group in enumerate(sc.groups):
        name = str(group.get("name", f"group {i + 1}"))
        request = {k: v for k, v in group.items() if k != "name"}
        quote = group_quote(net, sc.believed_demand, request, capacity=authorized)
        log(f"group quote '{name}': {quote.decision}")
        quotes.append((name, quote))
    by_resource = pd.Series(authorized, index=net.resource_ids, name="authorized")
    capacity = pd.Series(net.capacity, index=net.resource_ids, name="capacity")
    return OpeningControls(by_resource, res, los, tuple(quotes), capacity)


def write_run_files(
    result: SimulationResult, controls: OpeningControls, out_dir: str | Path
) -> dict[str, Path]:
    """Write the per-resource results and the opening controls beside the other results.

    Parameters
    ----------
    result : SimulationResult
        The simulation (its ``resources`` and ``product_mix`` frames).
    controls : OpeningControls
        The opening controls (:meth:`OpeningControls.table` and ``records``).
    out_dir : str or Path
        Folder; created if missing.

    Returns
    -------
    dict of str to Path
        ``resources`` (``resources.csv``), ``resources_parquet`` (``resources.parquet``),
        ``product_mix`` (``product_mix.csv``), ``opening_controls``
        (``opening_controls.csv``) and ``opening_controls_json``
        (``opening_controls.json``); empty frames are skipped.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if not result.resources.empty:
        written["resources"] = out / "resources.csv"
        result.resources.to_csv(written["resources"], index=False)
        written["resources_parquet"] = out / "resources.parquet"
        result.resources.to_parquet(written["resources_parquet"], index=False)
    if not result.product_mix.empty:
        written["product_mix"] = out / "product_mix.csv"
        result.product_mix.to_csv(written["product_mix"], index=False)
    written["opening_controls"] = out / "opening_controls.csv"
    controls.table().to_csv(written["opening_controls"], index=False)
    written["opening_controls_json"] = out / "opening_controls.json"
    text = json.dumps(controls.records(), indent=2, allow_nan=False)
    written["opening_controls_json"].write_text(text + "\n", encoding="utf-8")
    return written


def prepare(sc: Scenario, log: Log = _quiet) -> Preparation:
    """Apply CRM segment values, forecast demand and compute the opening controls.

    Parameters
    ----------
    sc : Scenario
        The scenario as loaded; its ``[history]`` table names the CRM transactions
        (``transactions``) and the booking history (``bookings``, ``closures``).
    log : callable
        Receives one-line progress messages.

    Returns
    -------
    Preparation
        The scenario to simulate, the steps' results and the opening controls.
    """
    segments = forecast = None
    if "transactions" in sc.history:
        sc, segments = _segment_step(sc, log)
    if "bookings" in sc.history:
        sc, forecast = _forecast_step(sc, log)
    return Preparation(sc, segments, forecast, _opening_controls(sc, log))


def run(
    sc: Scenario,
    out_dir: str | Path,
    *,
    policies: Sequence[Any] | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    reoptimize: int | None = None,
    workers: int | str = 1,
    cluster: str | None = None,
    progress: bool = False,
    log: Log = _quiet,
) -> RunResult:
    """Run the main job: prepare, simulate the policies, write the results and the report.

    Parameters
    ----------
    sc : Scenario
        The scenario as loaded.
    out_dir : str or Path
        Folder for the files; created if missing.
    policies : sequence, optional
        Policies to simulate (default: the scenario's).
    n_samples, seed, reoptimize : int, optional
        Sample paths, random seed and number of control recomputations (default: the
        scenario's ``[simulation]`` settings).
    workers : int or "auto"
        Local processes, this one included (see :func:`~yieldopt.simulate.simulate`).
    cluster : str, optional
        Dask scheduler address.
    progress : bool
        Show a progress bar while simulating.
    log : callable
        Receives one-line progress messages.

    Returns
    -------
    RunResult
        The preparation, the simulation and the written files.
    """
    prep = prepare(sc, log)
    # The scenario's own statement first, then the longest lead time of its booking history.
    horizon = prep.forecast.horizon_days if prep.forecast is not None else math.nan
    if sc.settings.horizon_days is not None:
        horizon = sc.settings.horizon_days
    # Positional: the simulator's own spelling of the sample count stays its business.
    res = simulate(
        prep.scenario,
        list(policies) if policies else None,
        n_samples,
        seed,
        reoptimize=reoptimize,
        workers=workers,
        cluster=cluster,
        progress=progress,
        horizon_days=None if math.isnan(horizon) else horizon,
    )
    folder = Path(out_dir)
    files = dict(write_results(res, folder))
    files.update(write_run_files(res, prep.controls, folder))
    files["report"] = write_report(res, prep.scenario, folder, sections=prep.sections)
    return RunResult(prep, res, files)
