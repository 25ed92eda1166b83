"""The workspace's admin and read-only actions in-process: overrides, re-optimization,
group quotes, what-if and the night page, checked against the HTTP API.
"""

from __future__ import annotations

import re

import pytest

from . import workspace_support
from .conftest import ADMIN_H, READ_H
from .workspace_support import FRI, SAT, SAT_URL, SUN, grid_rows, num

# The fixtures, bound in this module so pytest finds them.
ws = workspace_support.ws
city = workspace_support.city


# ---------------------------------------------------------------------- actions
def test_an_override_from_the_form_takes_effect_at_once(ws):
    # sat-2 (sat + sun) pays 210 against the bid prices 200 + 0: accepted before.
    ds = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert ds["bid_prices"][SAT] + ds["bid_prices"][SUN] <= 210
    ev = ws.post("/v1/networks/hotel/evaluate", json={"product": "sat-2"}, headers=READ_H).json()
    assert ev["accepted"] is True
    r = ws.post(
        SAT_URL + "/override",
        data={
            "bid_price": "",
            "authorized": "",
            "closed": "closed",
            "reason": "renovation",
            "expires_at": "",
        },
        headers=ADMIN_H,
    )
    assert r.status_code == 200, r.text
    assert "Override saved" in r.text and 'id="r-override"' in r.text
    ev = ws.post("/v1/networks/hotel/evaluate", json={"product": "sat-2"}, headers=READ_H).json()
    assert ev["accepted"] is False and ev["reason"] == "closed"
    rows = {
        row["_resource"]: row
        for row in grid_rows(ws.get("/workspace/networks/hotel", headers=READ_H).text)
    }
    assert rows[SAT]["_override"] and "closed" in rows[SAT]["_text"]["Override"]
    assert not rows[FRI]["_override"]
    # The audit names the key's name, never the key.
    page = ws.get(SAT_URL, headers=READ_H).text
    name = ws.get("/workspace/whoami", headers=ADMIN_H).json()["name"]
    assert name in page and "t3st-admin-k3y-0001" not in page and "renovation" in page
    # Remove it: the optimized values apply again.
    r = ws.post(SAT_URL + "/override/remove", data={"reason": "done"}, headers=ADMIN_H)
    assert r.status_code == 200 and "Override removed" in r.text
    ev = ws.post("/v1/networks/hotel/evaluate", json={"product": "sat-2"}, headers=READ_H).json()
    assert ev["accepted"] is True


def test_a_bid_price_override_shows_in_grid_and_evaluate(ws):
    r = ws.post(
        SAT_URL + "/override", data={"bid_price": "450", "reason": "city event"}, headers=ADMIN_H
    )
    assert r.status_code == 200, r.text
    ds = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert ds["bid_prices"][SAT] == 450.0
    rows = {
        row["_resource"]: row
        for row in grid_rows(ws.get("/workspace/networks/hotel", headers=READ_H).text)
    }
    assert num(rows[SAT]["Bid price"]) == 450.0 and rows[SAT]["_override"]
    # sat-2 pays 210 < 450 + bid(sun): refused by the bid price rule.
    ev = ws.post("/v1/networks/hotel/evaluate", json={"product": "sat-2"}, headers=READ_H).json()
    assert ev["accepted"] is False and ev["reason"] == "bid_price"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"bid_price": "abc", "reason": "x"}, "bid_price"),
        ({"bid_price": "-1", "reason": "x"}, "bid_price"),
        ({"authorized": "2.5", "reason": "x"}, "authorized"),
        ({"bid_price": "10"}, "reason"),
        ({"closed": "maybe", "reason": "x"}, "closed"),
        ({"reason": "nothing to change"}, "bid_price"),
        ({"bid_price": "10", "reason": "x", "expires_at": "yesterday"}, "expires_at"),
        ({"bid_price": "10", "reason": "x", "expires_at": "2001-01-01"}, "expires_at"),
        ({"bid_prise": "10", "reason": "x"}, "bid_prise"),
    ],
)
def test_override_form_errors_name_the_field(ws, form, field):
    r = ws.post(SAT_URL + "/override", data=form, headers=ADMIN_H)
    assert r.status_code == 422, r.text
    assert r.headers["HX-Retarget"] == "#override-errors"
    assert f'data-field="{field}"' in r.text and "Traceback" not in r.text
    if field == "bid_prise":
        assert "did you mean 'bid_price'" in r.text.replace("&#39;", "'")


def test_an_override_with_an_expiry(ws):
    # What the form's datetime-local field sends (UTC, no offset).
    r = ws.post(
        SAT_URL + "/override",
        data={"authorized": "12", "reason": "floor closed", "expires_at": "2099-01-02T10:30"},
        headers=ADMIN_H,
    )
    assert r.status_code == 200, r.text
    (o,) = ws.get("/v1/networks/hotel/overrides", headers=READ_H).json()["overrides"]
    assert o["authorized"] == 12 and o["expires_at"].startswith("2099-01-02T10:30")
    rows = grid_rows(ws.get("/workspace/networks/hotel", headers=READ_H).text)
    sat = next(row for row in rows if row["_resource"] == SAT)
    assert int(sat["Authorized"]) == 12 and "auth 12" in sat["_text"]["Override"]
    assert "until 2099-01-02 10:30 UTC" in ws.get("/workspace/networks/hotel", headers=READ_H).text


def test_unknown_resource_and_network(ws):
    r = ws.get("/workspace/networks/hotel/resources/nope", headers=READ_H)
    assert r.status_code == 404
    assert ws.get("/workspace/networks/nope", headers=READ_H).status_code == 404
    r = ws.post(
        "/workspace/networks/hotel/resources/nope/override",
        data={"bid_price": "1", "reason": "x"},
        headers=ADMIN_H,
    )
    assert r.status_code == 422 and "nope" in r.text


def test_reoptimize_publishes_a_new_version_keeping_overrides(ws):
    ws.post(
        SAT_URL + "/override", data={"bid_price": "450", "reason": "city event"}, headers=ADMIN_H
    )
    before = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()["version"]
    r = ws.post("/workspace/networks/hotel/optimize", data={"method": ""}, headers=ADMIN_H)
    assert r.status_code == 200, r.text
    ds = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert ds["version"] == before + 1 and ds["method"] == "dlp"
    assert f"decision version {ds['version']}" in r.text
    assert ds["bid_prices"][SAT] == 450.0
    bad = ws.post("/workspace/networks/hotel/optimize", data={"method": "dpl"}, headers=ADMIN_H)
    assert bad.status_code == 422 and 'data-field="method"' in bad.text


def test_group_quote_form_gives_the_api_quote(ws):
    form = {
        "rooms": "5",
        "first_night": "2026-12-04",
        "nights": "2",
        "rate": "150",
        "ancillary": "20",
    }
    r = ws.post("/workspace/networks/hotel/group-quote", data=form, headers=READ_H)
    assert r.status_code == 200, r.text
    api = ws.post(
        "/v1/networks/hotel/group-quotes",
        json={"units": {FRI: 5, SAT: 5}, "rate": 150, "ancillary": 20},
        headers=READ_H,
    ).json()
    displaced = re.search(r'id="q-displaced">([^<]*)<', r.text)[1]
    break_even = re.search(r'id="q-break-even">([^<]*)<', r.text)[1]
    assert displaced == f"{api['displaced_value']:,.2f}"
    assert break_even == f"{api['break_even_rate']:,.2f}"
    assert api["decision"].upper() in r.text
    for alt in api["alternatives"]:
        assert alt["label"] in r.text
    r = ws.post(
        "/workspace/networks/hotel/group-quote",
        data={**form, "first_night": "2026-12-06"},
        headers=READ_H,
    )
    assert r.status_code == 422 and 'data-field="nights"' in r.text  # 12-07 is not a night
    r = ws.post("/workspace/networks/hotel/group-quote", data={**form, "rate": ""}, headers=READ_H)
    assert r.status_code == 422 and 'data-field="rate"' in r.text


def test_what_if_preview_and_publish(ws):
    form = {"overbook": "3", "resource": SAT, "product": "", "price": ""}
    r = ws.post("/workspace/networks/hotel/what-if", data=form, headers=READ_H)
    assert r.status_code == 200, r.text
    assert 'id="publish-form"' not in r.text  # read keys preview only
    r = ws.post("/workspace/networks/hotel/what-if", data=form, headers=ADMIN_H)
    assert 'id="publish-form"' in r.text
    api = ws.post("/v1/networks/hotel/what-if", json={"overbook": {SAT: 3}}, headers=READ_H).json()
    assert (
        re.search(r'id="w-objective">([^<]*)<', r.text)[1] == f"{api['preview']['objective']:,.2f}"
    )
    before = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert before["authorized"][SAT] == 20
    r = ws.post(
        "/workspace/networks/hotel/what-if/publish",
        data={**form, "reason": "walks are cheap"},
        headers=ADMIN_H,
    )
    assert r.status_code == 200, r.text
    after = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert after["authorized"][SAT] == 23 and after["version"] > before["version"]
    r = ws.post("/workspace/networks/hotel/what-if", data={"overbook": "0"}, headers=READ_H)
    assert r.status_code == 422 and 'data-field="overbook"' in r.text
    r = ws.post("/workspace/networks/hotel/what-if", data={"product": "sat-1"}, headers=READ_H)
    assert r.status_code == 422 and 'data-field="price"' in r.text


def test_the_night_page_history_bookings_and_forecast(ws):
    b = ws.post(
        "/v1/networks/hotel/bookings",
        json={"product": "fri-2", "quantity": 2, "price": 900.0},
        headers=ADMIN_H,
    )
    assert b.status_code == 201 and b.json()["accepted"], b.text
    ws.post(
        SAT_URL + "/override", data={"authorized": "15", "reason": "two rooms out"}, headers=ADMIN_H
    )
    html = ws.get(SAT_URL, headers=READ_H).text
    versions = [int(v) for v in re.findall(r'<tr><td class="n">(\d+)</td><td>\d{4}-', html)]
    latest = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()["version"]
    assert versions == list(range(latest, 0, -1))
    assert re.search(r'id="bookings".*?fri-2.*?</table>', html, re.S)
    # Forecast by segment: the stored forecast of the stays using sat (no segments: one row).
    seg = re.search(r'id="segments".*?<tbody>(.*?)</tbody>', html, re.S)[1]
    assert re.findall(r'<td class="n">([^<]*)</td>', seg) == ["49.0"]
    assert 'id="r-authorized">15<' in html
