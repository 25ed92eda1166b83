"""Generated networks for scenarios and benchmarks."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ._network import Network

__all__ = ["hub_network"]

_CLASS_NAMES = "YBMHQKLVST"


def hub_network(
    spokes: int = 8,
    banks: int = 1,
    classes: int = 2,
    connections: int | None = None,
    capacity: tuple[int, int] = (80, 180),
    load: float = 1.2,
    fare_ratio: float = 4.0,
    seed: int = 0,
) -> tuple[Network, NDArray[np.float64], NDArray[np.float64]]:
    """Generate a hub-and-spoke airline network with connecting banks and fare classes.

    Every bank has a flight from each spoke into the hub and one back out. Its
    itineraries are the local ones (spoke–hub, hub–spoke) and connections from each
    spoke to ``connections`` other spokes (all when ``None``), each in ``classes`` fare
    classes whose fares fall from ``fare_ratio``× the base fare to the base fare.

    Parameters
    ----------
    spokes, banks, classes : int
        Network size: ``2·spokes·banks`` legs.
    connections : int, optional
        Spokes reachable by connection from each spoke in a bank.
    capacity : (int, int)
        Range of leg capacities (seats).
    load : float
        Total expected leg demand over total capacity.
    fare_ratio : float
        Highest over lowest fare of an itinerary.
    seed : int
        Seed of the generator.

    Returns
    -------
    network : Network
    demand : ndarray, shape (n,)
        Expected requests per product over the horizon.
    curves : ndarray, shape (n, 2)
        Beta arrival-time shapes: low classes book early, high classes late.
    """
    if spokes < 2 or banks < 1 or classes < 1 or classes > len(_CLASS_NAMES):
        raise InputError("generator", "needs spokes >= 2, banks >= 1 and 1..10 classes")
    rng = np.random.default_rng(seed)
    distance = rng.uniform(300, 3000, spokes)
    resources, products, base_fares, legs_used = [], [], [], []
    for b in range(banks):
        for s in range(spokes):
            for leg in (f"S{s}-HUB/{b}", f"HUB-S{s}/{b}"):
                resources.append(
                    {"id": leg, "capacity": int(rng.integers(*capacity, endpoint=True))}
                )
        for s in range(spokes):
            routes = [(f"S{s}", "HUB", [f"S{s}-HUB/{b}"], distance[s])]
            routes.append(("HUB", f"S{s}", [f"HUB-S{s}/{b}"], distance[s]))
            others = [c for c in range(spokes) if c != s]
            if connections is not None:
                others = sorted(
                    rng.choice(others, size=min(connections, len(others)), replace=False)
                )
            for c in others:
                routes.append(
                    (
                        f"S{s}",
                        f"S{c}",
                        [f"S{s}-HUB/{b}", f"HUB-S{c}/{b}"],
                        0.8 * (distance[s] + distance[c]),
                    )
                )
            for orig, dest, used, dist in routes:
                base = 0.1 * dist
                for k in range(classes):
                    step = k / max(classes - 1, 1)
                    fare = round(base * fare_ratio ** (1.0 - step), 2)
                    products.append(
                        {
                            "id": f"{orig}-{dest}/{b}/{_CLASS_NAMES[k]}",
                            "resources": used,
                            "price": fare,
                        }
                    )
                    base_fares.append(k)
                    legs_used.append(len(used))
    network = Network.from_records(resources, products)
    klass = np.array(base_fares)
    # More demand in the cheaper classes; scale to the requested load factor.
    weight = (1.0 + klass) * rng.uniform(0.5, 1.5, klass.size)
    leg_demand = network.incidence @ weight
    demand = weight * load * network.capacity.sum() / leg_demand.sum()
    steps = klass / max(classes - 1, 1)
    curves = np.column_stack([2.5 - 1.5 * steps, 1.0 + 1.5 * steps])
    return network, demand, curves
