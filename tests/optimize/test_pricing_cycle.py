"""Recommended rates in the daily cycle: nightly_controls(..., rate_ladder=...)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldopt.cycle import nightly_controls
from yieldopt.errors import InputError
from yieldopt.ingest import Property, read_reservations
from yieldopt.optimize import rate_ladder, recommend_rates

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
PROP = Property(name="City Hotel", capacity=25, currency="EUR", walk_cost=200.0)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return read_reservations(SAMPLE).reservations


def test_rates_column_follows_the_rule(sample):
    plain = nightly_controls(sample, PROP, "2025-01-31", horizon=30).controls
    ctl = nightly_controls(sample, PROP, "2025-01-31", horizon=30, rate_ladder="60:200:10")
    ctl = ctl.controls
    assert "recommended_rate" not in plain.columns
    # The other controls do not change.
    pd.testing.assert_frame_equal(ctl[plain.columns], plain)
    rungs = rate_ladder("60:200:10")
    assert ctl["recommended_rate"].isin(rungs).all()
    assert set(ctl["rate_reason"]) <= {"demand", "bid_price"}
    # Never below the bid price unless the ladder's top is.
    assert (
        (ctl["recommended_rate"] >= ctl["bid_price"] - 1e-9) | (ctl["recommended_rate"] == 200)
    ).all()
    # Recomputed by hand from the columns: pressure = forecast_remaining / remaining.
    left = ctl["remaining"].to_numpy(dtype=float)
    rho = np.where(left > 0, ctl["forecast_remaining"] / np.where(left > 0, left, 1), 1.0)
    pos = np.rint(np.clip(rho, 0, 1) * (rungs.size - 1)).astype(int)
    base = rungs[pos]
    bid = ctl["bid_price"].to_numpy()
    up = rungs[np.minimum(np.searchsorted(rungs, bid), rungs.size - 1)]
    np.testing.assert_allclose(ctl["recommended_rate"], np.where(base < bid, up, base))
    ref = recommend_rates(pd.Series(bid), rho, rungs)
    assert ctl["rate_reason"].tolist() == ref["reason"].tolist()


def test_bad_ladder_names_the_field(sample):
    with pytest.raises(InputError) as err:
        nightly_controls(sample, PROP, "2025-01-31", horizon=5, rate_ladder="abc")
    assert err.value.field == "ladder"
