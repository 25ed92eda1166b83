"""What ``yieldopt run`` prints and writes beside the report: opening controls, per-night files."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.simulate.cases import tied_hotel, write
from yieldopt.cli import app
from yieldopt.cli.simulate import CONTROL_ROWS
from yieldopt.pipeline import run

runner = CliRunner()


@pytest.fixture(scope="module")
def hotel_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    sc = tied_hotel(tmp)
    return sc, run(sc, tmp / "out", policies=["fcfs", "dlp"], n_samples=4, seed=3)


def test_run_writes_the_per_night_files(hotel_run):
    _, result = hotel_run
    files = result.files
    for key, name in [
        ("resources", "resources.csv"),
        ("resources_parquet", "resources.parquet"),
        ("product_mix", "product_mix.csv"),
        ("opening_controls", "opening_controls.csv"),
        ("opening_controls_json", "opening_controls.json"),
    ]:
        assert files[key].name == name and files[key].is_file()
        assert files[key].parent == result.report.parent  # beside the report
    sim = result.simulation
    pd.testing.assert_frame_equal(pd.read_parquet(files["resources_parquet"]), sim.resources)
    pd.testing.assert_frame_equal(pd.read_csv(files["resources"]), sim.resources)
    mix = pd.read_csv(files["product_mix"])
    pd.testing.assert_frame_equal(mix, sim.product_mix)


def test_opening_controls_csv_matches_the_pipeline(hotel_run):
    sc, result = hotel_run
    c = result.controls
    table = pd.read_csv(result.files["opening_controls"])
    assert list(table.columns) == [
        "resource",
        "capacity",
        "authorized",
        "bid_price",
        "min_los_business",
        "min_los_leisure",
    ]
    assert table["resource"].tolist() == sc.network.resource_ids
    np.testing.assert_array_equal(table["capacity"], sc.network.capacity)
    np.testing.assert_array_equal(table["authorized"], c.authorized.to_numpy())
    np.testing.assert_allclose(table["bid_price"], c.dlp.bid_prices.to_numpy(), rtol=1e-12)
    # MinLOS of each segment's arrivals on each night, as the optimizer computed it.
    assert c.min_los is not None
    for row in c.min_los.itertuples():
        night = f"night/{pd.Timestamp(row.arrival).date().isoformat()}"
        got = table.set_index("resource").loc[night, f"min_los_{row.segment}"]
        assert got == row.min_los or (np.isnan(got) and np.isnan(row.min_los))


def test_opening_controls_json_matches_the_pipeline(hotel_run):
    _, result = hotel_run
    c = result.controls
    data = json.loads(result.files["opening_controls_json"].read_text())
    assert set(data) == {"dlp_bound", "resources", "min_los", "group_quotes"}
    assert data["dlp_bound"] == pytest.approx(c.dlp.objective)
    assert [r["resource"] for r in data["resources"]] == list(c.authorized.index)
    assert [r["bid_price"] for r in data["resources"]] == pytest.approx(c.dlp.bid_prices.tolist())
    assert [r["authorized"] for r in data["resources"]] == c.authorized.tolist()
    assert c.min_los is not None and len(data["min_los"]) == len(c.min_los)
    first = data["min_los"][0]
    assert first["arrival"] == "2026-12-07"  # an ISO date, no time of day
    assert set(first) == {"segment", "arrival", "min_los"}
    assert data["group_quotes"] == []


def _legs(tmp, n):
    body = "".join(
        f'[[resources]]\nid = "L{i:02d}"\ncapacity = 4\n'
        f'[[products]]\nid = "L{i:02d}/Y"\nresources = ["L{i:02d}"]\nprice = {100 + i}\n'
        "demand = 3\n"
        for i in range(n)
    )
    return write(tmp, "legs", f'name = "legs"\nperiods = 40\n{body}')


def test_run_prints_the_opening_controls_with_a_shown_note(tmp_path):
    n = CONTROL_ROWS + 3
    _legs(tmp_path, n)
    args = ["run", str(tmp_path / "legs.toml"), "-n", "3", "-p", "fcfs", "-p", "dlp"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Opening controls" in out
    assert f"{CONTROL_ROWS} of {n} resources shown" in out
    assert f"L{CONTROL_ROWS - 1:02d}" in out and f"L{CONTROL_ROWS:02d}" not in out
    assert (tmp_path / "out" / "opening_controls.csv").is_file()
    assert len(pd.read_csv(tmp_path / "out" / "opening_controls.csv")) == n


def test_all_resources_shown_without_a_note(tmp_path):
    _legs(tmp_path, 3)
    args = ["run", str(tmp_path / "legs.toml"), "-n", "2", "-p", "fcfs"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Opening controls" in result.stdout and "shown" not in result.stdout
    assert "bid price" in result.stdout


def test_json_half_widths_are_rounded_to_cents(tmp_path):
    _legs(tmp_path, 2)
    args = ["simulate", str(tmp_path / "legs.toml"), "-n", "7", "-s", "1", "--format", "json"]
    result = runner.invoke(app, [*args, "-p", "fcfs", "-p", "dlp"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    from yieldopt.simulate import simulate

    summary = simulate(tmp_path / "legs.toml", ["fcfs", "dlp"], 7, 1).summary
    for rec, (_, row) in zip(records, summary.iterrows(), strict=True):
        for key in ("revenue_hw95", "value_hw95"):
            assert rec[key] == round(row[key], 2)
            assert rec[key] == pytest.approx(row[key], abs=0.005)
        assert rec["revenue_mean"] == row["revenue_mean"]  # only half-widths are rounded
    assert any(round(v, 2) != v for v in summary["revenue_hw95"])  # the test can fail
