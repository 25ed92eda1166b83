"""Networks shared by the network tests: hand-solved cases and a Topaloglu-format writer."""

import numpy as np

import yieldopt as yo


def hub_network() -> tuple[yo.Network, dict[str, float]]:
    """Three legs, five itineraries, two classes (Y high, M low), solved by hand.

    Optimal DLP: AB-Y 4, AB-M 0, AC-M 6, HB-Y 2, HC-M 2; all legs full; value 2,420.
    HB-Y, HC-M and AC-M are partly allocated, so their values equal their route's bid
    prices: π_HB = 200, π_HC = 50, π_AH = 120 − 50 = 70. AB-Y (300 >= 270) is at its
    demand, AB-M (150 < 270) gets nothing. Dual: 10·70 + 6·200 + 8·50 + 4·(300 − 270) = 2,420.
    """
    net = yo.Network.from_records(
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
) -> tuple[yo.Network, np.ndarray]:
    """Random network: products use 1-3 distinct resources; some segments adjust value."""
    resources = [{"id": f"r{i}", "capacity": int(rng.integers(0, 30))} for i in range(m)]
    segments = [
        {"id": "corp", "ancillary": 40.0, "cost_to_serve": 10.0, "future_value": 25.0},
        {"id": "tour", "ancillary": 5.0, "cost_to_serve": 30.0},
    ]
    products = []
    for j in range(n):
        k = int(rng.integers(1, 4))
        used = rng.choice(m, size=k, replace=False)
        seg = [None, "corp", "tour"][int(rng.integers(0, 3))]
        products.append(
            {
                "id": f"p{j}",
                "resources": [f"r{i}" for i in used],
                "price": float(rng.uniform(5, 400)),
                "segment": seg,
            }
        )
    return yo.Network.from_records(resources, products, segments), rng.uniform(0, 15, n)


def write_topaloglu(path, rng: np.random.Generator, spokes: int = 2, periods: int = 6) -> dict:
    """Write a small instance in the Topaloglu (2009) text format; returns what was written."""
    legs = [(s, 0, int(rng.integers(1, 6))) for s in range(1, spokes + 1)]
    legs += [(0, s, int(rng.integers(1, 6))) for s in range(1, spokes + 1)]
    places = range(spokes + 1)
    itins = [
        (a, b, c, float(rng.integers(10, 90)) * (4 if c else 1))
        for a in places
        for b in places
        if a != b
        for c in (0, 1)
    ]
    probs = rng.dirichlet(np.ones(len(itins) + 1), periods)[:, :-1]
    lines = ["# number of time periods", str(periods), "", "# flights", str(len(legs))]
    lines += [f"{o} {d} {c}" for o, d, c in legs] + ["", "# itineraries", str(len(itins))]
    lines += [f"{a} {b} {c} {f}" for a, b, c, f in itins] + ["", "# probabilities"]
    for t in range(periods):
        entries = "\t".join(
            f"[ {a} {b} {c} ]\t{float(p)!r}"
            for (a, b, c, _), p in zip(itins, probs[t], strict=False)
        )
        lines.append(f"{t}\t{entries}")
    path.write_text("\n".join(lines) + "\n")
    return {"legs": legs, "itins": itins, "probs": probs}
