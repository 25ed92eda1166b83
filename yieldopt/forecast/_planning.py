"""Planning demand from a forecast: scale a network's expected demand per segment and weekday.

The main job (``yieldopt run``) backtests the forecast methods on the booking history and
lets the optimizers plan with the best one. The history is forecast per segment (its
products are the network's segments) and per night; this module compares that forecast
with the network's own expectation, night of the week by night of the week, and turns the
ratio into one demand factor per product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ..model import Network
from ._forecast import forecast_demand, total_demand

__all__ = ["ForecastScale", "forecast_scale"]

#: Columns of :attr:`ForecastScale.by_weekday`.
SCALE_COLUMNS = ("segment", "weekday", "forecast", "planned", "scale")


@dataclass(frozen=True)
class ForecastScale:
    """How a forecast rescales a network's expected demand.

    Attributes
    ----------
    method : str
        Forecast method used (one of ``FORECAST_METHODS``).
    as_of : pandas.Timestamp
        Forecast day: the last booking day of the history.
    scale : ndarray, shape (n_products,)
        Factor per product, in network product order: the planning demand of product j
        is ``scale[j]`` times its expected demand. A stay's factor is the mean of its
        nights' factors; products of segments the history does not cover keep 1.
    by_weekday : DataFrame
        One row per segment and night of the week that has planned demand, with
        columns ``segment``, ``weekday`` (e.g. ``"Monday"``), ``forecast`` and
        ``planned`` (mean units per night of that weekday: forecast, and the network's
        own expectation) and ``scale`` (their ratio of sums).
    """

    method: str
    as_of: pd.Timestamp
    scale: NDArray[np.float64]
    by_weekday: pd.DataFrame


def forecast_scale(
    network: Network,
    demand: ArrayLike,
    history: pd.DataFrame,
    method: str,
    *,
    closures: pd.DataFrame | None = None,
) -> ForecastScale | None:
    """Scale expected demand by forecast / expected units per segment and night of the week.

    Applies when the history's products are the network's segments and its resources
    are dated nights (resource ids ending in ``/YYYY-MM-DD``, as in hotel scenarios),
    all after the history's last booking day: the forecast of each segment's units per
    night, against the network's own expectation (``incidence @ demand`` of the
    segment's products), summed per night of the week over the inner nights (the first
    and last two nights miss stays that cross the period's edge) gives one factor per
    weekday; a product's factor is the mean over the nights it uses.

    Parameters
    ----------
    network : Network
        Resources (dated nights) and products with their segments.
    demand : array_like, shape (n_products,)
        Expected demand per product over the horizon (units), in network product order.
    history : DataFrame
        Validated booking history (see ``validate_history``) whose products are segment ids.
    method : str
        Forecast method, one of ``FORECAST_METHODS`` (e.g. the backtest's best).
    closures : DataFrame, optional
        Validated closures, passed to the forecast.

    Returns
    -------
    ForecastScale or None
        ``None`` when the data do not fit (products that are not segments, undated
        resources, or nights not after the history's end).
    """
    net = network
    segments = {s.id for s in net.segments}
    products = set(history["product"].astype(str).unique())
    tails = [r.rsplit("/", 1)[-1] for r in net.resource_ids]
    dates = pd.to_datetime(tails, format="%Y-%m-%d", errors="coerce")  # ISO days only
    if not products <= segments or dates.isna().any():
        return None
    as_of = history["booked_at"].max().normalize()
    horizon = int((dates.max() - as_of).days)
    if horizon < 1 or (dates.min() - as_of).days < 1:
        return None
    fc = total_demand(forecast_demand(history, method, closures=closures, horizon=horizon))
    fc = fc[fc["ds"].isin(dates)]
    inner = np.arange(len(dates))[2:-2] if len(dates) > 6 else np.arange(len(dates))
    weekday = dates.day_of_week.to_numpy()
    expected = np.asarray(demand, dtype=np.float64)
    seg_of = np.array([p.segment for p in net.products])
    scale = np.ones(len(net.products))
    rows = []
    for seg in sorted(products):
        mine = seg_of == seg
        planned = net.incidence @ (expected * mine)  # expected units per night
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
                        "weekday": dates[pick[0]].day_name(),
                        "forecast": forecast[pick].mean(),
                        "planned": planned[pick].mean(),
                        "scale": factor[d],
                    }
                )
        # A stay's factor is the mean over its nights.
        per_night = factor[weekday]
        uses = net.incidence.T @ per_night / np.maximum(net.incidence.sum(axis=0), 1)
        scale = np.where(mine, uses, scale)
    table = pd.DataFrame(rows, columns=list(SCALE_COLUMNS))
    return ForecastScale(method=method, as_of=as_of, scale=scale, by_weekday=table)
