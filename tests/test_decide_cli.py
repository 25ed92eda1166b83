"""``yieldopt decide`` and ``yieldopt backtest`` on the bundled sample (and the real export)."""

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from yieldopt.cli import app
from yieldopt.cycle import CONTROL_COLUMNS, nightly_controls, property_from_reservations
from yieldopt.ingest import read_reservations
from yieldopt.segments import reservation_values

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
REAL = ROOT.parent / "shared" / "data" / "hotel-booking-demand" / "hotel_bookings.csv.gz"
AS_OF = "2025-01-31"
BASE = [str(SAMPLE), "--property", "City Hotel", "--capacity", "25"]
runner = CliRunner()


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    out = tmp_path_factory.mktemp("decide")
    result = runner.invoke(app, ["decide", *BASE, "--as-of", AS_OF, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result


def test_decide_writes_the_four_files(decided):
    out, result = decided
    for name in ("controls.csv", "controls.json", "data_quality.csv", "report.html"):
        assert (out / name).is_file(), name
    assert "Data quality" in result.output and "duplicate_rows" in result.output
    assert "Controls of the next 14 nights" in result.output
    assert "guests valued" in result.output


def test_controls_csv_has_the_documented_columns_one_row_per_night(decided):
    out, _ = decided
    c = pd.read_csv(out / "controls.csv")
    assert tuple(c.columns) == CONTROL_COLUMNS
    nights = pd.date_range("2025-02-01", periods=90, freq="D").strftime("%Y-%m-%d")
    assert c["night"].tolist() == nights.tolist()  # ISO dates, the whole horizon
    q = pd.read_csv(out / "data_quality.csv")
    assert list(q.columns[:4]) == ["check", "rows", "action", "example"]
    rec = json.loads((out / "controls.json").read_text())
    assert len(rec["controls"]) == 90 and rec["controls"][0]["night"] == "2025-02-01"
    assert rec["crm"]["guests_valued"] + rec["crm"]["guests_counted_only"] > 0


def test_numbers_equal_nightly_controls_called_directly(decided):
    out, _ = decided
    res = read_reservations(SAMPLE, property="City Hotel").reservations
    prop = property_from_reservations(res, capacity=25)
    crm = reservation_values(res, as_of=AS_OF)
    direct = nightly_controls(res, prop, AS_OF, horizon=90, segments=crm.records).controls
    got = pd.read_csv(out / "controls.csv")
    for col in CONTROL_COLUMNS[1:]:
        want = direct[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        have = got[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_allclose(have, want, rtol=1e-12, err_msg=col)


def test_on_the_books_equals_a_hand_count_from_the_raw_export(decided):
    out, _ = decided
    raw = pd.read_csv(SAMPLE)
    raw = raw[raw["hotel"] == "City Hotel"]
    arrival = pd.to_datetime(
        raw["arrival_date_year"].astype(str)
        + "-"
        + raw["arrival_date_month"]
        + "-"
        + raw["arrival_date_day_of_month"].astype(str),
        format="%Y-%B-%d",
    )
    nights = raw["stays_in_weekend_nights"] + raw["stays_in_week_nights"]
    booked = arrival - pd.to_timedelta(raw["lead_time"], unit="D")
    as_of = pd.Timestamp(AS_OF)
    cancelled = (raw["reservation_status"] == "Canceled") & (
        pd.to_datetime(raw["reservation_status_date"]) <= as_of
    )
    night = pd.Timestamp("2025-02-14")
    covers = (arrival <= night) & (arrival + pd.to_timedelta(nights, unit="D") > night)
    hand = int((covers & (booked <= as_of) & ~cancelled).sum())  # one room per row
    c = pd.read_csv(out / "controls.csv").set_index("night")
    assert hand > 0
    assert c.loc["2025-02-14", "on_the_books"] == hand


def test_report_is_self_contained_and_fits(decided):
    out, _ = decided
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == 4
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no outside host
    assert "max-width: 1200px" in html and "overflow-x: auto" in html
    for heading in (
        "On the books and forecast by night",
        "Pace against last year",
        "Occupancy forecast, capacity and authorized",
        "Bid price by night",
        "Restrictions calendar",
        "Data quality of the import",
        "Customer value (CRM)",
    ):
        assert heading in html
    assert "guests valued" in html
    c = pd.read_csv(out / "controls.csv")
    restricted = int((c["closed_to_arrival"] | (c["min_los"].fillna(1) > 1)).sum())
    if restricted == 0:
        assert "No night is restricted" in html
    else:
        assert f"{restricted} of 90 arrival nights" in html


def _one_line_error(args, *needles):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_errors_are_one_line_naming_the_field(tmp_path):
    out = str(tmp_path / "out")
    decide = ["decide", *BASE, "--out", out]
    _one_line_error(
        [*decide, "--as-of", AS_OF, "--mapping", "hotel-booking-demnd"],
        "mapping",
        "did you mean 'hotel-booking-demand'",
    )
    _one_line_error([*decide, "--as-of", "31/01/2025"], "--as-of", "YYYY-MM-DD")
    _one_line_error([*decide, "--as-of", "2030-01-01"], "--as-of", "outside the data")
    _one_line_error(
        ["decide", *BASE, "--as-of", AS_OF, "--out", str(tmp_path / "controls.csv")],
        "--out",
        "controls.csv",
    )
    _one_line_error(
        [*decide, "--as-of", AS_OF, "--hotel", str(ROOT / "scenarios/hotels/city-hotel.toml")],
        "--capacity",
        "not both",
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_missing_export_column_is_named_with_its_closest_matches(tmp_path):
    raw = pd.read_csv(SAMPLE).rename(columns={"lead_time": "lead_times"})
    export = tmp_path / "export.csv"
    raw.to_csv(export, index=False)
    line = _one_line_error(
        [
            "decide",
            str(export),
            "--capacity",
            "25",
            "--property",
            "City Hotel",
            "--as-of",
            AS_OF,
            "--out",
            str(tmp_path / "out"),
        ],
        "'lead_time'",
        "lead_times",
    )
    assert "no column" in line


def test_backtest_json_has_the_lead_days(tmp_path):
    result = runner.invoke(
        app,
        [
            "backtest",
            *BASE,
            "--from",
            "2025-01-01",
            "--to",
            "2025-02-01",
            "--step-days",
            "31",
            "--method",
            "additive-advanced",
            "--format",
            "json",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    methods = {r["method"] for r in records}
    assert methods == {"additive-advanced", "naive-last-year", "naive-pickup"}
    assert {r["days_before"] for r in records} == {1, 7, 14, 30, 60}
    for r in records:
        assert {"wape", "bias", "nights"} <= set(r)
    frame = pd.read_csv(tmp_path / "backtest.csv")
    assert len(frame) == len(records)
    assert (tmp_path / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_backtest_table_shows_wape_and_bias_per_lead():
    result = runner.invoke(
        app,
        ["backtest", *BASE, "--from", "2025-01-01", "--to", "2025-01-01", "--method", "smoothing"],
    )
    assert result.exit_code == 0, result.output
    for head in ("1 d", "7 d", "14 d", "30 d", "60 d", "smoothing", "naive-pickup"):
        assert head in result.stdout


def test_the_readme_decide_example_runs(tmp_path):
    text = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\$ (yieldopt decide .*)$", text, re.M)
    assert commands, "README has no decide example"
    args = shlex.split(commands[0])[1:]
    i = args.index("--out")
    args[i + 1] = str(tmp_path / args[i + 1])
    args = [str(ROOT / a) if a.startswith("scenarios/") else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "decide-out" / "report.html").is_file()


@pytest.mark.skipif(not REAL.is_file(), reason=f"shared real export not present: {REAL}")
def test_decide_on_the_real_city_hotel_for_a_year(tmp_path):
    result = runner.invoke(
        app,
        [
            "decide",
            str(REAL),
            "--hotel",
            str(ROOT / "scenarios/hotels/city-hotel.toml"),
            "--as-of",
            "2017-06-30",
            "--horizon",
            "365",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    c = pd.read_csv(tmp_path / "controls.csv")
    assert len(c) == 365
    assert (c["capacity"] == 226).all()
    assert c["night"].iloc[0] == "2017-07-01" and c["night"].iloc[-1] == "2018-06-30"


def test_decide_with_room_types_has_a_row_per_night_and_room_type(tmp_path):
    hotel = tmp_path / "hotel.toml"
    hotel.write_text(
        'name = "City Hotel"\ncurrency = "EUR"\ncapacity = 25\nwalk_cost = 200.0\n'
        "[room_types]\nA = 15\nD = 4\nE = 2\nF = 1\nG = 1\nC = 1\nB = 1\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "decide",
            str(SAMPLE),
            "--hotel",
            str(hotel),
            "--as-of",
            AS_OF,
            "--horizon",
            "10",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    c = pd.read_csv(out / "controls.csv")
    assert tuple(c.columns) == (CONTROL_COLUMNS[0], "room_type", *CONTROL_COLUMNS[1:])
    assert len(c) == 7 * 10
    assert c.groupby("night")["capacity"].sum().eq(25).all()
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 4
