import textwrap

import numpy as np
import pandas as pd
import pytest

from yieldopt import InputError
from yieldopt.ingest import (
    ExportMapping,
    builtin_mappings,
    load_mapping,
    read_export,
    read_reservations,
)

from .conftest import TEMPLATE, export, write

PMS = textwrap.dedent(
    """
    name = "tiny-pms"
    date_format = "%d/%m/%Y"
    [columns]
    reservation_id = "Conf"
    property = "Hotel"
    arrival = "Arr"
    departure = "Dep"
    room_type = "Room"
    segment = "Seg"
    status = "State"
    cancelled_at = "Cxl"
    booked_at = "Made"
    rooms = "Rooms"
    rate = "Rate"
    guests = "Pax"
    customer_id = "Guest"
    ancillary_fnb = "FnB"
    [values.status]
    OK = "checked_out"
    X = "cancelled"
    NS = "no_show"
    RES = "booked"
    [values.segment]
    C = "corporate"
    L = "leisure"
    [keep]
    note = "Note"
    """
)
PMS_CSV = textwrap.dedent(
    """\
    Conf;Hotel;Arr;Dep;Room;Seg;State;Cxl;Made;Rooms;Rate;Pax;Guest;FnB;Note
    c1;Lisbon;04/03/2024;06/03/2024;DBL;C;OK;;01/02/2024;1;120,0;2;g1;15.5;a
    c2;Lisbon;05/03/2024;06/03/2024;SGL;L;X;02/03/2024;01/03/2024;2;90;1;g2;;b
    c3;Lisbon;06/03/2024;09/03/2024;DBL;L;NS;;10/01/2024;1;80;2;;0;c
    c4;Lisbon;07/03/2024;08/03/2024;DBL;L;RES;;01/03/2024;3;85;4;g3;5;d
    """
)


def test_builtin_mapping_is_listed_and_loads():
    assert "hotel-booking-demand" in builtin_mappings()
    m = load_mapping("hotel-booking-demand")
    assert m.columns["property"] == "hotel" and m.columns["rate"] == "adr"
    assert m.derive["booked_at"].kind == "shift"
    assert m.derive["arrival"].args == (
        "arrival_date_year", "arrival_date_month", "arrival_date_day_of_month"
    )  # fmt: skip
    assert m.values["status"]["Canceled"] == "cancelled"
    assert "customer_type" in m.keep
    assert load_mapping(m) is m


def test_own_mapping_file_semicolons_and_day_first_dates(tmp_path):
    (tmp_path / "pms.toml").write_text(PMS)
    path = tmp_path / "pms.csv"
    path.write_text(PMS_CSV.replace("120,0", "120"))
    r = read_reservations(path, tmp_path / "pms.toml")
    res = r.reservations
    assert res["reservation_id"].tolist() == ["c1", "c2", "c3", "c4"]
    assert res["arrival"].iloc[0] == pd.Timestamp("2024-03-04")
    assert res["nights"].tolist() == [2, 1, 3, 1]
    assert res["status"].tolist() == ["checked_out", "cancelled", "no_show", "booked"]
    assert res["cancelled_at"].iloc[1] == pd.Timestamp("2024-03-02")
    assert res["rooms"].tolist() == [1, 2, 1, 3]
    assert res["segment"].tolist() == ["corporate", "leisure", "leisure", "leisure"]
    assert res["customer_id"].isna().tolist() == [False, False, True, False]
    assert res["ancillary_fnb"].iloc[0] == 15.5 and np.isnan(res["ancillary_fnb"].iloc[1])
    assert res["note"].tolist() == ["a", "b", "c", "d"]
    q = r.quality.set_index(["check", "column"])
    # An optional value left empty is reported, not silently accepted.
    assert q.loc[("missing_values", "customer_id"), "rows"] == 1
    assert q.loc[("missing_values", "customer_id"), "action"] == "kept"


def test_explicit_sep_and_a_comma_decimal_is_a_bad_value(tmp_path):
    (tmp_path / "pms.toml").write_text(PMS)
    path = tmp_path / "pms.txt"
    path.write_text(PMS_CSV)
    r = read_reservations(path, tmp_path / "pms.toml", sep=";")
    q = r.quality.set_index(["check", "column"])
    assert q.loc[("bad_values", "rate"), "rows"] == 1
    assert q.loc[("bad_values", "rate"), "action"] == "fixed"
    assert "row 0" in q.loc[("bad_values", "rate"), "example"]
    assert r.reservations["rate"].iloc[0] == 0.0


def test_parquet_and_gzip_read_like_csv(tmp_path):
    df = export({}, {"adr": 50.0}, {"hotel": "Resort Hotel"})
    a = read_reservations(write(tmp_path, df, "e.csv")).reservations
    b = read_reservations(write(tmp_path, df, "e.parquet")).reservations
    df.to_csv(tmp_path / "e.csv.gz", index=False, na_rep="NULL")
    c = read_reservations(tmp_path / "e.csv.gz").reservations
    cols = ["reservation_id", "property", "arrival", "nights", "rate", "status", "booked_at"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    pd.testing.assert_frame_equal(a[cols], c[cols])
    assert a["booked_at"].iloc[0] == pd.Timestamp("2024-02-23")  # arrival - 10 days


def test_delimiter_is_sniffed(tmp_path):
    df = export({}, {"adr": 50.0})
    path = tmp_path / "e.tsv"
    df.to_csv(path, index=False, sep="\t")
    assert read_export(path).shape == (2, len(TEMPLATE))


@pytest.mark.parametrize(
    ("toml", "field", "needle"),
    [
        ('[colums]\nproperty = "hotel"\n', "colums", "did you mean 'columns'"),
        ('[columns]\npropety = "hotel"\n', "columns.propety", "did you mean 'property'"),
        ("[checks]\nextreme_rate = 3\n", "checks.extreme_rate", "'extreme_rate_factor'"),
        ("[checks]\nextreme_rate_factor = 0.5\n", "checks.extreme_rate_factor", "greater"),
        ('[derive]\nnights = "weekend * 2"\n', "derive.nights", "the forms are"),
        ('[columns]\nnights = "a"\n[derive]\nnights = "a + b"\n', "derive.nights", "also"),
        ('[keep]\nrate = "adr"\n', "keep.rate", "reservation column"),
        ("[columns\n", "mapping", "not valid TOML"),
    ],
)
def test_bad_mapping_files(tmp_path, toml, field, needle):
    path = tmp_path / "m.toml"
    path.write_text(toml)
    with pytest.raises(InputError) as err:
        load_mapping(path)
    assert err.value.field == field
    assert needle in str(err.value)


def test_unknown_mapping_name():
    with pytest.raises(InputError, match="did you mean 'hotel-booking-demand'") as err:
        load_mapping("hotel-booking-demnd")
    assert err.value.field == "mapping"


def test_export_column_missing_names_the_closest(tmp_path):
    df = export({}).rename(columns={"hotel": "hotle"})
    with pytest.raises(InputError, match="did you mean 'hotle'") as err:
        read_reservations(write(tmp_path, df))
    assert err.value.field == "columns.property"


def test_derivations_by_hand(tmp_path):
    m = ExportMapping.from_dict(
        {
            "columns": {"property": "p", "room_type": "r", "segment": "s", "status": "st",
                        "rate": "rate"},
            "derive": {
                "arrival": "date(y, m, d)",
                "departure": "arrival + 3 days",
                "booked_at": "arrival - `lead days` days",
                "cancelled_at": "when_cancelled if status = cancelled",
                "guests": "a + c + 1",
            },
        }
    )  # fmt: skip
    df = pd.DataFrame(
        {"p": ["H", "H", "H"], "r": ["A"] * 3, "s": ["x"] * 3,
         "st": ["checked_out", "cancelled", "booked"], "rate": [1.0, 2.0, 3.0],
         "y": [2024, 2024, 2023], "m": ["Feb", "12", "january"], "d": [29, 31, 2],
         "lead days": [0, 5, 1], "when_cancelled": ["2024-01-01", "2024-12-27", "2022-01-01"],
         "a": [2, 1, None], "c": [0, None, None]}
    )  # fmt: skip
    df.to_csv(tmp_path / "x.csv", index=False)
    r = read_reservations(tmp_path / "x.csv", m)
    frame, report = r.reservations, r.quality
    assert (
        frame["arrival"].tolist()
        == pd.to_datetime(["2024-02-29", "2024-12-31", "2023-01-02"]).tolist()
    )
    assert frame["nights"].tolist() == [3, 3, 3]
    assert (
        frame["booked_at"].tolist()
        == pd.to_datetime(["2024-02-29", "2024-12-26", "2023-01-01"]).tolist()
    )
    assert frame["cancelled_at"].isna().tolist() == [True, False, True]
    assert frame["guests"].tolist() == [3, 2, 1]  # empty terms count as 0
    q = report.set_index(["check", "column"])
    assert q.loc[("missing_values", "guests"), "rows"] == 2
