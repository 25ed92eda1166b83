"""The service joins the daily cycle: reservation imports, optimizations from history and
per-night controls, on SQLite and PostgreSQL, checked against the cycle called directly."""

from __future__ import annotations

import datetime as dt
import gzip

import numpy as np
import pandas as pd
import pytest

from yieldopt.cycle import nightly_controls
from yieldopt.ingest import Property, read_reservations

from .conftest import ADMIN_H, BOOK_H, READ_H, make_client
from .server import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
HOTEL_NAME = "City Hotel"
AS_OF = "2025-03-31"
ROOMS = 18
NIGHTS = [(dt.date(2025, 4, 1) + dt.timedelta(days=k)).isoformat() for k in range(21)]
GZIP = {"Content-Type": "application/gzip"}


def city_network(nights: list[str] = NIGHTS) -> dict:
    """Nights as resources (three weeks by default); one- and two-night stays."""
    products = []
    for i, night in enumerate(nights):
        products.append({"id": f"{night}/1n", "resources": [f"night/{night}"], "price": 100.0})
        if i + 1 < len(nights):
            products.append(
                {
                    "id": f"{night}/2n",
                    "resources": [f"night/{night}", f"night/{nights[i + 1]}"],
                    "price": 190.0,
                }
            )
    return {
        "resources": [{"id": f"night/{n}", "capacity": ROOMS} for n in nights],
        "products": products,
    }


@pytest.fixture
def api(db_url):
    with make_client(db_url) as c:
        assert c.put("/v1/networks/city", json=city_network(), headers=ADMIN_H).status_code == 201
        yield c


def import_sample(client):
    return client.post(
        "/v1/networks/city/reservations",
        params={"mapping": "hotel-booking-demand", "property": HOTEL_NAME},
        content=SAMPLE.read_bytes(),
        headers={**ADMIN_H, **GZIP},
    )


def direct(as_of=AS_OF, horizon=21, extra=None):
    """The independent path: the export read by yieldopt.ingest, the cycle called directly."""
    res = read_reservations(SAMPLE, "hotel-booking-demand", property=HOTEL_NAME).reservations
    if extra is not None:
        res = pd.concat([res, pd.DataFrame(extra)], ignore_index=True)
    hotel = Property(name=HOTEL_NAME, capacity=ROOMS, currency="EUR", walk_cost=0.0)
    return nightly_controls(res, hotel, as_of, horizon=horizon, max_overbooking=0.0)


def test_import_optimize_and_controls_match_the_cycle(api):
    r = import_sample(api)
    assert r.status_code == 200, r.text
    out = r.json()
    expected = read_reservations(SAMPLE, "hotel-booking-demand", property=HOTEL_NAME)
    assert out["imported"] == out["added"] == out["stored"] == len(expected.reservations)
    assert out["replaced"] == 0 and out["properties"] == [HOTEL_NAME]
    checks = {q["check"]: q for q in out["quality"]}
    assert set(checks) == set(expected.quality["check"])
    assert {"check", "rows", "action", "example"} <= set(out["quality"][0])
    dup = expected.quality.set_index("check").loc["duplicate_rows"]
    assert checks["duplicate_rows"]["rows"] == int(dup["rows"])

    # No forecast stored: the optimization re-forecasts from the reservations.
    r = api.post("/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
    assert r.status_code == 201, r.text
    ds = r.json()["decisions"]
    cycle = ds["params"]["cycle"]
    assert (cycle["as_of"], cycle["horizon"], cycle["property"]) == (AS_OF, 21, HOTEL_NAME)

    nc = direct()
    ref = nc.controls.set_index(nc.controls["night"].dt.strftime("%Y-%m-%d"))
    assert ds["objective"] == pytest.approx(nc.objective, rel=1e-6)
    for night in NIGHTS:
        assert ds["bid_prices"][f"night/{night}"] == pytest.approx(
            ref.loc[night, "bid_price"], abs=1e-6
        )
        # The service may sell what the cycle authorizes less the export's rooms on the books.
        assert ds["authorized"][f"night/{night}"] == max(
            int(ref.loc[night, "authorized"]) - int(ref.loc[night, "on_the_books"]), 0
        )
    assert max(ds["bid_prices"].values()) > 0  # 18 rooms: some nights are scarce

    r = api.get(
        "/v1/networks/city/controls", params={"from": NIGHTS[0], "to": NIGHTS[6]}, headers=READ_H
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["as_of"] == AS_OF and got["decision_version"] == ds["version"]
    rows = got["controls"]
    assert [row["night"] for row in rows] == NIGHTS[:7]
    for row in rows:
        want = ref.loc[row["night"]]
        for col in ("capacity", "on_the_books", "authorized"):
            assert row[col] == int(want[col]), (row["night"], col)
        for col in ("forecast_remaining", "forecast_remaining_std", "forecast_occupancy"):
            assert row[col] == pytest.approx(float(want[col]), rel=1e-9, abs=1e-9), col
        assert row["bid_price"] == pytest.approx(float(want["bid_price"]), abs=1e-6)
        assert row["closed_to_arrival"] == bool(want["closed_to_arrival"])
        assert row["min_los"] == (None if pd.isna(want["min_los"]) else int(want["min_los"]))


def test_a_service_booking_is_on_the_books(api):
    assert import_sample(api).status_code == 200
    assert api.post(
        "/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H
    ).is_success
    week = {"from": NIGHTS[0], "to": NIGHTS[6]}
    before = api.get("/v1/networks/city/controls", params=week, headers=READ_H).json()
    product = f"{NIGHTS[5]}/2n"  # nights 6 and 7, which have rooms left
    # Asserted above the bid prices (an admin key may), so it is accepted.
    b = api.post(
        "/v1/networks/city/bookings",
        json={"product": product, "quantity": 2, "price": 1000.0},
        headers=ADMIN_H,
    )
    assert b.status_code == 201 and b.json()["accepted"], b.text
    after = api.get("/v1/networks/city/controls", params=week, headers=READ_H).json()
    rise = [
        a["on_the_books"] - p["on_the_books"]
        for p, a in zip(before["controls"], after["controls"], strict=True)
    ]
    assert rise == [0, 0, 0, 0, 0, 2, 2]

    # The next optimization sees the booking too: the cycle on the export plus that
    # reservation (booked on the as-of day) gives the same bid prices.
    extra = {
        "reservation_id": ["svc"],
        "property": [HOTEL_NAME],
        "arrival": [pd.Timestamp(NIGHTS[5])],
        "departure": [pd.Timestamp(NIGHTS[7])],
        "nights": [2],
        "room_type": ["service"],
        "segment": ["service"],
        "booked_at": [pd.Timestamp(AS_OF)],
        "status": ["booked"],
        "cancelled_at": [pd.NaT],
        "rooms": [2],
        "rate": [500.0],
        "guests": [2],
    }
    nc = direct(extra=extra)
    r = api.post("/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
    ds = r.json()["decisions"]
    ref = nc.controls.set_index(nc.controls["night"].dt.strftime("%Y-%m-%d"))
    bids = np.array([ds["bid_prices"][f"night/{n}"] for n in NIGHTS])
    assert bids == pytest.approx(ref.loc[NIGHTS, "bid_price"].to_numpy(), abs=1e-6)
    # The export's own rooms on the books leave the service its share; its 2 sold count apart.
    for n in NIGHTS[5:7]:
        assert ds["authorized"][f"night/{n}"] == max(
            int(ref.loc[n, "authorized"]) - (int(ref.loc[n, "on_the_books"]) - 2), 0
        )


def test_reimport_is_idempotent(api):
    first = import_sample(api).json()
    again = import_sample(api)
    assert again.status_code == 200
    out = again.json()
    assert out["added"] == 0 and out["replaced"] == out["imported"] == first["imported"]
    assert out["stored"] == first["stored"]


def test_json_import_validates_and_replaces_by_id(api):
    rec = {
        "reservation_id": "A-1",
        "property": "Inn",
        "arrival": "2025-04-02",
        "nights": 2,
        "room_type": "std",
        "segment": "direct",
        "booked_at": "2025-03-01",
        "status": "booked",
        "rate": 80.0,
        "guests": 2,
        "ancillary_breakfast": 12.5,
    }
    url = "/v1/networks/city/reservations"
    r = api.post(
        url, json={"reservations": [rec, {**rec, "reservation_id": "A-2"}]}, headers=ADMIN_H
    )
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["stored"], r.json()["quality"]) == (2, 2, [])
    r = api.post(url, json={"reservations": [{**rec, "rooms": 3}]}, headers=ADMIN_H)
    assert (r.json()["added"], r.json()["replaced"], r.json()["stored"]) == (0, 1, 2)

    bad = {**rec, "reservation_id": "A-3", "booked_at": "2025-04-05"}  # after arrival
    r = api.post(url, json={"reservations": [rec, bad]}, headers=ADMIN_H)
    assert r.status_code == 422
    assert r.json()["field"] == "reservations[1].booked_at"
    r = api.post(url, json={"reservations": [rec, rec]}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "reservations[1].reservation_id"
    r = api.post(url, json={"reservations": [{**rec, "arrival": "April 2"}]}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "reservations[0].arrival"
    r = api.post(url, json={"reservations": [{**rec, "colour": "red"}]}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"].startswith("reservations[0]")


def test_contract_csv_without_mapping(api):
    csv = (
        "reservation_id,property,arrival,nights,room_type,segment,booked_at,status,"
        "cancelled_at,rate,guests\n"
        "X1,Inn,2025-04-02,1,std,direct,2025-03-01,booked,,90,1\n"
        "X2,Inn,2025-04-03,0,std,direct,2025-03-02,cancelled,2025-03-05,90,1\n"
    )
    r = api.post(
        "/v1/networks/city/reservations",
        content=csv.encode(),
        headers={**ADMIN_H, "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["imported"] == 2
    checks = {q["check"]: q["rows"] for q in out["quality"]}
    assert checks["zero_nights"] == 1
    # gzip too
    r = api.post(
        "/v1/networks/city/reservations",
        content=gzip.compress(csv.encode()),
        headers={**ADMIN_H, **GZIP},
    )
    assert r.status_code == 200 and r.json()["replaced"] == 2


def test_errors_name_the_field(api):
    url = "/v1/networks/city/reservations"
    r = api.post(
        url,
        params={"mapping": "no-such-mapping"},
        content=SAMPLE.read_bytes(),
        headers={**ADMIN_H, **GZIP},
    )
    assert r.status_code == 422 and r.json()["field"] == "mapping"
    r = api.post(url, content=b"\x1f\x8bnot gzip", headers={**ADMIN_H, **GZIP})
    assert r.status_code == 422 and r.json()["field"] == "body"
    r = api.post(url, content=b"a,b\n1,2\n", headers={**ADMIN_H, "Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["field"] == "body"
    # A body whose delimiter cannot be told (csv.Error in the sniffer) is bad input, not a 500.
    r = api.post(url, content=b"\n\n", headers={**ADMIN_H, "Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["field"] == "body"
    r = api.post(url, content=b"x", headers={**ADMIN_H, "Content-Type": "text/plain"})
    assert r.status_code == 415

    controls = "/v1/networks/city/controls"
    for params, field in (
        ({"from": "2025-13-01", "to": "2025-04-07"}, "from"),
        ({"from": "2025-04-01", "to": "7 April"}, "to"),
        ({"from": "2025-04-07", "to": "2025-04-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-01-01"}, "to"),
        ({"to": "2025-04-07"}, "from"),
    ):
        r = api.get(controls, params=params, headers=READ_H)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["field"] == field, params
        assert r.headers["content-type"].startswith("application/problem+json")

    # Neither forecast nor reservations: a 409 that says what to send.
    r = api.post("/v1/networks/city/optimizations", json={}, headers=ADMIN_H)
    assert r.status_code == 409
    assert "reservations" in r.json()["detail"] and "forecast" in r.json()["detail"]
    r = api.get(controls, params={"from": NIGHTS[0], "to": NIGHTS[1]}, headers=READ_H)
    assert r.status_code == 409
    r = api.post("/v1/networks/city/optimizations", json={"forecast": "later"}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "forecast"
    r = api.post("/v1/networks/city/optimizations", json={"as_of": "31.3.2025"}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "as_of"


def test_optimize_from_history_errors(api):
    assert import_sample(api).status_code == 200
    url = "/v1/networks/city/optimizations"
    r = api.post(url, json={"method": "davn", "forecast": "history"}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "method"
    r = api.post(url, json={"as_of": "2025-04-21"}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "as_of"
    r = api.post(url, json={"as_of": "2019-01-01"}, headers=ADMIN_H)
    assert r.status_code == 422 and r.json()["field"] == "as_of"


def test_not_a_hotel_network(api):
    leg = {"resources": [{"id": "leg", "capacity": 5}], "products": []}
    assert api.put("/v1/networks/leg", json=leg, headers=ADMIN_H).status_code == 201
    r = api.post("/v1/networks/leg/optimizations", json={"forecast": "history"}, headers=ADMIN_H)
    assert r.status_code == 409


def test_roles(api):
    url = "/v1/networks/city/reservations"
    for h in (READ_H, BOOK_H):
        r = api.post(url, content=SAMPLE.read_bytes(), headers={**h, **GZIP})
        assert r.status_code == 403
    assert api.post(url, content=b"", headers=GZIP).status_code == 401
    r = api.get(
        "/v1/networks/nowhere/controls", params={"from": NIGHTS[0], "to": NIGHTS[1]}, headers=READ_H
    )
    assert r.status_code == 404


def test_body_limit_applies(db_url):
    with make_client(db_url, max_body_bytes=65_536) as c:  # the sample is larger
        assert c.put("/v1/networks/city", json=city_network(), headers=ADMIN_H).status_code == 201
        r = import_sample(c)
        assert r.status_code == 413
