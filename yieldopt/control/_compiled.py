"""Compiled controls: decide a request from a decision set without a solver or a database.

:class:`Controls` turns a network and its current decision set into per-product tuples
(resource positions, bid-price totals, nested limits) once, so deciding one request is a
handful of dictionary look-ups and additions. The same rule serves the ``evaluate`` hot
path (against an in-memory inventory snapshot) and bookings (whose capacity checks the
store repeats atomically in the database). The price test is :func:`~yieldopt.control.accepts`,
the rule the simulator's bid-price policies use, so the service and the simulator decide
the same request identically.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..model import ControlKind, Network, Reason
from ..optimize import accepts
from ._overrides import expiry_time
from ._records import BookingRequest, DecisionSet

__all__ = ["Assessment", "Controls", "Decision", "resource_order"]


def resource_order(resource_ids: Iterable[str]) -> list[str]:
    """Return resource ids in the canonical order: distinct, by code point.

    Compiled controls list a product's resources in this order, and the store locks
    inventory rows in it (its lock order), so bookings, cancellations and admin writes
    never wait on each other in a cycle. Code-point order is PostgreSQL's
    ``COLLATE "C"`` on UTF-8 text and SQLite's ``BINARY`` collation.

    >>> resource_order(["b", "a", "b"])
    ['a', 'b']
    """
    return sorted(set(resource_ids))


@dataclass(frozen=True, slots=True)
class Assessment:
    """A request valued against the controls, before looking at inventory.

    Attributes
    ----------
    product : str
        Product id.
    index : int
        Product position in the network.
    quantity : int
        Units asked for.
    price : float
        Price per unit (money).
    segment : str or None
        Segment the value was computed for.
    value : float
        quantity × (price + segment adjustment) (money).
    bid_price_total : float
        quantity × Σ bid prices of the product's resources (money).
    resources : tuple of int
        Positions of the resources it uses, in the lock order
        (:func:`resource_order`: by resource id).
    limits : tuple of (int or None)
        Nested limit on ``sold`` of each of those resources after the sale; ``None``
        where only the authorized capacity applies.
    price_ok : bool
        Whether the bid-price rule (if it applies) accepts it:
        :func:`~yieldopt.control.accepts` ``(value, bid_price_total)``.
    closed : bool
        Whether one of its resources is closed by an override (it is not sold,
        whatever its value).
    """

    product: str
    index: int
    quantity: int
    price: float
    segment: str | None
    value: float
    bid_price_total: float
    resources: tuple[int, ...]
    limits: tuple[int | None, ...]
    price_ok: bool
    closed: bool = False

    @property
    def margin(self) -> float:
        """Value less the bid-price total (money)."""
        return self.value - self.bid_price_total

    @property
    def refusal(self) -> Reason | None:
        """Why the controls refuse it before capacity is looked at, or ``None``.

        A closed resource first, then the bid-price rule: the order :meth:`Controls.decide`
        and the store's bookings share.
        """
        if self.closed:
            return Reason.CLOSED
        return None if self.price_ok else Reason.BID_PRICE


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of deciding a request.

    Attributes
    ----------
    accepted : bool
        Accept or reject.
    reason : Reason
        ``"accepted"``, ``"closed"`` (a resource is closed by an override),
        ``"bid_price"`` (value below the bid-price total),
        ``"booking_limit"`` (a nested limit is reached) or ``"unavailable"`` (not enough
        authorized capacity left on a resource).
    assessment : Assessment
        The valued request.
    decision_version : int
        Version of the decision set used (0: none published, first come first served).
    """

    accepted: bool
    reason: Reason
    assessment: Assessment
    decision_version: int


@dataclass(frozen=True, eq=False)
class Controls:
    """A network's current controls, compiled for fast decisions.

    Build with :meth:`compile`; attributes are per product in network order.
    ``closed`` marks products using a resource closed by an override; ``price_rule``
    those the bid-price test applies to (every product under bid-price control, and
    under any control those using a resource whose bid price is overridden);
    ``expires_at`` is the earliest expiry of the overrides compiled in (Unix seconds).
    """

    network_id: str
    network_revision: int
    version: int
    control: ControlKind
    resource_ids: tuple[str, ...]
    product_index: dict[str, int]
    prices: tuple[float, ...]
    segments: tuple[str | None, ...]
    adjustments: dict[str, float]
    uses: tuple[tuple[int, ...], ...]
    route_bid: tuple[float, ...]
    limits: tuple[tuple[int | None, ...], ...]
    incarnation: str = ""
    closed: tuple[bool, ...] = ()
    price_rule: tuple[bool, ...] = ()
    expires_at: float | None = None

    def expired(self, now: float | None = None) -> bool:
        """Whether an override compiled in has expired (``now``: Unix seconds)."""
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) >= self.expires_at

    @property
    def key(self) -> tuple[str, int, int]:
        """Network incarnation, network revision and decision version compiled."""
        return (self.incarnation, self.network_revision, self.version)

    @classmethod
    def compile(
        cls,
        network_id: str,
        network_revision: int,
        network: Network,
        decisions: DecisionSet | None,
        incarnation: str = "",
    ) -> Controls:
        """Compile a network and its decision set (``None``: first come, first served).

        Parameters
        ----------
        network_id : str
            Network id.
        network_revision : int
            Revision of ``network``.
        network : Network
            The network.
        decisions : DecisionSet or None
            Current decision set. Resources it does not name (added since) get a bid
            price of 0; products it gives no limits have none.
        incarnation : str
            The network's incarnation (changes when it is deleted and created again).
        """
        ids = tuple(network.resource_ids)
        bid = dict.fromkeys(ids, 0.0)
        limits: dict[str, dict[str, int]] = {}
        control, version = ControlKind.FCFS, 0
        closed: frozenset[str] = frozenset()
        priced: set[str] = set()
        expires: float | None = None
        if decisions is not None:
            control, version = ControlKind(decisions.control), decisions.version
            bid.update({k: float(v) for k, v in decisions.bid_prices.items() if k in bid})
            limits = decisions.booking_limits
            closed = decisions.closed
            priced = {o["resource"] for o in decisions.overrides if o.get("bid_price") is not None}
            expires = expiry_time(decisions.expires_at)
        every = control == ControlKind.BID_PRICE
        uses, route, lim, shut, rule = [], [], [], [], []
        for p in network.products:
            # The store's lock order, shared with cancellations and admin writes (no deadlocks).
            order = tuple(network.resource_index[r] for r in resource_order(p.resources))
            uses.append(order)
            route.append(math.fsum(bid[ids[i]] for i in order))
            own = limits.get(p.id, {})
            lim.append(tuple(_limit(own.get(ids[i])) for i in order))
            shut.append(any(ids[i] in closed for i in order))
            rule.append(every or any(ids[i] in priced for i in order))
        return cls(
            network_id=network_id,
            network_revision=network_revision,
            version=version,
            control=control,
            resource_ids=ids,
            product_index=dict(network.product_index),
            prices=tuple(float(x) for x in network.prices),
            segments=tuple(p.segment for p in network.products),
            adjustments={s.id: s.adjustment for s in network.segments},
            uses=tuple(uses),
            route_bid=tuple(route),
            limits=tuple(lim),
            incarnation=incarnation,
            closed=tuple(shut),
            price_rule=tuple(rule),
            expires_at=expires,
        )

    def assess(self, request: BookingRequest) -> Assessment:
        """Value a request against the controls.

        Parameters
        ----------
        request : BookingRequest
            Product, quantity, optional price and segment.

        Returns
        -------
        Assessment

        Raises
        ------
        InputError
            On an unknown product (field ``"product"``) or segment (``"segment"``).
        """
        j = self.product_index.get(request.product)
        if j is None:
            raise InputError("product", f"unknown product {request.product!r}")
        seg = request.segment if request.segment is not None else self.segments[j]
        if seg is None:
            adjust = 0.0
        elif seg in self.adjustments:
            adjust = self.adjustments[seg]
        else:
            raise InputError("segment", f"unknown segment {seg!r}")
        q = int(request.quantity)
        price = self.prices[j] if request.price is None else float(request.price)
        value = q * (price + adjust)
        bid = q * self.route_bid[j]
        rule = self.price_rule[j] if self.price_rule else self.control == ControlKind.BID_PRICE
        ok = not rule or accepts(value, bid)
        return Assessment(
            product=request.product,
            index=j,
            quantity=q,
            price=price,
            segment=seg,
            value=value,
            bid_price_total=bid,
            resources=self.uses[j],
            limits=self.limits[j],
            price_ok=ok,
            closed=bool(self.closed[j]) if self.closed else False,
        )

    def decide(
        self, request: BookingRequest, sold: Sequence[int], authorized: Sequence[int]
    ) -> Decision:
        """Accept or reject a request against inventory counts.

        Parameters
        ----------
        request : BookingRequest
            The request.
        sold, authorized : sequence of int, shape (m,)
            Units sold and authorized per resource, in network order.

        Returns
        -------
        Decision
            A closed resource is checked first, then the bid-price rule, then
            availability on every resource, then the nested limits — the order
            bookings use.
        """
        a = self.assess(request)
        reason = a.refusal or Reason.ACCEPTED
        if reason == Reason.ACCEPTED:
            for i, limit in zip(a.resources, a.limits, strict=True):
                after = sold[i] + a.quantity
                if after > authorized[i]:
                    reason = Reason.UNAVAILABLE
                    break
                if limit is not None and after > limit:
                    reason = Reason.BOOKING_LIMIT
                    break
        return Decision(reason == Reason.ACCEPTED, reason, a, self.version)


def _limit(x: object) -> int | None:
    return None if x is None else int(x)  # type: ignore[call-overload]
