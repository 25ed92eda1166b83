"""Customer-segment values from CRM transactions: margin, retention, future value.

Customers are not equally profitable: the values here (contribution, retention,
future and referral value per segment) are what the optimizers add to a product's
price. Without a segment column, customers are put into RFM tiers.
"""

from ._reservations import (
    DEFAULT_ANCILLARY_RATES,
    AncillaryRate,
    ReservationValues,
    reservation_values,
)
from ._rfm import RFM_TIERS, rfm_tiers
from ._synthetic import DEFAULT_SEGMENTS, SyntheticTransactions, synthetic_transactions
from ._transactions import TRANSACTION_COLUMNS, load_transactions, validate_transactions
from ._values import SEGMENT_VALUE_COLUMNS, segment_records, segment_values

__all__ = [
    "DEFAULT_ANCILLARY_RATES",
    "DEFAULT_SEGMENTS",
    "RFM_TIERS",
    "SEGMENT_VALUE_COLUMNS",
    "TRANSACTION_COLUMNS",
    "AncillaryRate",
    "ReservationValues",
    "SyntheticTransactions",
    "load_transactions",
    "reservation_values",
    "rfm_tiers",
    "segment_records",
    "segment_values",
    "synthetic_transactions",
    "validate_transactions",
]
