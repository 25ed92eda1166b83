"""Generate scenarios/data/hub-topaloglu-sample.txt: a small made-up hub network instance.

Same text layout as the Topaloglu (2009) network revenue-management test problems
(H. Topaloglu, Operations Research 57(3):637-649, 2009), so ``yieldopt.read_topaloglu``
and ``yieldopt network FILE.txt`` read it, but every number is drawn here from a
seeded generator; nothing comes from the published instances. The network:

* location 0 is the hub, 1..4 are spokes; each spoke has a leg to the hub and a leg
  from it (8 legs);
* every origin-destination pair (20) is sold in three fare classes, 0 (discount),
  1 (flexible) and 2 (full fare), 60 itineraries; a spoke-to-spoke itinerary
  connects at the hub, uses two legs and costs a little less than its two legs;
* 150 booking periods with at most one request each; a request arrives with
  probability 0.9 per period (the rest is "no request"); discount requests come
  early in the horizon, full-fare ones late, flexible ones evenly;
* leg capacities are the expected leg demand divided by a load of 1.3, so the
  network is constrained and bid prices are non-trivial.

Sections (blank-line separated, ``#`` comments): the number of periods; the number
of legs, then ``origin destination capacity``; the number of itineraries, then
``origin destination class fare``; then one line per period ``t`` (0-based) of
tab-separated ``[ a b c ]`` / probability pairs.

Run from the repository root: .venv/bin/python scripts/make_topaloglu_sample.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "scenarios" / "data" / "hub-topaloglu-sample.txt"
SEED = 2009
SPOKES = 4
PERIODS = 150
REQUEST_PROB = 0.9  # probability that a period has a request
LOAD = 1.3  # expected leg demand / leg capacity
FARE_MULT = (1.0, 1.8, 3.5)  # class 0, 1, 2 fare relative to the discount fare
CLASS_MIX = (0.5, 0.3, 0.2)  # share of requests per class over the horizon
CONNECT_DISCOUNT = 0.85  # a connection costs this share of its two legs' discount fares


def _arrival_shapes(periods: int) -> np.ndarray:
    """Relative intensity of each class over the horizon, shape (periods, 3), columns sum to 1.

    Discount demand falls over the horizon, flexible is flat, full fare rises: the
    order of arrivals that makes protecting seats for late high fares worthwhile.
    """
    u = (np.arange(periods) + 0.5) / periods  # time as a share of the horizon
    shapes = np.column_stack([(1 - u) ** 1.5, np.ones_like(u), u**1.5])
    return shapes / shapes.sum(axis=0)


def make_instance(rng: np.random.Generator) -> tuple[list, list, np.ndarray]:
    """Draw legs, itineraries and arrival probabilities.

    Returns
    -------
    legs : list of (origin, destination, capacity)
    itineraries : list of (origin, destination, fare class, fare)
    probs : ndarray, shape (PERIODS, len(itineraries))
        Probability that the period's request is for each itinerary; rows sum to
        ``REQUEST_PROB``.
    """
    places = range(SPOKES + 1)
    leg_fare = {s: float(rng.integers(40, 160)) for s in range(1, SPOKES + 1)}  # hub <-> s
    ods = [(a, b) for a in places for b in places if a != b]
    popularity = rng.gamma(2.0, 1.0, len(ods))  # relative demand of each pair
    popularity[[i for i, (a, b) in enumerate(ods) if 0 not in (a, b)]] *= 0.6
    popularity /= popularity.sum()

    itineraries, weights = [], []
    for (a, b), w in zip(ods, popularity, strict=True):
        base = leg_fare[a or b] if 0 in (a, b) else CONNECT_DISCOUNT * (leg_fare[a] + leg_fare[b])
        for c, mult in enumerate(FARE_MULT):
            itineraries.append((a, b, c, round(base * mult)))
            weights.append(w)
    shapes = _arrival_shapes(PERIODS)  # (T, 3)
    classes = np.array([c for _, _, c, _ in itineraries])
    # Relative intensity of itinerary j in period t: pair share x class share x the
    # class's time profile; each period is then scaled to a request probability of
    # REQUEST_PROB, so the class mix of a period follows the profiles.
    probs = np.array(weights) * np.array(CLASS_MIX)[classes] * shapes[:, classes]
    probs *= REQUEST_PROB / probs.sum(axis=1, keepdims=True)

    demand = probs.sum(axis=0)
    legs = [(s, 0) for s in range(1, SPOKES + 1)] + [(0, s) for s in range(1, SPOKES + 1)]
    leg_demand = dict.fromkeys(legs, 0.0)
    for (a, b, _, _), d in zip(itineraries, demand, strict=True):
        for leg in [(a, b)] if 0 in (a, b) else [(a, 0), (0, b)]:
            leg_demand[leg] += d
    with_capacity = [(o, d, max(1, round(leg_demand[o, d] / LOAD))) for o, d in legs]
    return with_capacity, itineraries, probs


def render(legs: list, itineraries: list, probs: np.ndarray) -> str:
    """The instance as text in the Topaloglu (2009) layout."""
    lines = ["# number of time periods", str(len(probs)), ""]
    lines += ["# flights - from to capacity", "# first line is number of flights", str(len(legs))]
    lines += [f"{o} {d} {c}" for o, d, c in legs] + [""]
    lines += ["# itineraries - from to class fare", "# first line is number of itineraries"]
    lines += [str(len(itineraries))] + [f"{a} {b} {c} {f:.1f}" for a, b, c, f in itineraries]
    lines += ["", "# probabilities - time period itinerary probability"]
    lines.append(f"# probability of having no requests is {1 - REQUEST_PROB:.1f}")
    for t, row in enumerate(probs):
        entries = "\t".join(
            f"[ {a} {b} {c} ]\t{p:.6g}" for (a, b, c, _), p in zip(itineraries, row, strict=True)
        )
        lines.append(f"{t}\t{entries}")
    return "\n".join(lines) + "\n"


def main() -> None:
    legs, itineraries, probs = make_instance(np.random.default_rng(SEED))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(legs, itineraries, probs))
    print(
        f"wrote {OUT} ({len(legs)} legs, {len(itineraries)} itineraries, {len(probs)} periods,"
        f" {OUT.stat().st_size / 1024:.0f} KiB)"
    )


if __name__ == "__main__":
    main()
