"""Results files and the self-contained HTML report of a simulation."""

import base64
import re
import sys

import pandas as pd
import pytest

import yieldopt as yo
from yieldopt.report import write_report, write_results
from yieldopt.simulate import simulate

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMG = re.compile(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)'")

# Two nights of one room type; one- and two-night stays at a high and a low rate, the low
# rates booking early, so bid-price controls have something to protect.
HOTEL = """
name = "tiny <hotel> & co"
kind = "hotel"
periods = 60
[[resources]]
id = "N1"
capacity = 8
[[resources]]
id = "N2"
capacity = 6
[[products]]
id = "N1-BAR"
resources = ["N1"]
price = 320
demand = 4
curve = "late"
[[products]]
id = "N1-ADV"
resources = ["N1"]
price = 140
demand = 8
curve = "early"
[[products]]
id = "N12-BAR"
resources = ["N1", "N2"]
price = 560
demand = 3
curve = "late"
[[products]]
id = "N2-ADV"
resources = ["N2"]
price = 150
demand = 7
curve = "early"
[simulation]
samples = 12
seed = 7
reoptimize = 2
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    p = tmp_path_factory.mktemp("scenario") / "hotel.toml"
    p.write_text(HOTEL)
    return yo.load_scenario(p)


@pytest.fixture(scope="module")
def result(scenario):
    return simulate(scenario, ["fcfs", "dlp", "hindsight"])


@pytest.fixture(scope="module")
def report(result, scenario, tmp_path_factory):
    sections = [
        ("Bid <prices> & co", pd.DataFrame({"resource": ["<b>N1</b>"], "amount": [1234567.25]})),
        ("Notes", "<script>alert(1)</script> a & b"),
    ]
    pyplot_before = "matplotlib.pyplot" in sys.modules
    path = write_report(result, scenario, tmp_path_factory.mktemp("out") / "new", sections=sections)
    return path, path.read_text(encoding="utf-8"), pyplot_before


def test_write_results_files_and_parquet_round_trip(result, tmp_path):
    out = tmp_path / "a" / "b"
    written = write_results(result, out)
    assert set(written) == {"summary", "paths", "booking_curves", "bid_prices"}
    assert {p.name for p in written.values()} == {
        "summary.csv",
        "paths.parquet",
        "booking_curves.csv",
        "bid_prices.csv",
    }
    assert all(p.is_file() and p.parent == out for p in written.values())
    back = pd.read_parquet(written["paths"])
    assert list(back.columns) == list(result.paths.columns)
    assert back["policy"].tolist() == result.paths["policy"].tolist()
    numeric = result.paths.columns.drop("policy")
    pd.testing.assert_frame_equal(back[numeric], result.paths[numeric])
    summary = pd.read_csv(written["summary"])
    assert summary["revenue_mean"].tolist() == pytest.approx(result.summary["revenue_mean"])


def test_write_results_skips_empty_frames(scenario, tmp_path):
    res = simulate(scenario, ["fcfs"], 3, 1)
    written = write_results(res, tmp_path)
    assert "bid_prices" not in written
    assert not (tmp_path / "bid_prices.csv").exists()


def test_report_header_and_escaping(report, result):
    path, text, _ = report
    assert path.name == "report.html" and path.is_file()
    assert "tiny &lt;hotel&gt; &amp; co" in text
    assert "<hotel>" not in text
    assert "hotel" in text and ">12<" in text and ">7<" in text  # kind, samples, seed


def test_report_table_values_formatted(report, result):
    _, text, _ = report
    s = result.summary.set_index("policy")
    # Revenues are in the thousands: whole currency units with thousands separators.
    assert (s["revenue_mean"] >= 1000).all()
    for policy, row in s.iterrows():
        assert f"{row.revenue_mean:,.0f} \u00b1 {row.revenue_hw95:,.0f}" in text, policy
        assert f"{row.value_mean:,.0f} \u00b1 {row.value_hw95:,.0f}" in text, policy
        assert f"{row.load_factor:.1%}" in text, policy
        assert f"{row.adr:,.2f}" in text and f"{row.revpar:,.2f}" in text, policy
        assert f"{row.rom:.1%}" in text, policy
    assert "ADR" in text and "RevPAR" in text


def test_best_non_hindsight_policy_highlighted(report, result):
    _, text, _ = report
    rows = result.summary[result.summary["policy"] != "hindsight"]
    best = rows.loc[rows["value_mean"].idxmax(), "policy"]
    highlighted = re.findall(r"<tr class='best'>.*?</tr>", text)
    assert len(highlighted) == 1
    assert f"{best}<span" in highlighted[0].replace(" <span class='badge'", "<span")
    assert "<tr class='bound'>" in text and "hindsight" in text


def test_one_png_per_plot(report):
    _, text, _ = report
    images = IMG.findall(text)
    # revenue, bid prices, load factor, curves, and per-resource occupancy and mix
    assert text.count("<img") == len(images) >= 4
    for data in images:
        assert base64.b64decode(data, validate=True).startswith(PNG_SIGNATURE)
    assert text.count("How to read this") == len(images)


def test_bid_price_plot_skipped_without_bid_price_policy(scenario, tmp_path):
    res = simulate(scenario, ["fcfs", "hindsight"], 3, 1)
    text = write_report(res, scenario, tmp_path).read_text()
    assert len(IMG.findall(text)) == text.count("<img") >= 3
    assert "Bid prices over the booking horizon" not in text


def test_extra_sections_escaped(report):
    _, text, _ = report
    assert "<h2>Bid &lt;prices&gt; &amp; co</h2>" in text
    assert "&lt;b&gt;N1&lt;/b&gt;" in text and "<b>N1</b>" not in text
    assert "1,234,567" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a &amp; b" in text
    assert "<script" not in text


def test_trusted_html_section_and_bad_content(result, scenario, tmp_path):
    class Markup(str):
        def __html__(self):
            return str(self)

    text = write_report(
        result, scenario, tmp_path, sections=[("Raw", Markup("<em>kept</em>"))]
    ).read_text()
    assert "<em>kept</em>" in text
    with pytest.raises(TypeError, match="section 'x'"):
        write_report(result, scenario, tmp_path, sections=[("x", 42)])


def test_self_contained_and_no_pyplot(report):
    _, text, pyplot_before = report
    assert not re.search(r"https?://", text)
    assert "<link" not in text and "<script" not in text and "@import" not in text
    if not pyplot_before:
        assert "matplotlib.pyplot" not in sys.modules
