"""Overrides over HTTP: admin sets, read lists, evaluate and bookings see them at once,
re-optimizations keep them (the optimizer told), every change audited by key name."""

from __future__ import annotations

import pytest

from yieldopt.cycle import nightly_controls
from yieldopt.ingest import Property, read_reservations
from yieldopt_api.main import create_app
from yieldopt_api.settings import Settings

from .conftest import FORECAST, HOTEL, TestClient
from .server import ADMIN, BOOK, READ, auth
from .test_cycle_endpoints import (
    AS_OF,
    HOTEL_NAME,
    NIGHTS,
    ROOMS,
    SAMPLE,
    city_network,
    import_sample,
)

# Named keys: the audit says who by these names, never by the key.
NAMED = f"{ADMIN}:admin@rm-anna,{BOOK}:book,{READ}:read@night-audit"
ADMIN_H, BOOK_H, READ_H = auth(ADMIN), auth(BOOK), auth(READ)
FRI, SAT, SUN = (r["id"] for r in HOTEL["resources"])
URL = "/v1/networks/hotel"


@pytest.fixture
def api(db_url):
    app = create_app(Settings(db_url=db_url, api_keys=NAMED))
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.put(URL, json=HOTEL, headers=ADMIN_H).status_code == 201
        assert c.put(f"{URL}/forecast", json=FORECAST, headers=ADMIN_H).is_success
        yield c


def optimize(c: TestClient) -> dict:
    r = c.post(f"{URL}/optimizations", json={"method": "dlp"}, headers=ADMIN_H)
    assert r.status_code == 201, r.text
    return r.json()["decisions"]


def put(c: TestClient, resource: str, body: dict, headers=ADMIN_H):
    return c.put(f"{URL}/overrides/{resource}", json=body, headers=headers)


def test_admin_closes_a_night_and_evaluate_and_bookings_see_it_at_once(api):
    before = optimize(api)
    e = api.post(f"{URL}/evaluate", json={"product": "sat-1", "price": 900.0}, headers=ADMIN_H)
    assert e.json()["accepted"]
    r = put(api, SAT, {"closed": True, "reason": "city marathon", "expires_at": "2099-01-01"})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["decision_version"] == before["version"] + 1
    assert (got["resource"], got["closed"], got["set_by"]) == (SAT, True, "rm-anna")
    assert got["expires_at"] == "2099-01-01T00:00:00+00:00"
    for product in ("sat-1", "fri-2", "fri-3", "sat-2"):  # every stay over Saturday
        q = {"product": product, "price": 900.0}  # a price passing any bid price
        e = api.post(f"{URL}/evaluate", json=q, headers=ADMIN_H).json()
        assert (e["accepted"], e["reason"], e["decision_version"]) == (
            False,
            "closed",
            got["decision_version"],
        )
        b = api.post(f"{URL}/bookings", json=q, headers=ADMIN_H)
        assert b.status_code == 200 and b.json()["reason"] == "closed"
    fri = {"product": "fri-1", "price": 900.0}
    assert api.post(f"{URL}/bookings", json=fri, headers=ADMIN_H).status_code == 201
    sold = {r["resource"]: r["sold"] for r in api.get(f"{URL}/inventory", headers=READ_H).json()}
    assert sold == {FRI: 1, SAT: 0, SUN: 0}

    ds = api.get(f"{URL}/decisions", headers=READ_H).json()
    assert ds["version"] == got["decision_version"] and ds["params"]["source"] == "override"
    assert [o["resource"] for o in ds["overrides"]] == [SAT]
    assert ds["optimized"]["bid_prices"] == before["bid_prices"]
    listed = api.get(f"{URL}/overrides", headers=READ_H).json()
    assert listed["decision_version"] == ds["version"]
    assert [o["resource"] for o in listed["overrides"]] == [SAT]

    # A re-optimization keeps it, and the optimizer sold nothing on Saturday.
    again = optimize(api)
    assert again["version"] == ds["version"] + 1 and [
        o["resource"] for o in again["overrides"]
    ] == [SAT]
    for product in ("sat-1", "fri-2", "fri-3", "sat-2"):
        assert again["allocation"][product] == 0.0
    e = api.post(f"{URL}/evaluate", json={"product": "sat-1"}, headers=READ_H).json()
    assert e["reason"] == "closed" and e["decision_version"] == again["version"]

    # Removing it restores the optimized values, in a new version.
    assert api.delete(f"{URL}/overrides/{SAT}", headers=ADMIN_H).status_code == 204
    after = api.get(f"{URL}/decisions", headers=READ_H).json()
    assert after["version"] == again["version"] + 1
    assert after["overrides"] == [] and after["optimized"] is None
    assert after["bid_prices"] == again["optimized"]["bid_prices"]
    assert api.delete(f"{URL}/overrides/{SAT}", headers=ADMIN_H).status_code == 404


def test_bid_price_and_authorized_overrides(api):
    before = optimize(api)
    r = put(api, FRI, {"bid_price": 250.0, "authorized": 2, "reason": "conference"})
    assert r.status_code == 200, r.text
    e = api.post(f"{URL}/evaluate", json={"product": "fri-1"}, headers=READ_H).json()
    assert e["reason"] == "bid_price" and e["bid_price_total"] == 250.0
    e = api.post(f"{URL}/evaluate", json={"product": "fri-3", "price": 1000.0}, headers=ADMIN_H)
    want = 250.0 + before["bid_prices"][SAT] + before["bid_prices"][SUN]
    assert e.json()["bid_price_total"] == pytest.approx(want)
    inv = {r["resource"]: r for r in api.get(f"{URL}/inventory", headers=READ_H).json()}
    assert inv[FRI]["authorized"] == inv[FRI]["available"] == 2
    ok = api.post(
        f"{URL}/bookings", json={"product": "fri-1", "quantity": 2, "price": 300.0}, headers=ADMIN_H
    )
    assert ok.status_code == 201, ok.text
    full = api.post(f"{URL}/bookings", json={"product": "fri-1", "price": 300.0}, headers=ADMIN_H)
    assert full.json()["reason"] == "unavailable"


def test_roles_and_errors(api):
    body = {"closed": True, "reason": "x"}
    for h in (READ_H, BOOK_H):
        assert put(api, SAT, body, headers=h).status_code == 403
        assert api.delete(f"{URL}/overrides/{SAT}", headers=h).status_code == 403
    assert api.get(f"{URL}/overrides", headers=READ_H).json() == {
        "network": "hotel",
        "decision_version": 0,
        "overrides": [],
    }
    assert put(api, "std/2026-12-09", body).status_code == 404
    assert api.put("/v1/networks/nope/overrides/x", json=body, headers=ADMIN_H).status_code == 404
    assert api.get("/v1/networks/nope/overrides", headers=READ_H).status_code == 404
    cases = [
        ({"closd": True, "reason": "x"}, "closd", "did you mean 'closed'?"),
        ({"reason": "x"}, "bid_price", "at least one"),
        ({"closed": True}, "reason", "Field required"),
        ({"bid_price": -5, "reason": "x"}, "bid_price", ""),
        ({"authorized": 1.5, "reason": "x"}, "authorized", ""),
        ({"closed": True, "reason": "x", "expires_at": "2001-01-01"}, "expires_at", "future"),
        ({"closed": True, "reason": "x", "expires_at": "next week"}, "expires_at", "ISO 8601"),
    ]
    for body, field, words in cases:
        r = put(api, SAT, body)
        assert r.status_code == 422, body
        assert r.json()["field"] == field and words in r.json()["detail"], r.json()
    assert api.get(f"{URL}/overrides/audit", headers=READ_H).json()["entries"] == []


def test_audit_names_the_key_never_the_key(api):
    put(api, SAT, {"closed": True, "reason": "marathon"})
    put(api, SAT, {"authorized": 10, "reason": "half the hotel"})
    put(api, FRI, {"bid_price": 99.5, "reason": "event"})
    r = api.delete(f"{URL}/overrides/{SAT}", params={"reason": "over"}, headers=ADMIN_H)
    assert r.status_code == 204
    r = api.get(f"{URL}/overrides/audit", headers=READ_H)
    assert r.status_code == 200
    entries = r.json()["entries"]
    assert [(e["action"], e["resource"], e["who"]) for e in entries] == [
        ("remove", SAT, "rm-anna"),
        ("set", FRI, "rm-anna"),
        ("set", SAT, "rm-anna"),
        ("set", SAT, "rm-anna"),
    ]
    assert [e["decision_version"] for e in entries] == [4, 3, 2, 1]
    assert entries[2]["old"]["closed"] is True and entries[2]["new"]["authorized"] == 10
    assert entries[0]["reason"] == "over" and entries[0]["new"] is None
    assert ADMIN not in r.text and READ not in r.text
    one = api.get(f"{URL}/overrides/audit", params={"resource": FRI}, headers=READ_H).json()
    assert [e["resource"] for e in one["entries"]] == [FRI]
    limited = api.get(f"{URL}/overrides/audit", params={"limit": 1}, headers=READ_H).json()
    assert len(limited["entries"]) == 1


def test_what_if_preview_and_publish(api):
    before = optimize(api)
    r = api.post(f"{URL}/what-if", json={"overbook": {SAT: 5}}, headers=READ_H)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["method"] == "dlp"
    assert out["current"]["authorized"] == before["authorized"]
    assert out["current"]["objective"] == pytest.approx(before["objective"])
    assert out["preview"]["authorized"] == {**before["authorized"], SAT: 25}
    assert out["preview"]["objective"] > out["current"]["objective"]  # Saturday is scarce
    changed = {c["resource"]: c for c in out["changes"]}
    assert changed[SAT]["authorized_before"] == 20 and changed[SAT]["authorized_after"] == 25
    assert api.get(f"{URL}/decisions", headers=READ_H).json()["version"] == before["version"]
    bad = api.post(f"{URL}/what-if", json={"overbok": 2}, headers=READ_H)
    assert bad.status_code == 422 and "did you mean 'overbook'?" in bad.json()["detail"]
    bad = api.post(f"{URL}/what-if", json={"prices": {"nope": 1.0}}, headers=READ_H)
    assert bad.status_code == 422 and bad.json()["field"] == "prices.nope"

    body = {"overbook": {SAT: 5}, "prices": {"sun-1": 120.0}, "reason": "marathon demand"}
    assert api.post(f"{URL}/what-if/publish", json=body, headers=READ_H).status_code == 403
    r = api.post(f"{URL}/what-if/publish", json=body, headers=ADMIN_H)
    assert r.status_code == 200, r.text
    pub = r.json()
    ds = api.get(f"{URL}/decisions", headers=READ_H).json()
    assert pub["decision_version"] == ds["version"] == before["version"] + 2
    assert ds["authorized"][SAT] == 25 and ds["optimized"]["authorized"][SAT] == 20
    assert [o["resource"] for o in pub["overrides"]] == [SAT]
    assert ds["objective"] == pytest.approx(pub["preview"]["preview"]["objective"])
    prices = {p["id"]: p["price"] for p in api.get(URL, headers=READ_H).json()["products"]}
    assert prices["sun-1"] == 120.0
    audit = api.get(f"{URL}/overrides/audit", headers=READ_H).json()["entries"]
    assert (audit[0]["who"], audit[0]["reason"]) == ("rm-anna", "marathon demand")


def test_hotel_cycle_is_told_a_closed_night_and_controls_mark_it(db_url):
    app = create_app(Settings(db_url=db_url, api_keys=NAMED))
    with TestClient(app, raise_server_exceptions=False) as c:
        city = "/v1/networks/city"
        assert c.put(city, json=city_network(), headers=ADMIN_H).status_code == 201
        assert import_sample(c).status_code == 200
        r = c.post(f"{city}/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        open_ = r.json()["decisions"]
        res = read_reservations(SAMPLE, "hotel-booking-demand", property=HOTEL_NAME)
        hotel = Property(name=HOTEL_NAME, capacity=ROOMS, currency="EUR", walk_cost=0.0)
        args = (res.reservations, hotel, AS_OF)
        free = nightly_controls(*args, horizon=21, max_overbooking=0.0).controls
        free = free[free["remaining"] > 0]
        # A night with rooms left and demand for them: closing it costs revenue.
        best = free.loc[free["forecast_remaining"].idxmax(), "night"]
        night = best.strftime("%Y-%m-%d")
        r = c.put(
            f"{city}/overrides/night/{night}", json={"closed": True, "reason": "x"}, headers=ADMIN_H
        )
        assert r.status_code == 200, r.text
        r = c.post(f"{city}/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        ds = r.json()["decisions"]

        # The cycle called directly, that night's rooms left at 0.
        nc = nightly_controls(
            *args,
            horizon=21,
            max_overbooking=0.0,
            remaining={("all", night): 0},
        )
        ref = nc.controls.set_index(nc.controls["night"].dt.strftime("%Y-%m-%d"))
        assert int(ref.loc[night, "remaining"]) == 0
        assert ds["objective"] == pytest.approx(nc.objective, rel=1e-6)
        assert ds["objective"] < open_["objective"] - 1e-6
        for n in NIGHTS:
            assert ds["optimized"]["bid_prices"][f"night/{n}"] == pytest.approx(
                ref.loc[n, "bid_price"], abs=1e-6
            )
        assert [o["resource"] for o in ds["overrides"]] == [f"night/{night}"]
        rows = c.get(
            f"{city}/controls", params={"from": NIGHTS[0], "to": NIGHTS[-1]}, headers=READ_H
        ).json()["controls"]
        marked = {row["night"]: row["override"] for row in rows}
        assert marked[night]["closed"] is True and marked[night]["set_by"] == "rm-anna"
        assert all(v is None for n, v in marked.items() if n != night)
