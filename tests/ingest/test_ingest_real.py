"""The real two-hotel export (skipped, visibly, when the shared file is absent)."""

import pytest

from yieldopt.ingest import cancellation_rates, no_show_rate, read_reservations, to_history

from .conftest import REAL


def test_known_facts_of_the_file(real):
    res, quality = real.reservations, real.quality.set_index("check")
    assert len(res) == 119_390 and real.rows_dropped == 0
    assert res["property"].value_counts().to_dict() == {
        "City Hotel": 79_330,
        "Resort Hotel": 40_060,
    }
    assert quality.loc["duplicate_rows", "rows"] == 31_994
    assert quality.loc["duplicate_rows", "action"] == "kept"
    assert res["reservation_id"].is_unique
    assert quality.loc["zero_nights", "rows"] == 715
    assert quality.loc["negative_rate", "rows"] == 1
    assert quality.loc["extreme_rate", "rows"] == 1  # the 5,400 EUR rate
    missing = real.quality[real.quality["check"] == "missing_values"]
    assert missing[missing["column"] == "guests"]["rows"].item() == 4  # children
    # Booking date = arrival - lead_time; cancellations happen between booking and arrival.
    assert (res["booked_at"] + res["lead_time"].astype("timedelta64[D]") == res["arrival"]).all()
    assert (res["status"] == "no_show").sum() == 1_207
    assert (res["status"] == "cancelled").sum() == 43_017


def test_rates_match_the_readme(real):
    res = real.reservations
    # No-shows 1.58 % of non-cancelled reservations (all outcomes known at the end).
    assert no_show_rate(res, "2017-09-30") == pytest.approx(1_207 / (119_390 - 43_017))
    r = cancellation_rates(res, "2017-09-30", by="property")
    assert r.loc["City Hotel", "rooms"] == 79_330
    # The README's 41.7 % counts no-shows as cancelled (is_canceled).
    city = r.loc["City Hotel"]
    assert (city["cancelled"] + city["no_show"]) / city["rooms"] == pytest.approx(0.417, abs=5e-4)


def test_city_hotel_only_and_its_history(real):
    city = read_reservations(REAL, property="City Hotel")
    assert len(city.reservations) == 79_330
    h = to_history(city.reservations)
    assert len(h) == city.reservations["nights"].sum()
    assert set(h["product"]) == set(city.reservations["room_type"])
