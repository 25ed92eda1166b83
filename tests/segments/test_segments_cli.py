import json
from pathlib import Path

import pandas as pd
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
    res = runner.invoke(app, ["segments", str(DATA / "transactions.csv"), "--format", "json",
                              "--future-weight", "0"])
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
    res = runner.invoke(app, ["segments", str(DATA / "transactions.csv"), "--horizon-days",
                              "900"])
    assert res.exit_code == 2 and "horizon" in res.output
