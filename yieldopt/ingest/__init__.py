"""Reservation exports in: contract, column mappings, data quality, on the books.

A property-management system's reservation export becomes the reservation
contract (:mod:`._contract`) through a column mapping (:mod:`._mapping`, TOML),
with a data-quality report at every import (:mod:`._quality`). From there:
the booking-history contract of :mod:`yieldopt.forecast` (:func:`to_history`),
rooms on the books, pickup and pace as of a date, cancellation and no-show rates
(:mod:`._asof`), and the hotel's own facts (:func:`load_property`).
"""

from ._contract import (
    OPTIONAL_COLUMNS,
    RESERVATION_COLUMNS,
    RESERVATION_STATUSES,
    validate_reservations,
)
from ._mapping import Checks, Derivation, ExportMapping, builtin_mappings, load_mapping
from ._quality import CHECKS, QUALITY_COLUMNS, write_quality
from ._read import ImportResult, read_export, read_reservations

__all__ = [
    "CHECKS",
    "OPTIONAL_COLUMNS",
    "QUALITY_COLUMNS",
    "RESERVATION_COLUMNS",
    "RESERVATION_STATUSES",
    "Checks",
    "Derivation",
    "ExportMapping",
    "ImportResult",
    "builtin_mappings",
    "load_mapping",
    "read_export",
    "read_reservations",
    "validate_reservations",
    "write_quality",
]
