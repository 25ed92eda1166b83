"""Group quotes: displacement by re-solving the DLP, checked against a hand-worked hotel."""

import math

import numpy as np
import pandas as pd
import pytest

from yieldopt.errors import InputError
from yieldopt.model import Network
from yieldopt.optimize._groups import GroupRequest, group_quote
from yieldopt.optimize._network_lp import dlp

# A 10-room hotel, Tue 2026-12-01 .. Sat 2026-12-05, one room type "std/<date>".
# Every product is a one-night stay, so the DLP separates by night: fill each night
# by value. Corporate (Tue-Thu) has a +20 segment adjustment (ancillary 30 − cost 10),
# so its value is price + 20; leisure (Fri, Sat) and discount have none.
#
#   night   full rate       discount 90   DLP(10)              DLP(6)            4 rooms   bid
#           value × demand  × demand                                               displace  price
#   Tue 01  200 × 8         × 5           1600 + 2·90 = 1780   6·200 = 1200      580       90
#   Wed 02  200 × 9         × 5           1800 + 1·90 = 1890   6·200 = 1200      690       90
#   Thu 03  180 × 6         × 5           1080 + 4·90 = 1440   6·180 = 1080      360       90
#   Fri 04  120 × 4         × 3            480 + 3·90 =  750   480 + 2·90 = 660   90        0
#   Sat 05  140 × 7         × 4            980 + 3·90 = 1250   6·140 = 840       410       90
#
# Friday's bid price is 0 because 3 of its rooms stay empty.
#
# DLP(full) = 1780 + 1890 + 1440 + 750 + 1250 = 7110.
NIGHTS = [f"2026-12-0{d}" for d in range(1, 6)]
FULL = {  # night -> (product kind, price, segment, demand)
    NIGHTS[0]: ("corp", 180.0, "corporate", 8),
    NIGHTS[1]: ("corp", 180.0, "corporate", 9),
    NIGHTS[2]: ("corp", 160.0, "corporate", 6),
    NIGHTS[3]: ("leisure", 120.0, None, 4),
    NIGHTS[4]: ("leisure", 140.0, None, 7),
}
DISCOUNT = dict(zip(NIGHTS, [5, 5, 5, 3, 4], strict=True))


def _hotel():
    resources = [{"id": f"std/{n}", "capacity": 10} for n in NIGHTS]
    products, demand = [], {}
    for n, (kind, price, segment, d) in FULL.items():
        products.append(
            {"id": f"{kind}/{n}", "resources": [f"std/{n}"], "price": price, "segment": segment}
        )
        products.append({"id": f"disc/{n}", "resources": [f"std/{n}"], "price": 90.0})
        demand[f"{kind}/{n}"], demand[f"disc/{n}"] = d, DISCOUNT[n]
    segments = [{"id": "corporate", "ancillary": 30.0, "cost_to_serve": 10.0}]
    return Network.from_records(resources, products, segments), demand


# The group: 4 rooms Thu + Fri at 100 per room-night, 150 of F&B, 20 cost per room-night.
#   group value = (100 − 20)·8 + 150 = 790
#   displaced   = 360 (Thu) + 90 (Fri) = 450            -> accept, margin 340
#   break-even  = (450 − 150)/8 + 20 = 57.5 per room-night
# Date shifts within ±3 days where both nights exist (11-30 and 12-06 do not):
#   −2 Tue+Wed: 580 + 690 = 1270, break-even (1270−150)/8 + 20 = 160   -> reject
#   −1 Wed+Thu: 690 + 360 = 1050, break-even 132.5                      -> reject
#   +1 Fri+Sat:  90 + 410 =  500, break-even 63.75                      -> accept
# Explicit alternative, 3 rooms Fri + 3 Sat: Fri keeps 7 rooms for 7 guests (0 displaced),
# Sat keeps 7 for the 7 leisure guests (displaces 3 discount rooms, 270):
#   270, group value 80·6 + 150 = 630, break-even (270−150)/6 + 20 = 40  -> accept
REQUEST = GroupRequest(
    units={"std/2026-12-03": 4, "std/2026-12-04": 4},
    rate=100.0,
    ancillary=150.0,
    cost_to_serve=20.0,
    alternatives=({"std/2026-12-04": 3, "std/2026-12-05": 3},),
)


@pytest.fixture(scope="module")
def quote():
    network, demand = _hotel()
    return group_quote(network, demand, REQUEST)


def test_hand_worked_displacement(quote):
    assert quote.fits and quote.reason == ""
    assert quote.objective == pytest.approx(7110.0)
    assert quote.objective_reduced == pytest.approx(7110.0 - 450.0)
    assert quote.displaced_value == pytest.approx(450.0)
    assert quote.group_value == pytest.approx(790.0)
    assert quote.break_even_rate == pytest.approx(57.5)
    assert quote.accept and quote.decision == "accept"
    assert quote.margin == pytest.approx(340.0)


def test_break_even_rate_is_the_threshold():
    network, demand = _hotel()
    at = group_quote(network, demand, {**_record(), "rate": 57.5}, shift_days=0)
    below = group_quote(network, demand, {**_record(), "rate": 57.0}, shift_days=0)
    assert at.accept and at.margin == pytest.approx(0.0, abs=1e-6)
    assert not below.accept and below.margin == pytest.approx(-4.0)  # 0.5 · 8 room-nights


def test_alternate_dates_ranked_by_displacement(quote):
    alt = quote.alternatives
    assert list(alt["label"]) == ["alternative 0", "requested", "+1 day", "-1 day", "-2 days"]
    assert list(alt["shift_days"].astype("float").fillna(-99)) == [-99, 0, 1, -1, -2]
    assert alt["displaced_value"].tolist() == pytest.approx([270, 450, 500, 1050, 1270])
    assert alt["break_even_rate"].tolist() == pytest.approx([40, 57.5, 63.75, 132.5, 160])
    assert alt["group_value"].tolist() == pytest.approx([630, 790, 790, 790, 790])
    assert list(alt["decision"]) == ["accept", "accept", "accept", "reject", "reject"]
    assert alt.loc[2, "resources"] == ("std/2026-12-04", "std/2026-12-05")
    assert alt.loc[0, "units"] == {"std/2026-12-04": 3.0, "std/2026-12-05": 3.0}


def test_bid_price_estimate_underestimates_displacement(quote):
    # Friday has 3 empty rooms, so its bid price is 0, but the group takes 4: the 4th
    # room pushes out a 90 discount guest. Bid prices only price the first unit
    # (they are marginal values); re-solving sees the whole block:
    #   bid-price estimate 4·90 + 4·0 = 360  <  re-solved displacement 450.
    assert quote.bid_prices["std/2026-12-04"] == pytest.approx(0.0)
    assert quote.bid_price_displacement == pytest.approx(360.0)
    assert quote.displaced_value - quote.bid_price_displacement == pytest.approx(90.0)
    # The LP optimum is concave in capacity, so the estimate is a lower bound everywhere.
    alt = quote.alternatives
    assert np.all(alt["bid_price_displacement"] <= alt["displaced_value"] + 1e-6)


def test_group_that_does_not_fit_is_rejected_without_error():
    network, demand = _hotel()
    q = group_quote(network, demand, {"units": {"std/2026-12-03": 12}, "rate": 500.0})
    assert not q.fits and not q.accept and q.decision == "reject"
    assert math.isnan(q.displaced_value) and math.isnan(q.break_even_rate)
    assert "std/2026-12-03 needs 12 units, capacity 10" in q.reason
    assert not q.alternatives["fits"].any()


def test_alternate_dates_that_fit_rank_before_the_request_that_does_not():
    # Only 3 rooms left on Thursday: the request (4 rooms Thu+Fri) and the -1 day shift
    # (Wed+Thu) cannot be placed; +1 (Fri+Sat) and -2 (Tue+Wed) still can.
    network, demand = _hotel()
    q = group_quote(network, demand, REQUEST, capacity={"std/2026-12-03": 3})
    assert not q.fits and q.decision == "reject"
    alt = q.alternatives
    assert list(alt["fits"]) == [True, True, True, False, False]
    assert list(alt["label"]) == ["alternative 0", "+1 day", "-2 days", "requested", "-1 day"]
    assert alt["displaced_value"][:3].tolist() == pytest.approx([270.0, 500.0, 1270.0])
    assert alt["decision"][3:].eq("reject").all() and alt["displaced_value"][3:].isna().all()


def test_shift_keeps_the_units_pattern_and_undated_resources():
    network = Network.from_records(
        [{"id": f"std/{n}", "capacity": 40} for n in NIGHTS] + [{"id": "ballroom", "capacity": 1}],
        [{"id": "bar", "resources": ["std/2026-12-02"], "price": 100.0}],
    )
    units = {"std/2026-12-01": 30, "std/2026-12-02": 25, "ballroom": 1}
    q = group_quote(network, {"bar": 5}, GroupRequest(units=units, rate=80.0), shift_days=1)
    plus = q.alternatives.set_index("label").loc["+1 day", "units"]
    assert plus == {"std/2026-12-02": 30.0, "std/2026-12-03": 25.0, "ballroom": 1.0}
    assert "-1 day" not in set(q.alternatives["label"])  # 2026-11-30 does not exist


def test_undated_ids_give_no_shifts():
    network = Network.from_records(
        [{"id": "mon", "capacity": 5}], [{"id": "p", "resources": ["mon"], "price": 50.0}]
    )
    q = group_quote(network, {"p": 8}, GroupRequest(units={"mon": 2}, rate=40.0))
    assert list(q.alternatives["label"]) == ["requested"]
    assert q.displaced_value == pytest.approx(100.0) and not q.accept  # 2·50 > 2·40


def test_matches_two_explicit_dlp_solves():
    network, demand = _hotel()
    q = group_quote(network, demand, REQUEST, shift_days=0, solver="highs")
    cap = dict(zip(network.resource_ids, network.capacity, strict=True))
    for rid, k in REQUEST.units.items():
        cap[rid] -= k
    expected = dlp(network, demand).objective - dlp(network, demand, capacity=cap).objective
    assert q.displaced_value == pytest.approx(expected)


def _record():
    return {
        "units": [
            {"resource": "std/2026-12-03", "units": 4},
            {"resource": "std/2026-12-04", "units": 4},
        ],
        "rate": 100,
        "ancillary": 150,
        "cost_to_serve": 20,
        "alternatives": [{"std/2026-12-04": 3, "std/2026-12-05": 3}],
    }


def test_from_record_accepts_records_and_mappings():
    assert GroupRequest.from_record(_record()) == REQUEST
    assert hash(GroupRequest.from_record(_record())) == hash(REQUEST)
    minimal = GroupRequest.from_record({"units": {"std/2026-12-03": 2, "x": 0}, "rate": 10})
    assert minimal.units == {"std/2026-12-03": 2.0}  # zero entries dropped
    assert minimal.ancillary == 0.0 and minimal.alternatives == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"units": {"std/2026-12-03": -1}}, "units['std/2026-12-03']"),
        ({"units": {"std/2026-12-03": float("inf")}}, "units['std/2026-12-03']"),
        ({"units": {}}, "units"),
        ({"units": "std/2026-12-03"}, "units"),
        ({"rate": -5.0}, "rate"),
        ({"rate": float("nan")}, "rate"),
        ({"ancillary": float("inf")}, "ancillary"),
        ({"cost_to_serve": "abc"}, "cost_to_serve"),
        ({"alternatives": [{"std/2026-12-04": -2}]}, "alternatives[0]['std/2026-12-04']"),
        ({"alternatives": {"std/2026-12-04": 2}}, "alternatives"),
    ],
)
def test_bad_request_names_the_field(kwargs, field):
    args = {"units": {"std/2026-12-03": 4}, "rate": 100.0, **kwargs}
    with pytest.raises(InputError) as err:
        GroupRequest(**args)
    assert err.value.field == field
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"units": {"std/2026-12-03": 4}}, "rate"),
        ({"rate": 100}, "units"),
        ({"units": {"std/2026-12-03": 4}, "rate": 100, "price": 3}, "price"),
        ({"units": [{"resource": "std/2026-12-03"}], "rate": 100}, "units[0]"),
    ],
)
def test_bad_record_names_the_field(record, field):
    with pytest.raises(InputError) as err:
        GroupRequest.from_record(record)
    assert err.value.field == field


def test_unknown_resources_and_bad_arguments_name_the_field():
    network, demand = _hotel()
    cases = [
        ({"units": {"std/2026-12-09": 4}, "rate": 100}, {}, "units"),
        ({**_record(), "alternatives": [{"suite/2026-12-04": 1}]}, {}, "alternatives[0]"),
        (_record(), {"shift_days": -1}, "shift_days"),
        (_record(), {"shift_days": 1.5}, "shift_days"),
    ]
    for record, kwargs, field in cases:
        with pytest.raises(InputError) as err:
            group_quote(network, demand, record, **kwargs)
        assert err.value.field == field
    with pytest.raises(InputError) as err:
        group_quote(network, {"nope": 1}, _record())
    assert err.value.field == "demand"


def test_frame_columns(quote):
    assert list(quote.alternatives.columns) == [
        "label",
        "shift_days",
        "resources",
        "units",
        "total_units",
        "fits",
        "displaced_value",
        "bid_price_displacement",
        "group_value",
        "break_even_rate",
        "margin",
        "accept",
        "decision",
    ]
    assert isinstance(quote.bid_prices, pd.Series)
