"""Sample paths: the requests (and possible cancellations) of many booking horizons.

Path ``i`` is drawn from its own generator seeded with ``(seed, i)``, so a path is
the same whichever worker draws it and however paths are chunked, and every
policy in a simulation sees the same requests (common random numbers). Whether a
booking later cancels or shows depends on the product sold, so each request
carries uniforms that are compared with the sold product's probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..control import ControlModel

__all__ = ["Paths", "draw_paths"]

REQUEST, CANCEL, NONE = 0, 1, -1


@dataclass(frozen=True, eq=False)
class Paths:
    """Events of P sample paths, padded to a common length E and sorted by time.

    Attributes
    ----------
    kind : ndarray of int8, shape (P, E)
        ``0`` request, ``1`` possible cancellation, ``-1`` padding.
    time : ndarray, shape (P, E)
        Fraction of the booking horizon (0 = opening) at which the event happens.
    period : ndarray of int, shape (P, E)
        Booking period of the event, ``floor(time · T)``.
    stream : ndarray of int, shape (P, E)
        Customer stream of a request (-1 otherwise).
    ref : ndarray of int, shape (P, E)
        For a cancellation, the event index of its request.
    cancel_u, show_u : ndarray, shape (P, E)
        Uniforms of a request: it cancels if ``cancel_u < cancel_prob[product]`` and
        shows if ``show_u < show_prob[product]``.
    path_ids : ndarray of int, shape (P,)
        Global index of each path.
    choice_u : ndarray, shape (P, E), or None
        Uniform of a request that, with the offer set, fixes what the customer chooses
        under a logit or willingness-to-pay choice model (``None`` under buy-down).
        Drawn after every other number of the path, so buy-down paths stay as they were.
    """

    kind: NDArray[np.int8]
    time: NDArray[np.float64]
    period: NDArray[np.int64]
    stream: NDArray[np.int64]
    ref: NDArray[np.int64]
    cancel_u: NDArray[np.float64]
    show_u: NDArray[np.float64]
    path_ids: NDArray[np.int64]
    choice_u: NDArray[np.float64] | None = None

    @property
    def requests(self) -> NDArray[np.int64]:
        """Requests per path, shape (P,)."""
        return (self.kind == REQUEST).sum(axis=1)


def _requests(model: ControlModel, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Arrival times (fractions of the horizon) and streams of one path, time-sorted."""
    cs = model.customers
    if cs.probs is not None:
        periods, k = cs.probs.shape
        cum = np.cumsum(cs.probs, axis=1)
        # One search over all periods: shift period t's cumulative row by t.
        flat = (cum + np.arange(periods)[:, None]).ravel()
        u = rng.random(periods)
        pos = np.searchsorted(flat, u + np.arange(periods), side="right") - np.arange(periods) * k
        hit = pos < k
        t = np.flatnonzero(hit)
        return (t + 0.5) / periods, pos[hit]
    curves = cs.curves
    assert curves is not None  # streams carry either per-period probabilities or curves
    counts = rng.poisson(cs.mean)
    stream = np.repeat(np.arange(cs.mean.size), counts)
    times = np.asarray(rng.beta(curves[stream, 0], curves[stream, 1]) if stream.size else [])
    order = np.argsort(times, kind="stable")
    return np.minimum(times[order], np.nextafter(1.0, 0.0)), stream[order]


def draw_paths(model: ControlModel, path_ids: NDArray[np.int64], seed: int) -> Paths:
    """Draw the sample paths ``path_ids`` of a simulation with seed ``seed``."""
    cs = model.customers
    may_cancel = model.cancel_prob.max(initial=0.0) > 0
    # A request can only cancel if the most cancel-prone product of its stream would.
    stream_cancel = np.array([model.cancel_prob[c].max() for c in cs.choice_sets])
    chooses = cs.choice is not None and cs.choice.model != "buydown"
    rows = []
    for pid in path_ids:
        rng = np.random.default_rng([seed, int(pid)])
        time, stream = _requests(model, rng)
        r = time.size
        cancel_u, show_u = rng.random(r), rng.random(r)
        if may_cancel:
            could = np.flatnonzero(cancel_u < stream_cancel[stream])
            ctime = time[could] + (1.0 - time[could]) * rng.random(could.size)
        else:
            could, ctime = np.zeros(0, dtype=np.int64), np.zeros(0)
        # Last, so that adding a choice model leaves every other draw of the path as it was.
        choice_u = rng.random(r) if chooses else np.zeros(r)
        all_time = np.concatenate([time, ctime])
        kind = np.concatenate([np.zeros(r, np.int8), np.ones(could.size, np.int8)])
        order = np.argsort(all_time, kind="stable")
        position = np.empty(order.size, dtype=np.int64)
        position[order] = np.arange(order.size)
        ref = np.concatenate([np.arange(r), could])  # request number each event belongs to
        rows.append(
            (
                kind[order],
                all_time[order],
                np.concatenate([stream, np.full(could.size, -1)])[order],
                position[ref][order],  # event index of the request
                np.concatenate([cancel_u, np.zeros(could.size)])[order],
                np.concatenate([show_u, np.zeros(could.size)])[order],
                np.concatenate([choice_u, np.zeros(could.size)])[order],
            )
        )
    width = max((len(r[0]) for r in rows), default=0)
    p = len(rows)
    out: dict[str, NDArray[Any]] = {
        "kind": np.full((p, width), NONE, np.int8),
        "time": np.ones((p, width)),
        "stream": np.full((p, width), -1, np.int64),
        "ref": np.zeros((p, width), np.int64),
        "cancel_u": np.ones((p, width)),
        "show_u": np.ones((p, width)),
    }
    choice_u = np.zeros((p, width))
    for i, (kind, time, stream, ref, cu, su, chu) in enumerate(rows):
        e = kind.size
        out["kind"][i, :e], out["time"][i, :e], out["stream"][i, :e] = kind, time, stream
        out["ref"][i, :e], out["cancel_u"][i, :e], out["show_u"][i, :e] = ref, cu, su
        choice_u[i, :e] = chu
    periods = np.minimum((out["time"] * cs.periods).astype(np.int64), cs.periods - 1)
    return Paths(
        period=periods,
        path_ids=np.asarray(path_ids, dtype=np.int64),
        choice_u=choice_u if chooses else None,
        **out,
    )
