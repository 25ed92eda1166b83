"""Networks shared by the network tests: the hand-solved hub and random networks (one copy,
in :mod:`yieldopt.testing`) and a Topaloglu-format writer."""

import numpy as np

from yieldopt.testing import hub_network, random_network

__all__ = ["hub_network", "random_network", "write_topaloglu"]


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
