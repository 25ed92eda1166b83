"""The sections the main job (``yieldopt run``) adds to the simulation report.

Each function turns the result of one step of :mod:`yieldopt.pipeline` into report
sections ``(title, content)``, content being a DataFrame (shown as a table), a string
(shown as text), or a ready :class:`~._blocks.Table` or :class:`~._blocks.Calendar`
(group quotes, minimum stays). Titles, column headings and notes live here, not in the
pipeline, so that the pipeline returns data and this module words it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..forecast import BacktestResult, ForecastScale
from ..model import Network
from ..optimize import DLPResult, GroupQuote
from ._blocks import Calendar, Table
from ._quotes import min_los_calendar, quote_alternatives, quotes_table

__all__ = ["Section", "control_sections", "forecast_sections", "segment_sections"]

#: One report section: a title and a table (DataFrame or Table), a calendar or text (str).
Section = tuple[str, pd.DataFrame | str | Table | Calendar]


def segment_sections(
    values: pd.DataFrame,
    stated: Mapping[str, float],
    crm: Mapping[str, float],
    future_weight: float,
) -> list[Section]:
    """Sections on the CRM segment values and how they replace the scenario's.

    Parameters
    ----------
    values : DataFrame
        What :func:`~yieldopt.segments.segment_values` returned, indexed by segment.
    stated : mapping of str to float
        The scenario's own value adjustment (money per booking) by segment id; segments
        missing here have no products in the scenario.
    crm : mapping of str to float
        The adjustment after the CRM values were applied, by segment id.
    future_weight : float
        Weight of future value in the adjustment.

    Returns
    -------
    list of (str, DataFrame or str)
        A table with one row per valued segment, then a note on the formula.
    """
    nan = float("nan")
    rows = [
        {
            "segment": str(seg),
            "customers": int(row["customers"]),
            "bookings": int(row["bookings"]),
            "revenue / booking": row["revenue_per_booking"],
            "contribution / booking": row["contribution_per_booking"],
            "retention": row["retention"],
            "future value / customer": row["future_value"],
            "adjustment (scenario)": stated.get(str(seg), nan),
            "adjustment (CRM)": crm.get(str(seg), nan),
            "used": "yes" if str(seg) in stated else "no (no products)",
        }
        for seg, row in values.iterrows()
    ]
    note = (
        "Adjustment = ancillary − cost to serve + future weight × discounted future contribution "
        f"per booking (future weight {future_weight:g}). The CRM estimates replace the "
        "scenario's stated values for the segments the scenario sells to."
    )
    return [
        ("Segment values from CRM data", pd.DataFrame(rows)),
        ("How segment values are used", note),
    ]


def forecast_sections(backtest: BacktestResult, scale: ForecastScale | None) -> list[Section]:
    """Sections on forecast accuracy and, when it applies, the demand the optimizers plan with.

    Parameters
    ----------
    backtest : BacktestResult
        Rolling-origin backtest of the booking history (one summary row per method).
    scale : ForecastScale or None
        The best method's rescaling of the scenario's demand (``None``: not applicable).

    Returns
    -------
    list of (str, DataFrame or str)
        The accuracy table, then the per-segment, per-weekday comparison.
    """
    accuracy = backtest.summary.reset_index().rename(columns={"n": "forecasts"})
    out: list[Section] = [
        ("Forecast accuracy (rolling-origin backtest of the booking history)", accuracy)
    ]
    if scale is not None:
        table = scale.by_weekday.rename(
            columns={
                "weekday": "night",
                "forecast": "forecast room-nights",
                "planned": "scenario room-nights",
            }
        )
        title = f"Demand the optimizers plan with: {scale.method} forecast vs the scenario's demand"
        out.append((title, table))
    return out


def control_sections(
    network: Network,
    authorized: Sequence[float],
    bound: DLPResult,
    min_los: pd.DataFrame | None = None,
    quotes: Sequence[tuple[str, GroupQuote]] = (),
) -> list[Section]:
    """Sections on the opening controls: DLP bid prices, minimum stays, group quotes.

    Parameters
    ----------
    network : Network
        The network the controls are for.
    authorized : sequence of float, length n_resources
        Authorized capacity per resource (units), in network resource order.
    bound : DLPResult
        Deterministic LP on the authorized capacity (value bound and bid prices).
    min_los : DataFrame, optional
        Minimum length of stay by arrival (hotel scenarios), one row per arrival (and
        segment): ``arrival`` (date), ``min_los`` (nights; NaN: closed to arrival).
    quotes : sequence of (str, GroupQuote)
        Group requests by name and their quotes.

    Returns
    -------
    list of (str, DataFrame, Table, Calendar or str)
        The bid-price table, the calendar of restricted arrivals, one summary row per
        group with its best alternative, and each group's alternatives.
    """
    table = pd.DataFrame(
        {
            "resource": network.resource_ids,
            "capacity": network.capacity,
            "authorized": list(authorized),
            "bid price": np.asarray(bound.bid_prices, dtype=np.float64),
        }
    )
    title = f"Deterministic LP: value bound {bound.objective:,.0f}; bid prices, authorized capacity"
    out: list[Section] = [(title, table)]
    if min_los is not None:
        out.append(
            ("Minimum length of stay by arrival (from night bid prices)", min_los_calendar(min_los))
        )
    if quotes:
        out.append(("Group quotes", quotes_table(quotes)))
    for name, quote in quotes:
        out.append((f"Group quote: {name} \u2014 {quote.decision}", quote_alternatives(quote)))
    return out
