"""The daily cycle on the real City Hotel: 79,330 reservations to a year of controls.

Import, as-of state, forecast and optimization for 365 nights; the target is
under 20 s as a whole (read the median; not asserted, the machine is shared).
Skipped, visibly, when the shared export is absent.
"""

from pathlib import Path

import pytest

from yieldopt.cycle import nightly_controls
from yieldopt.ingest import load_property, read_reservations

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"
HOTEL = ROOT / "scenarios" / "hotels" / "city-hotel.toml"


def _year_of_controls():
    res = read_reservations(REAL, property="City Hotel").reservations
    return nightly_controls(res, load_property(HOTEL), "2016-08-01", horizon=365)


@pytest.mark.skipif(not REAL.is_file(), reason=f"shared data not present: {REAL}")
def test_city_hotel_year_of_controls(benchmark):
    out = benchmark.pedantic(_year_of_controls, rounds=3, iterations=1)
    assert len(out.controls) == 365
    assert (out.controls["capacity"] == 226).all()
