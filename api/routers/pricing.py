"""Price quotes: the recommended rate per stay night from a rate ladder."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter

from yieldopt.decisions import night_controls
from yieldopt.optimize import recommend_rates

from ..dependencies import ReadKey, StoreDep
from ..schemas import PriceQuoteIn, PriceQuoteOut
from ._shared import NetworkId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["pricing"])


@router.post("/price-quotes", responses=problems(404, 409))
def create_price_quote(
    network_id: NetworkId, body: PriceQuoteIn, store: StoreDep, _: ReadKey
) -> PriceQuoteOut:
    """Recommended rate and its reason for every night from ``from`` to ``to``.

    The rule of :func:`yieldopt.optimize.recommend_rates`: the ladder rate at the
    night's demand pressure (forecast remaining demand per room still to sell, the
    per-night controls of ``GET …/controls``), raised to cover the night's bid price of
    the latest decision set, then held within ``floor`` and ``ceiling``. No solver runs.
    """
    nc = night_controls(store, network_id, body.start, body.end)
    rows: list[dict[str, Any]] = nc["controls"]
    quotes: list[dict[str, Any]] = []
    if rows:
        frame = pd.DataFrame(rows)
        bid = frame["bid_price"].astype(float).fillna(0.0).to_numpy()
        authorized = frame["authorized"].astype(float).fillna(frame["capacity"]).to_numpy()
        left = np.maximum(authorized - frame["on_the_books"].to_numpy(dtype=float), 0.0)
        wanted = frame["forecast_remaining"].to_numpy(dtype=float)
        # A sold-out night has full pressure, as in the cycle's own recommended rates.
        pressure = np.divide(wanted, left, out=np.ones_like(left), where=left > 0)
        rec = recommend_rates(
            pd.Series(bid),
            pressure,
            body.ladder,
            floor=body.floor,
            ceiling=body.ceiling,
        )
        for row, r in zip(rows, rec.to_dict(orient="records"), strict=True):
            quotes.append(
                {
                    "night": row["night"],
                    "room_type": row.get("room_type"),
                    "recommended_rate": float(r["recommended_rate"]),
                    "reason": str(r["reason"]),
                    "bid_price": float(r["bid_price"]),
                }
            )
    return PriceQuoteOut(
        network=network_id,
        decision_version=int(nc["decision_version"]),
        as_of=str(nc["as_of"]),
        quotes=quotes,
    )
