import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.ingest import (
    cancellation_rates,
    no_show_rate,
    on_the_books,
    pace,
    validate_reservations,
)


def book(rows):
    cols = ["arrival", "nights", "room_type", "booked_at", "status", "cancelled_at", "rooms"]
    df = pd.DataFrame(rows, columns=cols)
    return validate_reservations(df.assign(property="H", segment="x", rate=100.0, guests=1))


HAND = book(
    [
        ("2024-03-10", 2, "A", "2024-03-01", "checked_out", None, 1),  # nights 10, 11
        ("2024-03-11", 1, "A", "2024-03-05", "cancelled", "2024-03-08", 2),  # gone by 03-08
        ("2024-03-10", 3, "B", "2024-03-07", "no_show", None, 1),  # 10, 11, 12
        ("2024-03-11", 1, "B", "2024-03-09", "booked", None, 4),  # booked after 03-08
        ("2024-03-12", 1, "A", "2024-03-02", "cancelled", "2024-03-12", 1),  # day of arrival
    ]
)


def test_on_the_books_by_hand():
    otb = on_the_books(HAND, "2024-03-08")
    # As of 03-08: rows 0 and 2, and row 4 (cancelled later); row 1 cancelled, row 3 not yet.
    assert (
        otb["night"].tolist() == pd.to_datetime(["2024-03-10", "2024-03-11", "2024-03-12"]).tolist()
    )
    assert otb["rooms"].tolist() == [2, 2, 2]
    assert otb["revenue"].tolist() == [200.0, 200.0, 200.0]
    before = on_the_books(HAND, "2024-03-07", nights=["2024-03-11"])
    assert before["rooms"].tolist() == [4]  # rows 0, 1 (x2), 2
    final = on_the_books(HAND, "2024-03-20", by="room_type")
    got = final.set_index(["room_type", "night"])["rooms"]
    assert got[("A", pd.Timestamp("2024-03-12"))] == 0
    assert got[("B", pd.Timestamp("2024-03-11"))] == 5
    assert len(final) == 2 * 3  # every room type x night, zeros too


def test_nights_as_a_count_and_errors():
    otb = on_the_books(HAND, "2024-03-10", nights=2)
    assert otb["night"].tolist() == pd.to_datetime(["2024-03-10", "2024-03-11"]).tolist()
    with pytest.raises(InputError, match="did you mean 'room_type'"):
        on_the_books(HAND, "2024-03-10", by="roomtype")
    with pytest.raises(InputError) as err:
        on_the_books(HAND, "not a day")
    assert err.value.field == "as_of"
    with pytest.raises(InputError) as err:
        pace(HAND, "2024-03-10", 0)
    assert err.value.field == "nights"


def test_pace_against_the_same_weekday_last_year():
    rows = [
        ("2024-03-10", 1, "A", "2024-03-01", "checked_out", None, 3),  # a Sunday
        ("2024-03-10", 1, "A", "2024-03-07", "checked_out", None, 1),
        ("2023-03-12", 1, "A", "2023-02-20", "checked_out", None, 2),  # 364 days earlier
        ("2023-03-12", 1, "A", "2023-03-05", "checked_out", None, 5),  # in LY's pickup window
        ("2023-03-12", 1, "A", "2023-03-10", "checked_out", None, 7),  # after LY's as-of day
        ("2023-03-12", 1, "A", "2023-02-25", "cancelled", "2023-03-11", 1),  # cancelled later
    ]
    p = pace(book(rows), "2024-03-08", ["2024-03-10"], pickup_days=7).iloc[0]
    assert p["ly_night"] == pd.Timestamp("2023-03-12")
    assert pd.Timestamp("2023-03-12").day_of_week == pd.Timestamp("2024-03-10").day_of_week
    assert p["days_before"] == 2
    assert p["rooms"] == 4 and p["pickup"] == 1
    # LY as of 2023-03-10 (2 days before): 2 + 5 + 1 (+7 booked on 03-10 itself).
    assert p["ly_rooms"] == 15 and p["ly_pickup"] == 5 + 7
    assert p["pace"] == 4 - 15
    assert p["ly_final"] == 2 + 5 + 7  # the cancellation counted by the night itself
    later = pace(book(rows), "2024-03-08", ["2025-03-20"]).iloc[0]
    assert np.isnan(later["ly_final"])  # that night was not over on 2024-03-08


def test_cancellation_and_no_show_rates_by_hand():
    rates = cancellation_rates(HAND, "2024-03-11", by=None)
    # Arrived by 03-11: rows 0..3 (rooms 1, 2, 1, 4); row 1 cancelled; row 2 a no-show.
    r = rates.loc["all"]
    assert r["reservations"] == 4 and r["rooms"] == 8
    assert r["cancellation_rate"] == pytest.approx(2 / 8)
    assert r["no_show_rate"] == pytest.approx(1 / 6)
    assert no_show_rate(HAND, "2024-03-11") == pytest.approx(1 / 6)
    by = cancellation_rates(HAND, "2024-03-11", by="room_type")
    assert by.loc["A", "cancellation_rate"] == pytest.approx(2 / 3)
    assert by.loc["B", "no_show_rate"] == pytest.approx(1 / 5)
    with pytest.raises(InputError) as err:
        cancellation_rates(HAND, "2024-01-01")
    assert err.value.field == "as_of"


def cut(res: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The export as it stood at the close of ``as_of``."""
    day = pd.Timestamp(as_of)
    out = res[res["booked_at"].dt.normalize() <= day].copy()
    later_cancel = out["cancelled_at"].dt.normalize() > day
    out.loc[later_cancel, "status"] = "booked"
    out.loc[later_cancel, "cancelled_at"] = pd.NaT
    not_arrived = (out["status"] == "no_show") & (out["arrival"] > day)
    in_house = (out["status"] == "checked_out") & (out["departure"] > day)
    out.loc[not_arrived | in_house, "status"] = "booked"
    return out


@pytest.mark.parametrize("as_of", ["2024-06-15", "2025-01-31"])
def test_only_what_was_known_is_used(sample, as_of):
    res = sample.reservations
    known = cut(res, as_of)
    assert len(known) < len(res)
    for by in (None, ("room_type", "segment")):
        a = on_the_books(res, as_of, by=by, nights=120)
        b = on_the_books(known, as_of, by=by, nights=120)
        key = ["night", *([] if by is None else by)]
        a, b = a.set_index(key), b.set_index(key)
        pd.testing.assert_frame_equal(a.loc[b.index], b)
        # Groups with nothing booked by then are absent from the cut export, at zero.
        assert (a.drop(index=b.index)["rooms"] == 0).all()
    pd.testing.assert_frame_equal(pace(res, as_of, 90), pace(known, as_of, 90))
    pd.testing.assert_frame_equal(cancellation_rates(res, as_of), cancellation_rates(known, as_of))
    assert no_show_rate(res, as_of) == no_show_rate(known, as_of)


def test_sample_rates_are_plausible(sample):
    r = cancellation_rates(sample.reservations, "2025-07-31", by="property")
    assert ((r["cancellation_rate"] > 0.25) & (r["cancellation_rate"] < 0.5)).all()
    assert 0.0 < no_show_rate(sample.reservations, "2025-07-31") < 0.03
