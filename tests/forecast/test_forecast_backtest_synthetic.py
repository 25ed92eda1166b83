import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldopt import InputError, backtest_forecasts, synthetic_history
from yieldopt.forecast import validate_history


@pytest.fixture(scope="module")
def sh():
    return synthetic_history(seed=12, n_days=200, future_days=90)


def test_backtest_summary_follows_from_the_detail(sh):
    res = backtest_forecasts(
        sh.bookings,
        ["additive-advanced", "smoothing"],
        closures=sh.closures,
        n_origins=3,
        step=7,
        horizon=14,
    )
    d = res.detail
    assert set(d["method"]) == {"additive-advanced", "smoothing"}
    assert d["origin"].nunique() == 3
    assert d["days_ahead"].between(1, 14).all()
    for method, row in res.summary.iterrows():
        part = d[d["method"] == method]
        err = part["forecast"] - part["actual"]
        assert row["n"] == len(part)
        assert row["mae"] == pytest.approx(err.abs().mean())
        assert row["wape"] == pytest.approx(err.abs().sum() / part["actual"].sum())
        assert row["bias"] == pytest.approx(err.mean())
    assert res.summary["wape"].is_monotonic_increasing


def test_backtest_actuals_are_the_bookings_made_after_the_origin(sh):
    origin = sh.as_of - pd.Timedelta(days=30)
    res = backtest_forecasts(
        sh.bookings, ["additive-classical"], closures=sh.closures, origins=[origin], horizon=10
    )
    b = sh.bookings
    closed = set(zip(sh.closures["product"], sh.closures["service_date"], strict=True))
    for row in res.detail.sample(10, random_state=0).itertuples():
        assert (row.unique_id, row.ds) not in closed  # closed dates are left out
        mine = b[(b["product"] == row.unique_id) & (b["service_date"] == row.ds)]
        after = mine[mine["booked_at"] >= origin + pd.Timedelta(days=1)]["quantity"].sum()
        assert row.actual == after


def test_backtest_bad_arguments(sh):
    with pytest.raises(InputError) as err:
        backtest_forecasts(sh.bookings, ["magic"])
    assert err.value.field == "methods"
    with pytest.raises(InputError) as err:
        backtest_forecasts(sh.bookings, origins=["2020-01-01"])
    assert err.value.field == "origins"
    with pytest.raises(InputError) as err:
        backtest_forecasts(sh.bookings, horizon=0)
    assert err.value.field == "horizon"


def test_synthetic_history_is_seeded_and_valid():
    a = synthetic_history(seed=3, n_days=60, future_days=30)
    b = synthetic_history(seed=3, n_days=60, future_days=30)
    c = synthetic_history(seed=4, n_days=60, future_days=30)
    pd.testing.assert_frame_equal(a.bookings, b.bookings)
    assert not a.bookings.equals(c.bookings)
    pd.testing.assert_frame_equal(validate_history(a.bookings), a.bookings, check_dtype=False)
    end = a.as_of + pd.Timedelta(days=1)
    assert (a.bookings["booked_at"] < end).all()
    assert (a.bookings["cancelled_at"].dropna() < end).all()
    future = a.bookings["service_date"] > a.as_of
    assert not (a.bookings.loc[future, "status"] == "no_show").any()


def test_synthetic_closures_censor_demand():
    sh = synthetic_history(seed=8, n_days=90, future_days=0)
    t = sh.truth.set_index(["product", "service_date"])
    assert (t["booked"] == np.minimum(t["demand"], t["limit"])).all()
    assert t["closed"].sum() == len(sh.closures)  # all dates complete: every closure known
    counts = sh.bookings.groupby(["product", "service_date"])["quantity"].sum()
    closed = t[t["closed"]]
    assert (counts.reindex(closed.index, fill_value=0) == closed["limit"]).all()
    # nothing is booked after the closure
    m = sh.bookings.merge(sh.closures, on=["product", "service_date"])
    assert (m["booked_at"] <= m["closed_at"]).all()
    # without limits nothing is censored and the truth is the realized demand
    free = synthetic_history(seed=8, n_days=90, future_days=0, limit_factor=None)
    assert len(free.closures) == 0
    assert (free.truth["booked"] == free.truth["demand"]).all()


def test_synthetic_truth_in_forecast_format():
    sh = synthetic_history(seed=2, n_days=30, future_days=60, max_days_before=60)
    truth = sh.expected_remaining(horizon=50, dcps=[0, 7, 30])
    per_date = truth.groupby(["unique_id", "ds"])["mean"].sum()
    lam = sh.truth.set_index(["product", "service_date"])["expected"]
    # 50 days out, the demand still to come is lambda * P(lead time < 50 days)
    ds50 = sh.as_of + pd.Timedelta(days=50)
    for p in sh.products:
        share = stats.gamma.cdf(50, 1.5, scale=p["lead"] / 1.5)
        assert per_date[(p["id"], ds50)] == pytest.approx(lam[(p["id"], ds50)] * share)
    # 1 day out only same-day bookings remain: P(lead time < 1)
    ds1 = sh.as_of + pd.Timedelta(days=1)
    flex = sh.products[0]
    share = stats.gamma.cdf(1, 1.5, scale=flex["lead"] / 1.5)
    assert per_date[("FLEX", ds1)] == pytest.approx(lam[("FLEX", ds1)] * share)
    assert np.allclose(truth["std"], np.sqrt(truth["mean"]))
    with pytest.raises(InputError):
        sh.expected_remaining(horizon=200)
