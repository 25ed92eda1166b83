import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldopt import (
    InputError,
    load_transactions,
    rfm_tiers,
    segment_records,
    segment_values,
    synthetic_transactions,
)
from yieldopt.segments import SEGMENT_VALUE_COLUMNS

TX = pd.DataFrame(
    [
        # customer, date, segment, revenue, ancillary, cost, referrals
        ("c1", "2024-01-01", "X", 100.0, 10.0, 20.0, 0),
        ("c1", "2024-01-15", "X", 120.0, 0.0, 20.0, 1),
        ("c1", "2024-01-18", "X", 80.0, 10.0, 10.0, 0),
        ("c2", "2024-01-05", "X", 100.0, 0.0, 30.0, 0),
        ("c3", "2024-01-03", "Y", 50.0, 5.0, 5.0, 0),
        ("c3", "2024-01-12", "Y", 70.0, 5.0, 15.0, 2),
        ("c4", "2024-01-19", "Y", 60.0, 0.0, 10.0, 0),
        ("c5", "2024-01-02", "Y", 40.0, 0.0, 10.0, 0),
    ],
    columns=[
        "customer_id",
        "date",
        "segment",
        "revenue",
        "ancillary_revenue",
        "cost_to_serve",
        "referrals",
    ],
)


def test_segment_values_by_hand():
    # as_of 2024-01-20, horizon 10 days: B = Jan 11..20, A = Jan 1..10
    v = segment_values(TX, horizon_days=10, discount_rate=0.10, as_of="2024-01-20")
    assert list(v.columns) == list(SEGMENT_VALUE_COLUMNS)
    delta = 1.10 ** (10 / 365) - 1
    x, y = v.loc["X"], v.loc["Y"]
    # X: 4 bookings of c1, c2: revenue 400, ancillary 20, cost 80, margin 90+100+80+70
    assert (x["customers"], x["bookings"]) == (2, 4)
    assert x["revenue_per_booking"] == pytest.approx(100.0)
    assert x["ancillary_per_booking"] == pytest.approx(5.0)
    assert x["cost_per_booking"] == pytest.approx(20.0)
    assert x["contribution_per_booking"] == pytest.approx(85.0)
    # B: c1 twice -> 1 active customer, 2 bookings; A: c1, c2 -> c1 came back
    assert (x["active_customers"], x["bookings_per_customer"]) == (1, 2.0)
    assert (x["base_customers"], x["retention"]) == (2, 0.5)
    fvb_x = 85.0 * 0.5 / (1 + delta - 0.5)
    assert x["future_value_per_booking"] == pytest.approx(fvb_x)
    assert x["future_value"] == pytest.approx(2.0 * fvb_x)
    # Y: c3 twice, c4, c5; margins 50, 60, 50, 30
    assert (y["customers"], y["bookings"]) == (3, 4)
    assert y["contribution_per_booking"] == pytest.approx(190 / 4)
    assert (y["active_customers"], y["bookings_per_customer"]) == (2, 1.0)
    assert (y["base_customers"], y["retention"]) == (2, 0.5)  # c3 back, c5 not
    fvb_y = 47.5 * 0.5 / (1 + delta - 0.5)
    # new customer value from all transactions: margin 530 / 8 bookings, B: 4 bookings of
    # 3 customers, A: c1 c2 c3 c5 of whom c1 c3 came back
    c_bar, f_bar, r_bar = 530 / 8, 4 / 3, 0.5
    new_customer = f_bar * c_bar * (1 + delta) / (1 + delta - r_bar)
    assert x["referrals_per_booking"] == pytest.approx(0.25)
    assert x["referral_value"] == pytest.approx(0.25 * new_customer)
    assert y["referral_value"] == pytest.approx(0.5 * new_customer)
    assert x["value_adjustment"] == pytest.approx(5.0 - 20.0 + fvb_x + 0.25 * new_customer)
    assert y["value_adjustment"] == pytest.approx(10 / 4 - 40 / 4 + fvb_y + 0.5 * new_customer)
    half = segment_values(TX, horizon_days=10, future_weight=0.5, as_of="2024-01-20")
    assert half.loc["X", "value_adjustment"] == pytest.approx(
        5.0 - 20.0 + 0.5 * fvb_x + 0.25 * new_customer
    )


def test_segment_records_reproduce_the_value_adjustment():
    v = segment_values(TX, horizon_days=10, as_of="2024-01-20")
    recs = segment_records(v)
    assert [r["id"] for r in recs] == ["X", "Y"]
    assert set(recs[0]) == {"id", "ancillary", "cost_to_serve", "future_value"}
    for r, (_, row) in zip(recs, v.iterrows(), strict=True):
        price = 150.0
        value = price + r["ancillary"] - r["cost_to_serve"] + r["future_value"]
        assert value == pytest.approx(price + row["value_adjustment"])
    with pytest.raises(InputError) as err:
        segment_records(v.drop(columns="value_adjustment"))
    assert err.value.field == "value_adjustment"


def test_rfm_tiers_by_hand():
    # five customers, each better than the last on recency, frequency and margin
    rows = []
    for i, name in enumerate("abcde"):
        for k in range(i + 1):
            rows.append((name, f"2024-01-{10 + 4 * i - k:02d}", 10.0 * (i + 1), 0.0, 0.0))
    tx = pd.DataFrame(
        rows, columns=["customer_id", "date", "revenue", "ancillary_revenue", "cost_to_serve"]
    )
    t = rfm_tiers(tx, as_of="2024-01-31")
    assert list(t["frequency"]) == [1, 2, 3, 4, 5]
    assert list(t["recency_days"]) == [21, 17, 13, 9, 5]
    assert list(t["r_score"]) == list(t["f_score"]) == list(t["m_score"]) == [1, 2, 3, 4, 5]
    assert list(t["tier"]) == ["low", "low", "medium", "high", "top"]  # scores 3 6 9 12 15


def test_segments_recover_the_synthetic_truth():
    st_ = synthetic_transactions(n_customers=30_000, seed=11)
    v = segment_values(st_.transactions, horizon_days=365)
    truth = st_.truth
    for seg in truth.index:
        assert v.loc[seg, "retention"] == pytest.approx(truth.loc[seg, "retention"], abs=0.03)
        assert v.loc[seg, "bookings_per_customer"] == pytest.approx(
            truth.loc[seg, "frequency"], rel=0.03
        )
        margin = truth.loc[seg, ["revenue", "ancillary"]].sum() - truth.loc[seg, "cost"]
        assert v.loc[seg, "contribution_per_booking"] == pytest.approx(margin, rel=0.03)
        assert v.loc[seg, "referrals_per_booking"] == pytest.approx(
            truth.loc[seg, "referrals"], abs=0.02
        )
    # business customers are worth the most in future value, as generated
    assert v["future_value"].idxmax() == "business"


def test_without_a_segment_column_customers_get_rfm_tiers():
    st_ = synthetic_transactions(n_customers=8_000, seed=3, with_segment=False)
    assert "segment" not in st_.transactions.columns
    v = segment_values(st_.transactions, horizon_days=365)
    assert list(v.index) == ["top", "high", "medium", "low"]
    # tiers are measured out of sample: better tiers one horizon ago came back more often
    assert v["retention"].is_monotonic_decreasing
    assert (v["retention"] < 1).all()


@settings(max_examples=15, deadline=None)
@given(st.floats(0.01, 100.0))
def test_money_scales_and_rates_do_not(k):
    base = segment_values(TX, horizon_days=10, as_of="2024-01-20")
    scaled_tx = TX.copy()
    for col in ("revenue", "ancillary_revenue", "cost_to_serve"):
        scaled_tx[col] = TX[col] * k
    scaled = segment_values(scaled_tx, horizon_days=10, as_of="2024-01-20")
    for col in (
        "revenue_per_booking",
        "contribution_per_booking",
        "future_value",
        "referral_value",
        "value_adjustment",
    ):
        assert np.allclose(scaled[col], k * base[col], rtol=1e-9)
    for col in ("retention", "bookings_per_customer", "customers"):
        assert np.allclose(scaled[col], base[col])


def test_load_transactions_from_files(tmp_path):
    TX.to_csv(tmp_path / "t.csv", index=False)
    TX.to_parquet(tmp_path / "t.parquet")
    a = load_transactions(tmp_path / "t.csv")
    b = load_transactions(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert a["date"].iloc[1] == pd.Timestamp("2024-01-15")


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        (lambda t: t.drop(columns="cost_to_serve"), "cost_to_serve", "missing column"),
        (
            lambda t: t.assign(revenue=[100, -5, 80, 100, 50, 70, 60, 40]),
            "revenue",
            "first bad row 1",
        ),
        (
            lambda t: t.assign(date=["2024-01-01"] * 5 + ["soon", "2024-01-19", "2024-01-02"]),
            "date",
            "first bad row 5",
        ),
        (
            lambda t: t.assign(customer_id=["c1", None] + ["c2"] * 6),
            "customer_id",
            "first bad row 1",
        ),
        (lambda t: t.assign(referrals=[0, 0, 0.5, 0, 0, 0, 0, 0]), "referrals", "first bad row 2"),
    ],
)
def test_bad_transactions_name_the_column_and_row(change, field, needle):
    with pytest.raises(InputError) as err:
        segment_values(change(TX), horizon_days=10)
    assert err.value.field == field
    assert needle in str(err.value)


def test_short_history_measures_retention_over_the_horizon_it_allows():
    # TX spans Jan 1..19 (19 days): at most a 9-day horizon, the same as asking for 9
    with pytest.warns(UserWarning, match=r"span 19 days.*over 9 days instead of horizon_days=30"):
        short = segment_values(TX, horizon_days=30)
    exact = segment_values(TX, horizon_days=9)
    assert (short["retention_horizon_days"] == 9).all()
    pd.testing.assert_frame_equal(short, exact)
    # by hand, as_of Jan 19, H = 9: B = Jan 11..19, A = Jan 2..10 (Jan 1 falls out of A)
    # X: c1 (Jan 15, 18 in B) came back; c2 (Jan 5) did not; c1 has no A booking.
    assert short.loc["X", "base_customers"] == 1 and short.loc["X", "retention"] == 0.0
    assert short.loc["X", "contribution_per_booking"] == pytest.approx(85.0)


def test_600_days_at_the_default_horizon_still_values_segments():
    # 600 days of data (2 periods of 300): the default 365-day horizon would need 730
    st_ = synthetic_transactions(n_customers=20_000, periods=2, period_days=300, seed=5)
    tx = st_.transactions
    span = (tx["date"].max() - tx["date"].min()).days + 1
    assert span == 600
    with pytest.warns(UserWarning, match="over 300 days instead of horizon_days=365"):
        v = segment_values(tx)
    assert (v["retention_horizon_days"] == 300).all()
    truth = st_.truth
    for seg in truth.index:
        # the generator's horizon is 300 days, so the 300-day retention is its truth
        assert v.loc[seg, "retention"] == pytest.approx(truth.loc[seg, "retention"], abs=0.03)
        margin = truth.loc[seg, ["revenue", "ancillary"]].sum() - truth.loc[seg, "cost"]
        assert v.loc[seg, "contribution_per_booking"] == pytest.approx(margin, rel=0.03)
    assert np.isfinite(v["value_adjustment"]).all()


def test_one_day_of_data_gives_margins_and_no_future_value():
    one = TX.assign(date="2024-01-05")
    with pytest.warns(UserWarning, match="retention cannot be measured"):
        v = segment_values(one)
    assert (v["retention_horizon_days"] == 0).all() and v["retention"].isna().all()
    assert (v["future_value"] == 0).all() and (v["future_value_per_booking"] == 0).all()
    assert v.loc["X", "contribution_per_booking"] == pytest.approx(85.0)
    assert v.loc["Y", "contribution_per_booking"] == pytest.approx(190 / 4)
    assert len(segment_records(v)) == 2  # still usable by the optimizer


def test_no_warning_when_the_data_cover_two_horizons():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = segment_values(TX, horizon_days=10, as_of="2024-01-20")
    assert (v["retention_horizon_days"] == 10).all()


def test_as_of_must_be_iso():
    with pytest.raises(InputError, match="YYYY-MM-DD") as err:
        segment_values(TX, horizon_days=10, as_of="01/20/2024")
    assert err.value.field == "as_of"


def test_bad_parameters():
    for kwargs, field in (
        ({"discount_rate": 0.0}, "discount_rate"),
        ({"future_weight": -1.0}, "future_weight"),
        ({"horizon_days": 0}, "horizon_days"),
        ({"as_of": "2023-01-01"}, "as_of"),
    ):
        with pytest.raises(InputError) as err:
            segment_values(TX, **({"horizon_days": 10} | kwargs))
        assert err.value.field == field


def test_records_feed_the_network_model():
    from yieldopt import Network

    v = segment_values(TX, horizon_days=10, as_of="2024-01-20")
    net = Network.from_records(
        resources=[{"id": "night", "capacity": 10}],
        products=[
            {"id": "rate-x", "resources": ["night"], "price": 100.0, "segment": "X"},
            {"id": "rate-y", "resources": ["night"], "price": 80.0, "segment": "Y"},
        ],
        segments=segment_records(v),
    )
    expected = [100.0 + v.loc["X", "value_adjustment"], 80.0 + v.loc["Y", "value_adjustment"]]
    assert np.allclose(net.values, expected)
