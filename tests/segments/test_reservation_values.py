"""Segment values from reservation exports: hand-built stays, consent, sample and real export."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.ingest import read_reservations
from yieldopt.segments import (
    DEFAULT_ANCILLARY_RATES,
    SEGMENT_VALUE_COLUMNS,
    AncillaryRate,
    reservation_values,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"

COLUMNS = [
    "segment",
    "status",
    "arrival",
    "nights",
    "rooms",
    "guests",
    "rate",
    "ancillary_meal",
    "ancillary_parking",
    "ancillary_spa",
    "is_repeat",
    "consent",
]
# No guest ids (as the shared export): retention from is_repeat shares.
ROWS = [
    # 0 corporate stay: 100*2*1 = 200; meal 10*1 guest*2 n = 20, parking 5*1*2 = 10; cost 20*2 = 40
    ("corporate", "checked_out", "2024-03-01", 2, 1, 1, 100.0, 1, 1, 0.0, True, True),
    # 1 a repeat guest who did not consent: 120*1*2 = 240; spa 30; cost 20*1*2 = 40
    ("corporate", "checked_out", "2024-03-05", 1, 2, 3, 120.0, 0, 0, 30.0, True, "no"),
    # 2 no-show pays its first night 90; no ancillary, no cost
    ("corporate", "no_show", "2024-03-10", 3, 1, 1, 90.0, 1, 1, 0.0, False, True),
    # 3 cancelled: pays nothing here
    ("corporate", "cancelled", "2024-03-12", 2, 1, 1, 150.0, 1, 0, 0.0, True, True),
    # 4 leisure stay: 80*3 = 240; meal 10*2 guests*3 n = 60; cost 20*3 = 60
    ("leisure", "checked_out", "2024-03-02", 3, 1, 2, 80.0, 1, 0, 0.0, False, True),
    # 5 day use (0 nights) pays its rate once: 50; cost 20; consent unknown
    ("leisure", "checked_out", "2024-03-20", 0, 1, 2, 50.0, 0, 0, 0.0, False, None),
    # 6 still to come on the as-of day: not a stay
    ("leisure", "booked", "2024-04-10", 2, 1, 2, 99.0, 1, 0, 0.0, True, True),
    # 7 checks out after the as-of day (2024-03-31): not known yet
    ("leisure", "checked_out", "2024-03-30", 4, 1, 1, 70.0, 0, 0, 0.0, True, True),
    # 8 booked after the as-of day
    ("leisure", "checked_out", "2024-05-01", 1, 1, 1, 60.0, 0, 0, 0.0, False, True),
]
AS_OF = "2024-03-31"
RATES = {
    "ancillary_meal": AncillaryRate(10.0, "guest_night"),
    "ancillary_parking": AncillaryRate(5.0, "night"),
}


def frame(rows=ROWS, **extra) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["property"] = "H"
    df["room_type"] = "A"
    df["booked_at"] = pd.to_datetime(df["arrival"]) - pd.Timedelta(days=20)
    df["cancelled_at"] = np.where(
        df["status"] == "cancelled", df["booked_at"] + pd.Timedelta(days=1), pd.NaT
    )
    for k, v in extra.items():
        df[k] = v
    return df


def value(df: pd.DataFrame, **kw):
    kw = {"as_of": AS_OF, "ancillary_rates": RATES, "cost_to_serve": 20.0, **kw}
    return reservation_values(df, **kw)


def test_hand_computed_contribution_and_counts():
    rv = value(frame())
    v = rv.values
    assert list(v.columns) == list(SEGMENT_VALUE_COLUMNS)
    assert list(v.index) == ["corporate", "leisure"]
    assert v.loc["corporate", "bookings"] == 3  # rows 0, 1, 2
    assert v.loc["leisure", "bookings"] == 2  # rows 4, 5
    corp = v.loc["corporate"]
    assert corp["revenue_per_booking"] == pytest.approx((200 + 240 + 90) / 3)
    assert corp["ancillary_per_booking"] == pytest.approx((30 + 30 + 0) / 3)
    assert corp["cost_per_booking"] == pytest.approx((40 + 40 + 0) / 3)
    assert corp["contribution_per_booking"] == pytest.approx((200 + 240 + 90 + 60 - 80) / 3)
    leis = v.loc["leisure"]
    assert leis["revenue_per_booking"] == pytest.approx((240 + 50) / 2)
    assert leis["ancillary_per_booking"] == pytest.approx(60 / 2)
    assert leis["contribution_per_booking"] == pytest.approx((240 + 60 - 60 + 50 - 20) / 2)
    # Guests: rows 0, 2, 4, 5 valued (missing consent is not a refusal); row 1 only counted.
    assert (rv.guests_valued, rv.guests_counted_only) == (4, 1)
    assert rv.retention_method == "is_repeat"
    # Repeat shares of the valued stays: corporate 1 of rows 0, 2; leisure 0 of rows 4, 5.
    assert corp["retention"] == pytest.approx(0.5)
    assert leis["retention"] == 0.0
    assert corp["base_customers"] == 2 and corp["customers"] == 2
    assert corp["bookings_per_customer"] == 1.0
    # c r / (1 + delta - r) with delta = 10 % a year over a 365-day horizon.
    c = 510 / 3  # = 170
    assert corp["future_value_per_booking"] == pytest.approx(c * 0.5 / (1.1 - 0.5))
    assert corp["value_adjustment"] == pytest.approx(20 - 80 / 3 + c * 0.5 / 0.6)
    assert leis["future_value_per_booking"] == 0.0
    assert rv.as_of == np.datetime64("2024-03-31")
    assert "4 guests valued, 1 only counted" in rv.note
    # the transactions: stay revenue per row as computed above, anonymous ids only
    tx = rv.transactions.set_index("reservation_id")
    assert tx["revenue"].tolist() == [200.0, 240.0, 90.0, 240.0, 50.0]
    assert tx["ancillary_revenue"].tolist() == [30.0, 30.0, 0.0, 60.0, 0.0]
    assert tx["guest_level"].tolist() == [True, False, True, True, True]
    assert tx["customer_id"].str.startswith("anon:").all()


def test_consent_changes_the_guest_level_figure_not_the_segment_revenue():
    with_consent = value(frame()).values
    ignoring = value(frame().drop(columns="consent")).values
    money = ["bookings", "revenue_per_booking", "ancillary_per_booking", "cost_per_booking"]
    money.append("contribution_per_booking")
    pd.testing.assert_frame_equal(with_consent[money], ignoring[money])
    # Counting the non-consenting repeat guest: corporate repeat share 2 of 3.
    assert ignoring.loc["corporate", "retention"] == pytest.approx(2 / 3)
    assert with_consent.loc["corporate", "retention"] == pytest.approx(1 / 2)
    c = 510 / 3
    assert ignoring.loc["corporate", "future_value_per_booking"] == pytest.approx(
        c * (2 / 3) / (1.1 - 2 / 3)
    )
    # require_consent: the stay without a consent answer only counts as well.
    strict = value(frame(), require_consent=True)
    assert (strict.guests_valued, strict.guests_counted_only) == (3, 2)
    pd.testing.assert_frame_equal(strict.values[money], with_consent[money])
    assert strict.values.loc["leisure", "base_customers"] == 1


def test_as_of_cut_changes_nothing_and_no_as_of_takes_every_stay():
    df = frame()
    cut = df[pd.to_datetime(df["booked_at"]) <= AS_OF]
    a = value(df).values
    b = value(cut).values
    pd.testing.assert_frame_equal(a, b)
    everything = value(df, as_of=None)
    assert len(cut) == len(df) - 1
    assert everything.values.loc["leisure", "bookings"] == 4  # rows 4, 5, 7, 8
    assert everything.as_of == np.datetime64("2024-05-02")


def test_guest_ids_give_retention_over_horizons_with_consent():
    # Horizon 30 days, as of 2024-03-01: period A = Jan 2..Jan 31, period B = Feb 1..Mar 1.
    rows = [
        # customer, segment, departure (1 night), consent
        ("g1", "corporate", "2024-01-02", True),  # A and B: comes back
        ("g1", "corporate", "2024-02-10", True),
        ("g2", "corporate", "2024-01-10", True),  # A only
        ("g3", "corporate", "2024-01-12", True),  # does not consent on one stay ...
        ("g3", "corporate", "2024-02-12", False),  # ... so neither stay is used per guest
        ("g4", "leisure", "2024-01-15", True),  # A only
        (None, "leisure", "2024-02-20", True),  # no guest id: only counted
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "segment", "departure", "consent"])
    df["arrival"] = pd.to_datetime(df["departure"]) - pd.Timedelta(days=1)
    df["booked_at"] = df["arrival"] - pd.Timedelta(days=5)
    df = df.assign(
        property="H", room_type="A", status="checked_out", cancelled_at=None, rate=100.0, guests=1
    )
    kw = {"as_of": "2024-03-01", "horizon_days": 30, "cost_to_serve": 10.0}
    rv = reservation_values(df, **kw)
    v = rv.values
    assert rv.retention_method == "customer_id"
    assert (rv.guests_valued, rv.guests_counted_only) == (3, 2)  # g1 g2 g4; g3 and the anonymous
    assert v.loc["corporate", "bookings"] == 5 and v.loc["leisure", "bookings"] == 2
    assert v.loc["corporate", "contribution_per_booking"] == pytest.approx(90.0)
    assert v.loc["corporate", "customers"] == 2
    assert v.loc["corporate", "retention"] == pytest.approx(1 / 2)  # g1 of g1, g2
    assert v.loc["leisure", "retention"] == 0.0
    delta = 1.1 ** (30 / 365) - 1
    assert v.loc["corporate", "future_value_per_booking"] == pytest.approx(
        90 * 0.5 / (1 + delta - 0.5)
    )
    assert v.loc["corporate", "bookings_per_customer"] == 1.0  # g1 once in B
    assert int(v.loc["corporate", "retention_horizon_days"]) == 30
    ignoring = reservation_values(df.drop(columns="consent"), **kw).values
    assert ignoring.loc["corporate", "retention"] == pytest.approx(2 / 3)  # g1, g3 of g1 g2 g3
    pd.testing.assert_series_equal(
        ignoring["revenue_per_booking"], v["revenue_per_booking"], check_exact=True
    )
    # the transactions never carry a non-consenting guest's id
    assert not rv.transactions["customer_id"].eq("g3").any()


def test_without_any_guest_history_retention_is_unknown():
    df = frame().drop(columns=["is_repeat"])
    with pytest.warns(UserWarning, match="retention is unknown"):
        rv = value(df)
    assert rv.retention_method == "none"
    assert rv.values["retention"].isna().all()
    assert (rv.values["future_value_per_booking"] == 0).all()
    assert (rv.guests_valued, rv.guests_counted_only) == (0, 5)
    assert np.isfinite(rv.values["value_adjustment"]).all()


def test_ancillary_defaults_and_rates():
    # Without rates: board and parking are priced 0 (stated defaults), spa is money per stay.
    rv = reservation_values(frame(), as_of=AS_OF)
    assert DEFAULT_ANCILLARY_RATES["ancillary_meal"].amount == 0.0
    assert rv.values.loc["corporate", "ancillary_per_booking"] == pytest.approx(30 / 3)
    assert "ancillary_meal 0 per guest-night (unpriced)" in rv.note
    # A plain number is money per unit per stay: spa at 2 per unit doubles it.
    rv = reservation_values(frame(), as_of=AS_OF, ancillary_rates={"ancillary_spa": 2.0})
    assert rv.values.loc["corporate", "ancillary_per_booking"] == pytest.approx(60 / 3)
    room_night = {"ancillary_meal": AncillaryRate(10.0, "room_night")}
    rv = reservation_values(frame(), as_of=AS_OF, ancillary_rates=room_night)
    # meal rows: 0 (2 nights, 1 room) 20; 4 (3 nights, 1 room) 30; plus spa 30 on row 1
    assert rv.values.loc["corporate", "ancillary_per_booking"] == pytest.approx(50 / 3)
    assert rv.values.loc["leisure", "ancillary_per_booking"] == pytest.approx(30 / 2)


def test_segment_by_several_columns_and_no_show_nights():
    df = frame(channel=["a", "b", "a", "a", "a", "b", "a", "a", "a"])
    rv = value(df, segment_by=("segment", "channel"), no_show_nights=0)
    assert list(rv.values.index) == ["corporate/a", "corporate/b", "leisure/a", "leisure/b"]
    assert rv.values.loc["corporate/a", "bookings"] == 1  # the no-show is not a booking
    rv = value(df, no_show_nights=5)  # never more than the nights booked: 3 * 90
    assert rv.transactions["revenue"].iloc[2] == 270.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ancillary_rates": {"ancillary_golf": 1.0}}, "ancillary_rates['ancillary_golf']"),
        ({"ancillary_rates": {"ancillary_spa": -1.0}}, "ancillary_rates['ancillary_spa']"),
        ({"cost_to_serve": float("nan")}, "cost_to_serve"),
        ({"segment_by": "tier"}, "segment_by"),
        ({"no_show_nights": -1}, "no_show_nights"),
        ({"as_of": "2024-02-01"}, "as_of"),
        ({"as_of": "01/03/2024"}, "as_of"),
        ({"property": "Other"}, "property"),
        ({"discount_rate": 0.0}, "discount_rate"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(InputError) as exc:
        value(frame(), **kwargs)
    assert exc.value.field == field


def test_several_properties_need_a_choice():
    df = pd.concat([frame(), frame(property="K")], ignore_index=True)
    with pytest.raises(InputError, match="2 properties"):
        value(df)
    assert value(df, property="K").values.loc["corporate", "bookings"] == 3


def test_bundled_sample_gives_finite_values_per_segment():
    res = read_reservations(SAMPLE).reservations
    for hotel in ("City Hotel", "Resort Hotel"):
        rv = reservation_values(res, property=hotel, ancillary_rates=RATES, cost_to_serve=15.0)
        v = rv.values
        assert len(v) >= 5
        assert np.isfinite(v.to_numpy(dtype=np.float64)).all()
        assert (v["retention"].between(0, 1)).all()
        assert rv.guests_valued + rv.guests_counted_only == v["bookings"].sum()
        assert (v["ancillary_per_booking"] > 0).any()
        rv.records  # noqa: B018 - the network's segment records build from it


@pytest.mark.skipif(not REAL.exists(), reason=f"real export not present at {REAL}")
def test_real_export_both_hotels():
    res = read_reservations(REAL).reservations
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # retention from is_repeat: no warning expected
        for hotel in ("City Hotel", "Resort Hotel"):
            rv = reservation_values(res, property=hotel, as_of="2017-08-31")
            v = rv.values
            assert set(v.index) >= {"corporate", "direct", "groups", "online_ta"}
            assert np.isfinite(v.to_numpy(dtype=np.float64)).all()
            assert rv.retention_method == "is_repeat"
            stays = res[(res["property"] == hotel) & res["status"].isin(["checked_out"])]
            assert v["bookings"].sum() >= len(stays[stays["departure"] <= "2017-08-31"])
            print(f"\n{hotel}: {rv.note}")
            print(v[["bookings", "contribution_per_booking", "retention", "value_adjustment"]])


def test_segment_without_valued_guests_gets_the_pooled_retention():
    rows = [
        ("g1", "corporate", "2024-01-02", True),  # A and B
        ("g1", "corporate", "2024-02-10", True),
        ("g2", "corporate", "2024-01-10", True),  # A only
        ("g5", "groups", "2024-01-20", False),  # the only groups guest did not consent
        ("g5", "groups", "2024-02-20", False),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "segment", "departure", "consent"])
    df["arrival"] = pd.to_datetime(df["departure"]) - pd.Timedelta(days=1)
    df["booked_at"] = df["arrival"] - pd.Timedelta(days=5)
    df = df.assign(
        property="H", room_type="A", status="checked_out", cancelled_at=None, rate=100.0, guests=1
    )
    rv = reservation_values(df, as_of="2024-03-01", horizon_days=30)
    v = rv.values
    assert v.loc["groups", "customers"] == 0 and v.loc["groups", "bookings"] == 2
    assert v.loc["groups", "retention"] == pytest.approx(1 / 2)  # pooled: g1 of g1, g2
    assert (rv.guests_valued, rv.guests_counted_only) == (2, 1)
    assert "2 stays of guests who did not consent" in rv.note
