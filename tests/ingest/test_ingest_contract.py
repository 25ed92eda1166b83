import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.ingest import RESERVATION_COLUMNS, validate_reservations

ROWS = [
    # property, arrival, nights, room_type, segment, booked_at, status, cancelled_at, rate, guests
    ("H", "2024-03-04", 2, "A", "leisure", "2024-02-01 10:00", "checked_out", None, 100.0, 2),
    ("H", "2024-03-05", 1, "B", "business", "2024-03-01", "cancelled", "2024-03-02 08:00", 80.0, 1),
    ("H", "2024-03-05", 0, "A", "leisure", "2024-03-05", "booked", None, 0.0, 1),
    ("H", "2024-03-06", 3, "A", "groups", "2024-01-10", "no_show", None, 70.0, 2),
]
COLS = ["property", "arrival", "nights", "room_type", "segment", "booked_at", "status",
        "cancelled_at", "rate", "guests"]  # fmt: skip


def frame(rows=ROWS):
    return pd.DataFrame(rows, columns=COLS)


def test_canonical_form_and_derived_columns():
    res = validate_reservations(frame())
    assert list(res.columns) == list(RESERVATION_COLUMNS)
    assert res["reservation_id"].tolist() == ["R0000000", "R0000001", "R0000002", "R0000003"]
    assert (
        res["departure"].tolist()
        == pd.to_datetime(["2024-03-06", "2024-03-06", "2024-03-05", "2024-03-09"]).tolist()
    )
    assert res["rooms"].tolist() == [1, 1, 1, 1]
    assert res["nights"].dtype == np.int64 and res["rate"].dtype == np.float64
    assert res["cancelled_at"].isna().tolist() == [True, False, True, True]
    pd.testing.assert_frame_equal(validate_reservations(res), res)  # idempotent


def test_departure_instead_of_nights():
    df = frame().drop(columns="nights")
    df["departure"] = ["2024-03-06", "2024-03-06", "2024-03-05", "2024-03-09"]
    res = validate_reservations(df)
    assert res["nights"].tolist() == [2, 1, 0, 3]


def test_optional_and_extra_columns_pass():
    df = frame().assign(
        reservation_id=["a", "b", "c", "d"], rooms=[1, 2, 1, 5], channel=["web", None, "gds", "x"],
        is_repeat=[0, 1, 1, 0], ancillary_fnb=[10.0, 0.0, None, 3.5], note=["n1", "n2", "n3", "n4"],
    )  # fmt: skip
    res = validate_reservations(df)
    assert res["is_repeat"].tolist() == [False, True, True, False]
    assert res["channel"].isna().tolist() == [False, True, False, False]
    assert np.isnan(res["ancillary_fnb"].iloc[2])
    assert list(res.columns[-4:]) == ["channel", "is_repeat", "ancillary_fnb", "note"]


def _with(i, **changes):
    rows = [list(r) for r in ROWS]
    for key, value in changes.items():
        rows[i][COLS.index(key)] = value
    return frame([tuple(r) for r in rows])


@pytest.mark.parametrize(
    ("df", "field", "needle"),
    [
        (_with(1, nights=-1), "nights", "first bad row 1"),
        (_with(2, nights=1.5), "nights", "first bad row 2"),
        (_with(3, status="lost"), "status", "first bad row 3"),
        (_with(0, booked_at="2024-03-05"), "booked_at", "first bad row 0"),
        (_with(1, cancelled_at=None), "cancelled_at", "missing for a cancelled"),
        (_with(0, cancelled_at="2024-03-01"), "cancelled_at", "not cancelled"),
        (_with(1, cancelled_at="2024-02-01"), "cancelled_at", "before booked_at"),
        (_with(2, rate=-1.0), "rate", "first bad row 2"),
        (_with(3, room_type=None), "room_type", "first bad row 3"),
        (_with(0, arrival="2024-02-30"), "arrival", "first bad row 0"),
        (frame().drop(columns="segment"), "segment", "missing column"),
        (frame().drop(columns="nights"), "nights", "departure or nights"),
        (frame().assign(reservation_id=["a", "b", "a", "c"]), "reservation_id", "row 2"),
        (frame().assign(rooms=[1, 0, 1, 1]), "rooms", "first bad row 1"),
        (frame().assign(departure="2024-03-06"), "departure", "first bad row 2"),
        (frame().assign(is_repeat=["yes", "no", "maybe", "no"]), "is_repeat", "row 2"),
    ],
)
def test_errors_name_the_column_and_row(df, field, needle):
    with pytest.raises(InputError) as err:
        validate_reservations(df)
    assert err.value.field == field
    assert needle in str(err.value)


def test_not_a_frame():
    with pytest.raises(InputError, match="reservations"):
        validate_reservations([1, 2])
