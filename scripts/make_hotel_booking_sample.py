"""Generate scenarios/data/hotel-bookings-sample.csv.gz: a small made-up PMS export.

Same 32-column layout as the "Hotel booking demand" export (Antonio, de Almeida &
Nunes, Data in Brief 22 (2019) 41-49) so the built-in ``hotel-booking-demand``
mapping reads it, but every row is drawn here from a seeded generator; nothing
comes from the real file. Two hotels, arrivals 2024-01-01 .. 2025-06-30:

* a city hotel (weekday business peak, 1-3 night stays, short corporate lead
  times) and a resort (summer peak, weekend arrivals, longer stays);
* segments with their own lead times, rates and cancellation odds (about 35 % of
  reservations cancelled overall; non-refundable deposits rarely cancel here);
  cancellation days between booking and arrival, 1 % no-shows;
* group blocks written as identical rows, one per room (no reservation id), and a
  few rows for the quality report to find: zero-night stays, negative and extreme
  rates, missing children, an undefined segment, stays without guests.

Run from the repository root: .venv/bin/python scripts/make_hotel_booking_sample.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
SEED = 20240101
FIRST, LAST = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-06-30")

COLUMNS = [
    "hotel", "is_canceled", "lead_time", "arrival_date_year", "arrival_date_month",
    "arrival_date_week_number", "arrival_date_day_of_month", "stays_in_weekend_nights",
    "stays_in_week_nights", "adults", "children", "babies", "meal", "country",
    "market_segment", "distribution_channel", "is_repeated_guest", "previous_cancellations",
    "previous_bookings_not_canceled", "reserved_room_type", "assigned_room_type",
    "booking_changes", "deposit_type", "agent", "company", "days_in_waiting_list",
    "customer_type", "adr", "required_car_parking_spaces", "total_of_special_requests",
    "reservation_status", "reservation_status_date",
]  # fmt: skip

# segment: (share city, share resort, mean lead days, rate factor, cancel prob, channel)
SEGMENTS = {
    "Online TA": (0.50, 0.46, 55, 1.05, 0.40, "TA/TO"),
    "Offline TA/TO": (0.17, 0.20, 90, 0.90, 0.35, "TA/TO"),
    "Groups": (0.10, 0.12, 110, 0.80, 0.45, "TA/TO"),
    "Direct": (0.11, 0.15, 35, 1.10, 0.15, "Direct"),
    "Corporate": (0.08, 0.06, 15, 0.85, 0.18, "Corporate"),
    "Complementary": (0.01, 0.01, 5, 0.0, 0.10, "Direct"),
    "Aviation": (0.03, 0.00, 4, 0.95, 0.20, "Corporate"),
}
HOTELS = {
    # daily arrivals, weekday factors Mon..Sun, monthly factors Jan..Dec, mean extra nights,
    # base rate (EUR), room types with shares and rate factors
    "City Hotel": (
        7.0,
        [1.25, 1.2, 1.15, 1.1, 1.0, 0.8, 0.5],
        [0.7, 0.8, 0.95, 1.1, 1.15, 1.1, 1.05, 1.1, 1.15, 1.1, 0.85, 0.8],
        1.4,
        100.0,
    ),
    "Resort Hotel": (
        4.5,
        [0.8, 0.75, 0.75, 0.85, 1.2, 1.5, 1.15],
        [0.5, 0.6, 0.7, 0.9, 1.0, 1.3, 1.6, 1.7, 1.2, 0.9, 0.55, 0.6],
        3.0,
        85.0,
    ),
}
ROOMS = {"A": (0.68, 1.0), "D": (0.17, 1.2), "E": (0.07, 1.35), "F": (0.04, 1.6),
         "G": (0.02, 1.9), "B": (0.01, 0.9), "C": (0.01, 1.1)}  # fmt: skip
MEALS = {"BB": 0.77, "HB": 0.12, "SC": 0.09, "FB": 0.01, "Undefined": 0.01}
COUNTRIES = {"PRT": 0.38, "GBR": 0.11, "FRA": 0.09, "ESP": 0.08, "DEU": 0.07, "ITA": 0.04,
             "IRL": 0.03, "BEL": 0.03, "BRA": 0.02, "NLD": 0.02, "USA": 0.02, "CHE": 0.02,
             "CN": 0.01, "AUT": 0.01, "SWE": 0.01, "POL": 0.01, "OTHER": 0.05}  # fmt: skip
MONTHS = "January February March April May June July August September October November December"


def pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    keys = list(table)
    p = np.array([table[k] if np.isscalar(table[k]) else table[k][0] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def hotel_rows(rng: np.random.Generator, hotel: str) -> pd.DataFrame:
    base, weekday, monthly, extra_nights, base_rate = HOTELS[hotel]
    days = pd.date_range(FIRST, LAST, freq="D")
    lam = base * np.array(weekday)[days.day_of_week] * np.array(monthly)[days.month - 1]
    counts = rng.poisson(lam)
    arrival = np.repeat(days.to_numpy(), counts)
    n = len(arrival)
    share = 0 if hotel == "City Hotel" else 1
    seg = pick(rng, {k: v[share] for k, v in SEGMENTS.items() if v[share] > 0}, n)
    lead_mean = np.array([SEGMENTS[s][2] for s in seg], dtype=float)
    lead = np.minimum(rng.gamma(1.3, lead_mean / 1.3), 600).round().astype(int)
    nights = 1 + rng.poisson(extra_nights, n)
    arr = pd.DatetimeIndex(arrival)
    # Weekend nights are Saturday and Sunday nights: count them night by night.
    idx = np.repeat(np.arange(n), nights)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(nights) - nights, nights)
    dow = (arr.day_of_week.to_numpy()[idx] + k) % 7
    weekend = np.bincount(idx, weights=(dow >= 5), minlength=n).astype(int)
    room = pick(rng, ROOMS, n)
    season = np.array(monthly)[arr.month - 1] ** 0.6
    rate_factor = np.array([SEGMENTS[s][3] for s in seg])
    room_factor = np.array([ROOMS[r][1] for r in room])
    adr = base_rate * season * rate_factor * room_factor * rng.lognormal(0, 0.15, n)
    deposit = np.where(rng.random(n) < 0.12, "Non Refund", "No Deposit").astype(object)
    deposit[rng.random(n) < 0.01] = "Refundable"
    p_cancel = np.array([SEGMENTS[s][4] for s in seg]) * np.where(deposit == "Non Refund", 0.3, 1)
    p_cancel *= 0.75 + lead / np.maximum(lead.mean(), 1) * 0.25  # booked early: more likely
    cancelled = rng.random(n) < np.minimum(p_cancel, 0.95)
    no_show = ~cancelled & (rng.random(n) < 0.01)
    booked = arr - pd.to_timedelta(lead, unit="D")
    cancel_day = booked + pd.to_timedelta(np.floor(rng.random(n) * lead), unit="D")
    departure = arr + pd.to_timedelta(nights, unit="D")
    status = np.where(cancelled, "Canceled", np.where(no_show, "No-Show", "Check-Out"))
    status_date = np.where(cancelled, cancel_day, np.where(no_show, arr, departure))
    adults = rng.choice([1, 2, 2, 2, 3], n)
    children = np.where(rng.random(n) < 0.07, rng.integers(1, 3, n), 0).astype(float)
    ta = np.isin(seg, ["Online TA", "Offline TA/TO", "Groups"])
    agent = np.where(ta, rng.choice([9, 240, 1, 14, 7, 6, 250, 241, 28, 8], n), np.nan)
    company = np.where(seg == "Corporate", rng.choice([40, 223, 67, 45, 153], n), np.nan)
    customer = np.where(seg == "Groups", "Transient-Party", "Transient").astype(object)
    customer[rng.random(n) < 0.04] = "Contract"
    customer[(seg == "Groups") & (rng.random(n) < 0.1)] = "Group"
    repeat = (rng.random(n) < np.where(np.isin(seg, ["Corporate", "Direct"]), 0.12, 0.01)).astype(
        int
    )
    assigned = room.copy()
    upgrade = rng.random(n) < 0.12
    assigned[upgrade] = "D"
    return pd.DataFrame(
        {
            "hotel": hotel,
            "is_canceled": (cancelled | no_show).astype(int),
            "lead_time": lead,
            "arrival_date_year": arr.year,
            "arrival_date_month": np.array(MONTHS.split())[arr.month - 1],
            "arrival_date_week_number": arr.isocalendar().week.to_numpy(),
            "arrival_date_day_of_month": arr.day,
            "stays_in_weekend_nights": weekend,
            "stays_in_week_nights": nights - weekend,
            "adults": adults,
            "children": children,
            "babies": (rng.random(n) < 0.008).astype(int),
            "meal": pick(rng, MEALS, n),
            "country": pick(rng, COUNTRIES, n),
            "market_segment": seg,
            "distribution_channel": np.array([SEGMENTS[s][5] for s in seg], dtype=object),
            "is_repeated_guest": repeat,
            "previous_cancellations": np.where(rng.random(n) < 0.05, 1, 0),
            "previous_bookings_not_canceled": np.where(repeat == 1, rng.integers(1, 6, n), 0),
            "reserved_room_type": room,
            "assigned_room_type": assigned,
            "booking_changes": rng.poisson(0.2, n),
            "deposit_type": deposit,
            "agent": agent,
            "company": company,
            "days_in_waiting_list": np.where(rng.random(n) < 0.03, rng.integers(1, 60, n), 0),
            "customer_type": customer,
            "adr": np.where(seg == "Complementary", 0.0, adr.round(2)),
            "required_car_parking_spaces": (rng.random(n) < (0.03 + 0.09 * share)).astype(int),
            "total_of_special_requests": np.minimum(rng.poisson(0.6, n), 5),
            "reservation_status": status,
            "reservation_status_date": pd.DatetimeIndex(status_date).strftime("%Y-%m-%d"),
        },
        columns=COLUMNS,
    )


def main() -> None:
    """Write the sample next to the other scenario data."""
    rng = np.random.default_rng(SEED)
    df = pd.concat([hotel_rows(rng, h) for h in HOTELS], ignore_index=True)
    # Group blocks: every Groups reservation is a block of 2-8 rooms, one identical row each.
    block = np.where(df["market_segment"] == "Groups", rng.integers(2, 9, len(df)), 1)
    df = df.loc[np.repeat(df.index.to_numpy(), block)].reset_index(drop=True)
    # A few rows for the quality report to find.
    pos = rng.choice(len(df), size=24, replace=False)
    zero = pos[:8]  # day-use rooms
    df.loc[zero, ["stays_in_weekend_nights", "stays_in_week_nights"]] = 0
    checked_out = df.loc[zero, "reservation_status"] == "Check-Out"
    arrival_text = pd.to_datetime(
        df.loc[zero, "arrival_date_year"].astype(str)
        + "-"
        + df.loc[zero, "arrival_date_month"]
        + "-"
        + df.loc[zero, "arrival_date_day_of_month"].astype(str),
        format="%Y-%B-%d",
    ).dt.strftime("%Y-%m-%d")
    df.loc[zero[checked_out.to_numpy()], "reservation_status_date"] = arrival_text[checked_out]
    df.loc[pos[8:10], "adr"] = [-5.0, -12.5]  # refunds posted as rates
    df.loc[pos[10], "adr"] = 4800.0  # a typing error
    df.loc[pos[11:13], "children"] = np.nan
    df.loc[pos[13], "market_segment"] = "Undefined"
    df.loc[pos[14:18], "adults"] = 0
    df.loc[pos[14:18], "children"] = 0.0
    # Exports come ordered by arrival.
    order = np.lexsort(
        (df["hotel"].to_numpy(), df["arrival_date_day_of_month"].to_numpy(),
         pd.to_datetime(df["arrival_date_month"], format="%B").dt.month.to_numpy(),
         df["arrival_date_year"].to_numpy())
    )  # fmt: skip
    df = df.iloc[order].reset_index(drop=True)
    out = df.astype({"agent": object, "company": object})
    for col in ("agent", "company"):  # the real layout writes NULL for "none"
        values = df[col].to_numpy()
        out[col] = np.where(np.isnan(values), "NULL", np.nan_to_num(values).astype(int).astype(str))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT, index=False, na_rep="NA", compression={"method": "gzip", "mtime": 0})
    print(f"wrote {OUT} ({len(df)} rows, {OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
