"""Demand forecasting from booking history: curves, pickup, smoothing, unconstraining.

The tables follow a long-format contract (see :mod:`._history` and
:mod:`._forecast`); every function takes and returns pandas frames and numpy arrays.
"""

from ._backtest import BacktestResult, backtest_forecasts
from ._buckets import DEFAULT_DCPS
from ._curves import booking_curves, cancellation_rates, final_demand
from ._forecast import (
    FORECAST_COLUMNS,
    FORECAST_METHODS,
    forecast_demand,
    forecast_pickup,
    forecast_smoothing,
    total_demand,
)
from ._history import (
    CLOSURE_COLUMNS,
    HISTORY_COLUMNS,
    STATUSES,
    load_closures,
    load_history,
    validate_closures,
    validate_history,
)
from ._planning import ForecastScale, forecast_scale
from ._synthetic import DEFAULT_PRODUCTS, SyntheticHistory, synthetic_history
from ._unconstrain import UNCONSTRAIN_METHODS, Unconstrained, unconstrain

__all__ = [
    "CLOSURE_COLUMNS",
    "DEFAULT_DCPS",
    "DEFAULT_PRODUCTS",
    "FORECAST_COLUMNS",
    "FORECAST_METHODS",
    "HISTORY_COLUMNS",
    "STATUSES",
    "UNCONSTRAIN_METHODS",
    "BacktestResult",
    "ForecastScale",
    "SyntheticHistory",
    "Unconstrained",
    "backtest_forecasts",
    "booking_curves",
    "cancellation_rates",
    "final_demand",
    "forecast_demand",
    "forecast_pickup",
    "forecast_scale",
    "forecast_smoothing",
    "load_closures",
    "load_history",
    "synthetic_history",
    "total_demand",
    "unconstrain",
    "validate_closures",
    "validate_history",
]
