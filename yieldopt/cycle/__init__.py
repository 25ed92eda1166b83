"""The daily revenue-management cycle: as-of forecast and tonight's controls per stay night.

From a hotel's reservation table (:mod:`yieldopt.ingest`) and its hotel file:
:func:`forecast_nights` (on the books, cancellations and no-shows still to come,
new bookings still to come, the expected occupancy per night, as of a date),
:func:`nightly_controls` (bid price, authorized capacity, MinLOS and
closed-to-arrival per night), :func:`property_from_reservations` (a hotel
without a hotel file), :func:`quote_group_for` (a group block against that
forecast) and :func:`backtest_occupancy` (replayed as-of dates against what
happened, beside two naive forecasts).
"""

from ._backtest import BACKTEST_COLUMNS, NAIVE_METHODS, backtest_occupancy, occupancy_errors
from ._controls import (
    CONTROL_COLUMNS,
    OPTIMIZERS,
    NightlyControls,
    controls_from,
    nightly_controls,
)
from ._forecast import DEFAULT_MAX_LOS, MAX_HORIZON, NightForecast, forecast_nights
from ._group_quote import quote_group_for
from ._hotel import fullest_night, property_from_reservations
from ._state import Rates, known_as_of

__all__ = [
    "BACKTEST_COLUMNS",
    "CONTROL_COLUMNS",
    "DEFAULT_MAX_LOS",
    "MAX_HORIZON",
    "NAIVE_METHODS",
    "OPTIMIZERS",
    "NightForecast",
    "NightlyControls",
    "Rates",
    "backtest_occupancy",
    "controls_from",
    "forecast_nights",
    "fullest_night",
    "known_as_of",
    "nightly_controls",
    "occupancy_errors",
    "property_from_reservations",
    "quote_group_for",
]
