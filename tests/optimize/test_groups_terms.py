"""Group quotes with terms: ancillary per unit, attrition and commission, by hand.

The hotel and the request (4 rooms Thu + Fri = 8 room-nights at 100, 150 flat F&B,
20 cost per room-night) are those of ``test_groups``: the re-solved displacement of
the block is 360 (Thu) + 90 (Fri) = 450, and it stays 450 whatever the terms, as the
whole block is held (no wash).
"""

import math

import pytest

from yieldopt.errors import InputError
from yieldopt.optimize._groups import GroupRequest, group_quote

from .test_groups import REQUEST, _hotel

BASE = {
    "units": dict(REQUEST.units),
    "rate": 100.0,
    "ancillary": 150.0,
    "cost_to_serve": 20.0,
}


def _quote(**terms):
    network, demand = _hotel()
    return group_quote(network, demand, {**BASE, **terms}, shift_days=0)


@pytest.mark.parametrize(
    ("terms", "value", "break_even"),
    [
        # No terms: (100 − 20)·8 + 150 = 790; (450 − 150)/8 + 20 = 57.5 (today's numbers).
        ({}, 790.0, 57.5),
        # Attrition 25%: 6 of 8 room-nights used. 6·(100 − 20) + 150 = 630;
        # 6·(r − 20) + 150 = 450  ->  r = 300/6 + 20 = 70.
        ({"attrition": 0.25}, 630.0, 70.0),
        # Commission 10% of the room revenue: 8·(90 − 20) + 150 = 710;
        # 8·(0.9 r − 20) + 150 = 450  ->  0.9 r = 37.5 + 20  ->  r = 63.888…
        ({"commission": 0.1}, 710.0, 57.5 / 0.9),
        # Breakfast 12 per room-night: 8·(100 + 12 − 20) + 150 = 886;
        # 8·(r + 12 − 20) + 150 = 450  ->  r = 37.5 − 12 + 20 = 45.5.
        ({"ancillary_per_unit": 12.0}, 886.0, 45.5),
        # All three: 6·(90 + 12 − 20) + 150 = 6·82 + 150 = 642;
        # 6·(0.9 r − 8) + 150 = 450  ->  0.9 r = 50 + 8  ->  r = 64.444…
        (
            {"attrition": 0.25, "commission": 0.1, "ancillary_per_unit": 12.0},
            642.0,
            58.0 / 0.9,
        ),
    ],
)
def test_value_and_break_even_by_hand(terms, value, break_even):
    q = _quote(**terms)
    assert q.displaced_value == pytest.approx(450.0)  # the full block is held
    assert q.group_value == pytest.approx(value)
    assert q.margin == pytest.approx(value - 450.0)
    assert q.break_even_rate == pytest.approx(break_even)
    assert q.accept == (value >= 450.0)
    assert q.expected_units == pytest.approx(8 * (1 - terms.get("attrition", 0.0)))


@pytest.mark.parametrize(
    "terms",
    [
        {"attrition": 0.25},
        {"commission": 0.1},
        {"ancillary_per_unit": 12.0},
        {"attrition": 0.2, "commission": 0.08, "ancillary_per_unit": 12.0, "ancillary": 0.0},
    ],
)
def test_break_even_rate_plugged_back_gives_the_displacement(terms):
    q = _quote(**terms)
    at = _quote(**terms, rate=q.break_even_rate)
    assert at.group_value == pytest.approx(q.displaced_value, abs=1e-9)
    assert at.margin == pytest.approx(0.0, abs=1e-6) and at.accept
    below = _quote(**terms, rate=q.break_even_rate - 0.01)
    assert not below.accept
    # One cent less per room-night loses (1 − a)·8·(1 − c)·0.01 of value.
    used = 8 * (1 - terms.get("attrition", 0.0)) * (1 - terms.get("commission", 0.0))
    assert below.margin == pytest.approx(-0.01 * used, abs=1e-6)


def test_terms_apply_to_every_alternative():
    network, demand = _hotel()
    terms = {"attrition": 0.25, "commission": 0.1, "ancillary_per_unit": 12.0}
    q = group_quote(network, demand, {**REQUEST.__dict__, **terms})
    alt = q.alternatives.set_index("label")
    # Alternative 0: 3 Fri + 3 Sat = 6 room-nights, displacing 270 (test_groups):
    # 4.5 used · (90 + 12 − 20) + 150 = 519; 4.5·(0.9 r − 8) + 150 = 270 -> r = (120/4.5 + 8)/0.9
    assert alt.loc["alternative 0", "group_value"] == pytest.approx(519.0)
    assert alt.loc["alternative 0", "break_even_rate"] == pytest.approx((120 / 4.5 + 8) / 0.9)
    # +1 day (Fri + Sat, 8 room-nights, 500 displaced): 642 covers it; -1 day (1050) does not.
    assert alt.loc["+1 day", "group_value"] == pytest.approx(642.0)
    assert alt.loc["+1 day", "decision"] == "accept"
    assert alt.loc["-1 day", "decision"] == "reject"


def test_record_and_dataclass_agree_and_defaults_are_zero():
    rec = GroupRequest.from_record({**BASE, "attrition": 0.1, "commission": 0.05})
    direct = GroupRequest(**BASE, attrition=0.1, commission=0.05)
    assert rec == direct and hash(rec) == hash(direct)
    plain = GroupRequest.from_record(BASE)
    assert (plain.attrition, plain.commission, plain.ancillary_per_unit) == (0.0, 0.0, 0.0)
    assert plain != rec


@pytest.mark.parametrize(
    ("terms", "field", "needle"),
    [
        ({"attrition": 1.0}, "attrition", "[0, 1)"),
        ({"attrition": -0.1}, "attrition", "[0, 1)"),
        ({"attrition": math.nan}, "attrition", "[0, 1)"),
        ({"commission": 1.5}, "commission", "[0, 1)"),
        ({"commission": "ten"}, "commission", "must be a number"),
        ({"ancillary_per_unit": -1.0}, "ancillary_per_unit", "non-negative"),
        ({"atrition": 0.1}, "atrition", "did you mean 'attrition'?"),
        ({"comission": 0.1}, "comission", "did you mean 'commission'?"),
    ],
)
def test_bad_terms_name_the_field(terms, field, needle):
    with pytest.raises(InputError) as info:
        GroupRequest.from_record({**BASE, **terms})
    assert info.value.field == field and needle in str(info.value)


def test_tonights_quote_passes_the_terms():
    # yieldopt.cycle.quote_group_for on the tiny hotel of the cycle tests: same
    # displacement with and without terms; 2 rooms × 2 nights, 25% attrition -> 3 used:
    # 3 · (80 · 0.9 + 5 − 4) + 10 = 229.
    from yieldopt.cycle import nightly_controls, quote_group_for

    from ..cycle.test_cycle import AS_OF, HOTEL, tiny

    c = nightly_controls(tiny(), HOTEL, AS_OF, horizon=20)
    plain = quote_group_for(c, "2024-03-12", 2, 2, 80.0, shift_days=0)
    terms = {"ancillary_per_unit": 5.0, "attrition": 0.25, "commission": 0.1}
    q = quote_group_for(
        c, "2024-03-12", 2, 2, 80.0, ancillary=10.0, cost_to_serve=4.0, shift_days=0, **terms
    )
    assert q.displaced_value == pytest.approx(plain.displaced_value)
    assert q.group_value == pytest.approx(229.0)
    assert q.request.attrition == 0.25 and q.request.commission == 0.1
    with pytest.raises(InputError) as err:
        quote_group_for(c, "2024-03-12", 2, 2, 80.0, commission=1.0)
    assert err.value.field == "commission"
