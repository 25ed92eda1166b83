"""The main job before simulation: value segments, forecast, optimize, quote groups.

Used by ``yieldopt run``. It returns data (and report sections) and reports
progress through a ``log`` callback; printing is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .forecast import backtest_forecasts, forecast_demand, load_closures, load_history
from .model import Scenario
from .optimize import dlp, group_quote, los_controls, min_los
from .segments import load_transactions, segment_records, segment_values

__all__ = ["Section", "prepare"]

Section = tuple[str, pd.DataFrame | str]


def _segment_section(sc: Scenario, log: Callable[[str], None]) -> tuple[Scenario, list[Section]]:
    tx = load_transactions(sc.history["transactions"])
    weight = float(sc.history.get("future_weight", 1.0))
    values = segment_values(tx, future_weight=weight)
    before = {s.id: s for s in sc.network.segments}
    records = segment_records(values)
    sc = sc.with_segment_values(records)
    after = {s.id: s for s in sc.network.segments}
    rows = []
    for rec in records:
        seg = rec["id"]
        row = values.loc[seg]
        rows.append(
            {
                "segment": seg,
                "customers": int(row["customers"]),
                "bookings": int(row["bookings"]),
                "revenue / booking": row["revenue_per_booking"],
                "contribution / booking": row["contribution_per_booking"],
                "retention": row["retention"],
                "future value / customer": row["future_value"],
                "adjustment (scenario)": before[seg].adjustment if seg in before else float("nan"),
                "adjustment (CRM)": after[seg].adjustment if seg in after else float("nan"),
                "used": "yes" if seg in before else "no (no products)",
            }
        )
    log(f"segment values from {len(tx):,} CRM transactions (future weight {weight:g})")
    note = (
        "Adjustment = ancillary − cost to serve + future weight × discounted future contribution "
        f"per booking (future weight {weight:g}). The CRM estimates replace the scenario's stated "
        "values for the segments the scenario sells to."
    )
    return sc, [
        ("Segment values from CRM data", pd.DataFrame(rows)),
        ("How segment values are used", note),
    ]


def _forecast_sections(sc: Scenario, log: Callable[[str], None]) -> list[Section]:
    history = load_history(sc.history["bookings"])
    closures = load_closures(sc.history["closures"]) if "closures" in sc.history else None
    bt = backtest_forecasts(history, closures=closures)
    best = str(bt.summary["wape"].idxmin())
    fc = forecast_demand(history, method=best, closures=closures)
    totals = (
        fc.groupby("unique_id")
        .agg(nights=("ds", "nunique"), remaining_mean=("mean", "sum"))
        .reset_index()
        .rename(columns={"unique_id": "product"})
    )
    log(f"forecast backtest on {len(history):,} bookings: best method {best}")
    accuracy = bt.summary.reset_index().rename(columns={"n": "forecasts"})
    return [
        ("Forecast accuracy (rolling-origin backtest of the booking history)", accuracy),
        (f"Remaining demand on the books, forecast by {best}", totals),
    ]


def _optimization_sections(
    sc: Scenario, authorized: list[float], log: Callable[[str], None]
) -> list[Section]:
    net = sc.network
    res = dlp(net, sc.demand, capacity=authorized)
    log(f"DLP bound {res.objective:,.0f}")
    table = pd.DataFrame(
        {
            "resource": net.resource_ids,
            "capacity": net.capacity,
            "authorized": authorized,
            "bid price": res.bid_prices.to_numpy(),
        }
    )
    title = f"Deterministic LP: value bound {res.objective:,.0f}; bid prices, authorized capacity"
    out: list[Section] = [
        (
            title,
            table,
        )
    ]
    if sc.kind == "hotel":
        controls = los_controls(net.with_capacity(authorized), res)
        out.append(
            (
                "Minimum length of stay by arrival (from night bid prices)",
                min_los(controls).reset_index(),
            )
        )
    for i, group in enumerate(sc.groups):
        name = str(group.get("name", f"group {i + 1}"))
        request = {k: v for k, v in group.items() if k != "name"}
        quote = group_quote(net, sc.demand, request, capacity=authorized)
        log(f"group quote '{name}': {quote.decision}")
        out.append((f"Group quote: {name} — {quote.decision}", quote.alternatives))
    return out


def prepare(
    sc: Scenario, log: Callable[[str], None] = lambda msg: None
) -> tuple[Scenario, list[Section]]:
    """Apply CRM segment values, backtest forecasts and compute the opening controls.

    Parameters
    ----------
    sc : Scenario
        The scenario as loaded.
    log : callable
        Receives one-line progress messages.

    Returns
    -------
    scenario : Scenario
        The scenario to simulate (segment values from CRM data when it has them).
    sections : list of (title, DataFrame or str)
        Report sections.
    """
    from .control import ControlModel

    sections: list[Section] = []
    if "transactions" in sc.history:
        sc, extra = _segment_section(sc, log)
        sections += extra
    if "bookings" in sc.history:
        sections += _forecast_sections(sc, log)
    authorized = ControlModel.from_scenario(sc).authorized.tolist()
    sections += _optimization_sections(sc, authorized, log)
    return sc, sections
