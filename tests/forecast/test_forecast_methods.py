import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError, forecast_demand, forecast_pickup, forecast_smoothing, total_demand
from yieldopt.forecast import (
    DEFAULT_PRODUCTS,
    FORECAST_COLUMNS,
    FORECAST_METHODS,
    synthetic_history,
)

START = pd.Timestamp("2024-01-01")


def make_history(spec, n_dates, as_of_day):
    """Bookings from spec(day) -> [(days_before, quantity), ...]; known on as_of."""
    rows = []
    for d in range(n_dates):
        service = START + pd.Timedelta(days=d)
        for b, q in spec(d):
            booked = service - pd.Timedelta(days=b) + pd.Timedelta(hours=9)
            if booked.normalize() <= START + pd.Timedelta(days=as_of_day):
                rows.append(("A", "all", service, booked, q, 100.0, "booked", pd.NaT))
    h = pd.DataFrame(
        rows,
        columns=[
            "product",
            "segment",
            "service_date",
            "booked_at",
            "quantity",
            "price",
            "status",
            "cancelled_at",
        ],
    )
    h.insert(0, "booking_id", np.arange(len(h)))
    return h, START + pd.Timedelta(days=as_of_day)


def by_target(f):
    f = f.copy()
    first = f.groupby("ds")["days_before"].transform("max")
    f["h"] = first
    return f.set_index(["h", "days_before", "days_before_end"])


AS_OF = 49
# every past date: 2 units 10 days out, 1 unit 3 days out, 1 unit on the day;
# service dates after as_of had 4 units 10 days out
SPEC = lambda d: [(10, 2 if d <= AS_OF else 4), (3, 1), (0, 1)]  # noqa: E731


@pytest.mark.parametrize("method", ["additive-classical", "additive-advanced"])
def test_additive_pickup_by_hand(method):
    h, as_of = make_history(SPEC, 60, AS_OF)
    f = forecast_demand(h, method, horizon=10, dcps=[0, 3, 7, 14], window=4)
    assert list(f.columns) == list(FORECAST_COLUMNS)
    t = by_target(f)
    # h = 2: bucket (2, 0) holds the booking made on the day
    assert t.loc[(2, 2, 0), "mean"] == 1.0
    # h = 5: (5, 3) holds the booking 3 days out, (3, 0) the one on the day
    assert t.loc[(5, 5, 3), "mean"] == 1.0 and t.loc[(5, 3, 0), "mean"] == 1.0
    # h = 9: (9, 7) is empty (the early booking is 10 days out), then (7, 3), (3, 0)
    assert t.loc[(9, 9, 7), "mean"] == 0.0
    assert t.loc[(9, 7, 3), "mean"] == 1.0
    assert np.all(f["std"] == 0.0)
    assert len(f) == 1 + 2 + 4 * 2 + 3 * 3  # buckets for h = 1, 2-3, 4-7, 8-10
    tot = total_demand(f).set_index("ds")["mean"]
    assert tot[as_of + pd.Timedelta(days=10)] == 2.0


def test_multiplicative_classical_pickup_by_hand():
    h, _as_of = make_history(SPEC, 60, AS_OF)
    f = forecast_demand(h, "multiplicative-classical", horizon=10, dcps=[0, 3, 7, 14], window=4)
    t = by_target(f)
    # h <= 3: on hand 4 + 1 = 5, comparable dates had 2 + 1 = 3: scale 5/3
    assert t.loc[(2, 2, 0), "mean"] == pytest.approx(5 / 3)
    # 4 <= h <= 10: on hand 4 where comparable dates had 2: scale 2
    assert t.loc[(5, 5, 3), "mean"] == pytest.approx(2.0)
    assert t.loc[(9, 7, 3), "mean"] == pytest.approx(2.0)
    assert t.loc[(9, 9, 7), "mean"] == 0.0


def test_advanced_pickup_uses_incomplete_curves():
    # past dates: 1 unit 8 days out; dates after as_of: 3 units 8 days out; all: 1 unit 2 days out
    h, _ = make_history(lambda d: [(8, 1 if d <= AS_OF else 3), (2, 1)], 70, AS_OF)
    kw = {"horizon": 10, "dcps": [0, 7], "window": 1, "by_weekday": False}
    classical = by_target(forecast_pickup(h, "additive", "classical", **kw))
    advanced = by_target(forecast_pickup(h, "additive", "advanced", **kw))
    # bucket (10, 7): classical looks at as_of (complete), advanced at as_of + 7 (known at 7)
    assert classical.loc[(10, 10, 7), "mean"] == 1.0
    assert advanced.loc[(10, 10, 7), "mean"] == 3.0
    # the last bucket needs complete curves either way
    assert classical.loc[(10, 7, 0), "mean"] == advanced.loc[(10, 7, 0), "mean"] == 1.0


def test_pickup_std_is_the_sample_std_of_comparable_pickups():
    # 3-days-out booking of 1, 2, 3, 4 units on consecutive days
    h, _ = make_history(lambda d: [(3, 1 + d % 4), (0, 1)], 60, AS_OF)
    f = forecast_demand(h, "additive-classical", horizon=5, dcps=[0, 3], window=4, by_weekday=False)
    row = by_target(f).loc[(5, 5, 3)]
    assert row["mean"] == pytest.approx(2.5)
    assert row["std"] == pytest.approx(np.std([1, 2, 3, 4], ddof=1))


def test_smoothing_by_hand_with_weekday_season():
    # final demand 10 on Saturdays, 5 otherwise; 40% of it booked 1 day out
    def spec(d):
        sat = (START + pd.Timedelta(days=d)).day_of_week == 5
        return [(10, 6 if sat else 3), (1, 4 if sat else 2)]

    h, as_of = make_history(spec, 70, AS_OF)
    f = forecast_smoothing(h, horizon=7, dcps=[0, 7])
    tot = total_demand(f).set_index("ds")
    for ds, row in tot.iterrows():
        days = (ds - as_of).days
        final = 10.0 if ds.day_of_week == 5 else 5.0
        share = 0.0 if days == 1 else 0.4  # 1 day out, the 1-day-out bookings are done
        assert row["mean"] == pytest.approx(share * final, abs=1e-9)
        # no noise: only the binomial thinning spread p (1 - p) F is left
        assert row["std"] == pytest.approx(np.sqrt(share * (1 - share) * final), abs=1e-6)


def test_long_format_contract():
    sh = synthetic_history(seed=5, n_days=120, future_days=60)
    for method in FORECAST_METHODS:
        f = forecast_demand(sh.bookings, method, closures=sh.closures, horizon=45)
        assert list(f.columns) == list(FORECAST_COLUMNS)
        assert f["unique_id"].nunique() == 3 and f["ds"].nunique() == 45
        assert np.all(f["days_before"] > f["days_before_end"])
        assert np.all(np.isfinite(f[["mean", "std"]].to_numpy()))
        assert np.all(f[["mean", "std"]].to_numpy() >= 0)
        first = f.groupby(["unique_id", "ds"]).agg(
            top=("days_before", "max"), bottom=("days_before_end", "min")
        )
        days_out = (first.index.get_level_values("ds") - sh.as_of).days
        assert np.array_equal(first["top"].to_numpy(), days_out)
        assert np.all(first["bottom"] == 0)


def _truncate(sh, as_of):
    """The history as it was known at the close of as_of."""
    end = as_of + pd.Timedelta(days=1)
    b = sh.bookings[sh.bookings["booked_at"] < end].copy()
    late = b["cancelled_at"] >= end
    b.loc[late, "status"] = "booked"
    b.loc[late, "cancelled_at"] = pd.NaT
    b.loc[(b["status"] == "no_show") & (b["service_date"] > as_of), "status"] = "booked"
    c = sh.closures[sh.closures["closed_at"] < end]
    return b, c


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_forecast_uses_only_what_was_known_on_as_of(method):
    sh = synthetic_history(seed=9, n_days=150, future_days=60)
    as_of = sh.as_of - pd.Timedelta(days=25)
    full = forecast_demand(sh.bookings, method, closures=sh.closures, as_of=as_of, horizon=30)
    b, c = _truncate(sh, as_of)
    cut = forecast_demand(b, method, closures=c, horizon=30)
    pd.testing.assert_frame_equal(full, cut, check_exact=False, rtol=1e-9, atol=1e-9)


def _scaled(k):
    return [dict(p, mean=p["mean"] * k) for p in DEFAULT_PRODUCTS]


@pytest.mark.parametrize("method", ["additive-advanced", "additive-classical", "smoothing"])
def test_forecast_matches_the_known_true_demand(method):
    # Poisson demand, 18% of service dates closed by their booking limit. Over 12 seeds the
    # EM-unconstrained total is within 0.3% +- 2.0% (sd) of the truth; allow 3 sd.
    sh = synthetic_history(products=_scaled(4), n_days=280, limit_factor=1.2, seed=2003)
    truth = sh.expected_remaining(horizon=42)
    f = forecast_demand(sh.bookings, method, closures=sh.closures, horizon=42)
    assert f["mean"].sum() / truth["mean"].sum() - 1 == pytest.approx(0.0, abs=0.06)
    per_product = f.groupby("unique_id")["mean"].sum() / truth.groupby("unique_id")["mean"].sum()
    assert np.all(np.abs(per_product - 1) < 0.10)
    # spread: forecast std of a date's remaining demand vs the true Poisson std
    fs = total_demand(f)["std"].mean()
    ts = total_demand(truth)["std"].mean()
    assert fs == pytest.approx(ts, rel=0.25)


def test_em_unconstraining_clearly_beats_naive_on_heavily_censored_history():
    # limits below mean demand: about 70% of the service dates close early
    sh = synthetic_history(products=_scaled(4), n_days=280, limit_factor=0.9, seed=2001)
    closed = sh.truth[sh.truth["service_date"] <= sh.as_of]["closed"].mean()
    assert closed > 0.6
    truth = sh.expected_remaining(horizon=42)["mean"].sum()
    err = {}
    for unc in ("em", "naive"):
        f = forecast_demand(
            sh.bookings, "additive-advanced", closures=sh.closures, horizon=42, unconstrain=unc
        )
        err[unc] = f["mean"].sum() / truth - 1
    assert err["naive"] < -0.2  # the naive forecast misses over a fifth of demand
    assert abs(err["em"]) < abs(err["naive"]) / 2


def test_closures_are_ignored_without_unconstraining():
    sh = synthetic_history(seed=4, n_days=120)
    a = forecast_demand(sh.bookings, closures=sh.closures, horizon=20, unconstrain="naive")
    b = forecast_demand(sh.bookings, horizon=20)
    pd.testing.assert_frame_equal(a, b)
    c = forecast_demand(sh.bookings, closures=sh.closures, horizon=20)
    assert c["mean"].sum() > a["mean"].sum()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "magic"}, "method"),
        ({"unconstrain": "magic"}, "unconstrain"),
        ({"as_of": "2030-01-01"}, "as_of"),
        ({"as_of": "not a day"}, "as_of"),
        ({"as_of": "2023-01-01"}, "as_of"),
        ({"horizon": 0}, "horizon"),
        ({"window": 0}, "window"),
        ({"dcps": [-1, 3]}, "dcps"),
    ],
)
def test_bad_arguments_are_named(kwargs, field):
    sh = synthetic_history(seed=1, n_days=60, future_days=30)
    with pytest.raises(InputError) as err:
        forecast_demand(sh.bookings, **kwargs)
    assert err.value.field == field


def test_too_short_history_is_reported():
    sh = synthetic_history(seed=1, n_days=60, future_days=30)
    with pytest.raises(InputError, match="no bookings") as err:
        forecast_demand(sh.bookings.iloc[:0])
    assert err.value.field == "history"
    with pytest.raises(InputError, match="too short") as err:
        forecast_demand(sh.bookings, as_of=pd.Timestamp("2024-01-03"), horizon=5)
    assert err.value.field == "history"
    with pytest.raises(InputError, match="14 complete service dates"):
        forecast_smoothing(sh.bookings, as_of=pd.Timestamp("2024-01-10"), horizon=5)
    with pytest.raises(InputError) as err:
        forecast_pickup(sh.bookings, kind="ratio")
    assert err.value.field == "kind"
