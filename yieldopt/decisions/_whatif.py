"""What-if: the decision set a change would give, before anyone publishes it.

:func:`preview_what_if` computes, without publishing, the decision set the latest
method gives now (``current``) and with authorized capacity raised by N on some
resources and some product prices changed (``preview``), both with the overrides in
force laid over them, and lists the resources whose bid price or authorized capacity
change. :func:`publish_what_if` applies it: the raised capacities become ``authorized``
overrides (with the revenue manager's reason), the prices a network update (sold units
kept), and the network is optimized again and published.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Protocol

from ..control import DecisionSet, Override, apply_overrides
from ..errors import InputError
from ..model import Method, Network, parse_name
from ._request import OptimizationRequest
from ._service import DecisionStore, compute_for, optimize_network

__all__ = ["WhatIfStore", "preview_what_if", "publish_what_if"]

#: Who a previewed override is set by (never stored).
_PREVIEW = "what-if"
_TOL = 1e-9
_LONG_AGO = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)


class WhatIfStore(DecisionStore, Protocol):
    """The persistence a what-if needs besides :class:`DecisionStore`."""

    def decisions(self, network_id: str, version: int | None = None) -> Any:
        """Return the latest decision set (raises ``LookupError`` when there is none)."""
        ...

    def get_network(self, network_id: str) -> Any:
        """Return the network and its revision."""
        ...

    def put_network(self, network_id: str, network: Network) -> Any:
        """Replace the network (sold units kept)."""
        ...

    def put_overrides(
        self,
        network_id: str,
        changes: Any,
        *,
        reason: str,
        expires_at: object = None,
        who: str,
        prefix: str | None = None,
    ) -> Any:
        """Set overrides of several resources, publishing one decision version."""
        ...


def _latest(store: WhatIfStore, network_id: str) -> DecisionSet | None:
    try:
        return store.decisions(network_id)
    except LookupError:  # none published yet (the store's NotFoundError)
        return None


def _request(latest: DecisionSet | None, method: object) -> OptimizationRequest:
    params = dict(latest.params) if latest is not None else {}
    name = method if method is not None else params.get("method", Method.DLP.value)
    m = parse_name(Method, name, "method")
    if m == Method.FCFS and method is None:
        m = Method.DLP  # nothing optimized yet: what would the default optimizer say
    params["method"] = m.value
    if params.get("forecast") is None:
        params.pop("as_of", None)
    return OptimizationRequest.from_dict(params)


def _targets(network: Network, overbook: Mapping[str, int] | int) -> dict[str, int]:
    """Return the resources whose authorized capacity rises, and by how many units."""
    if isinstance(overbook, bool):
        raise InputError("overbook", "must be a whole number or {resource: units}")
    if isinstance(overbook, int):
        return {r: overbook for r in network.resource_ids} if overbook else {}
    if not isinstance(overbook, Mapping):
        raise InputError("overbook", "must be a whole number or {resource: units}")
    out: dict[str, int] = {}
    for rid, n in overbook.items():
        if rid not in network.resource_index:
            raise InputError(f"overbook.{rid}", f"unknown resource {rid!r}")
        if isinstance(n, bool) or not isinstance(n, int):
            raise InputError(f"overbook.{rid}", f"must be a whole number, got {n!r}")
        if n:
            out[str(rid)] = int(n)
    return out


def _repriced(network: Network, prices: Mapping[str, float]) -> Network:
    if not prices:
        return network
    if not isinstance(prices, Mapping):
        raise InputError("prices", "must be {product: price}")
    records = network.to_records()
    known = network.product_index
    for pid, price in prices.items():
        if pid not in known:
            raise InputError(f"prices.{pid}", f"unknown product {pid!r}")
        ok = isinstance(price, int | float) and not isinstance(price, bool)
        if not ok or not math.isfinite(price) or price < 0:
            raise InputError(f"prices.{pid}", f"must be a finite price >= 0, got {price!r}")
    for p in records["products"]:
        if p["id"] in prices:
            p["price"] = float(prices[p["id"]])
    return Network.from_records(records["resources"], records["products"], records["segments"])


def _effective(network_id: str, body: Mapping[str, Any], overrides: list[Override]) -> DecisionSet:
    ds = DecisionSet(
        network=network_id,
        version=0,
        created_at="",
        network_revision=0,
        forecast_revision=0,
        **body,
    )
    # The overrides given are those the store found in force just now (by its own
    # clock): checked against an instant long past, none of them counts as expired.
    return apply_overrides(ds, overrides, _LONG_AGO)


def _summary(ds: DecisionSet) -> dict[str, Any]:
    return {
        "objective": ds.objective,
        "bid_prices": dict(ds.bid_prices),
        "authorized": dict(ds.authorized),
    }


def preview_what_if(
    store: WhatIfStore,
    network_id: str,
    *,
    overbook: Mapping[str, int] | int = 0,
    prices: Mapping[str, float] | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """Compute, without publishing, what a change of capacity or prices would give.

    Parameters
    ----------
    store : WhatIfStore
        Where the network lives, e.g. :class:`yieldopt.store.Store`.
    network_id : str
        Network id.
    overbook : int or mapping of str to int
        Units added to the authorized capacity of the named resources (an int: of
        every resource), on top of what is authorized now (overrides included).
    prices : mapping of str to float, optional
        New prices by product id (money per unit).
    method : str, optional
        Optimizer; the latest decision set's by default (``dlp`` when none was
        optimized yet).

    Returns
    -------
    dict
        ``method``; ``current`` and ``preview``: ``{"objective", "bid_prices",
        "authorized"}`` (effective values, overrides in force laid over); ``changes``:
        ``{"resource", "bid_price_before", "bid_price_after", "authorized_before",
        "authorized_after"}`` for the resources where either changes, network order.

    Raises
    ------
    InputError
        Unknown resource (``overbook.<id>``), product (``prices.<id>``), method, or
        an authorized capacity that would fall below 0.
    ConflictError
        No forecast (nor reservations) to optimize from.
    NotFoundError
        No such network.
    """
    latest = _latest(store, network_id)
    request = _request(latest, method)
    inputs, body = compute_for(store, network_id, request)
    network: Network = inputs.network
    told = list(inputs.overrides)
    now = _effective(network_id, body, told)
    raise_by = _targets(network, overbook)
    repriced = _repriced(network, prices or {})
    extra = _raised(told, raise_by, now.authorized)

    def alter(x: Any) -> Any:
        return dataclasses.replace(x, network=repriced, overrides=extra)

    _, after_body = compute_for(store, network_id, request, alter)
    after = _effective(network_id, after_body, extra)
    changes = []
    for rid in network.resource_ids:
        b0, b1 = now.bid_prices.get(rid, 0.0), after.bid_prices.get(rid, 0.0)
        a0, a1 = now.authorized.get(rid), after.authorized.get(rid)
        if abs(b1 - b0) > _TOL * max(1.0, abs(b0)) or a0 != a1:
            changes.append(
                {
                    "resource": rid,
                    "bid_price_before": b0,
                    "bid_price_after": b1,
                    "authorized_before": a0,
                    "authorized_after": a1,
                }
            )
    return {
        "method": request.method.value,
        "current": _summary(now),
        "preview": _summary(after),
        "changes": changes,
    }


def _raised(
    told: list[Override], raise_by: Mapping[str, int], authorized: Mapping[str, int]
) -> list[Override]:
    """Return the overrides in force with ``authorized`` raised on the named resources."""
    by = {o.resource: o for o in told}
    out = [o for o in told if o.resource not in raise_by]
    for rid, n in raise_by.items():
        target = int(authorized[rid]) + n
        if target < 0:
            raise InputError(f"overbook.{rid}", f"would authorize {target} units (< 0)")
        old = by.get(rid)
        if old is not None:
            out.append(dataclasses.replace(old, authorized=target))
        else:
            out.append(Override(rid, None, target, None, "what-if", None, _PREVIEW, ""))
    return out


def publish_what_if(
    store: WhatIfStore,
    network_id: str,
    *,
    overbook: Mapping[str, int] | int = 0,
    prices: Mapping[str, float] | None = None,
    method: str | None = None,
    reason: str,
    who: str,
) -> dict[str, Any]:
    """Apply a what-if: raised capacity as overrides, prices as a network update, re-optimize.

    The overbooked resources get ``authorized`` overrides of the previewed capacity
    (keeping their other override fields, until removed), set by ``who`` with
    ``reason`` in one decision version; changed prices replace the network's
    products' (sold units kept); then the network is optimized with the method and
    the result published (the overrides laid over it).

    Parameters
    ----------
    store, network_id, overbook, prices, method
        As :func:`preview_what_if`.
    reason : str
        Why (kept with the overrides and in their audit).
    who : str
        Name of the API key publishing it.

    Returns
    -------
    dict
        ``decision_version`` (the version published last), ``decisions`` (that
        :class:`~yieldopt.control.DecisionSet`), ``overrides`` (those set) and
        ``preview`` (:func:`preview_what_if`'s answer).
    """
    request = _request(_latest(store, network_id), method)
    preview = preview_what_if(store, network_id, overbook=overbook, prices=prices, method=method)
    network, _ = store.get_network(network_id)
    raise_by = _targets(network, overbook)
    made: list[Override] = []
    if raise_by:
        told = {o.resource: o for o in store.optimization_inputs(network_id).overrides}
        changes = []
        for rid in raise_by:
            old = told.get(rid)
            changes.append(
                {
                    "resource": rid,
                    "authorized": int(preview["preview"]["authorized"][rid]),
                    "bid_price": None if old is None else old.bid_price,
                    "closed": None if old is None else old.closed,
                }
            )
        made, _ = store.put_overrides(network_id, changes, reason=reason, who=who)
    if prices:
        store.put_network(network_id, _repriced(network, prices))
    ds = optimize_network(store, network_id, request)
    return {"decision_version": ds.version, "decisions": ds, "overrides": made, "preview": preview}
