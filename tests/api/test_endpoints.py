"""The HTTP API in-process: flows, status codes, problem+json naming the field."""

import json
import sqlite3
import time

import pytest
import sqlalchemy as sa

from yieldopt.store import Store
from yieldopt_api.main import create_app
from yieldopt_api.settings import Settings

from .conftest import ADMIN_H, BOOK_H, FORECAST, HOTEL, READ_H, TestClient
from .server import KEYS, auth

N = "/v1/networks/hotel"


def problem(r, status, field=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    if field is not None:
        assert body["field"] == field, body
        assert field in [e["field"] for e in body["errors"]]
    return body


def inventory(client):
    return {r["resource"]: r for r in client.get(f"{N}/inventory", headers=READ_H).json()}


def test_network_forecast_round_trip(hotel):
    r = hotel.get(N, headers=READ_H)
    assert r.status_code == 200 and r.json()["revision"] == 1
    assert [p["id"] for p in r.json()["products"]] == [p["id"] for p in HOTEL["products"]]
    r = hotel.put(N, json=HOTEL, headers=ADMIN_H)
    assert r.status_code == 200 and r.json()["revision"] == 2
    fc = hotel.get(f"{N}/forecast", headers=READ_H).json()
    assert fc["revision"] == 1 and len(fc["demand"]) == len(FORECAST["demand"])
    assert hotel.get("/v1/networks", headers=READ_H).json() == ["hotel"]


def test_optimize_publishes_versioned_decisions(hotel):
    body = {
        "method": "dlp",
        "overbooking": {"show_prob": 0.9, "denied_cost": 300, "spoilage_cost": 100},
    }
    r = hotel.post(f"{N}/optimizations", json=body, headers=ADMIN_H)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["run"]["status"] == "succeeded" and r.headers["location"].endswith(out["run"]["id"])
    ds = out["decisions"]
    assert ds["version"] == 1 and ds["control"] == "bid-price"
    assert ds["bid_prices"]["std/2026-12-05"] == pytest.approx(200.0)
    assert set(ds["authorized"].values()) == {21}
    assert {m["arrival"]: m["min_los"] for m in ds["min_los"]}["2026-12-05"] == 2
    assert {r["resource"]: r["authorized"] for r in inventory(hotel).values()} == ds["authorized"]
    r = hotel.post(f"{N}/optimizations", json={"method": "davn"}, headers=ADMIN_H)
    assert r.json()["decisions"]["version"] == 2 and r.json()["decisions"]["booking_limits"]
    assert hotel.get(f"{N}/decisions", headers=READ_H).json()["version"] == 2
    assert hotel.get(f"{N}/decisions/1", headers=READ_H).json()["method"] == "dlp"
    problem(hotel.get(f"{N}/decisions/9", headers=READ_H), 404)
    run = hotel.get(f"{N}/optimizations/{out['run']['id']}", headers=READ_H).json()
    assert run["decisions"]["version"] == 1


def test_large_runs_answer_202_and_are_polled(hotel):
    r = hotel.post(
        f"{N}/optimizations",
        json={"method": "rlp", "samples": 5, "background": True},
        headers=ADMIN_H,
    )
    assert r.status_code == 202 and r.json()["decisions"] is None
    location = r.headers["location"]
    for _ in range(200):
        polled = hotel.get(location, headers=READ_H).json()
        if polled["run"]["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert polled["run"]["status"] == "succeeded" and polled["decisions"]["method"] == "rlp"


def test_size_threshold_sends_runs_to_the_background(sqlite_url):
    from .conftest import make_client

    with make_client(sqlite_url, sync_max_work=10) as c:
        c.put(N, json=HOTEL, headers=ADMIN_H)
        c.put(f"{N}/forecast", json=FORECAST, headers=ADMIN_H)
        assert (
            c.post(f"{N}/optimizations", json={"method": "dlp"}, headers=ADMIN_H).status_code == 201
        )
        assert (
            c.post(f"{N}/optimizations", json={"method": "rlp"}, headers=ADMIN_H).status_code == 202
        )


def test_optimize_without_forecast_is_409(client):
    client.put(N, json=HOTEL, headers=ADMIN_H)
    problem(client.post(f"{N}/optimizations", json={}, headers=ADMIN_H), 409)


def test_evaluate_book_cancel_inventory(hotel):
    hotel.post(f"{N}/optimizations", json={"method": "dlp"}, headers=ADMIN_H)
    r = hotel.post(f"{N}/evaluate", json={"product": "sat-1"}, headers=READ_H)
    ev = r.json()
    assert r.status_code == 200 and ev["accepted"] is False and ev["reason"] == "bid_price"
    assert (ev["bid_price_total"], ev["margin"], ev["decision_version"]) == (200.0, -100.0, 1)
    ev = hotel.post(
        f"{N}/evaluate", json={"product": "sat-2", "quantity": 2}, headers=READ_H
    ).json()
    assert ev["accepted"] and ev["margin"] == pytest.approx(20.0)
    assert all(row["sold"] == 0 for row in inventory(hotel).values())  # evaluate wrote nothing

    key = {"Idempotency-Key": "order-77", **BOOK_H}
    r = hotel.post(f"{N}/bookings", json={"product": "sat-2", "quantity": 2}, headers=key)
    b = r.json()
    assert r.status_code == 201 and b["accepted"] and b["booking_id"] and b["decision_version"] == 1
    assert r.headers["location"].endswith(b["booking_id"])
    again = hotel.post(f"{N}/bookings", json={"product": "sat-2", "quantity": 2}, headers=key)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == b
    inv = inventory(hotel)
    assert inv["std/2026-12-05"] == {
        "resource": "std/2026-12-05",
        "capacity": 20,
        "authorized": 20,
        "sold": 2,
        "available": 18,
    }
    rej = hotel.post(f"{N}/bookings", json={"product": "sat-1"}, headers=BOOK_H)
    assert rej.status_code == 200 and rej.json()["accepted"] is False
    assert rej.json()["booking_id"] is None and rej.json()["reason"] == "bid_price"

    url = f"{N}/bookings/{b['booking_id']}"
    assert hotel.get(url, headers=READ_H).json()["status"] == "confirmed"
    first = hotel.delete(url, headers=BOOK_H)
    second = hotel.delete(url, headers=BOOK_H)
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "cancelled"
    assert second.headers["idempotent-replayed"] == "true"
    assert inventory(hotel)["std/2026-12-05"]["sold"] == 0
    listed = hotel.get(f"{N}/bookings", params={"status": "cancelled"}, headers=READ_H).json()
    assert listed["total"] == 1 and listed["bookings"][0]["booking_id"] == b["booking_id"]
    problem(hotel.get(f"{N}/bookings/{'0' * 32}", headers=READ_H), 404)
    problem(hotel.delete(f"{N}/bookings/{'0' * 32}", headers=BOOK_H), 404)


def test_idempotency_key_reused_for_another_request(hotel):
    key = {"Idempotency-Key": "k-1", **BOOK_H}
    hotel.post(f"{N}/bookings", json={"product": "sat-2"}, headers=key)
    body = problem(hotel.post(f"{N}/bookings", json={"product": "sun-1"}, headers=key), 422)
    assert body["field"] == "Idempotency-Key"
    problem(
        hotel.post(
            f"{N}/bookings", json={"product": "sun-1"}, headers={"Idempotency-Key": "a b", **BOOK_H}
        ),
        422,
        "Idempotency-Key",
    )


def test_capacity_below_sold_is_409(hotel):
    hotel.post(f"{N}/bookings", json={"product": "sat-1", "quantity": 5}, headers=BOOK_H)
    lower = json.loads(json.dumps(HOTEL))
    lower["resources"][1]["capacity"] = 4
    body = problem(hotel.put(N, json=lower, headers=ADMIN_H), 409, "resources[1].capacity")
    assert "5 sold" in body["detail"]
    assert hotel.get(N, headers=READ_H).json()["revision"] == 1


def test_group_quote(hotel):
    quote = {
        "units": {"std/2026-12-04": 10, "std/2026-12-05": 10},
        "rate": 95.0,
        "ancillary": 400.0,
        "cost_to_serve": 15.0,
    }
    r = hotel.post(f"{N}/group-quotes", json=quote, headers=READ_H)
    assert r.status_code == 200, r.text
    q = r.json()
    assert q["decision"] == "reject" and q["displaced_value"] == pytest.approx(2180.0)
    assert any(a["label"] == "+1 day" for a in q["alternatives"])
    listed = {**quote, "units": [{"resource": "std/2026-12-04", "units": 10}]}
    assert hotel.post(f"{N}/group-quotes", json=listed, headers=READ_H).status_code == 200
    bad = {**quote, "units": {"nope": 1}}
    problem(hotel.post(f"{N}/group-quotes", json=bad, headers=READ_H), 422)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"resources": [{"id": "a", "capacity": -1}]}, "resources[0].capacity"),
        ({"resources": [{"id": "a", "capacity": 1.5}]}, "resources[0].capacity"),
        (
            {
                "resources": [{"id": "a", "capacity": 1}],
                "products": [{"id": "p", "resources": ["a"], "price": -3}],
            },
            "products[0].price",
        ),
        (
            {
                "resources": [{"id": "a", "capacity": 1}],
                "products": [{"id": "p", "resources": ["b"], "price": 3}],
            },
            "products[0].resources",
        ),
        (
            {"resources": [{"id": "a", "capacity": 1}, {"id": "a", "capacity": 2}]},
            "resources[1].id",
        ),
        (
            {
                "resources": [{"id": "a", "capacity": 1}],
                "products": [{"id": "p", "resources": ["a"], "price": 3, "segment": "x"}],
            },
            "products[0].segment",
        ),
        ({"resources": [{"id": "a\u0000", "capacity": 1}]}, "resources[0].id"),
        ({"resources": [{"id": "a", "capacity": 1, "colour": "red"}]}, "resources[0].colour"),
        ({"resources": []}, "resources"),
        ({}, "resources"),
    ],
)
def test_bad_networks_are_422_naming_the_field(client, body, field):
    problem(client.put(N, json=body, headers=ADMIN_H), 422, field)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_422(hotel, number):
    raw = f'{{"product": "sat-2", "quantity": 1, "price": {number}}}'
    headers = {**READ_H, "content-type": "application/json"}
    problem(hotel.post(f"{N}/evaluate", content=raw, headers=headers), 422, "price")
    raw = f'{{"demand": [{{"product": "sat-2", "mean": {number}}}]}}'
    problem(
        hotel.put(
            f"{N}/forecast", content=raw, headers={**ADMIN_H, "content-type": "application/json"}
        ),
        422,
        "demand[0].mean",
    )


def test_request_errors_name_the_field(hotel):
    cases = [
        ({"product": "nope"}, "product"),
        ({"product": "sat-2", "quantity": 0}, "quantity"),
        ({"product": "sat-2", "quantity": "2"}, "quantity"),
        ({"product": "sat-2", "price": -1}, "price"),
        ({"quantity": 1}, "product"),
    ]
    for body, field in cases:
        problem(hotel.post(f"{N}/evaluate", json=body, headers=READ_H), 422, field)
        problem(hotel.post(f"{N}/bookings", json=body, headers=BOOK_H), 422, field)
    # Asserting a segment needs the +assert grant (an admin key has it); an unknown one is a 422.
    for path in ("evaluate", "bookings"):
        vip = {"product": "sat-2", "segment": "vip"}
        problem(hotel.post(f"{N}/{path}", json=vip, headers=ADMIN_H), 422, "segment")
    problem(
        hotel.put(
            f"{N}/forecast", json={"demand": [{"product": "zz", "mean": 1}]}, headers=ADMIN_H
        ),
        422,
        "demand[0].product",
    )
    problem(
        hotel.post(f"{N}/optimizations", json={"method": "magic"}, headers=ADMIN_H), 422, "method"
    )
    ob = {"overbooking": {"show_prob": 0, "denied_cost": 1, "spoilage_cost": 1}}
    problem(
        hotel.post(f"{N}/optimizations", json=ob, headers=ADMIN_H), 422, "overbooking.show_prob"
    )
    problem(
        hotel.post(
            f"{N}/evaluate",
            content=b"{not json",
            headers={**READ_H, "content-type": "application/json"},
        ),
        422,
    )


def test_unknown_ids_are_404(client):
    problem(client.get("/v1/networks/nope", headers=READ_H), 404)
    problem(client.post("/v1/networks/nope/evaluate", json={"product": "x"}, headers=READ_H), 404)
    problem(client.post("/v1/networks/nope/bookings", json={"product": "x"}, headers=BOOK_H), 404)
    problem(client.get("/v1/networks/nope/inventory", headers=READ_H), 404)
    problem(client.put("/v1/networks/nope/forecast", json={"demand": []}, headers=ADMIN_H), 404)
    problem(client.get(f"/v1/networks/nope/optimizations/{'a' * 32}", headers=READ_H), 404)
    problem(client.get("/v1/networks/bad%20id", headers=READ_H), 422, "network_id")
    problem(
        client.post("/v1/networks/bad%20id/evaluate", json={"product": "x"}, headers=READ_H),
        422,
        "network_id",
    )
    problem(client.post("/v1/networks/nope/evaluate", json={"product": "x"}), 401)


def test_oversized_payloads_are_413(client):
    big = {"resources": [{"id": f"r{i}", "capacity": 1} for i in range(60_000)]}
    problem(client.put(N, json=big, headers=ADMIN_H), 413)

    def chunks():  # no Content-Length: counted while reading
        yield b'{"resources": ['
        for i in range(40_000):
            yield b'{"id": "r%d", "capacity": 1},' % i
        yield b'{"id": "x", "capacity": 1}]}'

    headers = {**ADMIN_H, "content-type": "application/json"}
    problem(client.put(N, content=chunks(), headers=headers), 413)
    too_many = {"resources": [{"id": f"r{i}", "capacity": 1} for i in range(20_001)]}
    problem(
        client.put(N, json=too_many, headers=ADMIN_H),
        413 if len(json.dumps(too_many)) > 2**20 else 422,
    )


def test_healthz_and_docs(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    assert ("POST", "/v1/networks/{network_id}/evaluate") in ops
    assert ("DELETE", "/v1/networks/{network_id}/bookings/{booking_id}") in ops
    resp = spec["paths"]["/v1/networks/{network_id}/evaluate"]["post"]["responses"]["422"]
    assert "application/problem+json" in resp["content"]


def test_idempotency_keys_are_scoped_per_api_key(sqlite_url):
    other = "another-booking-system-key:book"
    app = create_app(Settings(db_url=sqlite_url, api_keys=f"{KEYS},{other}"))
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.put(N, json=HOTEL, headers=ADMIN_H).status_code == 201
        body = {"product": "sat-2", "quantity": 1}
        mine = c.post(f"{N}/bookings", json=body, headers={**BOOK_H, "Idempotency-Key": "o-1"})
        theirs = c.post(
            f"{N}/bookings",
            json=body,
            headers={**auth(other.split(":")[0]), "Idempotency-Key": "o-1"},
        )
        assert (mine.status_code, theirs.status_code) == (201, 201)
        assert "Idempotent-Replayed" not in theirs.headers
        assert theirs.json()["booking_id"] != mine.json()["booking_id"]
        again = c.post(f"{N}/bookings", json=body, headers={**BOOK_H, "Idempotency-Key": "o-1"})
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["booking_id"] == mine.json()["booking_id"]
        assert inventory(c)["std/2026-12-05"]["sold"] == 2


def test_a_locked_database_is_503_with_retry_after(sqlite_url):
    store = Store.open(sqlite_url, busy_timeout=0.2)
    app = create_app(Settings(db_url=sqlite_url, api_keys=KEYS), store=store)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.put(N, json=HOTEL, headers=ADMIN_H).status_code == 201
        holder = sqlite3.connect(sa.make_url(sqlite_url).database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the lock past the timeout
        try:
            body = {"product": "sat-2", "quantity": 1}
            for r in (
                c.post(f"{N}/bookings", json=body, headers=BOOK_H),
                c.put(N, json=HOTEL, headers=ADMIN_H),
            ):
                problem(r, 503)
                assert int(r.headers["Retry-After"]) >= 1
        finally:
            holder.rollback()
            holder.close()
        assert c.post(f"{N}/bookings", json=body, headers=BOOK_H).status_code == 201
    store.close()


def test_withdrawn_overbooking_shows_negative_availability(hotel):
    ob = {
        "method": "fcfs",
        "overbooking": {"show_prob": 0.9, "denied_cost": 300, "spoilage_cost": 100},
    }
    assert hotel.post(f"{N}/optimizations", json=ob, headers=ADMIN_H).status_code == 201
    r = hotel.post(f"{N}/bookings", json={"product": "sat-1", "quantity": 21}, headers=BOOK_H)
    assert r.status_code == 201
    r = hotel.post(f"{N}/optimizations", json={"method": "fcfs"}, headers=ADMIN_H)
    assert r.status_code == 201
    sat = inventory(hotel)["std/2026-12-05"]
    assert (sat["authorized"], sat["sold"], sat["available"]) == (20, 21, -1)


def test_absurd_overbooking_is_422_saying_why(hotel):
    body = {
        "method": "fcfs",
        "overbooking": {"show_prob": 0.01, "denied_cost": 1, "spoilage_cost": 1000},
    }
    out = problem(hotel.post(f"{N}/optimizations", json=body, headers=ADMIN_H), 422, "overbooking")
    assert "2 × its capacity" in out["detail"]
    assert {r["authorized"] for r in inventory(hotel).values()} == {20}
