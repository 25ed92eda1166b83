"""Forecasts from 1,000,000 booking rows (target: well under 10 s on 2 cores)."""

import numpy as np
import pytest

from yieldopt import forecast_demand, synthetic_history
from yieldopt.forecast import validate_history

N_ROWS = 1_000_000


@pytest.fixture(scope="module")
def history_1m():
    """20 products × 728 complete + 180 future service dates, ~18% closed; 1,000,000 rows."""
    products = [
        {
            "id": f"P{i:02d}",
            "mean": float(m),
            "price": 100.0 + 5 * i,
            "lead": float(lead),
            "segments": {"business": 0.4, "leisure": 0.6},
        }
        for i, (m, lead) in enumerate(
            zip(np.linspace(36, 96, 20), np.linspace(7, 90, 20), strict=True)
        )
    ]
    sh = synthetic_history(products=products, n_days=728, future_days=180, seed=1)
    assert len(sh.bookings) >= N_ROWS
    bookings = sh.bookings.iloc[:N_ROWS]  # the first million by booking time
    return validate_history(bookings), sh.closures


@pytest.mark.parametrize("method", ["additive-advanced", "smoothing"])
def test_forecast_1m_rows(benchmark, history_1m, method):
    bookings, closures = history_1m
    fc = benchmark.pedantic(
        forecast_demand,
        args=(bookings, method),
        kwargs={"closures": closures},
        rounds=3,
        iterations=1,
    )
    # 20 products × 365 service dates ahead, one row per days-before bucket
    assert fc["unique_id"].nunique() == 20 and fc["ds"].nunique() == 365
    assert np.isfinite(fc["mean"]).all() and (fc["mean"] >= 0).all()
