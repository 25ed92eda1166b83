"""POST /group-quotes with the group's terms: ancillary per unit, attrition, commission."""

import pytest

from .conftest import READ_H

N = "/v1/networks/hotel"
# The README hotel (20 rooms, Fri-Sun): 10 rooms Fri + Sat displace 2,180 (test_endpoints).
BASE = {
    "units": {"std/2026-12-04": 10, "std/2026-12-05": 10},
    "rate": 95.0,
    "ancillary": 400.0,
    "cost_to_serve": 15.0,
}
TERMS = {"ancillary_per_unit": 12.0, "attrition": 0.1, "commission": 0.08}


def _post(client, body):
    return client.post(f"{N}/group-quotes", json=body, headers=READ_H)


def test_terms_enter_value_and_break_even(hotel):
    r = _post(hotel, {**BASE, **TERMS, "shift_days": 0})
    assert r.status_code == 200, r.text
    q = r.json()
    # 20 room-nights held, 18 used: 18·(95·0.92 + 12 − 15) + 400 = 18·84.4 + 400 = 1,919.2
    # against 2,180 displaced (the full block is held) -> reject, margin −260.8.
    assert q["total_units"] == 20 and q["expected_units"] == pytest.approx(18.0)
    assert q["displaced_value"] == pytest.approx(2180.0)
    assert q["group_value"] == pytest.approx(1919.2)
    assert q["margin"] == pytest.approx(-260.8)
    assert q["decision"] == "reject"
    # 18·(0.92 r − 3) + 400 = 2180  ->  r = (1780/18 + 3)/0.92
    assert q["break_even_rate"] == pytest.approx((1780 / 18 + 3) / 0.92)
    at = _post(hotel, {**BASE, **TERMS, "rate": q["break_even_rate"], "shift_days": 0}).json()
    assert at["margin"] == pytest.approx(0.0, abs=1e-6) and at["decision"] == "accept"


def test_without_terms_the_numbers_are_unchanged(hotel):
    plain = _post(hotel, BASE).json()
    zeros = {**BASE, "attrition": 0, "commission": 0.0, "ancillary_per_unit": 0}
    zeros = _post(hotel, zeros).json()
    assert plain == zeros
    assert plain["group_value"] == pytest.approx((95 - 15) * 20 + 400)
    assert plain["break_even_rate"] == pytest.approx(104.0)  # (2180 − 400)/20 + 15
    assert plain["expected_units"] == plain["total_units"] == 20


@pytest.mark.parametrize(
    ("extra", "field", "needle"),
    [
        ({"attrition": 1.0}, "attrition", "less than 1"),
        ({"attrition": -0.1}, "attrition", "greater than or equal to 0"),
        ({"commission": 1.2}, "commission", "less than 1"),
        ({"commission": "0.1"}, "commission", "valid number"),
        ({"ancillary_per_unit": -5}, "ancillary_per_unit", "greater than or equal to 0"),
        ({"atrition": 0.1}, "atrition", "did you mean 'attrition'?"),
        ({"comission": 0.1}, "comission", "did you mean 'commission'?"),
        ({"ancillary_per_room": 5}, "ancillary_per_room", "did you mean 'ancillary_per_unit'?"),
        ({"zzz": 1}, "zzz", "unknown field"),
    ],
)
def test_bad_terms_are_422_naming_the_field(hotel, extra, field, needle):
    r = _post(hotel, {**BASE, **extra})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == field, body
    assert needle in body["detail"], body
