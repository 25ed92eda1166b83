"""Price quotes: the recommended rate per stay night from a rate ladder."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter

from yieldopt.decisions import night_controls
from yieldopt.errors import InputError
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
    """Recommended rate and its reason for every night from ``from`` to ``to``, or a product.

    The rule of :func:`yieldopt.optimize.recommend_rates`: the ladder rate at the
    night's demand pressure (forecast remaining demand per room still to sell, the
    per-night controls of ``GET …/controls``), raised to cover the night's bid price of
    the latest decision set, then held within ``floor`` and ``ceiling``. For a
    ``product`` (any network with a decision set): the lowest ladder rate covering the
    sum of its resources' bid prices, within ``floor`` and ``ceiling``. No solver runs.
    """
    if body.product is not None:
        return _product_quote(network_id, body, store)
    assert body.start is not None and body.end is not None  # the body's validator
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


def _product_quote(network_id: str, body: PriceQuoteIn, store: Any) -> PriceQuoteOut:
    network, _ = store.get_network(network_id)
    if body.product not in network.product_index:
        raise InputError("product", f"unknown product {body.product!r}")
    ds = store.decisions(network_id)
    product = network.products[network.product_index[body.product]]
    bid = float(sum(ds.bid_prices.get(r, 0.0) for r in product.resources))
    # No demand pressure for a product: the base rate is the ladder's lowest rung.
    rec = recommend_rates(
        pd.Series([bid]), [0.0], body.ladder, floor=body.floor, ceiling=body.ceiling
    ).iloc[0]
    cycle = ds.params.get("cycle") or {}
    return PriceQuoteOut(
        network=network_id,
        decision_version=int(ds.version),
        as_of=str(cycle.get("as_of", ds.created_at)),
        quotes=[
            {
                "product": body.product,
                "recommended_rate": float(rec["recommended_rate"]),
                "reason": str(rec["reason"]),
                "bid_price": bid,
            }
        ],
    )
