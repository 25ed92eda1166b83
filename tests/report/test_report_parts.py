"""The parts of the simulation report: figures' axes, negative ROM, group quotes, MinLOS."""

import re

import numpy as np
import pandas as pd
import pytest

import yieldopt as yo
from yieldopt.optimize import group_quote
from yieldopt.report import write_report
from yieldopt.report._blocks import as_block, frame_table
from yieldopt.report._compare import rom_explanations
from yieldopt.report._figures import policy_colours
from yieldopt.report._plots import figures
from yieldopt.report._quotes import min_los_calendar, quotes_table, units_summary
from yieldopt.simulate import simulate

from .test_report import HOTEL

# Four legs, two of them a connection; two fare classes on every itinerary.
AIRLINE = """
name = "tiny-air"
kind = "airline"
periods = 40
[[resources]]
id = "A-H"
capacity = 10
[[resources]]
id = "H-B"
capacity = 8
[[resources]]
id = "H-C"
capacity = 6
[[resources]]
id = "C-H"
capacity = 6
[[products]]
id = "A-H/Y"
resources = ["A-H"]
price = 300
demand = 4
curve = "late"
[[products]]
id = "A-H/M"
resources = ["A-H"]
price = 120
demand = 9
curve = "early"
[[products]]
id = "A-H-B/Y"
resources = ["A-H", "H-B"]
price = 520
demand = 3
curve = "late"
[[products]]
id = "A-H-B/M"
resources = ["A-H", "H-B"]
price = 230
demand = 6
curve = "early"
[[products]]
id = "H-C/M"
resources = ["H-C"]
price = 90
demand = 7
curve = "early"
[[products]]
id = "C-H/M"
resources = ["C-H"]
price = 95
demand = 5
curve = "early"
[simulation]
samples = 8
seed = 3
reoptimize = 2
"""
UNIT = re.compile(r"\(.+\)")  # a label names its unit in parentheses


def _load(tmp_path_factory, text, name):
    p = tmp_path_factory.mktemp("sc") / f"{name}.toml"
    p.write_text(text)
    return yo.load_scenario(p)


@pytest.fixture(scope="module")
def hotel(tmp_path_factory):
    return _load(tmp_path_factory, HOTEL, "hotel")


@pytest.fixture(scope="module")
def airline(tmp_path_factory):
    return _load(tmp_path_factory, AIRLINE, "air")


@pytest.fixture(scope="module")
def hotel_run(hotel):
    return simulate(hotel, ["fcfs", "emsr-b", "dlp", "hindsight"])


@pytest.fixture(scope="module")
def airline_run(airline):
    return simulate(airline, ["fcfs", "emsr-b", "dlp", "hindsight"])


@pytest.mark.parametrize("case", ["hotel", "airline"])
def test_every_figure_has_labelled_axes_with_units(case, request):
    sc = request.getfixturevalue(case)
    res = request.getfixturevalue(f"{case}_run")
    made = figures(res, sc, policy_colours(list(res.summary["policy"])))
    ids = [f.id for f in made]
    # Every figure with data: per-resource results, bid prices and curves included.
    assert ids == [
        "revenue",
        "occupancy",
        "mix",
        "bid-prices",
        "booking-curves",
        "load-factor",
    ]
    for f in made:
        assert f.alt.strip() and f.how.strip() and f.title.strip(), f.id
        assert f.labels, f.id
        for x, y in f.labels:
            assert UNIT.search(x), (f.id, x)
            assert UNIT.search(y), (f.id, y)


@pytest.mark.parametrize("case", ["hotel", "airline"])
def test_horizon_axes_count_days_before_arrival_or_departure(case, request):
    sc = request.getfixturevalue(case)
    res = request.getfixturevalue(f"{case}_run")
    made = {f.id: f for f in figures(res, sc, policy_colours(list(res.summary["policy"])))}
    event = "arrival" if case == "hotel" else "departure"
    for fid in ("bid-prices", "booking-curves"):
        xlabel = made[fid].labels[-1][0]
        assert xlabel.startswith(f"Days before {event} (days"), xlabel
        assert f"sales open at {res.horizon_days:,.0f}" in xlabel
        assert "%" not in xlabel


def test_occupancy_table_holds_the_simulated_occupancy(hotel, hotel_run):
    colours = policy_colours(list(hotel_run.summary["policy"]))
    table = {f.id: f for f in figures(hotel_run, hotel, colours)}["occupancy"].table
    heads = [c.text for c in table.heads]
    # Resource ids carry no date here: one row per resource, busiest first.
    assert heads[:3] == ["resource", "capacity", "authorized"]
    assert len(table.rows) == 2
    r = hotel_run.resources
    for row in table.rows:
        resource = row.cells[0].text
        for j, head in enumerate(heads[3:], start=3):
            policy = head.removesuffix(" occupancy")
            occ = r[(r["policy"] == policy) & (r["resource"] == resource)]["occupancy"].item()
            assert row.cells[j].text == f"{occ:.1%}"


def test_best_policy_detail_by_resource_holds_its_rate_and_spill(hotel, hotel_run):
    from yieldopt.report._compare import best_policy

    colours = policy_colours(list(hotel_run.summary["policy"]))
    fig = {f.id: f for f in figures(hotel_run, hotel, colours)}["occupancy"]
    best = best_policy(hotel_run.summary)
    ((heading, table),) = fig.more
    assert heading.startswith(f"{best} (the best policy)")
    heads = [c.text for c in table.heads]
    assert heads[:5] == ["night", "reservations kept", "occupied", "ADR", "revenue"]
    r = hotel_run.resources.set_index(["policy", "resource"])
    for row in table.rows:
        one = r.loc[(best, row.cells[0].text)]
        cells = dict(zip(heads, (c.text for c in row.cells), strict=True))
        assert cells["ADR"] == f"{one['revenue_mean'] / one['sold_mean']:,.2f}"
        assert cells["spill"] == f"{one['spill_mean']:,.1f}"
        assert cells["walked"] == f"{one['denied_mean']:,.1f}"


def test_dated_nights_show_as_dates_and_add_up_room_types(hotel):
    from yieldopt.report._plots_resources import _by_night, _dated

    r = pd.DataFrame(
        {
            "policy": ["fcfs"] * 3,
            "resource": ["std/2026-12-07", "dlx/2026-12-07", "std/2026-12-08"],
            "capacity": [10.0, 5.0, 10.0],
            "authorized": [11.0, 5.0, 11.0],
            "occupied_mean": [9.0, 4.0, 6.0],
            "occupied_hw95": [3.0, 4.0, 1.0],
        }
    )
    night = _by_night(r, _dated(r))
    first = night[night["night"] == pd.Timestamp("2026-12-07")].iloc[0]
    assert first["capacity"] == 15 and first["occupied_mean"] == 13
    assert first["occupied_hw95"] == pytest.approx(5.0)  # sqrt(3² + 4²)
    assert first["occupancy"] == pytest.approx(13 / 15)
    assert _dated(r.assign(resource=["A", "B", "C"])) is None


def _summary(rows):
    cols = ["policy", "revenue_mean", "revenue_hw95", "rom"]
    return pd.DataFrame(rows, columns=cols)


def test_negative_rom_of_a_leg_policy_on_multi_night_stays_is_explained(hotel):
    summary = _summary(
        [
            ("fcfs", 10_000.0, 100.0, 0.0),
            ("emsr-b", 9_000.0, 100.0, -0.25),
            ("dlp", 11_000.0, 100.0, 0.5),
            ("hindsight", 14_000.0, 100.0, 1.0),
        ]
    )
    why = rom_explanations(summary, hotel)
    assert set(why) == {"emsr-b"}
    text = " ".join(why["emsr-b"])
    assert "1,000 less" in text and "-25.0%" in text
    assert "leg-based" in text and "multi-night stays" in text
    # One of the four products (N12-BAR, demand 3 of 4 + 8 + 3 + 7 = 22) spans two nights.
    assert "1 products (14% of expected demand)" in text
    assert "sampling noise" not in text  # 1,000 lost against a joint half-width of ~141


def test_negative_rom_of_a_network_policy_gets_the_generic_reason(hotel):
    summary = _summary(
        [
            ("fcfs", 10_000.0, 400.0, 0.0),
            ("dlp", 9_800.0, 400.0, -0.05),
            ("hindsight", 14_000.0, 100.0, 1.0),
        ]
    )
    text = " ".join(rom_explanations(summary, hotel)["dlp"])
    assert "leg-based" not in text
    assert "planned for" in text
    # 200 lost, joint half-width sqrt(400² + 400²) = 566: within the noise.
    assert "within the sampling noise" in text and "± 566" in text


def test_leg_policy_on_single_resource_products_gets_its_own_reason(airline):
    one_leg = airline.network.products[0]
    assert len(one_leg.resources) == 1
    summary = _summary([("fcfs", 100.0, 1.0, 0.0), ("emsr-b", 90.0, 1.0, -0.1)])
    assert rom_explanations(summary, airline)["emsr-b"][1].startswith(
        "emsr-b is leg-based: it sets nested booking limits on each leg"
    )


def test_report_links_a_negative_rom_to_its_explanation(hotel, hotel_run, tmp_path):
    s = hotel_run.summary.set_index("policy")
    s.loc["emsr-b", "rom"] = -0.1  # force the case whatever the sample says
    res = type(hotel_run)(**{**hotel_run.__dict__, "summary": s.reset_index()})
    text = write_report(res, hotel, tmp_path).read_text()
    assert "href='#why-emsr-b'" in text and "id='why-emsr-b'" in text
    assert "Why emsr-b has a negative ROM." in text


def test_units_summary_reads_as_rooms_times_nights():
    units = {f"night/2026-12-{d:02d}": 30.0 for d in (8, 9, 10)}
    assert units_summary(units) == "30 \u00d7 3 nights, 2026-12-08 to 2026-12-10"
    assert units_summary({"night/2026-12-08": 5}) == "5 \u00d7 1 night, 2026-12-08"
    gap = {"night/2026-12-08": 30, "night/2026-12-10": 30}
    assert units_summary(gap) == "30 \u00d7 night/2026-12-08, 30 \u00d7 night/2026-12-10"
    many = {f"L{i}": 2 for i in range(6)}
    assert units_summary(many).endswith("2 \u00d7 L3 and 2 more")


def test_group_quote_table_has_real_columns_and_formatted_numbers(hotel, tmp_path):
    request = {"units": {"N1": 3, "N2": 3}, "rate": 150.0, "ancillary": 200.0}
    q = group_quote(hotel.network, hotel.demand, request)
    table = quotes_table([("school trip", q)])
    assert [c.text for c in table.heads] == [
        "group",
        "units asked",
        "rate per unit",
        "other terms",
        "group value",
        "displaced value",
        "break-even rate",
        "decision",
        "best alternative",
    ]
    (row,) = table.rows
    cells = [c.text for c in row.cells]
    assert cells[:3] == ["school trip", "3 \u00d7 N1, 3 \u00d7 N2", "150.00"]
    assert cells[3] == "ancillary 200 for the group"
    assert cells[4] == f"{q.group_value:,.0f}" == "1,100"  # 150 × 6 + 200
    assert cells[6] == f"{q.break_even_rate:,.2f}"
    assert row.cells[7].badge == q.decision
    text = write_report(
        simulate(hotel, ["fcfs"], 2, 1), hotel, tmp_path, sections=[("Group quotes", table)]
    ).read_text()
    assert "('N1'" not in text and "{'N1'" not in text  # no raw tuples or dicts


def test_min_los_calendar_shows_restricted_nights_as_iso_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "segment": ["business", "business", "leisure", "leisure"],
            "arrival": pd.to_datetime(["2026-12-07", "2026-12-08", "2026-12-07", "2026-12-08"]),
            "min_los": [1.0, 1.0, 2.0, np.nan],
        }
    )
    cal = min_los_calendar(frame)
    assert cal.restricted == 2 and cal.nights == 2
    (week,) = cal.weeks
    assert week["start"] == "2026-12-07"  # a Monday
    mon, tue = week["days"][:2]
    assert mon == {"day": "2026-12-07", "kind": "minlos", "text": "leisure: min 2 nights"}
    assert tue["kind"] == "cta" and tue["text"] == "leisure: closed to arrival"
    assert week["days"][2:] == [None] * 5
    block = as_block("Minimum length of stay", cal)
    assert block.lead.startswith("2 of 2 arrival nights")


def test_min_los_calendar_says_plainly_when_nothing_is_restricted():
    frame = pd.DataFrame(
        {"arrival": pd.to_datetime(["2026-12-07", "2026-12-08"]), "min_los": [1.0, 1.0]}
    )
    block = as_block("Minimum length of stay", min_los_calendar(frame))
    assert block.content == []
    assert block.lead == (
        "No arrival is restricted: all 2 arrival nights are open for every length of stay."
    )


def test_frame_tables_print_dates_without_a_time_of_day():
    frame = pd.DataFrame({"arrival": pd.to_datetime(["2026-12-07"]), "n": [1]})
    (row,) = frame_table(frame).rows
    assert row.cells[0].text == "2026-12-07"
    timed = pd.DataFrame({"at": pd.to_datetime(["2026-12-07 10:30"])})
    assert frame_table(timed).rows[0].cells[0].text == "2026-12-07 10:30"
