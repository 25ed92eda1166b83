"""Small scenarios for the simulation tests, written as TOML so the loader is exercised too."""

from pathlib import Path

import yieldopt as yo


def write(tmp: Path, name: str, text: str) -> yo.Scenario:
    p = tmp / f"{name}.toml"
    p.write_text(text)
    return yo.load_scenario(p)


def two_leg(tmp: Path, capacity: tuple[int, int] = (6, 5), extra: str = "") -> yo.Scenario:
    """Two legs, a connecting itinerary and locals, high fares arriving late.

    When ``extra`` defines a segment ``biz``, the two full fares belong to it.
    """
    biz = 'segment = "biz"' if 'id = "biz"' in extra else ""
    return write(
        tmp,
        "two-leg",
        f"""
name = "two-leg"
periods = 120
[[resources]]
id = "L1"
capacity = {capacity[0]}
[[resources]]
id = "L2"
capacity = {capacity[1]}
[[products]]
id = "L1-Y"
resources = ["L1"]
price = 300
{biz}
demand = 3
curve = "late"
[[products]]
id = "L1-M"
resources = ["L1"]
price = 100
demand = 7
curve = "early"
[[products]]
id = "L2-Y"
resources = ["L2"]
price = 280
demand = 3
curve = "late"
[[products]]
id = "L2-M"
resources = ["L2"]
price = 90
demand = 6
curve = "early"
[[products]]
id = "C-Y"
resources = ["L1", "L2"]
price = 450
{biz}
demand = 2
curve = "late"
[[products]]
id = "C-M"
resources = ["L1", "L2"]
price = 150
demand = 4
curve = "early"
{extra}
""",
    )


def one_leg(tmp: Path, capacity: int = 8) -> yo.Scenario:
    """One resource, three fare classes, low fares first (where protection pays)."""
    return write(
        tmp,
        "one-leg",
        f"""
name = "one-leg"
periods = 80
[[resources]]
id = "leg"
capacity = {capacity}
[[products]]
id = "Y"
resources = ["leg"]
price = 400
demand = 4
curve = "very-late"
[[products]]
id = "B"
resources = ["leg"]
price = 200
demand = 6
curve = "middle"
[[products]]
id = "Q"
resources = ["leg"]
price = 90
demand = 10
curve = "early"
""",
    )


def tied_hotel(tmp: Path) -> yo.Scenario:
    """A small city hotel (7 nights, 20 rooms) whose rates are the same every night.

    Equal prices on neighbouring nights make the re-optimized LPs dual degenerate
    (several bid-price vectors are optimal, e.g. when a multi-night stay is the
    marginal product), which is where solver history could leak into the results.
    """
    return write(
        tmp,
        "tied-hotel",
        """
name = "tied-hotel"
kind = "hotel"
[hotel]
start = "2026-12-07"
nights = 7
rooms = 20
max_los = 3
[[hotel.rates]]
id = "BAR"
weekday = 219.0
weekend = 219.0
[[hotel.rates]]
id = "CORP"
weekday = 189.0
weekend = 189.0
[[hotel.rates]]
id = "ADV"
weekday = 149.0
weekend = 149.0
[[hotel.demand]]
segment = "business"
rates = ["CORP", "BAR"]
weekday = 24
weekend = 4
los = [0.45, 0.35, 0.20]
curve = "late"
[[hotel.demand]]
segment = "leisure"
rates = ["ADV", "BAR"]
weekday = 6
weekend = 26
los = [0.40, 0.45, 0.15]
curve = "early"
[[segments]]
id = "business"
ancillary = 38.0
cost_to_serve = 24.0
future_value = 55.0
show_prob = 0.90
cancel_prob = 0.18
[[segments]]
id = "leisure"
ancillary = 22.0
cost_to_serve = 26.0
future_value = 8.0
show_prob = 0.97
cancel_prob = 0.06
[overbooking]
denied_cost = 260.0
spoilage_cost = 160.0
""",
    )


def sell_up(tmp, choice: str = "", capacity: int = 500, mean: float = 40.0) -> yo.Scenario:
    """One resource; one customer stream choosing between a 100 and a 200 fare."""
    return write(
        tmp,
        "sell-up",
        f"""
name = "sell-up"
periods = 200
[[resources]]
id = "leg"
capacity = {capacity}
[[products]]
id = "Y"
resources = ["leg"]
price = 200
[[products]]
id = "Q"
resources = ["leg"]
price = 100
[[customers]]
products = ["Q", "Y"]
mean = {mean}
{choice}
""",
    )
