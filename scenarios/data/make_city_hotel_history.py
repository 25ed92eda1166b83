"""Regenerate the city hotel's booking history and closures (city-hotel-history.parquet, .csv).

Half a year of synthetic bookings per segment, taken on 2026-07-09: the day before the
hotel opens sales for the scenario's nights (2026-12-07 .. 2026-12-20; guests book up
to 150 days ahead). Each segment's mean room-nights per night of the week follow the
scenario's own demand streams, so a good forecast should recover them. Products whose
bookings reach twice their mean close, which censors the history.

Run from the repository root: .venv/bin/python scenarios/data/make_city_hotel_history.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

import yieldopt as yo

HERE = Path(__file__).resolve().parent
AS_OF = pd.Timestamp("2026-07-09")
DAYS = 182  # complete service dates up to AS_OF (26 weeks)
LEAD = {"business": 14.0, "leisure": 45.0}  # mean days booked ahead


def weekday_room_nights(scenario: yo.Scenario, segment: str) -> np.ndarray:
    """Mean room-nights per night, Monday .. Sunday, from the scenario's streams."""
    net = scenario.network
    mine = np.array([p.segment == segment for p in net.products])
    per_night = net.incidence @ (scenario.demand.to_numpy() * mine)
    dow = pd.to_datetime([r.split("/")[1] for r in net.resource_ids]).day_of_week
    # Inner nights only: the first and last nights of the period miss longer stays.
    inner = np.arange(len(per_night))[2:-2]
    return np.array([per_night[inner][dow[inner] == d].mean() for d in range(7)])


def main() -> None:
    """Write the history and closures next to this script."""
    sc = yo.load_scenario(HERE.parent / "city-hotel.toml")
    books, closes = [], []
    for k, segment in enumerate(["business", "leisure"]):
        pattern = weekday_room_nights(sc, segment)
        mean = pattern.mean()
        rate = float(
            np.median(sc.network.prices[[p.segment == segment for p in sc.network.products]])
        )
        h = yo.synthetic_history(
            products=[
                {
                    "id": segment,
                    "mean": mean,
                    "price": rate,
                    "lead": LEAD[segment],
                    "segments": {segment: 1.0},
                }
            ],
            start=AS_OF - pd.Timedelta(days=DAYS - 1),
            n_days=DAYS,
            future_days=170,
            weekday_factors=tuple(pattern / mean),
            max_days_before=150,
            limit_factor=2.0,
            seed=100 + k,
        )
        b = h.bookings.copy()
        b["booking_id"] = b["booking_id"].astype(np.int64) + 10_000_000 * k
        books.append(b)
        closes.append(h.closures)
    pd.concat(books).sort_values("booked_at").to_parquet(
        HERE / "city-hotel-history.parquet", index=False
    )
    pd.concat(closes).to_csv(HERE / "city-hotel-closures.csv", index=False)


if __name__ == "__main__":
    main()
