"""The reports a newcomer opens, in Debian's chromium at laptop widths (1,366 and 1,400 px).

``yieldopt run`` on the city hotel (few sample paths) and on the airline hub (72 legs, few
paths, three policies), and ``yieldopt decide`` on the bundled sample, as the README shows
them; every page is opened from ``file://``. At both widths: nothing sticks out to the
right, every table has header cells and sits in a box that fits the window (the policy
comparison, ROM included, fits without scrolling), every figure has alternative text and
loads, and the console is clean. Screenshots are saved (``YIELDOPT_SCREENSHOTS=DIR``
keeps them; the README's report pictures are made that way).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from yieldopt.cli import app

from .conftest import console_errors, horizontal_overflow, screenshot, set_viewport

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
WIDTHS = (1366, 1400)
PAGES = ("run", "hub", "decide")
runner = CliRunner()

# Per table: header cells, and the nearest box that scrolls (or the table) within the window.
_TABLES = """
const vw = document.documentElement.clientWidth;
const out = [];
document.querySelectorAll('table').forEach((t, i) => {
  const name = (t.closest('section') && t.closest('section').querySelector('h2')
                ? t.closest('section').querySelector('h2').textContent : 'table ' + i);
  if (t.querySelectorAll('thead th').length === 0) out.push(name + ': no header cells');
  let box = t.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX))
    box = box.parentElement;
  const r = (box || t).getBoundingClientRect();
  if (r.left < 0 || r.right > vw + 1)
    out.push(name + ': its box spans ' + Math.round(r.left) + '..' + Math.round(r.right));
});
return out;
"""
_IMAGES = """
return Array.from(document.images).map(img => ({
  alt: img.getAttribute('alt') || '',
  loaded: img.complete && img.naturalWidth > 0,
  right: img.getBoundingClientRect().right,
}));
"""
# Does a table need its scroll box: is any of it hidden to the right?
_HIDDEN = """
const t = document.querySelector(arguments[0]);
return [t.scrollWidth, t.parentElement.clientWidth];
"""
# The same for every full-width table (comparison, group quotes and their alternatives).
_WIDE = """
return Array.from(document.querySelectorAll('table.data.wide')).map(t =>
  [t.closest('section').querySelector('h2').textContent, t.scrollWidth,
   t.parentElement.clientWidth]);
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three reports, written by the command line as a user runs it."""
    out = tmp_path_factory.mktemp("reports")
    commands = {
        "run": ["run", str(ROOT / "scenarios/city-hotel.toml"), "--samples", "8"],
        "hub": [
            "run",
            str(ROOT / "scenarios/airline-hub.toml"),
            "--samples",
            "4",
            "--reoptimize",
            "2",
            *("-p", "fcfs", "-p", "emsr-b", "-p", "dlp", "-p", "hindsight"),
        ],
        "decide": [
            "decide",
            str(SAMPLE),
            *("--property", "City Hotel", "--capacity", "25", "--as-of", "2025-01-31"),
        ],
    }
    made = {}
    for name, args in commands.items():
        result = runner.invoke(app, [*args, "--out", str(out / name)])
        assert result.exit_code == 0, result.output
        made[name] = out / name / "report.html"
    return made


def _open(browser: Any, path: Path, width: int) -> None:
    set_viewport(browser, width, 900)
    browser.get(path.as_uri())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_report_fits_the_window(browser, pages, page, width, tmp_path):
    _open(browser, pages[page], width)
    assert horizontal_overflow(browser) == []
    assert browser.execute_script(_TABLES) == []
    images = browser.execute_script(_IMAGES)
    assert images, "a report without figures"
    for img in images:
        assert img["alt"].strip(), img
        assert img["loaded"], img
        assert img["right"] <= width + 1, img
    assert console_errors(browser) == []
    screenshot(browser, tmp_path, f"report-{page}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["run", "hub"])
def test_comparison_and_quotes_show_every_column_without_scrolling(browser, pages, page, width):
    _open(browser, pages[page], width)
    table_width, box_width = browser.execute_script(_HIDDEN, "#comparison table")
    assert table_width <= box_width, "the ROM column would be cut off"
    # The group quotes (city hotel): decision and break-even columns on screen.
    for name, table_width, box_width in browser.execute_script(_WIDE):
        assert table_width <= box_width, name
    heads = browser.execute_script(
        "return Array.from(document.querySelectorAll('#comparison th')).map(t => t.textContent)"
    )
    assert "ROM" in heads


def test_run_report_reads_as_a_newcomer_needs(browser, pages):
    _open(browser, pages["run"], 1366)
    text = browser.find_element("tag name", "body").text
    assert "00:00:00" not in text  # dates, not timestamps
    assert "('night/" not in text and "{'night/" not in text  # no raw tuples or dicts
    # Every policy below first-come-first-served is explained, next to its number.
    summary = pd.read_csv(pages["run"].parent / "summary.csv").set_index("policy")
    losers = sorted(summary.index[summary["rom"] < 0])
    shown = sorted(
        e.get_attribute("id").removeprefix("why-")
        for e in browser.find_elements("css selector", ".why")
    )
    assert shown == losers
    for policy in losers:
        link = browser.find_element("css selector", f"a[href='#why-{policy}']")
        assert link.text == "why?"
    if "emsr-b" in losers:  # the city hotel's leg EMSR-b: multi-night displacement
        why = browser.find_element("id", "why-emsr-b").text
        assert "leg-based" in why and "multi-night stays" in why
    minlos = browser.find_element("id", "minimum-length-of-stay-by-arrival-from-night-bid-prices")
    assert "arrival nights" in minlos.text
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href$=\".csv\"]'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert "resources.csv" in links
    for href in set(links):
        assert (pages["run"].parent / href).is_file(), href


def test_long_text_and_wide_tables_stay_inside_the_page(browser, tmp_path):
    """An unbroken 3,000-character text block wraps; a 40-column table scrolls in its box."""
    import yieldopt as yo
    from yieldopt.report import write_report
    from yieldopt.simulate import simulate

    sc = yo.load_scenario(ROOT / "scenarios/city-hotel.toml")
    res = simulate(sc, ["fcfs", "hindsight"], 2, 1)
    wide = pd.DataFrame({f"column number {i}": [1234567.0 * i] for i in range(40)})
    sections = [("A long note", "x" * 3000), ("A wide table", wide)]
    path = write_report(res, sc, tmp_path / "odd", sections=sections)
    for width in WIDTHS:
        _open(browser, path, width)
        assert horizontal_overflow(browser) == []
        assert browser.execute_script(_TABLES) == []


def test_report_pictures_for_the_readme(browser, pages, tmp_path):
    """The top of the run report and its occupancy section, as the README shows them."""
    _open(browser, pages["run"], 1366)
    screenshot(browser, tmp_path, "report-run")
    browser.execute_script("document.getElementById('occupancy').scrollIntoView()")
    shot = screenshot(browser, tmp_path, "report-run-occupancy")
    assert shot.stat().st_size < 300_000
