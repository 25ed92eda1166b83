"""The CRM transactions table: contract, validation, loading.

One row per booking (transaction) of a customer:

=================  ===============================================================
column             meaning
=================  ===============================================================
customer_id        customer identifier
date               booking date
segment            customer segment (optional; without it customers are put into
                   recency/frequency/monetary tiers)
revenue            price paid for the booking (money), >= 0
ancillary_revenue  other spend tied to the booking (food, bags, parking), >= 0
cost_to_serve      variable cost of serving the booking (money), >= 0
referrals          new customers the booking brought in (optional, whole, >= 0)
=================  ===============================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pandas.api.extensions import ExtensionArray

from .._table import (
    date_column,
    key_column,
    numeric_column,
    read_table,
    require_columns,
)

__all__ = ["TRANSACTION_COLUMNS", "load_transactions", "validate_transactions"]

TRANSACTION_COLUMNS = ("customer_id", "date", "revenue", "ancillary_revenue", "cost_to_serve")


def validate_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    """Check a transactions table and return it in canonical form.

    Parameters
    ----------
    transactions : DataFrame
        Columns of :data:`TRANSACTION_COLUMNS`, optional ``segment`` and ``referrals``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``date`` (calendar day as a midnight timestamp), ``segment``
        (only when given, as strings), ``revenue``, ``ancillary_revenue``,
        ``cost_to_serve`` and ``referrals`` (0 when absent) as float64.

    Raises
    ------
    InputError
        Naming the column, and for row-level problems the first bad row (0-based):
        missing columns, missing ids or segments, unparseable dates, negative or
        non-finite amounts, fractional referrals.
    """
    require_columns(transactions, TRANSACTION_COLUMNS, "transactions")
    out: dict[str, NDArray[Any] | ExtensionArray] = {
        "customer_id": key_column(transactions, "customer_id", as_str=False),
        "date": date_column(transactions, "date", day=True).astype("datetime64[s]"),
    }
    if "segment" in transactions.columns:
        out["segment"] = pd.array(key_column(transactions, "segment"), dtype="str")
    for col in ("revenue", "ancillary_revenue", "cost_to_serve"):
        out[col] = numeric_column(transactions, col)
    out["referrals"] = numeric_column(transactions, "referrals", integer=True, default=0.0)
    return pd.DataFrame(out)


def load_transactions(path: str | Path) -> pd.DataFrame:
    """Read and validate transactions from CSV or Parquet (see :func:`validate_transactions`)."""
    return validate_transactions(read_table(path, "transactions"))


def contribution(tx: pd.DataFrame) -> np.ndarray:
    """Per-transaction contribution: revenue + ancillary revenue - cost to serve (money)."""
    revenue = tx["revenue"].to_numpy() + tx["ancillary_revenue"].to_numpy()
    return revenue - tx["cost_to_serve"].to_numpy()
