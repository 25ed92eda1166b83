"""Recency / frequency / monetary (RFM) tiers for customers without a segment.

Per customer, from the transactions on or before ``as_of``:

* recency ``R`` = days from the last transaction to ``as_of``,
* frequency ``F`` = number of transactions,
* monetary ``M`` = total contribution (revenue + ancillary revenue - cost to serve).

Each is scored 1..5 by quintile among the customers, ``ceil(5 * q)`` with ``q`` the
percentile rank (ties share the average rank; recent customers score high on
recency). The tier follows the total score ``R + F + M`` (3..15):
``top`` 13-15, ``high`` 10-12, ``medium`` 7-9, ``low`` 3-6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ._transactions import contribution, validate_transactions

__all__ = ["RFM_TIERS", "rfm_scores", "rfm_tiers"]

#: Tier names, best first, and the lowest total score of each.
RFM_TIERS: tuple[tuple[str, int], ...] = (("top", 13), ("high", 10), ("medium", 7), ("low", 3))


def _score(values: pd.Series) -> np.ndarray:
    q = values.rank(method="average", pct=True).to_numpy()
    return np.clip(np.ceil(5.0 * q), 1, 5).astype(np.int64)


def rfm_scores(tx: pd.DataFrame, as_of: np.datetime64) -> pd.DataFrame:
    """Score validated transactions on or before ``as_of`` (day); one row per customer."""
    tx = tx[tx["date"].to_numpy() <= np.datetime64(as_of, "s")]
    per = (
        tx.assign(_value=contribution(tx))
        .groupby("customer_id", sort=True)
        .agg(last=("date", "max"), frequency=("date", "size"), monetary=("_value", "sum"))
    )
    last = per["last"].to_numpy().astype("datetime64[D]")
    per["recency_days"] = (np.datetime64(as_of, "D") - last).astype(np.int64)
    per["r_score"] = _score(-per["recency_days"])
    per["f_score"] = _score(per["frequency"])
    per["m_score"] = _score(per["monetary"])
    score = (per["r_score"] + per["f_score"] + per["m_score"]).to_numpy()
    per["score"] = score
    names = np.array([name for name, _ in RFM_TIERS], dtype=object)
    lows = np.array([low for _, low in RFM_TIERS])
    per["tier"] = pd.array(names[(score[:, None] < lows[None, :]).sum(axis=1)], dtype="str")
    return per.drop(columns="last")


def rfm_tiers(transactions: pd.DataFrame, as_of: DateLike | None = None) -> pd.DataFrame:
    """Put customers into RFM tiers (see the module docstring).

    Parameters
    ----------
    transactions : DataFrame
        Transactions table (``segment`` is not needed and is ignored).
    as_of : date, optional
        Score with what was known on this day; default the last transaction date.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``frequency``, ``monetary``, ``recency_days``,
        ``r_score``, ``f_score``, ``m_score``, ``score`` and ``tier``.
    """
    tx = validate_transactions(transactions)
    day = tx["date"].max().to_datetime64() if as_of is None else parse_day(as_of, "as_of")
    return rfm_scores(tx, np.datetime64(day, "D"))
