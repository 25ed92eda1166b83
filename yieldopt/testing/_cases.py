"""Small cases the conformance checks run on: scenarios written as TOML, and networks.

The scenarios go through :func:`~yieldopt.load_scenario`, as a user's files do; the
networks include one solved by hand.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..model import Network, Scenario, load_scenario

__all__ = ["OVERBOOKING", "hub_network", "one_leg", "random_network", "two_leg"]

#: Segment behaviour and overbooking costs added to :func:`two_leg`: cancellations,
#: no-shows, authorized capacity above the physical one, and a denied-service cost.
OVERBOOKING = """
[[segments]]
id = "biz"
show_prob = 0.75
cancel_prob = 0.2
future_value = 40
ancillary = 25
[overbooking]
denied_cost = 350
spoilage_cost = 150
show_prob = 0.8
cancel_prob = 0.1
"""


def _load(name: str, text: str) -> Scenario:
    with tempfile.TemporaryDirectory(prefix="yieldopt-check-") as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_text(text)
        return load_scenario(path)


def two_leg(capacity: tuple[int, int] = (6, 5), extra: str = "") -> Scenario:
    """Two legs, a connecting itinerary and locals, high fares arriving late.

    Parameters
    ----------
    capacity : (int, int)
        Units of legs ``L1`` and ``L2``.
    extra : str
        More TOML (e.g. :data:`OVERBOOKING`); when it defines a segment ``biz`` the two
        full fares belong to it.

    Returns
    -------
    Scenario
        Six products over 120 periods, about 25 expected requests.
    """
    biz = 'segment = "biz"' if 'id = "biz"' in extra else ""
    products = [
        ("L1-Y", '["L1"]', 300, biz, 3, "late"),
        ("L1-M", '["L1"]', 100, "", 7, "early"),
        ("L2-Y", '["L2"]', 280, "", 3, "late"),
        ("L2-M", '["L2"]', 90, "", 6, "early"),
        ("C-Y", '["L1", "L2"]', 450, biz, 2, "late"),
        ("C-M", '["L1", "L2"]', 150, "", 4, "early"),
    ]
    text = f"""
name = "two-leg"
periods = 120
[[resources]]
id = "L1"
capacity = {capacity[0]}
[[resources]]
id = "L2"
capacity = {capacity[1]}
"""
    for pid, res, price, seg, demand, curve in products:
        text += f"""
[[products]]
id = "{pid}"
resources = {res}
price = {price}
{seg}
demand = {demand}
curve = "{curve}"
"""
    return _load("two-leg", text + extra)


def one_leg(capacity: int = 8) -> Scenario:
    """One resource, three fare classes, low fares first (where protection pays).

    Parameters
    ----------
    capacity : int
        Units of the single resource ``leg``.

    Returns
    -------
    Scenario
        Three products over 80 periods, 20 expected requests.
    """
    text = f"""
name = "one-leg"
periods = 80
[[resources]]
id = "leg"
capacity = {capacity}
"""
    for pid, price, demand, curve in (
        ("Y", 400, 4, "very-late"),
        ("B", 200, 6, "middle"),
        ("Q", 90, 10, "early"),
    ):
        text += f"""
[[products]]
id = "{pid}"
resources = ["leg"]
price = {price}
demand = {demand}
curve = "{curve}"
"""
    return _load("one-leg", text)


def hub_network() -> tuple[Network, dict[str, float]]:
    """Three legs, five itineraries, two classes (Y high, M low), solved by hand.

    Optimal DLP: AB-Y 4, AB-M 0, AC-M 6, HB-Y 2, HC-M 2; all legs full; value 2,420.
    HB-Y, HC-M and AC-M are partly allocated, so their values equal their route's bid
    prices: π_HB = 200, π_HC = 50, π_AH = 120 − 50 = 70. AB-Y (300 >= 270) is at its
    demand, AB-M (150 < 270) gets nothing. Dual: 10·70 + 6·200 + 8·50 + 4·(300 − 270) = 2,420.

    Returns
    -------
    (Network, dict)
        The network and expected demand by product id (units).
    """
    net = Network.from_records(
        [{"id": "AH", "capacity": 10}, {"id": "HB", "capacity": 6}, {"id": "HC", "capacity": 8}],
        [
            {"id": "AB-Y", "resources": ["AH", "HB"], "price": 300},
            {"id": "AB-M", "resources": ["AH", "HB"], "price": 150},
            {"id": "AC-M", "resources": ["AH", "HC"], "price": 120},
            {"id": "HB-Y", "resources": ["HB"], "price": 200},
            {"id": "HC-M", "resources": ["HC"], "price": 50},
        ],
    )
    return net, {"AB-Y": 4, "AB-M": 6, "AC-M": 8, "HB-Y": 3, "HC-M": 5}


def random_network(
    rng: np.random.Generator, m: int = 6, n: int = 25
) -> tuple[Network, NDArray[np.float64]]:
    """Random network: products use 1-3 distinct resources; some segments adjust value.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    m, n : int
        Numbers of resources and products.

    Returns
    -------
    (Network, ndarray of shape (n,))
        The network and expected demand per product (units).
    """
    resources = [{"id": f"r{i}", "capacity": int(rng.integers(0, 30))} for i in range(m)]
    segments = [
        {"id": "corp", "ancillary": 40.0, "cost_to_serve": 10.0, "future_value": 25.0},
        {"id": "tour", "ancillary": 5.0, "cost_to_serve": 30.0},
    ]
    products = []
    for j in range(n):
        used = rng.choice(m, size=int(rng.integers(1, 4)), replace=False)
        seg = [None, "corp", "tour"][int(rng.integers(0, 3))]
        price = float(rng.uniform(5, 400))
        products.append(
            {"id": f"p{j}", "resources": [f"r{i}" for i in used], "price": price, "segment": seg}
        )
    return Network.from_records(resources, products, segments), rng.uniform(0, 15, n)
