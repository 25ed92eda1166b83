"""``yieldopt decide --rates LADDER``: recommended rate and reason in controls.csv/json."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from yieldopt.cli import app
from yieldopt.cycle import nightly_controls, property_from_reservations
from yieldopt.ingest import read_reservations
from yieldopt.segments import reservation_values

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
AS_OF = "2025-01-31"
BASE = [str(SAMPLE), "--property", "City Hotel", "--capacity", "25", "--horizon", "30"]
runner = CliRunner()


def test_decide_with_rates(tmp_path):
    cmd = ["decide", *BASE, "--as-of", AS_OF, "--out", str(tmp_path), "--rates", "60:200:10"]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(tmp_path / "controls.csv")
    assert list(got.columns[-2:]) == ["recommended_rate", "rate_reason"]
    # The same numbers as the cycle called directly with the same CRM segments.
    res = read_reservations(SAMPLE, property="City Hotel").reservations
    prop = property_from_reservations(res, capacity=25)
    crm = reservation_values(res, as_of=AS_OF)
    direct = nightly_controls(
        res, prop, AS_OF, horizon=30, segments=crm.records, rate_ladder="60:200:10"
    ).controls
    np.testing.assert_allclose(got["recommended_rate"], direct["recommended_rate"])
    assert got["rate_reason"].tolist() == direct["rate_reason"].tolist()
    record = json.loads((tmp_path / "controls.json").read_text())
    assert record["controls"][0]["rate_reason"] == direct["rate_reason"].iloc[0]


def test_decide_without_rates_has_no_rate_columns(tmp_path):
    result = runner.invoke(app, ["decide", *BASE, "--as-of", AS_OF, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "recommended_rate" not in pd.read_csv(tmp_path / "controls.csv").columns


def test_bad_ladder_names_the_option(tmp_path):
    cmd = ["decide", *BASE, "--as-of", AS_OF, "--out", str(tmp_path), "--rates", "300:80:5"]
    result = runner.invoke(app, cmd)
    assert result.exit_code != 0
    assert "--rates" in result.output
