"""Shared inputs of the ingest tests: the bundled sample, the real export when present."""

from pathlib import Path

import pandas as pd
import pytest

from yieldopt.ingest import read_reservations

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"

# One reservation in the 32-column layout of the hotel-booking-demand export.
TEMPLATE = {
    "hotel": "City Hotel", "is_canceled": 0, "lead_time": 10, "arrival_date_year": 2024,
    "arrival_date_month": "March", "arrival_date_week_number": 10,
    "arrival_date_day_of_month": 4, "stays_in_weekend_nights": 0, "stays_in_week_nights": 2,
    "adults": 2, "children": 0.0, "babies": 0, "meal": "BB", "country": "PRT",
    "market_segment": "Online TA", "distribution_channel": "TA/TO", "is_repeated_guest": 0,
    "previous_cancellations": 0, "previous_bookings_not_canceled": 0,
    "reserved_room_type": "A", "assigned_room_type": "A", "booking_changes": 0,
    "deposit_type": "No Deposit", "agent": 9.0, "company": None, "days_in_waiting_list": 0,
    "customer_type": "Transient", "adr": 100.0, "required_car_parking_spaces": 0,
    "total_of_special_requests": 0, "reservation_status": "Check-Out",
    "reservation_status_date": "2024-03-06",
}  # fmt: skip


def export(*changes: dict) -> pd.DataFrame:
    """An export with one row per dict of changes to TEMPLATE."""
    return pd.DataFrame([{**TEMPLATE, **c} for c in changes], columns=list(TEMPLATE))


def write(tmp_path: Path, df: pd.DataFrame, name: str = "export.csv") -> Path:
    path = tmp_path / name
    if name.endswith(".parquet"):
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False, na_rep="NULL")
    return path


@pytest.fixture(scope="session")
def sample():
    """The bundled sample, imported with the built-in mapping."""
    return read_reservations(SAMPLE)


@pytest.fixture(scope="session")
def real():
    """The real two-hotel export; skipped (visibly) when the shared file is absent."""
    if not REAL.is_file():
        pytest.skip(f"shared data not present: {REAL}")
    return read_reservations(REAL)
