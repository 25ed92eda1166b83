"""The daily cycle: as-of forecast, nightly controls, group quote and backtest."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from yieldopt.cycle import (
    CONTROL_COLUMNS,
    NAIVE_METHODS,
    backtest_occupancy,
    forecast_nights,
    nightly_controls,
    occupancy_errors,
    quote_group_for,
)
from yieldopt.errors import InputError
from yieldopt.ingest import Property, read_reservations
from yieldopt.optimize import overbooking_limit

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
AS_OF = "2024-03-01"
HOTEL = Property(name="Tiny", capacity=3, currency="EUR", walk_cost=300.0)


def tiny() -> pd.DataFrame:
    """A hotel where every arrival of 2024-01-01 .. 03-31 gets the same three reservations.

    A: 1 night booked 10 days ahead; B: the same, cancelled 5 days before arrival;
    C: 2 nights booked 3 days ahead. All at 100 a night, one segment.
    """
    rows = []
    for d in pd.date_range("2024-01-01", "2024-03-31"):
        day = d.strftime("%Y%m%d")
        base = {"property": "Tiny", "arrival": d, "room_type": "A", "segment": "leisure"}
        base |= {"rooms": 1, "rate": 100.0, "guests": 2, "cancelled_at": pd.NaT}
        rows.append(
            base
            | {
                "reservation_id": f"A{day}",
                "nights": 1,
                "booked_at": d - pd.Timedelta(days=10),
                "status": "checked_out",
            }
        )
        rows.append(
            base
            | {
                "reservation_id": f"B{day}",
                "nights": 1,
                "booked_at": d - pd.Timedelta(days=10),
                "status": "cancelled",
                "cancelled_at": d - pd.Timedelta(days=5),
            }
        )
        rows.append(
            base
            | {
                "reservation_id": f"C{day}",
                "nights": 2,
                "booked_at": d - pd.Timedelta(days=3),
                "status": "checked_out",
            }
        )
    return pd.DataFrame(rows)  # fmt: skip


def cut(res: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The export as it stood at the close of ``as_of`` (written independently of the code)."""
    day = pd.Timestamp(as_of)
    out = res[res["booked_at"].dt.normalize() <= day].copy()
    later = out["cancelled_at"].dt.normalize() > day
    out.loc[later, "status"] = "booked"
    out.loc[later, "cancelled_at"] = pd.NaT
    departure = out["arrival"] + pd.to_timedelta(out["nights"], unit="D")
    pending = ((out["status"] == "no_show") & (out["arrival"] > day)) | (
        (out["status"] == "checked_out") & (departure > day)
    )
    out.loc[pending, "status"] = "booked"
    return out


@pytest.fixture(scope="module")
def sample():
    return read_reservations(SAMPLE).reservations


@pytest.fixture(scope="module")
def tiny_fc():
    return forecast_nights(tiny(), HOTEL, AS_OF, horizon=20)


def night(frame: pd.DataFrame, day: str) -> pd.Series:
    return frame.set_index("night").loc[pd.Timestamp(day)]


def test_cancellation_curve_and_no_shows_by_hand(tiny_fc):
    curve = tiny_fc.rates.cancel_curve[-1]
    # Held 6..10 days out: A and B, B cancels later -> 1/2; held 0..5 days out: nobody cancels.
    assert curve[:6] == pytest.approx(0.0)
    assert curve[6:11] == pytest.approx(0.5)
    assert curve[11:] == pytest.approx(0.5)  # beyond the longest lead: the nearest one
    assert tiny_fc.rates.no_show == pytest.approx(0.0)
    assert tiny_fc.rates.avg_rate["rate"].tolist() == [100.0]


def test_far_night_by_hand(tiny_fc):
    # 15 nights out nothing is booked; arrivals that night bring 3 gross rooms (2 of them
    # booked 10 days out, staying with probability 1/2, 1 booked 3 days out) and the
    # arrivals of the night before add their 2-night share (1/3 of rooms) of the same.
    row = night(tiny_fc.nights, "2024-03-16")
    assert row["on_the_books"] == 0
    assert row["gross_remaining"] == pytest.approx(3 + 3 / 3)
    assert row["forecast_remaining"] == pytest.approx(2 + 2 / 3)
    assert row["forecast_occupancy"] == pytest.approx(2 + 2 / 3)


def test_near_night_by_hand(tiny_fc):
    # Night 03-08, 7 days out: A and B of that arrival on the books, each cancelling
    # with probability 1/2; still to come: its C (1 room, staying) and the 2-night
    # share 1/3 of the 03-07 arrival's C.
    row = night(tiny_fc.nights, "2024-03-08")
    assert row["on_the_books"] == 2
    assert row["expected_cancellations"] == pytest.approx(1.0)
    assert row["gross_remaining"] == pytest.approx(1 + 1 / 3)
    assert row["forecast_remaining"] == pytest.approx(1 + 1 / 3)
    assert row["forecast_occupancy"] == pytest.approx(2 - 1 + 4 / 3)
    # Tomorrow: everything is booked already (C 3 days out), nothing is to come.
    tomorrow = night(tiny_fc.nights, "2024-03-02")
    assert tomorrow["gross_remaining"] == 0 and tomorrow["forecast_remaining_std"] == 0
    f = tiny_fc.nights
    identity = f["on_the_books"] - f["expected_cancellations"] + f["forecast_remaining"]
    np.testing.assert_allclose(f["forecast_occupancy"], identity)


def test_controls_against_independent_solves():
    c = nightly_controls(tiny(), HOTEL, AS_OF, horizon=20)
    ctl = c.controls
    assert list(ctl.columns[: len(CONTROL_COLUMNS)]) == list(CONTROL_COLUMNS)
    assert len(ctl) == 20 and ctl["night"].iloc[0] == pd.Timestamp("2024-03-02")
    # Authorized: the binomial overbooking limit with the night's cancellation probability.
    row = night(ctl, "2024-03-08")  # 7 days out: cancels with 1/2
    expect = min(overbooking_limit(3, 0.5, 300.0, 100.0), int(3 * 1.25))
    assert row["authorized"] == expect
    assert night(ctl, "2024-03-02")["authorized"] == 3  # nobody cancels or no-shows
    # The LP objective, solved again with scipy on the same network.
    net = c.network
    d = net.demand_vector(c.demand)
    lp = linprog(
        -net.values,
        A_ub=net.incidence.toarray(),
        b_ub=net.capacity,
        bounds=list(zip(np.zeros_like(d), np.where(net.values > 0, d, 0.0), strict=True)),
        method="highs",
    )
    assert -lp.fun == pytest.approx(c.objective, rel=1e-9)
    # MinLOS 1 exactly where one night at the transient rate covers its bid price.
    one_open = 100.0 >= ctl["bid_price"] - 1e-6
    assert ((ctl["min_los"] == 1).fillna(False) == one_open).all()
    assert (ctl["closed_to_arrival"] == ctl["min_los"].isna()).all()
    assert (ctl["bid_price"] > 0).any()  # 3 rooms for ~3 a night: some nights are tight
    rec = json.loads(json.dumps(c.to_json()))
    assert len(rec["controls"]) == 20 and rec["inputs"]["as_of"] == AS_OF
    assert rec["controls"][0]["night"] == "2024-03-02"


def test_group_quote_against_the_forecast():
    c = nightly_controls(tiny(), HOTEL, AS_OF, horizon=20)
    q = quote_group_for(c, "2024-03-12", 2, 2, 80.0, shift_days=1)
    assert q.fits and q.group_value == pytest.approx(2 * 2 * 80.0)
    assert q.displaced_value >= q.bid_price_displacement - 1e-6
    assert set(q.alternatives["label"]) == {"requested", "-1 day", "+1 day"}
    with pytest.raises(InputError) as err:
        quote_group_for(c, "2024-03-20", 3, 1, 80.0)  # leaves the horizon
    assert err.value.field == "arrival"


def test_room_types():
    res = tiny()
    res.loc[res["reservation_id"].str.startswith("C"), "room_type"] = "B"
    prop = Property(name="Tiny", capacity=3, currency="EUR", walk_cost=300.0,
                    room_types={"A": 2, "B": 1})  # fmt: skip
    c = nightly_controls(res, prop, AS_OF, horizon=10)
    ctl = c.controls
    assert list(ctl.columns[:2]) == ["night", "room_type"] and len(ctl) == 20
    assert ctl.groupby("room_type")["capacity"].first().to_dict() == {"A": 2, "B": 1}
    whole = forecast_nights(tiny(), HOTEL, AS_OF, horizon=10).nights
    by_night = ctl.groupby("night")[["on_the_books", "expected_cancellations"]].sum()
    np.testing.assert_allclose(by_night["on_the_books"], whole["on_the_books"])
    np.testing.assert_allclose(by_night["expected_cancellations"], whole["expected_cancellations"])
    q = quote_group_for(c, "2024-03-05", 1, 1, 50.0, room_type="A", shift_days=0)
    assert list(q.request.units) == ["A/2024-03-05"]
    with pytest.raises(InputError) as err:
        nightly_controls(tiny(), Property("Tiny", 3, "EUR", 300.0, room_types={"B": 3}), AS_OF)
    assert err.value.field == "room_types"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"horizon": 366}, "horizon"),
        ({"horizon": 0}, "horizon"),
        ({"method": "magic"}, "method"),
        ({"optimizer": "lp"}, "optimizer"),
        ({"as_of": "2026-01-01"}, "as_of"),
        ({"as_of": "2020-01-01"}, "as_of"),
        ({"as_of": "01/03/2024"}, "as_of"),
    ],
)
def test_errors_name_the_field(kwargs, field):
    args = {"as_of": AS_OF} | kwargs
    with pytest.raises(InputError) as err:
        nightly_controls(tiny(), HOTEL, **args)
    assert err.value.field == field


def test_other_property_is_refused(sample):
    with pytest.raises(InputError) as err:
        nightly_controls(sample, HOTEL, "2025-01-31")
    assert err.value.field == "property"


@pytest.mark.parametrize("as_of", ["2024-09-15", "2025-01-31"])
def test_only_what_was_known_is_used(sample, as_of):
    prop = Property(name="City Hotel", capacity=25, currency="EUR", walk_cost=200.0)
    known = cut(sample, as_of)
    assert len(known) < len(sample)
    a = nightly_controls(sample, prop, as_of, horizon=45)
    b = nightly_controls(known, prop, as_of, horizon=45)
    pd.testing.assert_frame_equal(a.controls, b.controls)
    pd.testing.assert_frame_equal(a.pace, b.pace)
    assert a.objective == b.objective


def test_sample_controls_are_sane(sample):
    prop = Property(name="City Hotel", capacity=25, currency="EUR", walk_cost=200.0)
    ctl = nightly_controls(sample, prop, "2025-01-31", horizon=90).controls
    assert len(ctl) == 90
    assert (ctl["authorized"] >= ctl["capacity"]).all()
    assert (ctl["authorized"] <= 31).all()  # the 25 % cap
    assert (ctl["bid_price"] >= 0).all()
    assert (ctl["forecast_remaining"] >= 0).all() and (ctl["forecast_remaining_std"] >= 0).all()
    assert (ctl["expected_cancellations"] <= ctl["on_the_books"] + 1e-9).all()


def test_wape_and_bias_by_hand():
    detail = pd.DataFrame(
        {
            "method": ["m", "m", "m", "n"],
            "days_before": [1, 1, 7, 1],
            "forecast": [10.0, 12.0, 5.0, 0.0],
            "actual": [8.0, 12.0, 10.0, 0.0],
        }
    )
    out = occupancy_errors(detail).set_index(["method", "days_before"])
    assert out.loc[("m", 1), "wape"] == pytest.approx(2 / 20)
    assert out.loc[("m", 1), "bias"] == pytest.approx(2 / 20)
    assert out.loc[("m", 1), "mae"] == pytest.approx(1.0)
    assert out.loc[("m", 7), "wape"] == pytest.approx(0.5)
    assert out.loc[("m", 7), "bias"] == pytest.approx(-0.5)
    assert out.loc[("m", 1), "nights"] == 2
    assert np.isnan(out.loc[("n", 1), "wape"])  # nothing occupied: undefined


def test_backtest_by_hand_on_a_steady_hotel():
    # Every night holds A, C and yesterday's C: 3 rooms. On the books 1 day out: all
    # three; 7 days out: A and B (B cancels later); the average pickup fills the gap.
    out = backtest_occupancy(
        tiny(), HOTEL, start="2024-02-15", end="2024-03-10", step_days=7, lead_days=(1, 7)
    )
    assert "naive-last-year" not in set(out["method"])  # less than a year of data
    pick = out[out["method"] == "naive-pickup"].set_index("days_before")
    assert pick["wape"].tolist() == pytest.approx([0.0, 0.0])
    detail = out.attrs["detail"]
    assert (detail["actual"] == 3).all()
    ours = out[out["method"] == "additive-advanced"].set_index("days_before")
    # 7 days out the model expects 2 - 1 + 4/3 of the 3 rooms (see test_near_night_by_hand).
    assert ours.loc[7, "bias"] == pytest.approx((2 - 1 + 4 / 3 - 3) / 3)
    assert ours.loc[1, "wape"] == pytest.approx(0.0, abs=1e-9)


def test_backtest_runs_on_the_sample(sample):
    prop = Property(name="Resort Hotel", capacity=30, currency="EUR", walk_cost=250.0)
    out = backtest_occupancy(
        sample,
        prop,
        start="2025-01-05",
        end="2025-04-30",
        step_days=28,
        methods=("additive-advanced", "smoothing"),
    )
    assert out["method"].unique().tolist() == ["additive-advanced", "smoothing", *NAIVE_METHODS]
    assert sorted(out["days_before"].unique()) == [1, 7, 14, 30, 60]
    assert np.isfinite(out["wape"]).all() and (out["wape"] >= 0).all()
    assert out.groupby("days_before")["nights"].nunique().eq(1).all()  # same nights each
    with pytest.raises(InputError) as err:
        backtest_occupancy(sample, prop, start="2025-05-01", end="2025-01-01")
    assert err.value.field == "end"
