"""Play a policy along sample paths, all paths of a chunk in lockstep.

At event index ``e`` every path handles its own ``e``-th event: a request (the
products of the customer's choice set that have capacity and that the policy
accepts form the offer set; under buy-down the customer takes the cheapest of
them, under a logit or willingness-to-pay model the scenario's
:class:`~yieldopt.model.CustomerStreams` ``chooser`` picks one, or none, from the
customer's pre-drawn uniform) or a possible cancellation (capacity returned, price
refunded). Re-optimization happens, per path, before its first event at or after
each re-optimization time. At the end of the horizon kept bookings show up or not;
shown customers beyond a resource's physical capacity are denied at a cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..control import ControlModel, Policy
from ._paths import CANCEL, REQUEST, Paths

__all__ = ["CURVE_BINS", "SPILL_REASONS", "BidPriceTracking", "Outcome", "play", "settle"]

CURVE_BINS = 20
#: Why a request did not become a booking, in the order of :attr:`Outcome.spill_reasons`:
#: no product of its set had a unit left; units were left but the policy closed every
#: product; products were on offer but the customer chose none (logit or WTP choice).
SPILL_REASONS = ("capacity", "controls", "choice")


@runtime_checkable
class BidPriceTracking(Protocol):
    """A policy whose controls are bid prices per booking state, recorded by :func:`play`.

    Attributes
    ----------
    bid : ndarray, shape (P, m + 1)
        Current bid price of every resource (and 0 for the dummy resource ``m``) in each
        of the ``P`` booking states since the last ``reset``; ``play`` reads it after
        ``reset`` and after every ``reoptimize`` for :attr:`Outcome.bid_prices`.
    """

    bid: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Outcome:
    """Per-path results of one policy, arrays of shape (P,) unless noted.

    Attributes
    ----------
    revenue : booking revenue of kept bookings minus denied-service cost (money)
    value : value of kept bookings (price + segment adjustments) minus denied cost
    booking_revenue : revenue of kept bookings (money)
    units_sold : resource units of kept bookings (room-nights, seats)
    occupied : shown customers served, resource units
    denied : shown customers denied, resource units
    denied_cost : cost of denied service (money)
    spill : requests that did not turn into a booking
    requests : requests
    curve : shape (P, CURVE_BINS), bookings made per horizon bin (kept or not)
    bid_prices : shape (P, K + 1, m) or None, each path's bid prices at the opening and
        after each of the K later re-optimizations (bid-price policies only); kept per
        path so that means over paths do not depend on how paths were chunked
    product_units : shape (P, n) or None, kept bookings per product (not cancelled,
        no-shows included)
    product_shown : shape (P, n) or None, shown customers per product (served or denied)
    resource_spill : shape (P, m) or None, requests that did not become a booking,
        counted on every resource of the request's most expensive product
    spill_reasons : shape (P, 3, m) or None, ``resource_spill`` split by
        :data:`SPILL_REASONS` (``None`` for the hindsight bound, which has no controls)
    request_curve : shape (P, CURVE_BINS) or None, requests per horizon bin
    """

    revenue: NDArray[np.float64]
    value: NDArray[np.float64]
    booking_revenue: NDArray[np.float64]
    units_sold: NDArray[np.float64]
    occupied: NDArray[np.float64]
    denied: NDArray[np.float64]
    denied_cost: NDArray[np.float64]
    spill: NDArray[np.float64]
    requests: NDArray[np.float64]
    curve: NDArray[np.float64]
    bid_prices: NDArray[np.float64] | None = None
    product_units: NDArray[np.float64] | None = None
    product_shown: NDArray[np.float64] | None = None
    resource_spill: NDArray[np.float64] | None = None
    spill_reasons: NDArray[np.float64] | None = None
    request_curve: NDArray[np.float64] | None = None


def play(policy: Policy, model: ControlModel, paths: Paths, reopt: NDArray[np.float64]) -> Outcome:
    """Simulate ``policy`` on ``paths``; ``reopt`` holds re-optimization times in [0, 1)."""
    p, width = paths.kind.shape
    m = model.n_resources
    res = model.product_resources
    remaining = np.empty((p, m + 1))
    remaining[:, :m] = model.authorized
    remaining[:, m] = np.inf
    booked = np.full((p, width), -1, dtype=np.int64)
    lost = np.full((p, width), -1, dtype=np.int8)  # index into SPILL_REASONS
    policy.reset(paths.path_ids)

    # Event index at which each path passes each re-optimization time (t = 0 is the reset).
    later = reopt[reopt > 0]
    schedule: dict[int, list[tuple[NDArray[np.int64], int]]] = {}
    for k, frac in enumerate(later):
        at = (paths.time < frac).sum(axis=1)  # first event at or after frac
        for e in np.unique(at):
            schedule.setdefault(int(e), []).append((np.flatnonzero(at == e), k))
    # Bid-price policies get their prices recorded per path (Outcome.bid_prices).
    tracked = policy if isinstance(policy, BidPriceTracking) else None
    bids = np.zeros((p, later.size + 1, m)) if tracked is not None else None
    if tracked is not None and bids is not None:
        bids[:, 0] = tracked.bid[:, :m]
    all_rows = np.arange(p)
    for e in range(width + 1):
        for rows, k in schedule.get(e, ()):
            policy.reoptimize(rows, float(later[k]), remaining[rows])
            if tracked is not None and bids is not None:
                bids[rows, k + 1] = tracked.bid[rows, :m]
        if e == width:
            break
        kind = paths.kind[:, e]
        rows = all_rows[kind == REQUEST]
        if rows.size:
            stream = paths.stream[rows, e]
            period = paths.period[rows, e]
            if paths.choice_u is not None:
                u = paths.choice_u[rows, e]
                chosen, why = _choose(policy, model, rows, stream, period, remaining, u)
            else:
                chosen, why = _buy_down(policy, model, rows, stream, period, remaining)
            sold = chosen >= 0
            lost[rows[~sold], e] = why[~sold]
            if sold.any():
                r, j = rows[sold], chosen[sold]
                remaining[r[:, None], res[j]] -= 1
                remaining[:, m] = np.inf
                booked[r, e] = j
        rows = all_rows[kind == CANCEL]
        if rows.size:
            req = paths.ref[rows, e]
            j = booked[rows, req]
            gone = (j >= 0) & (paths.cancel_u[rows, req] < model.cancel_prob[np.maximum(j, 0)])
            if gone.any():
                r, jj = rows[gone], j[gone]
                remaining[r[:, None], res[jj]] += 1
                remaining[:, m] = np.inf
                booked[r, req[gone]] = -2
    return settle(model, paths, booked, bids, lost)


def _why(fits: NDArray[np.bool_], offered: NDArray[np.bool_] | None = None) -> NDArray[np.int8]:
    """Reason (index into :data:`SPILL_REASONS`) each request would be lost for, (Q,)."""
    why = np.where(fits, 1, 0).astype(np.int8)
    return why if offered is None else np.where(offered, np.int8(2), why)


def _buy_down(
    policy: Policy,
    model: ControlModel,
    rows: NDArray[np.int64],
    stream: NDArray[np.int64],
    period: NDArray[np.int64],
    remaining: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """Product each request buys under buy-down (-1: none) and why it was lost, (Q,) each.

    Columns are asked cheapest first and a customer stops at the first accepted one,
    so the policy is asked only about products the customer could still buy.
    """
    choice = model.customers.choice_matrix
    res = model.product_resources
    chosen = np.full(rows.size, -1, dtype=np.int64)
    open_ = np.ones(rows.size, dtype=bool)
    any_fit = np.zeros(rows.size, dtype=bool)
    for col in range(choice.shape[1]):
        prod = choice[stream, col]
        ask = open_ & (prod >= 0)
        if not ask.any():
            break
        idx = np.flatnonzero(ask)
        pr = prod[idx]
        rem = remaining[rows[idx]]
        fits = np.all(np.take_along_axis(rem, res[pr], axis=1) >= 1, axis=1)
        any_fit[idx[fits]] = True
        ok = np.zeros(idx.size, dtype=bool)
        if fits.any():
            f = np.flatnonzero(fits)
            ok[f] = policy.accept(rows[idx[f]], pr[f], period[idx[f]], rem[f])
        chosen[idx[ok]] = pr[ok]
        open_[idx[ok]] = False
    return chosen, _why(any_fit)


def offer_sets(
    policy: Policy,
    model: ControlModel,
    rows: NDArray[np.int64],
    stream: NDArray[np.int64],
    period: NDArray[np.int64],
    remaining: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which columns of each request's choice set are on offer, shape (Q, L).

    A product is offered when every resource it uses has a unit left and the policy
    accepts it in the request's booking state. Also returns, shape (Q,), whether some
    product of the set had units left (offered or not).
    """
    choice = model.customers.choice_matrix
    res = model.product_resources
    offer = np.zeros((rows.size, choice.shape[1]), dtype=bool)
    any_fit = np.zeros(rows.size, dtype=bool)
    for col in range(choice.shape[1]):
        prod = choice[stream, col]
        idx = np.flatnonzero(prod >= 0)
        if not idx.size:
            break  # columns are padded at the end
        pr = prod[idx]
        rem = remaining[rows[idx]]
        fits = np.all(np.take_along_axis(rem, res[pr], axis=1) >= 1, axis=1)
        if fits.any():
            f = np.flatnonzero(fits)
            any_fit[idx[f]] = True
            offer[idx[f], col] = policy.accept(rows[idx[f]], pr[f], period[idx[f]], rem[f])
    return offer, any_fit


def _choose(
    policy: Policy,
    model: ControlModel,
    rows: NDArray[np.int64],
    stream: NDArray[np.int64],
    period: NDArray[np.int64],
    remaining: NDArray[np.float64],
    u: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """Product each request buys under the choice model (-1: none) and why it was lost."""
    offer, any_fit = offer_sets(policy, model, rows, stream, period, remaining)
    col = model.customers.chooser.choose(stream, offer, u)
    prod = model.customers.choice_matrix[stream, np.maximum(col, 0)]
    return np.where(col >= 0, prod, -1), _why(any_fit, offer.any(axis=1))


def settle(
    model: ControlModel,
    paths: Paths,
    booked: NDArray[np.int64],
    bid_prices: NDArray[np.float64] | None = None,
    lost: NDArray[np.int8] | None = None,
) -> Outcome:
    """Turn the bookings of each path into revenue, shows, denials and the other metrics.

    ``booked[p, e]`` is the product sold at request event ``e`` (-1 none, -2 cancelled);
    ``lost[p, e]`` why an unsold request was lost (index into :data:`SPILL_REASONS`).
    """
    p = booked.shape[0]
    m, n = model.n_resources, model.prices.size
    kept = booked >= 0
    j = np.where(kept, booked, 0)
    nres = (model.product_resources[j] < m).sum(axis=2)  # resources per product, (P, E)
    shows = kept & (paths.show_u < model.show_prob[j])
    booking_revenue = np.where(kept, model.prices[j], 0.0).sum(axis=1)
    booking_value = np.where(kept, model.values[j], 0.0).sum(axis=1)
    units_sold = np.where(kept, nres, 0).sum(axis=1)
    # Shown customers per resource and path.
    load = np.zeros((p, m + 1))
    rr, ee = np.nonzero(shows)
    if rr.size:
        use = model.product_resources[booked[rr, ee]]
        np.add.at(load, (np.repeat(rr, use.shape[1]), use.ravel()), 1.0)
    load = load[:, :m]
    denied_units = np.maximum(load - model.capacity, 0.0)
    denied = denied_units.sum(axis=1)
    denied_cost = denied * model.denied_cost
    occupied = np.minimum(load, model.capacity).sum(axis=1)
    made = booked != -1
    is_request = paths.kind == REQUEST
    requests = is_request.sum(axis=1).astype(np.float64)
    spill = requests - (made & is_request).sum(axis=1)
    bins = np.minimum((paths.time * CURVE_BINS).astype(np.int64), CURVE_BINS - 1)
    curve = _per_bin(p, made & is_request, bins)
    reasons = None if lost is None else _spill_reasons(model, paths, made, lost)
    return Outcome(
        revenue=booking_revenue - denied_cost,
        value=booking_value - denied_cost,
        booking_revenue=booking_revenue,
        units_sold=units_sold.astype(np.float64),
        occupied=occupied,
        denied=denied,
        denied_cost=denied_cost,
        spill=spill.astype(np.float64),
        requests=requests,
        curve=curve,
        bid_prices=bid_prices,
        product_units=_per_product(p, n, kept, booked),
        product_shown=_per_product(p, n, shows, booked),
        resource_spill=(
            reasons.sum(axis=1)
            if reasons is not None
            else lost_per_resource(model, paths.stream, is_request & ~made)
        ),
        spill_reasons=reasons,
        request_curve=_per_bin(p, is_request, bins),
    )


def _per_bin(p: int, mask: NDArray[np.bool_], bins: NDArray[np.int64]) -> NDArray[np.float64]:
    """Count the events of ``mask`` per path and horizon bin, shape (P, CURVE_BINS)."""
    rr, ee = np.nonzero(mask)
    return (
        np.bincount(rr * CURVE_BINS + bins[rr, ee], minlength=p * CURVE_BINS)
        .reshape(p, CURVE_BINS)
        .astype(np.float64)
    )


def _per_product(
    p: int, n: int, mask: NDArray[np.bool_], booked: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Count the events of ``mask`` per path and product sold, shape (P, n)."""
    rr, ee = np.nonzero(mask)
    return np.bincount(rr * n + booked[rr, ee], minlength=p * n).reshape(p, n).astype(np.float64)


def lost_per_resource(
    model: ControlModel,
    stream: NDArray[np.int64],
    mask: NDArray[np.bool_],
    reason: NDArray[np.int8] | None = None,
) -> NDArray[np.float64]:
    """Count the requests of ``mask`` on the resources they asked for, shape (P, m).

    A request counts once on every resource of its stream's most expensive product
    (choice sets are sorted by ascending price, so the last one): what it would
    have used had it bought at most. With ``reason`` (P, E), the counts are split by
    it instead, shape (P, len(SPILL_REASONS), m).
    """
    p, m = mask.shape[0], model.n_resources
    k = 1 if reason is None else len(SPILL_REASONS)
    cm = model.customers.choice_matrix  # padded with -1 at the end
    top = cm[np.arange(cm.shape[0]), (cm >= 0).sum(axis=1) - 1]
    rr, ee = np.nonzero(mask)
    use = model.product_resources[top[stream[rr, ee]]]  # (Q, R), padded with m
    cell = rr if reason is None else rr * k + reason[rr, ee]
    keys = (cell[:, None] * (m + 1) + use).ravel()
    out = np.bincount(keys, minlength=p * k * (m + 1)).astype(np.float64)
    out = out.reshape(p, k, m + 1)[:, :, :m]
    return out[:, 0] if reason is None else out


def _spill_reasons(
    model: ControlModel, paths: Paths, made: NDArray[np.bool_], lost: NDArray[np.int8]
) -> NDArray[np.float64]:
    """:func:`lost_per_resource` split by :data:`SPILL_REASONS`, shape (P, 3, m)."""
    unsold = (paths.kind == REQUEST) & ~made
    return lost_per_resource(model, paths.stream, unsold, np.maximum(lost, 0))
