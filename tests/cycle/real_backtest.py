"""Backtest figures of both hotels of the real export (a script, not a test: minutes).

Run ``python -m tests.cycle.real_backtest`` from the project root; prints one table
per hotel (WAPE and bias by method and days before arrival) and writes them as
CSV next to nothing in the repository (stdout only). Skips when the file is absent.
"""

import sys
from pathlib import Path

import pandas as pd

from yieldopt.cycle import backtest_occupancy
from yieldopt.ingest import load_property, read_reservations

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"
HOTELS = {"City Hotel": "city-hotel.toml", "Resort Hotel": "resort-hotel.toml"}
METHODS = ("additive-advanced", "additive-classical", "multiplicative-advanced", "smoothing")


def main() -> int:
    if not REAL.is_file():
        print(f"shared data not present: {REAL}")
        return 0
    res = read_reservations(REAL).reservations
    pd.set_option("display.width", 200)
    for name, file in HOTELS.items():
        prop = load_property(ROOT / "scenarios" / "hotels" / file)
        out = backtest_occupancy(
            res, prop, start="2016-07-01", end="2017-06-30", step_days=14, methods=METHODS
        )
        table = out.pivot(index="method", columns="days_before", values=["wape", "bias"])
        n = out["nights"].iloc[0]
        print(f"\n{name}: as-of 2016-07-01 .. 2017-06-30 every 14 days, {n} nights per lead")
        print(table.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
