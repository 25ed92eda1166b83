"""The workspace's fragments in-process: keys and roles, the grid against the API, forms.

The numbers each page shows are checked against the HTTP API's own answers for the
same network (``GET …/controls``, ``…/decisions``, ``POST …/price-quotes``,
``…/group-quotes``) or against a hand calculation.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

from .conftest import ADMIN_H, BOOK_H, FORECAST, HOTEL, READ_H, make_client
from .test_cycle_endpoints import AS_OF, NIGHTS, city_network, import_sample

FRI, SAT, SUN = "std/2026-12-04", "std/2026-12-05", "std/2026-12-06"
SAT_URL = "/workspace/networks/hotel/resources/std%2F2026-12-05"


class _Grid(HTMLParser):
    """Collect ``table#grid``: header labels and, per body row, its attributes and cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_grid = False
        self.in_head = False
        self.headers: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.cell: dict[str, Any] | None = None
        self.scripts: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "script":
            self.scripts.append(a)
        if tag == "table" and a.get("id") == "grid":
            self.in_grid = True
        if not self.in_grid:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "th" and self.in_head:
            self.headers.append("")
        elif tag == "tr" and not self.in_head:
            self.rows.append({"attrs": a, "cells": []})
        elif tag == "td" and self.rows:
            self.cell = {"v": a.get("data-v"), "class": a.get("class") or "", "text": ""}
            self.rows[-1]["cells"].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.in_grid:
            self.in_grid = False
        elif tag == "thead":
            self.in_head = False
        elif tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_grid and self.in_head and self.headers:
            self.headers[-1] += data.strip()
        elif self.cell is not None:
            self.cell["text"] += data


def grid_rows(html: str) -> list[dict[str, Any]]:
    """The grid's body rows as ``{column label: data-v}`` plus ``_resource``, ``_override``.

    Also ``_text`` with each cell's shown text by label.
    """
    p = _Grid()
    p.feed(html)
    out = []
    for row in p.rows:
        rec: dict[str, Any] = {
            "_resource": row["attrs"].get("data-resource"),
            "_override": row["attrs"].get("data-override") == "1",
            "_text": {},
        }
        for label, cell in zip(p.headers, row["cells"], strict=True):
            rec[label] = cell["v"]
            rec["_text"][label] = " ".join(cell["text"].split())
        out.append(rec)
    return out


def page_facts(html: str) -> tuple[list[dict[str, str | None]], set[str]]:
    """The page's ``<script>`` tags (their attributes) and element ids."""
    p = _Grid()
    p.feed(html)
    return p.scripts, p.ids


# ---------------------------------------------------------------------- fixtures
@pytest.fixture
def ws(sqlite_url):
    """The hotel (three nights, stored forecast) optimized with the DLP."""
    with make_client(sqlite_url) as c:
        assert c.put("/v1/networks/hotel", json=HOTEL, headers=ADMIN_H).status_code == 201
        assert c.put("/v1/networks/hotel/forecast", json=FORECAST, headers=ADMIN_H).is_success
        r = c.post("/v1/networks/hotel/optimizations", json={"method": "dlp"}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        yield c


@pytest.fixture
def city(sqlite_url):
    """Three weeks of a city hotel optimized by the daily cycle from its reservations."""
    with make_client(sqlite_url) as c:
        assert c.put("/v1/networks/city", json=city_network(), headers=ADMIN_H).status_code == 201
        assert import_sample(c).status_code == 200
        r = c.post("/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        yield c


def _charts(html: str) -> dict:
    found = re.search(r'data-charts="([^"]*)"', html)
    assert found is not None
    return json.loads(unescape(found[1]))


def _num(v: str | None) -> float | None:
    return None if v in (None, "") else float(v)


# ---------------------------------------------------------------------- the shell
def test_the_shell_is_public_and_runs_under_a_strict_csp(ws):
    r = ws.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    scripts, ids = page_facts(r.text)
    # No inline script: every script is a file of this server.
    assert scripts and all(s.get("src", "").startswith("/static/") for s in scripts)
    assert {"signin-form", "api-key", "main"} <= ids
    assert 'type="password"' in r.text
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = ws.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    js = ws.get("/static/vendor/htmx.min.js")
    assert js.status_code == 200 and "max-age" in js.headers["cache-control"]
    assert ws.get("/static/vendor/uPlot.iife.min.js").status_code == 200
    # The workspace is not part of the API's schema.
    paths = ws.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/workspace")]


FRAGMENTS = [
    ("GET", "/workspace/whoami"),
    ("GET", "/workspace/home"),
    ("GET", "/workspace/networks/hotel"),
    ("GET", SAT_URL),
    ("POST", SAT_URL + "/override"),
    ("POST", "/workspace/networks/hotel/optimize"),
    ("POST", "/workspace/networks/hotel/group-quote"),
    ("POST", "/workspace/networks/hotel/what-if"),
]


@pytest.mark.parametrize(("method", "path"), FRAGMENTS)
def test_fragments_need_a_valid_key(ws, method, path):
    assert ws.request(method, path).status_code == 401
    bad = {"Authorization": "Bearer not-a-key-of-this-service"}
    assert ws.request(method, path, headers=bad).status_code == 401
    # Never from the query string either.
    assert ws.request(method, path, params={"api_key": "t3st-admin-k3y-0001"}).status_code == 401


def test_whoami_names_the_role(ws):
    assert ws.get("/workspace/whoami", headers=READ_H).json()["role"] == "read"
    me = ws.get("/workspace/whoami", headers=ADMIN_H).json()
    assert me["role"] == "admin" and me["admin"] is True and me["name"]


ADMIN_ACTIONS = [
    (SAT_URL + "/override", {"bid_price": "500", "reason": "event"}),
    (SAT_URL + "/override/remove", {"reason": "done"}),
    ("/workspace/networks/hotel/optimize", {"method": ""}),
    ("/workspace/networks/hotel/what-if/publish", {"overbook": "2", "reason": "walks are cheap"}),
]


@pytest.mark.parametrize(("path", "form"), ADMIN_ACTIONS)
def test_admin_actions_are_refused_to_read_and_book_keys(ws, path, form):
    before = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()["version"]
    for h in (READ_H, BOOK_H):
        r = ws.post(path, data=form, headers=h)
        assert r.status_code == 403, r.text
    assert ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()["version"] == before


def test_read_keys_see_no_admin_forms(ws):
    for path, form_ids in (
        ("/workspace/networks/hotel", {"optimize-form"}),
        (SAT_URL, {"override-form"}),
    ):
        _, ids_admin = page_facts(ws.get(path, headers=ADMIN_H).text)
        _, ids_read = page_facts(ws.get(path, headers=READ_H).text)
        assert form_ids <= ids_admin
        assert not form_ids & ids_read
        # Looking tools stay: quoting and previewing change nothing.
        if path.endswith("hotel"):
            assert {"group-form", "whatif-form"} <= ids_read


# ---------------------------------------------------------------------- home and grid
def test_home_lists_networks_with_their_latest_version(ws):
    html = ws.get("/workspace/home", headers=READ_H).text
    ds = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert 'href="#/networks/hotel"' in html
    row = re.search(r"<tr>\s*<td><a href=\"#/networks/hotel\">.*?</tr>", html, re.S)
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.S)
    ]
    assert cells[:6] == ["hotel", "hotel", "3", "6", str(ds["version"]), "dlp"]
    assert cells[6] == ds["created_at"][:19].replace("T", " ")


def test_the_forecast_hotel_grid_shows_the_decisions_and_the_hand_forecast(ws):
    rows = grid_rows(ws.get("/workspace/networks/hotel", headers=READ_H).text)
    ds = ws.get("/v1/networks/hotel/decisions", headers=READ_H).json()
    assert [r["_resource"] for r in rows] == [FRI, SAT, SUN]
    # Mean demand still to come of the stays covering each night (HOTEL_DEMAND by hand):
    # fri: fri-1 8 + fri-2 6 + fri-3 3; sat: 6 + 3 + sat-1 25 + sat-2 15; sun: 3 + 15 + 1.
    assert [_num(r["Forecast"]) for r in rows] == [17.0, 49.0, 19.0]
    # Occupancy forecast: nothing sold, min(forecast, 20 rooms).
    assert [_num(r["Occ. forecast"]) for r in rows] == [17.0, 20.0, 19.0]
    for r in rows:
        assert _num(r["Bid price"]) == pytest.approx(ds["bid_prices"][r["_resource"]], abs=1e-9)
        assert int(r["Authorized"]) == ds["authorized"][r["_resource"]]
        assert int(r["Capacity"]) == 20 and int(r["On the books"]) == 0


def test_the_cycle_grid_shows_what_get_controls_gives(city):
    html = city.get("/workspace/networks/city", headers=READ_H).text
    rows = grid_rows(html)
    api = city.get(
        "/v1/networks/city/controls",
        params={"from": NIGHTS[0], "to": NIGHTS[-1]},
        headers=READ_H,
    ).json()["controls"]
    assert [r["Night"] for r in rows] == [c["night"] for c in api] == NIGHTS
    for r, c in zip(rows, api, strict=True):
        assert r["_resource"] == f"night/{c['night']}"
        assert int(r["Capacity"]) == c["capacity"]
        assert int(r["On the books"]) == c["on_the_books"]
        assert _num(r["Forecast"]) == pytest.approx(c["forecast_remaining"], rel=1e-12)
        assert _num(r["Occ. forecast"]) == pytest.approx(c["forecast_occupancy"], rel=1e-12)
        assert _num(r["Bid price"]) == pytest.approx(c["bid_price"], rel=1e-12, abs=1e-12)
        assert int(r["Authorized"]) == c["authorized"]
        assert _num(r["MinLOS"]) == c["min_los"]
        assert (r["CTA"] == "yes") == bool(c["closed_to_arrival"])
        assert r["Rec. rate"] == ""  # no ladder given: a dash
    # The charts' data is JSON in an attribute (no script in a fragment).
    assert "<script" not in html
    charts = _charts(html)
    assert len(charts["occupancy"]["x"]) == len(NIGHTS)
    assert charts["occupancy"]["capacity"] == [float(c["capacity"]) for c in api]
    assert charts["bid"]["series"]["all"] == [round(c["bid_price"], 4) for c in api]
    # The pace comes apart (after the grid): this year's rooms on the books by days before
    # arrival are the cycle's on-the-books of those nights (no service bookings here).
    assert 'hx-get="/workspace/networks/city/pace"' in html
    pace = _charts(city.get("/workspace/networks/city/pace", headers=READ_H).text)["pace"]
    assert pace["x"] == list(range(1, len(NIGHTS) + 1))
    assert pace["rooms"] == [c["on_the_books"] for c in api]
    assert len(pace["ly_rooms"]) == len(NIGHTS) and sum(pace["ly_rooms"]) > 0


def test_recommended_rates_are_those_of_price_quotes(city):
    ladder = "60:300:5"
    rows = grid_rows(
        city.get("/workspace/networks/city", params={"ladder": ladder}, headers=READ_H).text
    )
    quotes = city.post(
        "/v1/networks/city/price-quotes",
        json={"from": NIGHTS[0], "to": NIGHTS[-1], "ladder": ladder},
        headers=READ_H,
    ).json()["quotes"]
    assert [_num(r["Rec. rate"]) for r in rows] == [q["recommended_rate"] for q in quotes]
    bad = city.get("/workspace/networks/city", params={"ladder": "300:60:5"}, headers=READ_H)
    assert bad.status_code == 200 and 'data-field="ladder"' in bad.text


def test_names_are_escaped(sqlite_url):
    evil = '<img src=x onerror="alert(1)">'
    net = {
        "resources": [{"id": evil, "capacity": 3}, {"id": "leg-2", "capacity": 3}],
        "products": [
            {
                "id": '"><script>alert(2)</script>',
                "resources": [evil],
                "price": 100.0,
                "segment": "</script><b>s</b>",
            },
        ],
        "segments": [{"id": "</script><b>s</b>"}],
    }
    with make_client(sqlite_url) as c:
        assert c.put("/v1/networks/evil", json=net, headers=ADMIN_H).status_code == 201
        fc = {"demand": [{"product": '"><script>alert(2)</script>', "mean": 5}]}
        assert c.put("/v1/networks/evil/forecast", json=fc, headers=ADMIN_H).is_success
        assert c.post(
            "/v1/networks/evil/optimizations", json={"method": "dlp"}, headers=ADMIN_H
        ).is_success
        pages = [
            c.get("/workspace/home", headers=ADMIN_H).text,
            c.get("/workspace/networks/evil", headers=ADMIN_H).text,
            c.get(
                "/workspace/networks/evil/resources/" + evil.replace("/", "%2F"), headers=ADMIN_H
            ).text,
        ]
        for html in pages:
            assert "<img src=x" not in html and "<script>alert" not in html
            assert "</script><b>" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in pages[1]
        # Inside the chart data the name is an escaped attribute, read back exactly.
        assert _charts(pages[1])["labels"] == [evil, "leg-2"]
        assert pages[2].count("alert(1)") >= 1  # shown, as text


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
    assert _num(rows[SAT]["Bid price"]) == 450.0 and rows[SAT]["_override"]
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
