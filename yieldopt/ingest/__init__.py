"""Reservation exports in: contract, column mappings, data quality, on the books.

A property-management system's reservation export becomes the reservation
contract (:mod:`._contract`) through a column mapping (:mod:`._mapping`, TOML),
with a data-quality report at every import (:mod:`._quality`). From there:
the booking-history contract of :mod:`yieldopt.forecast` (:func:`to_history`),
rooms on the books, pickup and pace as of a date, cancellation and no-show rates
(:mod:`._asof`), and the hotel's own facts (:func:`load_property`).
"""

from ._asof import LAST_YEAR_DAYS, cancellation_rates, no_show_rate, on_the_books, pace
from ._contract import (
    OPTIONAL_COLUMNS,
    RESERVATION_COLUMNS,
    RESERVATION_STATUSES,
    validate_reservations,
)
from ._mapping import Checks, Derivation, ExportMapping, builtin_mappings, load_mapping
from ._property import Property, load_property
from ._quality import CHECKS, QUALITY_COLUMNS, write_quality
from ._read import ImportResult, read_export, read_reservations
from ._to_history import to_history

__all__ = [
    "CHECKS",
    "LAST_YEAR_DAYS",
    "OPTIONAL_COLUMNS",
    "QUALITY_COLUMNS",
    "RESERVATION_COLUMNS",
    "RESERVATION_STATUSES",
    "Checks",
    "Derivation",
    "ExportMapping",
    "ImportResult",
    "Property",
    "builtin_mappings",
    "cancellation_rates",
    "load_mapping",
    "load_property",
    "no_show_rate",
    "on_the_books",
    "pace",
    "read_export",
    "read_reservations",
    "to_history",
    "validate_reservations",
    "write_quality",
]
