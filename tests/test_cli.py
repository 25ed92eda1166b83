"""The command line, run in-process through typer's runner."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import yieldopt as yo
from yieldopt.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "leg" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and yo.__version__ in result.output


def test_leg_json_on_bundled_example_matches_the_core():
    result = runner.invoke(
        app, ["leg", str(ROOT / "scenarios/single-leg.toml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["method"]: r for r in json.loads(result.output)}
    assert list(rows) == ["fcfs", "emsr-a", "emsr-b", "optimal"]
    fares, means, stds = [1050, 567, 534, 520], [17.3, 45.1, 39.6, 34.0], [5.8, 15.0, 13.9, 12.4]
    best = yo.optimal_protection_levels(fares, means, stds, capacity=100)
    assert rows["optimal"]["protection_levels"] == [float(v) for v in best]
    assert rows["optimal"]["expected_revenue"] == pytest.approx(best.expected_revenue)
    assert rows["emsr-b"]["protection_levels"] == pytest.approx(list(yo.emsr_b(fares, means, stds)))
    assert rows["emsr-b"]["booking_limits"] == [100, 83, 49, 17]
    for r in rows.values():
        assert r["expected_revenue"] <= rows["optimal"]["expected_revenue"] + 1e-6


def test_leg_table_from_options():
    args = ["leg", "-c", "100", "--fare", "100", "--mean", "40", "--std", "10"]
    args += ["--fare", "60", "--mean", "80", "--std", "20"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "optimal" in result.output and "7,151.84" in result.output


def test_leg_with_one_class_sells_the_whole_capacity():
    # One class: nothing to protect, booking limit = capacity, revenue p · E[min(D, C)].
    args = ["leg", "-c", "30", "--fare", "100", "--mean", "40", "--std", "10", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    best = yo.optimal_protection_levels([100], [40], [10], capacity=30)
    for row in json.loads(result.stdout):
        assert row["protection_levels"] == [] and row["booking_limits"] == [30]
        assert row["expected_revenue"] == pytest.approx(best.expected_revenue)


def test_leg_poisson_override(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("fare,mean\n200,5\n90,20\n")
    result = runner.invoke(
        app, ["leg", str(p), "-c", "15", "--dist", "poisson", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    best = yo.optimal_protection_levels([200, 90], [5, 20], capacity=15, dist="poisson")
    assert json.loads(result.stdout)[-1]["expected_revenue"] == pytest.approx(best.expected_revenue)
    assert "std not given" not in result.stderr  # Poisson demand needs no std


def test_leg_csv_without_std_says_it_uses_sqrt_mean(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("name,fare,mean\nY,200,16\nQ,90,25\n")
    result = runner.invoke(app, ["leg", str(p), "-c", "30", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "warning: std not given for 2 class(es); using sqrt(mean)" in result.stderr
    assert "Y 4.00, Q 5.00" in result.stderr
    rows = {r["method"]: r for r in json.loads(result.stdout)}  # stdout stays pure JSON
    best = yo.optimal_protection_levels([200, 90], [16, 25], [4, 5], capacity=30)
    assert rows["optimal"]["expected_revenue"] == pytest.approx(best.expected_revenue)


def test_leg_semicolon_csv_is_named(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("fare;mean;std\n200;5;2\n90;20;4\n")
    result = runner.invoke(app, ["leg", str(p), "-c", "15"])
    assert result.exit_code == 2
    assert "looks ';'-separated" in result.stderr and "missing column" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["leg"], "give a problem file"),
        (["leg", "--fare", "100", "--mean", "5"], "--capacity"),
        (["leg", "-c", "5", "--fare", "100", "--fare", "50", "--mean", "5"], "once per class"),
        (["leg", "-c", "5", "--fare", "50", "--fare", "50", "--mean", "5", "--mean", "5"], "fare"),
        (["leg", "nope.toml"], "no such file"),
    ],
)
def test_leg_bad_input_is_a_clear_error(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_network_json_matches_hand_solution():
    result = runner.invoke(
        app, ["network", str(ROOT / "scenarios/hub-network.toml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["objective"] == pytest.approx(2420)
    assert out["bid_prices"] == pytest.approx({"AH": 70, "HB": 200, "HC": 50})


@pytest.mark.parametrize("method", ["rlp", "davn"])
def test_network_other_methods(method):
    result = runner.invoke(
        app, ["network", str(ROOT / "scenarios/hub-network.toml"), "--method", method]
    )
    assert result.exit_code == 0, result.output
    assert "HB" in result.output


def test_network_bad_solver_is_a_clear_error():
    args = ["network", str(ROOT / "scenarios/hub-network.toml"), "--solver", "nope"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "solver" in result.output


def test_simulate_json_has_the_documented_columns(tmp_path):
    args = [
        "simulate",
        str(ROOT / "scenarios/topaloglu.toml"),
        "--policy",
        "fcfs",
        "--policy",
        "dlp",
    ]
    args += [
        "--policy",
        "hindsight",
        "--samples",
        "12",
        "--seed",
        "3",
        "--reoptimize",
        "5",
        "--format",
        "json",
    ]
    args += ["--out", str(tmp_path / "summary.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = {r["policy"]: r for r in json.loads(result.stdout)}
    assert list(rows) == ["fcfs", "dlp", "hindsight"]
    for r in rows.values():
        assert {"policy", "revenue_mean", "revenue_hw95", "load_factor", "rom"} <= set(r)
    assert rows["fcfs"]["rom"] == 0 and rows["hindsight"]["rom"] == pytest.approx(1)
    assert rows["hindsight"]["revenue_mean"] >= rows["dlp"]["revenue_mean"]
    from yieldopt.simulate import simulate

    direct = simulate(
        ROOT / "scenarios/topaloglu.toml", ["fcfs", "dlp", "hindsight"], 12, 3, reoptimize=5
    )
    assert rows["dlp"]["revenue_mean"] == pytest.approx(direct.summary["revenue_mean"].iloc[1])
    assert (tmp_path / "summary.csv").read_text().startswith("policy,revenue_mean")


def test_simulate_table_and_bad_policy():
    ok = runner.invoke(
        app, ["simulate", str(ROOT / "scenarios/hub-network.toml"), "-p", "fcfs", "-n", "3"]
    )
    assert ok.exit_code == 0, ok.output
    assert "fcfs" in ok.output
    bad = runner.invoke(app, ["simulate", str(ROOT / "scenarios/hub-network.toml"), "-p", "oracle"])
    assert bad.exit_code == 2 and "policy" in bad.output and "Traceback" not in bad.output


def test_run_writes_report_and_results(tmp_path):
    args = [
        "run",
        str(ROOT / "scenarios/city-hotel.toml"),
        "--samples",
        "6",
        "--seed",
        "1",
        "--out",
        str(tmp_path),
    ]
    args += ["-p", "fcfs", "-p", "dlp", "-p", "hindsight"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in (
        "report.html",
        "summary.csv",
        "paths.parquet",
        "booking_curves.csv",
        "bid_prices.csv",
    ):
        assert (tmp_path / name).is_file(), name
    html = (tmp_path / "report.html").read_text()
    assert "Segment values from CRM data" in html and "Group quote" in html
    assert "Minimum length of stay" in html and "Forecast accuracy" in html


@pytest.mark.parametrize(
    "command",
    [[], ["leg"], ["network"], ["forecast"], ["segments"], ["simulate"], ["run"], ["serve"]],
)
def test_help_shows_no_bool_placeholder(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    if command == ["forecast"]:
        assert "--backtest" in result.output and "--no-backtest" in result.output


def test_misspelled_scenario_key_is_a_one_line_error(tmp_path):
    text = (ROOT / "scenarios/hub-network.toml").read_text()
    p = tmp_path / "hub.toml"
    p.write_text(text.replace("demand = 4", "demnad = 4", 1))
    for cmd in (["network", str(p)], ["simulate", str(p), "-n", "2"]):
        result = runner.invoke(app, cmd)
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [
            "error: products[0].demnad: unknown key in hub.toml; did you mean 'demand'?"
        ]
        assert "Traceback" not in result.output


def test_simulate_and_run_check_out_before_the_work(tmp_path, monkeypatch):
    from yieldopt.cli import simulate as simulation

    monkeypatch.setattr(simulation, "_simulate", lambda *a, **k: pytest.fail("work ran"))
    monkeypatch.setattr(simulation, "_run", lambda *a, **k: pytest.fail("work ran"))
    hub = str(ROOT / "scenarios/hub-network.toml")
    a_file = tmp_path / "taken"
    a_file.write_text("")
    cases = [
        (["simulate", hub, "--out", str(tmp_path / "s.txt")], "must end in .csv or .parquet"),
        (["simulate", hub, "--out", str(a_file / "s.csv")], "cannot create the folder"),
        (["run", hub, "--out", str(a_file)], "is a file; give a folder"),
        (["run", hub, "--out", str(a_file / "sub")], "cannot create the folder"),
    ]
    for args, needle in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "--out" in result.stderr and needle in result.stderr, result.stderr


def test_forecast_says_how_many_dates_it_shows_and_totals_all(tmp_path):
    out = tmp_path / "fc.csv"
    args = ["forecast", str(ROOT / "scenarios/data/history.csv"), "--horizon", "28"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14 of 28 shown" in result.stdout
    assert "total, all 28 dates" in result.stdout
    assert "--rows 28 shows every date" in result.stdout
    # The total row sums every one of the 28 dates (not the 14 shown): check against
    # the written forecast, summed over all its buckets and dates.
    fc = pd.read_csv(out)
    assert fc["ds"].nunique() == 28
    total_line = next(line for line in result.stdout.splitlines() if "total, all" in line)
    cells = [float(c) for c in total_line.strip("│ ").split("│")[1:]]
    expected = fc.groupby("unique_id")["mean"].sum().sort_index()
    assert cells == pytest.approx(expected.round(1).tolist(), abs=0.051)
    # Every date shown: no "of N shown", the caption disappears.
    every = runner.invoke(app, [*args, "--rows", "28"])
    assert "all 28 dates" in every.stdout and "shown" not in every.stdout
    assert "shows every date" not in every.stdout
