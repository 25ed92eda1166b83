from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from yieldopt.cli import app
from yieldopt.forecast import FORECAST_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "scenarios" / "data"
runner = CliRunner()


def test_forecast_command_prints_and_writes(tmp_path):
    out = tmp_path / "fc.csv"
    res = runner.invoke(
        app,
        [
            "forecast",
            str(DATA / "history.csv"),
            "--closures",
            str(DATA / "closures.csv"),
            "--horizon",
            "28",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Remaining demand as of 2025-04-27" in res.output
    assert "FLEX" in res.output and "SAVER" in res.output
    fc = pd.read_csv(out)
    assert list(fc.columns) == list(FORECAST_COLUMNS)
    assert fc["ds"].nunique() == 28


def test_forecast_command_parquet_and_methods(tmp_path):
    out = tmp_path / "fc.parquet"
    res = runner.invoke(
        app,
        [
            "forecast",
            str(DATA / "history.csv"),
            "--method",
            "smoothing",
            "--as-of",
            "2025-04-20",
            "--horizon",
            "7",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    fc = pd.read_parquet(out)
    assert fc["ds"].min() == pd.Timestamp("2025-04-21")


def test_forecast_backtest():
    res = runner.invoke(
        app,
        [
            "forecast",
            str(DATA / "history.csv"),
            "--closures",
            str(DATA / "closures.csv"),
            "--backtest",
        ],
    )
    assert res.exit_code == 0, res.output
    for method in ("additive-advanced", "smoothing", "multiplicative-classical"):
        assert method in res.output
    assert "WAPE" in res.output


def test_forecast_errors_exit_2_with_the_field(tmp_path):
    res = runner.invoke(app, ["forecast", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2
    assert "history: file not found" in res.output
    bad = pd.read_csv(DATA / "history.csv").drop(columns="status")
    bad.to_csv(tmp_path / "bad.csv", index=False)
    res = runner.invoke(app, ["forecast", str(tmp_path / "bad.csv")])
    assert res.exit_code == 2 and "status: missing column" in res.output
    res = runner.invoke(app, ["forecast", str(DATA / "history.csv"), "--out", "x.txt"])
    assert res.exit_code == 2 and "--out: must end in .csv or .parquet" in res.stderr


def test_as_of_must_be_iso():
    # 04/03/2025 is April 3 to some and March 4 to others: refused, naming the option
    res = runner.invoke(app, ["forecast", str(DATA / "history.csv"), "--as-of", "04/03/2025"])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: --as-of: must be ISO 8601: YYYY-MM-DD")
    assert "Traceback" not in res.output


def test_out_is_checked_before_the_forecast(tmp_path, monkeypatch):
    import yieldopt.forecast as fc

    monkeypatch.setattr(fc, "load_history", lambda *a, **k: pytest.fail("work ran"))
    res = runner.invoke(
        app, ["forecast", str(DATA / "history.csv"), "--out", str(tmp_path / "fc.json")]
    )
    assert res.exit_code == 2 and "--out" in res.stderr


def test_semicolon_history_is_named(tmp_path):
    p = tmp_path / "h.csv"
    pd.read_csv(DATA / "history.csv").head(20).to_csv(p, sep=";", index=False)
    res = runner.invoke(app, ["forecast", str(p)])
    assert res.exit_code == 2
    assert "looks ';'-separated" in res.stderr and "missing column" not in res.stderr


def test_backtest_flag_pair():
    res = runner.invoke(
        app, ["forecast", str(DATA / "history.csv"), "--no-backtest", "--horizon", "7"]
    )
    assert res.exit_code == 0, res.output
    assert "Remaining demand as of" in res.output
