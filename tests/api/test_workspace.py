"""The workspace's fragments in-process: keys and roles, the grid against the API, forms.

The numbers each page shows are checked against the HTTP API's own answers for the
same network (``GET …/controls``, ``…/decisions``, ``POST …/price-quotes``,
``…/group-quotes``) or against a hand calculation.
"""

from __future__ import annotations

import re

import pytest

from . import workspace_support
from .conftest import ADMIN_H, BOOK_H, READ_H, make_client
from .test_cycle_endpoints import NIGHTS
from .workspace_support import FRI, SAT, SAT_URL, SUN, charts, grid_rows, num, page_facts

# The fixtures, bound in this module so pytest finds them.
ws = workspace_support.ws
city = workspace_support.city


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
    assert [num(r["Forecast"]) for r in rows] == [17.0, 49.0, 19.0]
    # Occupancy forecast: nothing sold, min(forecast, 20 rooms).
    assert [num(r["Occ. forecast"]) for r in rows] == [17.0, 20.0, 19.0]
    for r in rows:
        assert num(r["Bid price"]) == pytest.approx(ds["bid_prices"][r["_resource"]], abs=1e-9)
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
        assert num(r["Forecast"]) == pytest.approx(c["forecast_remaining"], rel=1e-12)
        assert num(r["Occ. forecast"]) == pytest.approx(c["forecast_occupancy"], rel=1e-12)
        assert num(r["Bid price"]) == pytest.approx(c["bid_price"], rel=1e-12, abs=1e-12)
        assert int(r["Authorized"]) == c["authorized"]
        assert num(r["MinLOS"]) == c["min_los"]
        assert (r["CTA"] == "yes") == bool(c["closed_to_arrival"])
        assert r["Rec. rate"] == ""  # no ladder given: a dash
    # The charts' data is JSON in an attribute (no script in a fragment).
    assert "<script" not in html
    data = charts(html)
    assert len(data["occupancy"]["x"]) == len(NIGHTS)
    assert data["occupancy"]["capacity"] == [float(c["capacity"]) for c in api]
    assert data["bid"]["series"]["all"] == [round(c["bid_price"], 4) for c in api]
    # The pace comes apart (after the grid): this year's rooms on the books by days before
    # arrival are the cycle's on-the-books of those nights (no service bookings here).
    assert 'hx-get="/workspace/networks/city/pace"' in html
    pace = charts(city.get("/workspace/networks/city/pace", headers=READ_H).text)["pace"]
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
    assert [num(r["Rec. rate"]) for r in rows] == [q["recommended_rate"] for q in quotes]
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
        assert charts(pages[1])["labels"] == [evil, "leg-2"]
        assert pages[2].count("alert(1)") >= 1  # shown, as text


def test_serve_says_where_the_workspace_is(sqlite_url):
    from .server import Server

    srv = Server(sqlite_url).start()
    srv.stop()
    text = srv.log.read_text()
    srv.log.unlink(missing_ok=True)
    assert (
        f"workspace: http://127.0.0.1:{srv.port}/   API docs: http://127.0.0.1:{srv.port}/docs"
        in text
    )


def test_cycle_pictures_count_the_services_bookings(city):
    # Three rooms booked through the service on one night: the grid's on-the-books
    # counts them (night_controls), and so must the pace chart and the night's forecast.
    inventory = city.get("/v1/networks/city/inventory", headers=READ_H).json()
    k, night = next(
        (k, n)
        for k, n in enumerate(NIGHTS)
        for row in inventory
        if row["resource"] == f"night/{n}" and row["available"] >= 3
    )
    before = city.get(
        "/v1/networks/city/controls", params={"from": night, "to": night}, headers=READ_H
    ).json()["controls"][0]
    r = city.post(
        "/v1/networks/city/bookings",
        json={"product": f"{night}/1n", "quantity": 3, "price": 1_000.0},
        headers=ADMIN_H,
    )
    assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    api = city.get(
        "/v1/networks/city/controls",
        params={"from": NIGHTS[0], "to": NIGHTS[-1]},
        headers=READ_H,
    ).json()["controls"]
    assert api[k]["on_the_books"] == before["on_the_books"] + 3
    pace = charts(city.get("/workspace/networks/city/pace", headers=READ_H).text)["pace"]
    assert pace["rooms"] == [c["on_the_books"] for c in api]
    # The night's forecast by segment adds up to the grid's forecast still to come.
    html = city.get(f"/workspace/networks/city/resources/night%2F{night}", headers=READ_H).text
    seg = re.search(r'id="segments".*?<tbody>(.*?)</tbody>', html, re.S)[1]
    cells = [float(v) for v in re.findall(r'<td class="n">([^<]*)</td>', seg)]
    assert sum(cells) == pytest.approx(api[k]["forecast_remaining"], abs=0.05 * len(cells))
