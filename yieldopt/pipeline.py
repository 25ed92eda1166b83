"""The main job before simulation: value segments, forecast, optimize, quote groups.

Used by ``yieldopt run``. It returns data (and report sections) and reports
progress through a ``log`` callback; printing is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .forecast import backtest_forecasts, forecast_demand, load_closures, load_history, total_demand
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


def _forecast_sections(sc: Scenario, log: Callable[[str], None]) -> tuple[Scenario, list[Section]]:
    history = load_history(sc.history["bookings"])
    closures = load_closures(sc.history["closures"]) if "closures" in sc.history else None
    bt = backtest_forecasts(history, closures=closures)
    best = str(bt.summary["wape"].idxmin())
    log(f"forecast backtest on {len(history):,} bookings: best method {best}")
    accuracy = bt.summary.reset_index().rename(columns={"n": "forecasts"})
    sections: list[Section] = [
        ("Forecast accuracy (rolling-origin backtest of the booking history)", accuracy)
    ]
    sc, belief = _forecast_belief(sc, history, closures, best, log)
    if belief is not None:
        sections.append(
            (f"Demand the optimizers plan with: {best} forecast vs the scenario's demand", belief)
        )
    return sc, sections


def _forecast_belief(
    sc: Scenario,
    history: pd.DataFrame,
    closures: pd.DataFrame | None,
    method: str,
    log: Callable[[str], None],
) -> tuple[Scenario, pd.DataFrame | None]:
    """Scale what the optimizers expect by forecast / scenario room-nights per segment and weekday.

    Applies when the history's products are the scenario's segments and its resources
    are dated nights (hotel scenarios): the forecast of each segment's room-nights per
    night, against the scenario's own expectation, averaged per night of the week over
    the inner nights (the first and last nights miss stays that cross the period's edge).
    """
    net = sc.network
    segments = {s.id for s in net.segments}
    products = set(history["product"].astype(str).unique())
    dates = pd.to_datetime([r.rsplit("/", 1)[-1] for r in net.resource_ids], errors="coerce")
    if sc.kind != "hotel" or not products <= segments or dates.isna().any():
        return sc, None
    as_of = history["booked_at"].max().normalize()
    horizon = int((dates.max() - as_of).days)
    if horizon < 1 or (dates.min() - as_of).days < 1:
        return sc, None
    fc = total_demand(forecast_demand(history, method, closures=closures, horizon=horizon))
    fc = fc[fc["ds"].isin(dates)]
    inner = np.arange(len(dates))[2:-2] if len(dates) > 6 else np.arange(len(dates))
    weekday = dates.day_of_week.to_numpy()
    demand = sc.demand.to_numpy()
    seg_of = np.array([p.segment for p in net.products])
    scale = np.ones(len(net.products))
    rows = []
    for seg in sorted(products):
        mine = seg_of == seg
        planned = net.incidence @ (demand * mine)  # scenario room-nights per night
        fmap = fc[fc["unique_id"] == seg].set_index("ds")["mean"]
        forecast = fmap.reindex(dates).fillna(0.0).to_numpy()
        factor = np.ones(7)
        for d in range(7):
            pick = inner[weekday[inner] == d]
            if pick.size and planned[pick].sum() > 0:
                factor[d] = forecast[pick].sum() / planned[pick].sum()
                rows.append(
                    {
                        "segment": seg,
                        "night": dates[pick[0]].day_name(),
                        "forecast room-nights": forecast[pick].mean(),
                        "scenario room-nights": planned[pick].mean(),
                        "scale": factor[d],
                    }
                )
        # A stay's factor is the mean over its nights.
        per_night = factor[weekday]
        uses = net.incidence.T @ per_night / np.maximum(net.incidence.sum(axis=0), 1)
        scale = np.where(mine, uses, scale)
    log(f"optimizers plan with the {method} forecast (scale {scale.min():.2f}-{scale.max():.2f})")
    return sc.with_forecast_scale(scale), pd.DataFrame(rows)


def _optimization_sections(
    sc: Scenario, authorized: list[float], log: Callable[[str], None]
) -> list[Section]:
    net = sc.network
    res = dlp(net, sc.believed_demand, capacity=authorized)
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
        quote = group_quote(net, sc.believed_demand, request, capacity=authorized)
        log(f"group quote '{name}': {quote.decision}")
        out.append((f"Group quote: {name} — {quote.decision}", quote.alternatives))
    return out


def prepare(
    sc: Scenario, log: Callable[[str], None] = lambda msg: None
) -> tuple[Scenario, list[Section]]:
    """Apply CRM segment values, forecast demand and compute the opening controls.

    Parameters
    ----------
    sc : Scenario
        The scenario as loaded.
    log : callable
        Receives one-line progress messages.

    Returns
    -------
    scenario : Scenario
        The scenario to simulate: segment values from CRM data and the optimizers'
        demand belief from the forecast, where it has the data for them.
    sections : list of (title, DataFrame or str)
        Report sections.
    """
    from .control import ControlModel

    sections: list[Section] = []
    if "transactions" in sc.history:
        sc, extra = _segment_section(sc, log)
        sections += extra
    if "bookings" in sc.history:
        sc, extra = _forecast_sections(sc, log)
        sections += extra
    authorized = ControlModel.from_scenario(sc).authorized.tolist()
    sections += _optimization_sections(sc, authorized, log)
    return sc, sections
