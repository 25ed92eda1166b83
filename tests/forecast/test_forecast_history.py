import numpy as np
import pandas as pd
import pytest

from yieldopt import (
    InputError,
    booking_curves,
    cancellation_rates,
    final_demand,
    load_closures,
    load_history,
)
from yieldopt.forecast import HISTORY_COLUMNS, validate_closures, validate_history

ROWS = [
    # id, product, segment, service_date, booked_at, qty, price, status, cancelled_at
    (1, "A", "biz", "2024-03-10", "2024-02-20 09:00", 2, 100.0, "booked", None),
    (2, "A", "biz", "2024-03-10", "2024-03-05 10:00", 1, 120.0, "cancelled", "2024-03-08 12:00"),
    (3, "A", "leis", "2024-03-10", "2024-03-09 18:00", 1, 90.0, "no_show", None),
    (4, "A", "leis", "2024-03-10", "2024-03-10 07:00", 3, 90.0, "booked", None),
    (5, "B", "leis", "2024-03-11", "2024-03-01 08:00", 4, 80.0, "booked", None),
    (6, "B", "biz", "2024-03-11", "2024-03-10 08:00", 1, 80.0, "cancelled", "2024-03-12 08:00"),
]


def history(rows=ROWS):
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def test_validate_gives_the_canonical_form():
    h = validate_history(history())
    assert list(h.columns) == list(HISTORY_COLUMNS)
    assert h["quantity"].dtype == np.int64
    assert h["service_date"].iloc[0] == pd.Timestamp("2024-03-10")
    assert h["booked_at"].iloc[1] == pd.Timestamp("2024-03-05 10:00")
    assert h["cancelled_at"].isna().sum() == 4
    # idempotent
    pd.testing.assert_frame_equal(validate_history(h), h)


def _bad(rows, i, **changes):
    out = [list(r) for r in rows]
    cols = list(HISTORY_COLUMNS)
    for key, value in changes.items():
        out[i][cols.index(key)] = value
    return history([tuple(r) for r in out])


@pytest.mark.parametrize(
    ("changes", "row", "field", "needle"),
    [
        ({"quantity": -1}, 3, "quantity", "first bad row 3"),
        ({"quantity": 1.5}, 2, "quantity", "first bad row 2"),
        ({"service_date": "2024-13-45"}, 4, "service_date", "first bad row 4"),
        ({"booked_at": "yesterday"}, 1, "booked_at", "first bad row 1"),
        ({"booked_at": None}, 0, "booked_at", "first bad row 0"),
        ({"status": "lost"}, 5, "status", "first bad row 5"),
        ({"price": float("nan")}, 2, "price", "first bad row 2"),
        ({"product": None}, 1, "product", "first bad row 1"),
        ({"booking_id": 1}, 3, "booking_id", "first bad row 3"),
        ({"booked_at": "2024-03-11 09:00"}, 0, "booked_at", "first bad row 0"),
        ({"cancelled_at": None}, 1, "cancelled_at", "first bad row 1"),
        ({"cancelled_at": "2024-03-09"}, 0, "cancelled_at", "first bad row 0"),
        ({"cancelled_at": "2024-03-04"}, 1, "cancelled_at", "first bad row 1"),
    ],
)
def test_bad_rows_name_the_column_and_the_first_bad_row(changes, row, field, needle):
    with pytest.raises(InputError) as err:
        validate_history(_bad(ROWS, row, **changes))
    assert err.value.field == field
    assert needle in str(err.value)


def test_missing_column_is_named():
    with pytest.raises(InputError) as err:
        validate_history(history().drop(columns="booked_at"))
    assert err.value.field == "booked_at"
    assert "missing column" in str(err.value)


def test_status_aliases_and_case():
    h = validate_history(_bad(ROWS, 1, status=" Canceled "))
    assert h["status"].iloc[1] == "cancelled"


def test_closures_validation_and_earliest_closure_kept():
    c = pd.DataFrame(
        {
            "product": ["A", "A", "B"],
            "service_date": ["2024-03-10", "2024-03-10", "2024-03-11"],
            "closed_at": ["2024-03-09 12:00", "2024-03-08 12:00", "2024-03-11 01:00"],
        }
    )
    v = validate_closures(c)
    assert len(v) == 2
    assert v["closed_at"].iloc[0] == pd.Timestamp("2024-03-08 12:00")
    c.loc[2, "closed_at"] = "2024-03-12"
    with pytest.raises(InputError, match="first bad row 2") as err:
        validate_closures(c)
    assert err.value.field == "closed_at"


def test_load_csv_and_parquet_round_trip(tmp_path):
    h = validate_history(history())
    history().to_csv(tmp_path / "h.csv", index=False)
    h.to_parquet(tmp_path / "h.parquet")
    pd.testing.assert_frame_equal(load_history(tmp_path / "h.csv"), h, check_dtype=False)
    pd.testing.assert_frame_equal(load_history(tmp_path / "h.parquet"), h)
    pd.DataFrame(
        {"product": ["A"], "service_date": ["2024-03-10"], "closed_at": ["2024-03-09 12:00"]}
    ).to_csv(tmp_path / "c.csv", index=False)
    assert len(load_closures(tmp_path / "c.csv")) == 1
    with pytest.raises(InputError, match="file not found"):
        load_history(tmp_path / "nope.csv")
    (tmp_path / "h.xlsx").write_text("x")
    with pytest.raises(InputError, match="unknown file type"):
        load_history(tmp_path / "h.xlsx")


def test_booking_curves_by_hand():
    closures = pd.DataFrame(
        {"product": ["A"], "service_date": ["2024-03-10"], "closed_at": ["2024-03-09 20:00"]}
    )
    curves = booking_curves(history(), closures=closures, dcps=[0, 1, 7, 30])
    a = curves[curves["product"] == "A"].set_index("days_before")
    # bookings of A/2024-03-10, days before: 19 (2 units), 5 (1, cancelled 2 days before),
    # 1 (1), 0 (3)
    assert a["booked"].to_dict() == {30: 0.0, 7: 2.0, 1: 4.0, 0: 7.0}
    assert a["on_hand"].to_dict() == {30: 0.0, 7: 2.0, 1: 3.0, 0: 6.0}
    # closed the day before service: readings at 1 and 0 days before are censored
    assert a["censored"].to_dict() == {30: False, 7: False, 1: True, 0: True}
    b = curves[curves["product"] == "B"].set_index("days_before")
    # B/2024-03-11: 4 units 10 days before, 1 unit 1 day before (cancelled after service)
    assert b["booked"].to_dict() == {30: 0.0, 7: 4.0, 1: 5.0, 0: 5.0}
    assert b["on_hand"].to_dict() == b["booked"].to_dict()


def test_booking_curves_only_hold_readings_already_taken():
    curves = booking_curves(history(), dcps=[0, 1, 7], as_of="2024-03-09")
    b = curves[curves["product"] == "B"].set_index("days_before")
    # on 2024-03-09 the reading 1 day before B's service (2024-03-10) is not taken yet
    assert list(b.index) == [7]
    a = curves[curves["product"] == "A"].set_index("days_before")
    assert a["booked"].to_dict() == {7: 2.0, 1: 4.0}


def test_final_demand_by_hand():
    closures = pd.DataFrame(
        {"product": ["B"], "service_date": ["2024-03-11"], "closed_at": ["2024-03-05 10:00"]}
    )
    f = final_demand(history(), closures=closures).set_index(["product", "service_date"])
    a = f.loc[("A", pd.Timestamp("2024-03-10"))]
    assert (a["demand"], a["cancelled"], a["no_show"], a["net"]) == (7.0, 1.0, 1.0, 6.0)
    assert not a["censored"] and a["closed_days_before"] == -1
    # every product on every date: A had nothing on 2024-03-11, B nothing on 2024-03-10
    assert f.loc[("A", pd.Timestamp("2024-03-11")), "demand"] == 0.0
    b = f.loc[("B", pd.Timestamp("2024-03-11"))]
    assert b["demand"] == 5.0 and b["censored"] and b["closed_days_before"] == 6
    # before B's service date ends, its outcome is not final
    assert len(final_demand(history(), as_of="2024-03-10")) == 2


def test_cancellation_and_no_show_rates_by_hand():
    r = cancellation_rates(history())
    # biz: rows 1 (2 units), 2 (1 cancelled), 6 (1 cancelled after its service date)
    assert r.loc["biz", "bookings"] == 4.0
    assert r.loc["biz", "cancellation_rate"] == pytest.approx(2 / 4)
    assert r.loc["biz", "no_show_rate"] == pytest.approx(0.0)
    # leis: rows 3 (no-show, 1), 4 (3), 5 (4)
    assert r.loc["leis", "no_show_rate"] == pytest.approx(1 / 8)
    assert r.loc["leis", "show_rate"] == pytest.approx(7 / 8)
    both = cancellation_rates(history(), by=["product", "segment"])
    assert both.loc[("A", "leis"), "no_show_rate"] == pytest.approx(1 / 4)
    with pytest.raises(InputError) as err:
        cancellation_rates(history(), by="price")
    assert err.value.field == "by"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("service_date", "03/10/2024"),  # month/day or day/month? refused, not guessed
        ("service_date", "2024-3-10"),  # pandas' ISO8601 parser takes it; the rule does not
        ("booked_at", "20240220"),
        ("cancelled_at", "08.03.2024 12:00"),
    ],
)
def test_dates_must_be_iso_naming_column_row_and_format(column, value):
    row = 1  # the cancelled booking, so cancelled_at is expected there
    with pytest.raises(InputError) as err:
        validate_history(_bad(ROWS, row, **{column: value}))
    assert err.value.field == column
    assert f"first bad row {row}" in str(err.value) and "YYYY-MM-DD" in str(err.value)


def test_iso_datetimes_with_offsets_are_dates():
    h = validate_history(_bad(ROWS, 0, booked_at="2024-02-20T09:00:00+01:00"))
    assert h["booked_at"].iloc[0] == pd.Timestamp("2024-02-20 09:00")


def test_semicolon_csv_is_named_not_a_missing_column(tmp_path):
    p = tmp_path / "history.csv"
    history().to_csv(p, index=False, sep=";")
    with pytest.raises(InputError, match="looks ';'-separated") as err:
        load_history(p)
    assert err.value.field == "history"


def test_as_of_must_be_iso():
    from yieldopt._table import parse_day

    assert parse_day("2024-03-10", "as_of") == np.datetime64("2024-03-10")
    assert parse_day(pd.Timestamp("2024-03-10 18:00"), "as_of") == np.datetime64("2024-03-10")
    for bad in ("03/10/2024", "2024-3-10", "10 March 2024", ""):
        with pytest.raises(InputError, match="YYYY-MM-DD") as err:
            parse_day(bad, "as_of")
        assert err.value.field == "as_of"
    with pytest.raises(InputError, match="as_of"):
        booking_curves(history(), as_of="03/10/2024")
