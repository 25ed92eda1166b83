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
