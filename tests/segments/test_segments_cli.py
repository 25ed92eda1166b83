import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from yieldopt.cli import app

DATA = Path(__file__).resolve().parents[2] / "scenarios" / "data"
runner = CliRunner()


def test_segments_command_table_and_file(tmp_path):
    out = tmp_path / "values.csv"
    res = runner.invoke(app, ["segments", str(DATA / "transactions.csv"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    for seg in ("business", "leisure", "group"):
        assert seg in res.output
    v = pd.read_csv(out)
    assert {"segment", "bookings", "retention", "future_value", "value_adjustment"} <= set(v)


def test_segments_json_holds_values_and_network_records():
    res = runner.invoke(
        app,
        ["segments", str(DATA / "transactions.csv"), "--format", "json", "--future-weight", "0"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert [r["id"] for r in doc["records"]] == [v["segment"] for v in doc["values"]]
    for rec, val in zip(doc["records"], doc["values"], strict=True):
        assert set(rec) == {"id", "ancillary", "cost_to_serve", "future_value"}
        # future weight 0: only the referral value is left on top of the margin terms
        assert abs(rec["future_value"] - val["referral_value"]) < 1e-9


def test_segments_errors_exit_2(tmp_path):
    tx = pd.read_csv(DATA / "transactions.csv").drop(columns="revenue")
    tx.to_csv(tmp_path / "bad.csv", index=False)
    res = runner.invoke(app, ["segments", str(tmp_path / "bad.csv")])
    assert res.exit_code == 2 and "revenue: missing column" in res.output
    res = runner.invoke(app, ["segments", str(DATA / "transactions.csv"), "--as-of", "12/31/2025"])
    assert res.exit_code == 2 and "--as-of" in res.stderr and "YYYY-MM-DD" in res.stderr


def test_too_long_a_horizon_is_a_warning_and_the_horizon_used_is_shown(tmp_path):
    # the shipped transactions span 730 days: a 900-day horizon is cut to 365
    out = tmp_path / "v.csv"
    res = runner.invoke(
        app,
        ["segments", str(DATA / "transactions.csv"), "--horizon-days", "900", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert "warning:" in res.stderr and "over 365 days instead of horizon_days=900" in res.stderr
    assert "Traceback" not in res.output
    assert (pd.read_csv(out)["retention_horizon_days"] == 365).all()


def test_out_is_checked_before_the_work(tmp_path, monkeypatch):
    import yieldopt.segments as seg

    monkeypatch.setattr(seg, "segment_values", lambda *a, **k: pytest.fail("work ran"))
    (tmp_path / "dir.csv").mkdir()
    for bad, needle in (
        (tmp_path / "v.txt", "must end in .csv or .parquet"),
        (tmp_path / "dir.csv", "is a folder"),
    ):
        res = runner.invoke(app, ["segments", str(DATA / "transactions.csv"), "--out", str(bad)])
        assert res.exit_code == 2 and "--out" in res.stderr and needle in res.stderr
