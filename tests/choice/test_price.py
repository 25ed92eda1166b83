"""Price sensitivity per segment: exact and noisy known elasticities, the endogeneity bias."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldopt.choice import price_sensitivity
from yieldopt.errors import InputError


def _reservations(days: pd.DatetimeIndex, rate: np.ndarray, rooms: np.ndarray, seg: str):
    return pd.DataFrame(
        {
            "arrival": days,
            "rate": rate,
            "rooms": rooms.astype(int),
            "status": "checked_out",
            "segment": seg,
        }
    )


def test_exact_log_linear_relation_recovered() -> None:
    rng = np.random.default_rng(1)
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    rate = rng.uniform(80, 160, days.size)
    weekday = np.where(days.day_of_week >= 5, 0.4, 0.0)
    # Rooms chosen so that log(rooms) = log(5e4) − 1.5 log(rate) + weekend effect exactly;
    # one row per day with that many rooms (fractional rooms allowed through `rooms` float).
    rooms = np.exp(np.log(5e4) - 1.5 * np.log(rate) + weekday)
    df = _reservations(days, rate, rooms, "leisure").assign(rooms=rooms)
    t = price_sensitivity(df).table
    assert t.loc["leisure", "elasticity"] == pytest.approx(-1.5, abs=1e-9)
    assert t.loc["leisure", "n_days"] == 200 and t.loc["leisure", "estimated"]


def test_noisy_segments_and_endogeneity_bias() -> None:
    rng = np.random.default_rng(2)
    days = pd.date_range("2024-01-01", periods=365, freq="D")
    rows = []
    # Exogenous prices: elasticity −2 recovered within its standard error band.
    rate = rng.uniform(90, 150, days.size)
    rooms = rng.poisson(np.exp(np.log(3e5) - 2.0 * np.log(rate)))
    rows.append(_reservations(days, rate, np.maximum(rooms, 1), "exog"))
    # Endogenous prices: rate raised on high-demand days (a hidden shock), same true −2.
    shock = rng.normal(0, 0.5, days.size)
    rate2 = 100 * np.exp(0.5 * shock)
    rooms2 = rng.poisson(np.exp(np.log(3e5) - 2.0 * np.log(rate2) + 1.5 * shock))
    rows.append(_reservations(days, rate2, np.maximum(rooms2, 1), "endog"))
    res = price_sensitivity(pd.concat(rows, ignore_index=True))
    t = res.table
    assert t.loc["exog", "elasticity"] == pytest.approx(-2.0, abs=4 * t.loc["exog", "std_err"])
    assert t.loc["endog", "elasticity"] > -1.0  # biased towards zero: the caveat
    assert "not set at random" in res.caveat


def test_cancelled_left_out_and_small_segments_flagged() -> None:
    days = pd.date_range("2024-01-01", periods=10, freq="D")
    df = _reservations(days, np.linspace(100, 200, 10), np.ones(10), "tiny")
    df.loc[0, "status"] = "cancelled"
    t = price_sensitivity(df, min_days=30).table
    assert t.loc["tiny", "n_days"] == 9 and not t.loc["tiny", "estimated"]
    assert np.isnan(t.loc["tiny", "elasticity"])


def test_missing_columns() -> None:
    with pytest.raises(InputError) as e:
        price_sensitivity(pd.DataFrame({"arrival": [], "rate": []}))
    assert e.value.field == "reservations"
