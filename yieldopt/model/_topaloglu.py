"""Reader for the Topaloglu (2009) hub-and-spoke network RM instances.

Sections (blank-line separated, ``#`` comments): the number of periods; the legs
(``origin destination capacity``); the itineraries (``origin destination class
fare``); then one line per period ``t`` with entries ``[ a b c ] p``. Location 0
is the hub: an itinerary between two spokes uses the leg into the hub and the leg
out of it. Leg ids are ``"o-d"``, itinerary ids ``"o-d-c"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._network import Network

__all__ = ["read_topaloglu"]

_ENTRY = re.compile(r"\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]\s+([-+0-9.eE]+)")


def read_topaloglu(path: str | Path) -> tuple[Network, np.ndarray]:
    """Read an instance; returns the network and arrival probabilities, shape (T, n)."""
    p = Path(path)
    lines = [ln.split("#", 1)[0].strip() for ln in p.read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    try:
        pos = 0
        periods = int(lines[pos])
        n_legs = int(lines[pos + 1])
        pos += 2
        legs = [lines[pos + i].split() for i in range(n_legs)]
        pos += n_legs
        n_itin = int(lines[pos])
        pos += 1
        itins = [lines[pos + i].split() for i in range(n_itin)]
        pos += n_itin
        prob_lines = lines[pos : pos + periods]
    except (IndexError, ValueError) as exc:
        raise InputError(str(p), f"is not a Topaloglu instance ({exc})") from None
    if len(prob_lines) != periods:
        raise InputError(str(p), f"expected {periods} period lines, found {len(prob_lines)}")

    resources = [{"id": f"{o}-{d}", "capacity": int(float(c))} for o, d, c in legs]
    products = []
    for o, d, c, fare in itins:
        path_legs = [f"{o}-{d}"] if "0" in (o, d) else [f"{o}-0", f"0-{d}"]
        products.append({"id": f"{o}-{d}-{c}", "resources": path_legs, "price": float(fare)})
    network = Network.from_records(resources, products)

    probs = np.zeros((periods, len(products)))
    for t, line in enumerate(prob_lines):
        head, _, rest = line.partition("\t") if "\t" in line else line.partition(" ")
        if int(head) != t:
            raise InputError(str(p), f"period line {t} is numbered {head}")
        if _ENTRY.sub("", rest).strip():
            raise InputError(str(p), f"period {t}: cannot read {rest.strip()[:60]!r}")
        for a, b, c, prob in _ENTRY.findall(rest):
            j = network.product_index.get(f"{a}-{b}-{c}")
            if j is None:
                raise InputError(str(p), f"period {t} names unknown itinerary [{a} {b} {c}]")
            probs[t, j] = float(prob)
    if np.any(probs < 0) or np.any(probs.sum(axis=1) > 1 + 1e-9):
        raise InputError(str(p), "arrival probabilities must be non-negative and sum to at most 1")
    return network, probs
