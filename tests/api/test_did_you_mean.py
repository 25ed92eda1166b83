"""Every strict request body names the field a misspelt key was meant to be."""

import pytest

from .conftest import ADMIN_H, BOOK_H


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "near"),
    [
        ("PUT", "/v1/networks/n2", {"resorces": []}, "resorces", "resources"),
        ("POST", "/v1/networks/hotel/optimizations", {"methd": "dlp"}, "methd", "method"),
        ("POST", "/v1/networks/hotel/evaluate", {"prodcut": "fri-1"}, "prodcut", "product"),
        ("PUT", "/v1/networks/hotel/forecast", {"demnd": []}, "demnd", "demand"),
    ],
)
def test_a_misspelt_key_is_named(hotel, method, path, body, field, near):
    r = hotel.request(method, path, json=body, headers=ADMIN_H)
    assert r.status_code == 422, r.text
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert errors[field] == f"unknown field; did you mean '{near}'?"


def test_a_key_like_no_field_is_just_unknown(hotel):
    r = hotel.post("/v1/networks/hotel/evaluate", json={"zzzz": 1}, headers=BOOK_H)
    assert r.status_code == 422
    assert {e["field"]: e["message"] for e in r.json()["errors"]}["zzzz"] == "unknown field"
