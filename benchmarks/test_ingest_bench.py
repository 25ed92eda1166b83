"""Importing reservation exports (target: 1,000,000 rows in under 10 s on 2 cores).

Speed is read from the benchmark medians (``make bench``), not asserted: in the normal
suite the benchmarks run once as smoke tests.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldopt.ingest import read_reservations

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"
N_ROWS = 1_000_000


@pytest.fixture(scope="module")
def export_1m(tmp_path_factory):
    """The bundled sample tiled to 1,000,000 rows, each copy 7 days later (same weekdays)."""
    sample = pd.read_csv(SAMPLE, keep_default_na=False, na_values=["NA"])
    copies = -(-N_ROWS // len(sample))
    df = pd.concat([sample] * copies, ignore_index=True).iloc[:N_ROWS]
    shift = pd.to_timedelta(7 * (np.arange(N_ROWS) // len(sample)), unit="D")
    arrival = (
        pd.to_datetime(
            df["arrival_date_year"].astype(str)
            + "-"
            + df["arrival_date_month"]
            + "-"
            + df["arrival_date_day_of_month"].astype(str),
            format="%Y-%B-%d",
        )
        + shift
    )
    df["arrival_date_year"] = arrival.dt.year
    df["arrival_date_month"] = arrival.dt.month_name()
    df["arrival_date_week_number"] = arrival.dt.isocalendar().week.to_numpy()
    df["arrival_date_day_of_month"] = arrival.dt.day
    status_date = pd.to_datetime(df["reservation_status_date"]) + shift
    df["reservation_status_date"] = status_date.dt.strftime("%Y-%m-%d")
    path = tmp_path_factory.mktemp("ingest") / "bookings-1m.csv"
    df.to_csv(path, index=False, na_rep="NA")
    return path


def _timed(benchmark, *args, **kwargs):
    return benchmark.pedantic(read_reservations, args=args, kwargs=kwargs, rounds=3, iterations=1)


def test_import_1m_reservations(benchmark, export_1m):
    result = _timed(benchmark, export_1m)
    assert len(result.reservations) == N_ROWS  # nothing in the sample is dropped
    q = result.quality.set_index("check")
    assert q.loc["duplicate_rows", "rows"] > 0 and q.loc["zero_nights", "rows"] > 0


def test_import_city_hotel_real(benchmark):
    if not REAL.is_file():
        pytest.skip(f"shared data not present: {REAL}")
    result = _timed(benchmark, REAL, property="City Hotel")
    assert len(result.reservations) == 79_330
