import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.forecast import HISTORY_COLUMNS, validate_history
from yieldopt.ingest import to_history, validate_reservations


def test_one_row_per_night_by_hand():
    res = validate_reservations(
        pd.DataFrame(
            {"reservation_id": ["a", "b", "c"], "property": "H", "arrival": "2024-03-04",
             "nights": [2, 0, 1], "room_type": ["A", "A", "B"], "segment": "x",
             "booked_at": "2024-03-01", "status": ["checked_out", "booked", "cancelled"],
             "cancelled_at": [None, None, "2024-03-02"], "rooms": [3, 1, 1],
             "rate": [100.0, 50.0, 80.0], "guests": 2}
        )
    )  # fmt: skip
    h = to_history(res)
    assert list(h.columns) == list(HISTORY_COLUMNS)
    assert h["booking_id"].tolist() == ["a/0", "a/1", "c/0"]
    assert (
        h["service_date"].tolist()
        == pd.to_datetime(["2024-03-04", "2024-03-05", "2024-03-04"]).tolist()
    )
    assert h["quantity"].tolist() == [3, 3, 1]
    assert h["price"].tolist() == [100.0, 100.0, 80.0]
    assert h["status"].tolist() == ["booked", "booked", "cancelled"]
    assert h["product"].tolist() == ["A", "A", "B"]
    assert to_history(res, product=("room_type", "segment"))["product"].iloc[0] == "A/x"
    with pytest.raises(InputError, match="did you mean 'room_type'") as err:
        to_history(res, product="roomtype")
    assert err.value.field == "product"


def test_round_trip_on_the_sample(sample):
    res = sample.reservations
    h = to_history(res)
    pd.testing.assert_frame_equal(validate_history(h), h)
    # Two hotels: the product names both.
    assert set(h["product"]) == set(res["property"] + "/" + res["room_type"])
    stays = res[res["nights"] > 0]
    assert len(h) == stays["nights"].sum()
    # Back to one row per reservation: every quantity, revenue, status and time returns.
    back = h.assign(
        reservation_id=h["booking_id"].str.rsplit("/", n=1).str[0],
        revenue=h["quantity"] * h["price"],
    ).groupby("reservation_id", sort=False).agg(
        arrival=("service_date", "min"), nights=("service_date", "size"),
        rooms=("quantity", "first"), rate=("price", "first"), revenue=("revenue", "sum"),
        status=("status", "first"), segment=("segment", "first"),
        booked_at=("booked_at", "first"), cancelled_at=("cancelled_at", "first"),
    )  # fmt: skip
    want = stays.set_index("reservation_id").loc[back.index]
    assert (back["arrival"] == want["arrival"]).all()
    assert (back["nights"] == want["nights"]).all()
    assert (back["rooms"] == want["rooms"]).all()
    np.testing.assert_allclose(back["revenue"], want["rooms"] * want["nights"] * want["rate"])
    expected_status = want["status"].replace({"checked_out": "booked"})
    assert (back["status"] == expected_status).all()
    assert (back["segment"] == want["segment"]).all()
    assert (back["booked_at"] == want["booked_at"]).all()
    assert (
        back["cancelled_at"].equals(want["cancelled_at"])
        or ((back["cancelled_at"] == want["cancelled_at"]) | want["cancelled_at"].isna()).all()
    )
    # Room-nights and revenue in total, by status.
    by_status = h.assign(rev=h["quantity"] * h["price"]).groupby("status")["rev"].sum()
    rn = stays.assign(rev=stays["rooms"] * stays["nights"] * stays["rate"])
    rn["status"] = rn["status"].replace({"checked_out": "booked"})
    pd.testing.assert_series_equal(by_status, rn.groupby("status")["rev"].sum(), check_names=False)
    # The day-use reservations are the only ones without rows.
    assert len(res) - len(back) == (res["nights"] == 0).sum() == 8
