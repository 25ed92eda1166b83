"""Guest-level columns and the report note of :func:`~yieldopt.segments.reservation_values`.

:func:`_by_guest_id` (retention and customers from guest ids, through
:func:`~yieldopt.segments.segment_values`), :func:`_by_repeat_share` (from the
``is_repeat`` share when there are no ids) and :func:`_note` (the report paragraph).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._ancillary import AncillaryRate
from ._values import segment_values


def _by_guest_id(
    tx: pd.DataFrame, segments: pd.Index, horizon: int, discount_rate: float, end: np.datetime64
) -> pd.DataFrame:
    """Guest-level columns from :func:`segment_values` on the valued guests' stays.

    Segments without a valued guest get the retention pooled over all valued guests
    (what :func:`segment_values` gives a segment without base customers).
    """
    if len(tx) == 0:
        return pd.DataFrame()
    cols = ["customers", "active_customers", "bookings_per_customer", "base_customers"]
    cols += ["retention", "retention_horizon_days"]
    v = segment_values(tx, horizon_days=horizon, discount_rate=discount_rate, as_of=end)[cols]
    missing = segments.difference(v.index)
    if len(missing):
        with warnings.catch_warnings():  # the same horizon warning was just given
            warnings.simplefilter("ignore", UserWarning)
            pooled = segment_values(
                tx.assign(segment="all"),
                horizon_days=horizon,
                discount_rate=discount_rate,
                as_of=end,
            )["retention"].iloc[0]
        v = v.reindex(v.index.union(missing))
        v.loc[missing, "retention"] = pooled
        v["retention_horizon_days"] = v["retention_horizon_days"].ffill().bfill()
    return v


def _by_repeat_share(
    tx: pd.DataFrame,
    valued: np.ndarray,
    repeat: Any,
    segments: pd.Index,
    horizon: int,
    end: np.datetime64,
) -> pd.DataFrame:
    """Guest-level columns from the ``is_repeat`` share of each segment's valued stays.

    Every valued stay is one guest (nothing links two stays): ``customers`` and
    ``base_customers`` are valued stays, ``active_customers`` those of the last
    horizon, ``bookings_per_customer`` 1 where a segment has an active guest.
    """
    if not valued.any():
        return pd.DataFrame()
    seg = tx["segment"][valued]
    back = pd.Series(repeat, dtype="boolean")[valued].to_numpy(dtype=bool)
    recent = tx["date"][valued].to_numpy().astype("datetime64[D]") > end - np.timedelta64(
        horizon, "D"
    )
    frame = pd.DataFrame({"segment": seg.to_numpy(), "back": back, "recent": recent})
    g = frame.groupby("segment", sort=True)
    out = pd.DataFrame({"customers": g.size(), "base_customers": g.size()})
    out["active_customers"] = g["recent"].sum()
    out["bookings_per_customer"] = (out["active_customers"] > 0).astype(np.float64)
    out["retention"] = g["back"].mean()
    out = out.reindex(out.index.union(segments))
    out["retention"] = out["retention"].fillna(float(back.mean()))
    return out


def _note(
    *,
    n: int,
    no_shows: int,
    no_show_nights: int,
    end: np.datetime64,
    valued: int,
    counted: int,
    refused: int,
    method: str,
    rates: Mapping[str, AncillaryRate],
    given: set[str],
    cost: float,
) -> str:
    """Write the report's paragraph on where the segment values come from."""
    ns = f", {no_shows:,} of them no-shows paying {no_show_nights} night(s)" if no_shows else ""
    parts = [
        f"Segment values from {n:,} stays up to {np.datetime64(end, 'D')}{ns}.",
        f"{valued:,} guests valued, {counted:,} only counted in the segment aggregates"
        + (f" ({refused:,} stays of guests who did not consent)." if refused else "."),
        {
            "customer_id": "Retention from guest ids (returns in the next horizon).",
            "is_repeat": "Retention from the share of repeat guests per segment "
            "(no guest ids; each stay counts as one guest).",
            "none": "Retention unknown: no guest ids and no usable repeat-guest history.",
        }[method],
    ]
    if rates:
        priced = ", ".join(
            f"{col} {rate.describe()}" + ("" if col in given or rate.amount else " (unpriced)")
            for col, rate in rates.items()
        )
        parts.append(f"Ancillaries: {priced}.")
    parts.append(f"Cost to serve {cost:g} per room-night.")
    return " ".join(parts)
