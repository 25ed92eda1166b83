from importlib import resources

import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.ingest import QUALITY_COLUMNS, read_reservations, write_quality

from .conftest import export, write

# Row by row: what each is and what the report must say about it.
ROWS = [
    {},  # 0 clean
    {},  # 1 exact duplicate of row 0: a second room of the block, kept
    {"stays_in_week_nights": 0},  # 2 zero nights, kept
    {"adr": -6.5},  # 3 negative rate, fixed to 0
    {"adr": 5000.0},  # 4 extreme rate (> 10 x median 100), kept
    {"children": None, "adults": 1},  # 5 missing children: guests = 1 + 0, fixed
    {"reservation_status": "Lost"},  # 6 unknown status, dropped
    {"market_segment": "Undefined"},  # 7 unknown segment, kept
    {"arrival_date_month": "Marhc"},  # 8 unreadable arrival, dropped
    {"lead_time": 900},  # 9 extreme lead time, kept
    {"adults": 0, "children": 0.0},  # 10 zero guests, kept
    {"reservation_status": "Canceled", "reservation_status_date": "2024-02-20",
     "is_canceled": 1, "lead_time": 5},  # 11 cancelled before booked (02-28): fixed
    {"reservation_status": "Canceled", "reservation_status_date": None,
     "is_canceled": 1},  # 12 cancelled without a date: fixed
    {"lead_time": None},  # 13 no booking date: dropped
    {"arrival_date_year": 1890},  # 14 out of range: dropped
    {"adr": None},  # 15 missing rate: fixed to 0
]  # fmt: skip


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("q"), export(*ROWS))
    return read_reservations(path)


def q(result, check, column=None):
    rows = result.quality[result.quality["check"] == check]
    if column is not None:
        rows = rows[rows["column"] == column]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("check", "column", "rows", "action", "first"),
    [
        ("duplicate_rows", None, 1, "kept", 1),
        ("zero_nights", None, 1, "kept", 2),
        ("negative_rate", None, 1, "fixed", 3),
        ("extreme_rate", None, 1, "kept", 4),
        ("missing_values", "guests", 1, "fixed", 5),
        ("unknown_status", None, 1, "dropped", 6),
        ("unknown_segment", None, 1, "kept", 7),
        ("bad_values", "arrival", 1, "dropped", 8),
        ("extreme_lead_time", None, 1, "kept", 9),
        ("zero_guests", None, 1, "kept", 10),
        ("cancelled_before_booked", None, 1, "fixed", 11),
        ("cancelled_without_date", None, 1, "fixed", 12),
        ("missing_values", "booked_at", 1, "dropped", 13),
        ("date_out_of_range", None, 1, "dropped", 14),
        ("missing_values", "rate", 1, "fixed", 15),
        ("booked_after_arrival", None, 0, "fixed", None),
        ("departure_before_arrival", None, 0, "dropped", None),
    ],
)
def test_each_finding_is_counted_with_its_rule_and_first_row(
    result, check, column, rows, action, first
):
    row = q(result, check, column)
    assert row["rows"] == rows
    assert row["action"] == action
    if first is None:
        assert row["example"] == ""
    else:
        assert row["example"].startswith(f"row {first}: hotel='City Hotel'")
    assert row["rule"]


def test_examples_show_the_export_columns_involved(result):
    assert "adr=-6.5" in q(result, "negative_rate")["example"]
    assert "children=<empty>" in q(result, "missing_values", "guests")["example"]
    assert "(same as row 0)" in q(result, "duplicate_rows")["example"]


def test_nothing_is_dropped_silently(result):
    res = result.reservations
    assert result.rows_read == len(ROWS)
    dropped = result.quality.loc[result.quality["action"] == "dropped", "rows"].sum()
    assert result.rows_dropped == dropped == 4
    # Rows 6, 8, 13, 14 are gone; ids are export row numbers, so the others keep theirs.
    kept = [i for i in range(len(ROWS)) if i not in (6, 8, 13, 14)]
    assert res["reservation_id"].tolist() == [f"R{i:07d}" for i in kept]


def test_fixes_are_applied(result):
    res = result.reservations.set_index("reservation_id")
    assert res.loc["R0000003", "rate"] == 0.0
    assert res.loc["R0000015", "rate"] == 0.0
    assert res.loc["R0000005", "guests"] == 1
    assert res.loc["R0000011", "cancelled_at"] == res.loc["R0000011", "booked_at"]
    assert res.loc["R0000012", "cancelled_at"] == res.loc["R0000012", "booked_at"]
    assert res.loc["R0000007", "segment"] == "Undefined"
    # The duplicate keeps its own id and its own room.
    assert res.loc["R0000001", "rooms"] == 1 and res.loc["R0000000", "rooms"] == 1


def test_report_columns_and_checks(result):
    assert list(result.quality.columns) == list(QUALITY_COLUMNS)
    assert result.quality["rows"].dtype == np.int64
    for check in ("duplicate_rows", "zero_nights", "negative_rate", "extreme_rate",
                  "missing_values", "booked_after_arrival", "unknown_status"):  # fmt: skip
        assert check in set(result.quality["check"])


def test_strict_raises_on_the_first_finding(tmp_path):
    path = write(tmp_path, export(*ROWS))
    with pytest.raises(InputError, match="duplicate_rows: 1 row"):
        read_reservations(path, strict=True)
    clean = write(tmp_path, export({}, {"adr": 90.0}), "clean.csv")
    r = read_reservations(clean, strict=True)
    assert len(r.reservations) == 2 and r.quality["rows"].sum() == 0


def test_exports_with_ids_drop_repeated_rows(tmp_path):
    df = export({}, {}, {"adr": 80.0}).assign(conf=["a", "a", "a"])
    # The built-in mapping plus an id column.
    text = resources.files("yieldopt.ingest") / "mappings" / "hotel-booking-demand.toml"
    toml = text.read_text().replace("[columns]\n", '[columns]\nreservation_id = "conf"\n', 1)
    (tmp_path / "m.toml").write_text(toml)
    r = read_reservations(write(tmp_path, df), tmp_path / "m.toml")
    assert r.reservations["reservation_id"].tolist() == ["a"]
    assert q(r, "duplicate_rows")["action"] == "dropped" and q(r, "duplicate_rows")["rows"] == 1
    assert q(r, "duplicate_ids")["rows"] == 1


def test_write_quality(result, tmp_path):
    out = write_quality(result.quality, tmp_path / "run")
    assert out.name == "data_quality.csv"
    back = pd.read_csv(out, keep_default_na=False)
    assert back["check"].tolist() == result.quality["check"].tolist()
    assert back["rows"].tolist() == result.quality["rows"].tolist()
    named = write_quality(result.quality, tmp_path / "q.csv")
    assert named == tmp_path / "q.csv" and named.is_file()


def test_property_selects_rows_or_names_the_hotel(tmp_path):
    path = write(tmp_path, export({}, {"hotel": "Resort Hotel"}, {"hotel": "Resort Hotel"}))
    r = read_reservations(path, property="Resort Hotel")
    assert len(r.reservations) == 2 and r.rows_read == 2
    assert r.reservations["reservation_id"].tolist() == ["R0000001", "R0000002"]
    with pytest.raises(InputError, match="did you mean 'Resort Hotel'") as err:
        read_reservations(path, property="Resort hotel")
    assert err.value.field == "property"


def test_missing_file():
    with pytest.raises(InputError, match="file not found") as err:
        read_reservations("no/such/export.csv")
    assert err.value.field == "path"
