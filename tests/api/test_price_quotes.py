"""POST /v1/networks/{id}/price-quotes: recommended rate and reason per night."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldopt.optimize import rate_ladder, recommend_rates

from .conftest import ADMIN_H, READ_H, make_client
from .test_cycle_endpoints import AS_OF, NIGHTS, city_network, import_sample

LADDER = "60:200:10"


@pytest.fixture
def api(db_url):
    with make_client(db_url) as c:
        assert c.put("/v1/networks/city", json=city_network(), headers=ADMIN_H).status_code == 201
        yield c


def _optimized(api):
    assert import_sample(api).status_code == 200
    r = api.post("/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
    assert r.status_code == 201, r.text


def test_price_quotes_follow_the_controls(api):
    _optimized(api)
    span = {"from": NIGHTS[0], "to": NIGHTS[9]}
    r = api.post(
        "/v1/networks/city/price-quotes",
        json={**span, "ladder": LADDER, "floor": 70.0},
        headers=READ_H,
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["as_of"] == AS_OF and got["network"] == "city"
    quotes = got["quotes"]
    assert [q["night"] for q in quotes] == NIGHTS[:10]
    # The same rule by hand from GET …/controls.
    ctl = api.get("/v1/networks/city/controls", params=span, headers=READ_H).json()["controls"]
    frame = pd.DataFrame(ctl)
    left = np.maximum(frame["authorized"] - frame["on_the_books"], 0).to_numpy(dtype=float)
    rho = np.where(left > 0, frame["forecast_remaining"] / np.where(left > 0, left, 1), 1.0)
    rungs = rate_ladder(LADDER)
    bid = frame["bid_price"].to_numpy(dtype=float)
    base = rungs[np.rint(np.clip(rho, 0, 1) * (rungs.size - 1)).astype(int)]
    up = rungs[np.minimum(np.searchsorted(rungs, bid), rungs.size - 1)]
    want = np.maximum(np.where(base < bid, up, base), 70.0)
    np.testing.assert_allclose([q["recommended_rate"] for q in quotes], want)
    ref = recommend_rates(pd.Series(bid), rho, LADDER, floor=70.0)
    assert [q["reason"] for q in quotes] == ref["reason"].tolist()
    assert {q["reason"] for q in quotes} <= {"demand", "bid_price", "floor"}
    for q, b in zip(quotes, bid, strict=True):
        assert q["bid_price"] == pytest.approx(b)
        assert q["recommended_rate"] >= min(b, 200.0) - 1e-9


def test_price_quotes_errors(api):
    body = {"from": NIGHTS[0], "to": NIGHTS[3], "ladder": LADDER}
    # No decision set from the reservations yet: 409.
    r = api.post("/v1/networks/city/price-quotes", json=body, headers=READ_H)
    assert r.status_code == 409, r.text
    _optimized(api)
    r = api.post("/v1/networks/city/price-quotes", json={**body, "ladder": "9:1:1"}, headers=READ_H)
    assert r.status_code == 422 and "ladder" in r.text
    r = api.post(
        "/v1/networks/city/price-quotes", json={**body, "ladder": [100, 150]}, headers=READ_H
    )
    assert r.status_code == 200, r.text
    assert {q["recommended_rate"] for q in r.json()["quotes"]} <= {100.0, 150.0}
    r = api.post("/v1/networks/nope/price-quotes", json=body, headers=READ_H)
    assert r.status_code == 404
    r = api.post("/v1/networks/city/price-quotes", json=body)
    assert r.status_code in (401, 403)


def test_product_quote_covers_its_bid_prices(api):
    _optimized(api)
    ds = api.get("/v1/networks/city/decisions", headers=READ_H).json()
    rungs = rate_ladder(LADDER)
    for night, nxt in ((NIGHTS[0], NIGHTS[1]), (NIGHTS[5], NIGHTS[6])):
        pid = f"{night}/2n"
        r = api.post(
            "/v1/networks/city/price-quotes",
            json={"product": pid, "ladder": LADDER},
            headers=READ_H,
        )
        assert r.status_code == 200, r.text
        (q,) = r.json()["quotes"]
        bid = ds["bid_prices"][f"night/{night}"] + ds["bid_prices"][f"night/{nxt}"]
        assert q["product"] == pid and q["bid_price"] == pytest.approx(bid)
        # The lowest rung at or above the bid prices (the bottom one when they are low).
        want = rungs[min(int(np.searchsorted(rungs, bid - 1e-9)), rungs.size - 1)]
        assert q["recommended_rate"] == want
        assert q["reason"] == ("demand" if want == rungs[0] and bid <= rungs[0] else "bid_price")
    bad = api.post(
        "/v1/networks/city/price-quotes", json={"product": "zz", "ladder": LADDER}, headers=READ_H
    )
    assert bad.status_code == 422 and "product" in bad.text
    both = {"product": f"{NIGHTS[0]}/1n", "from": NIGHTS[0], "to": NIGHTS[1], "ladder": LADDER}
    r = api.post("/v1/networks/city/price-quotes", json=both, headers=READ_H)
    assert r.status_code == 422
