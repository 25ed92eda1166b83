"""``yieldopt quote``: group quotes from the command line, checked by hand."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import yieldopt as yo
from yieldopt.cli import app
from yieldopt.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
HUB = str(ROOT / "scenarios/hub-network.toml")
HOTEL = str(ROOT / "scenarios/city-hotel.toml")
runner = CliRunner()


def _json(*args):
    result = runner.invoke(app, ["quote", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_hub_group_by_hand():
    # The hub network's DLP (scenarios/hub-network.toml, value 2,420): AB-Y 4, HB-Y 2,
    # AC-M 6, HC-M 2. Holding 3 HB seats leaves HB 3: AB-Y 3 (900; worth more than HB-Y,
    # 300 − AH's 70 > 200), AC-M 7 (840), HC-M 1 (50) = 1,790, so 630 is displaced,
    # more than the bid-price estimate 3 · 200 = 600.
    # Terms: 20% attrition -> 2.4 seats used; 10% commission; 10 ancillary per seat:
    #   value 2.4 · (250 · 0.9 + 10) = 564 < 630 -> reject, margin −66;
    #   break-even 2.4 · (0.9 r + 10) = 630 -> r = (262.5 − 10) / 0.9 = 280.56.
    args = ["--units", "HB=3", "--rate", "250", "--ancillary-per-unit", "10"]
    (q,) = _json(HUB, *args, "--attrition", "0.2", "--commission", "0.1")
    assert q["displaced_value"] == pytest.approx(630.0)
    assert q["bid_price_displacement"] == pytest.approx(600.0)
    assert q["group_value"] == pytest.approx(564.0)
    assert q["margin"] == pytest.approx(-66.0)
    assert q["break_even_rate"] == pytest.approx(252.5 / 0.9)
    assert q["decision"] == "reject" and q["expected_units"] == pytest.approx(2.4)
    assert q["request"]["attrition"] == 0.2 and q["request"]["commission"] == 0.1
    # At the break-even rate the value is the displacement: accept (ties accept).
    (at,) = _json(HUB, *args, "--attrition", "0.2", "--commission", "0.1", "--rate", "280.56")
    assert at["decision"] == "accept" and at["margin"] == pytest.approx(0.0, abs=0.01)


def test_table_shows_decision_break_even_and_alternatives():
    result = runner.invoke(app, ["quote", HUB, "--units", "HB=3", "--rate", "250"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    # No terms: value 3 · 250 = 750 >= 630 -> accept; break-even 630 / 3 = 210.
    assert "accept: group value 750.00" in out and "displaced 630.00" in out
    assert "break-even rate 210.00" in out
    assert "Alternatives" in out and "requested" in out and "3 × HB" in out


def test_scenario_groups_as_run_quotes_them_and_terms_override():
    sc = yo.load_scenario(HOTEL)
    (name, expected), *_ = prepare(sc).controls.group_quotes
    (q,) = _json(HOTEL)
    assert q["name"] == name
    assert q["displaced_value"] == pytest.approx(expected.displaced_value)
    assert q["break_even_rate"] == pytest.approx(expected.break_even_rate)
    assert [a["label"] for a in q["alternatives"]] == list(expected.alternatives["label"])
    # The tour operator: 30 rooms × 3 nights at 119, 26 cost per room-night, 5,400 flat.
    # With 10% attrition 81 of 90 room-nights are used: 81 · (119 − 26) + 5,400 = 12,933;
    # the displacement is that of the whole block, unchanged.
    (w,) = _json(HOTEL, "--attrition", "0.1", "--shift-days", "0")
    d = expected.displaced_value
    assert w["displaced_value"] == pytest.approx(d)
    assert w["group_value"] == pytest.approx(12_933.0)
    assert w["break_even_rate"] == pytest.approx((d - 5400) / 81 + 26)
    assert [a["label"] for a in w["alternatives"]] == ["requested"]


def test_a_date_names_the_hotel_night():
    (q,) = _json(
        HOTEL, "--units", "2026-12-08=10,2026-12-09=10", "--rate", "95", "--shift-days", "0"
    )
    assert q["request"]["units"] == {"night/2026-12-08": 10.0, "night/2026-12-09": 10.0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--units", "HB=3", "--rate", "250", "--attrition", "1"], "--attrition: must be a share"),
        (["--units", "HB=3", "--rate", "250", "--commission", "-0.1"], "--commission: must be"),
        (["--units", "HB=3", "--rate", "-1"], "--rate: must be finite and non-negative"),
        (["--units", "HB=3"], "--rate: is required with --units"),
        (["--units", "HB"], "--units: 'HB' is not RESOURCE=UNITS"),
        (["--units", "HX=3", "--rate", "1"], "--units: no resource 'HX'; did you mean"),
        (["--units", "H=3", "--rate", "1"], "--units: 'H' matches 3 resources"),
        (["--units", "HB=x", "--rate", "1"], "--units: 'HB=x': units must be a number"),
        (["--units", "HB=1,HB=2", "--rate", "1"], "--units: names 'HB' twice"),
        (["--units", "HB=0", "--rate", "1"], "--units: must ask for at least one unit"),
        (["--rate", "100"], "--units: is required: the scenario has no [[groups]]"),
        (["--units", "HB=1", "--rate", "1", "--alternative", "XX=1"], "--alternative: no resource"),
        (["--units", "HB=1", "--rate", "1", "--solver", "nope"], "--solver: unknown solver"),
    ],
)
def test_bad_options_are_one_line_errors(args, message):
    result = runner.invoke(app, ["quote", HUB, *args])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {message}"), line
    assert "Traceback" not in result.output


def test_bad_scenario_group_term_names_the_entry(tmp_path):
    text = (
        Path(HOTEL).read_text().replace("cost_to_serve = 26.0          # per", "attrition = 1.5 #")
    )
    (tmp_path / "data").symlink_to(ROOT / "scenarios/data")
    bad = tmp_path / "hotel.toml"
    bad.write_text(text)
    result = runner.invoke(app, ["quote", str(bad)])
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip()
        == "error: groups[0].attrition: must be a share in [0, 1) (0.1 for 10%), got 1.5"
    )


def test_help_lists_quote_without_bool_placeholders():
    top = runner.invoke(app, ["--help"])
    assert "quote" in top.output
    result = runner.invoke(app, ["quote", "--help"])
    assert result.exit_code == 0 and "<bool>" not in result.output
    for option in ("--units", "--attrition", "--commission", "--ancillary-per-unit"):
        assert option in result.output


def test_scenario_group_terms_are_read_by_quote_and_run(tmp_path):
    text = (
        Path(HOTEL)
        .read_text()
        .replace(
            "cost_to_serve = 26.0          # per room-night",
            "cost_to_serve = 26.0\nattrition = 0.1\ncommission = 0.05\nancillary_per_unit = 8.0",
        )
    )
    (tmp_path / "data").symlink_to(ROOT / "scenarios/data")
    path = tmp_path / "hotel.toml"
    path.write_text(text)
    # 81 of 90 room-nights used: 81 · (119 · 0.95 + 8 − 26) + 5,400 = 81 · 95.05 + 5,400.
    (q,) = _json(str(path), "--shift-days", "0")
    assert q["group_value"] == pytest.approx(81 * 95.05 + 5400)
    (_, quote), *_ = prepare(yo.load_scenario(path)).controls.group_quotes  # what run reports
    assert quote.group_value == pytest.approx(81 * 95.05 + 5400)
    assert quote.request.commission == 0.05


def test_readme_hub_example_output_is_what_quote_prints():
    text = (ROOT / "README.md").read_text()
    start = text.index("$ yieldopt quote scenarios/hub-network.toml")
    command, _, rest = text[start:].partition("\n")
    shown = rest[: rest.index("```")].rstrip().splitlines()
    result = runner.invoke(app, command.split()[2:])
    assert result.exit_code == 0, result.output
    assert [line.rstrip() for line in result.stdout.rstrip().splitlines()] == shown
