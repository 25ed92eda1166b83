"""Resources, products and segments: the network every optimizer works on.

A *resource* is one pool of perishable capacity (a room type on one night, a
flight leg). A *product* is what is sold; it uses one unit of each of its
resources. A *segment* is a group of customers whose value to the firm differs
from the price they pay: a product's **value** is its price plus its segment's
adjustments, ``price + ancillary − cost_to_serve + future_value``. Every optimizer
maximizes value; with all adjustments at zero it is classic revenue management.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError

__all__ = ["Network", "Product", "Resource", "Segment"]


def _number(where: str, value: Any, *, nonnegative: bool = False, integer: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(where, f"must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise InputError(where, f"must be finite, got {value!r}")
    if nonnegative and x < 0:
        raise InputError(where, f"must be non-negative, got {value!r}")
    if integer and x != int(x):
        raise InputError(where, f"must be a whole number, got {value!r}")
    return x


@dataclass(frozen=True)
class Resource:
    """One pool of perishable capacity.

    Attributes
    ----------
    id : str
        Unique identifier, e.g. ``"2026-12-01/std"`` or ``"FRA-JFK/0"``.
    capacity : int
        Units that can be sold (authorized capacity once overbooking is applied).
    """

    id: str
    capacity: int


@dataclass(frozen=True)
class Segment:
    """A customer segment and its value adjustments (money per unit sold).

    Attributes
    ----------
    id : str
        Unique identifier.
    ancillary : float
        Expected ancillary spend per unit (F&B, bags), added to value.
    cost_to_serve : float
        Variable cost per unit (housekeeping, commissions), subtracted.
    future_value : float
        Expected future contribution attributable to the sale, added.
    """

    id: str
    ancillary: float = 0.0
    cost_to_serve: float = 0.0
    future_value: float = 0.0

    @property
    def adjustment(self) -> float:
        """Value added to a product's price: ancillary − cost to serve + future value."""
        return self.ancillary - self.cost_to_serve + self.future_value


@dataclass(frozen=True)
class Product:
    """What is sold: one unit of each resource it uses, at a price.

    Attributes
    ----------
    id : str
        Unique identifier.
    resources : tuple of str
        Ids of the resources it uses, one unit each.
    price : float
        Price per unit (money).
    segment : str or None
        Id of the customer segment that buys it; ``None`` for no adjustment.
    """

    id: str
    resources: tuple[str, ...]
    price: float
    segment: str | None = None


@dataclass(frozen=True, eq=False)
class Network:
    """A validated network of resources, products and segments.

    Build it with :meth:`from_records` or :meth:`from_frames`; a scenario file gives one
    through :func:`~yieldopt.load_scenario` (its ``.network``).
    The array views (``capacity``, ``prices``, ``values``, ``incidence``) follow the
    order of ``resources`` and ``products``.
    """

    resources: tuple[Resource, ...]
    products: tuple[Product, ...]
    segments: tuple[Segment, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_unique("resources", [r.id for r in self.resources])
        _check_unique("products", [p.id for p in self.products])
        _check_unique("segments", [s.id for s in self.segments])
        if not self.resources:
            raise InputError("resources", "at least one resource is required")
        known = set(self.resource_ids)
        segments = {s.id for s in self.segments}
        for i, p in enumerate(self.products):
            if not p.resources:
                raise InputError(f"products[{i}].resources", f"product {p.id!r} uses no resource")
            for r in p.resources:
                if r not in known:
                    raise InputError(
                        f"products[{i}].resources", f"product {p.id!r} uses unknown resource {r!r}"
                    )
            if len(set(p.resources)) != len(p.resources):
                raise InputError(
                    f"products[{i}].resources", f"product {p.id!r} lists a resource twice"
                )
            if p.segment is not None and p.segment not in segments:
                raise InputError(
                    f"products[{i}].segment", f"product {p.id!r} has unknown segment {p.segment!r}"
                )

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_records(
        cls,
        resources: Iterable[Mapping[str, Any]],
        products: Iterable[Mapping[str, Any]],
        segments: Iterable[Mapping[str, Any]] | None = None,
    ) -> Network:
        """Build from plain records, the same shape the HTTP API takes.

        Parameters
        ----------
        resources : iterable of mapping
            ``{"id", "capacity"}`` each.
        products : iterable of mapping
            ``{"id", "resources": [ids], "price", "segment"?}`` each.
        segments : iterable of mapping, optional
            ``{"id", "ancillary"?, "cost_to_serve"?, "future_value"?}`` each.
        """
        res = []
        for i, r in enumerate(resources):
            _require(f"resources[{i}]", r, ("id", "capacity"))
            cap = _number(f"resources[{i}].capacity", r["capacity"], nonnegative=True, integer=True)
            res.append(Resource(id=str(r["id"]), capacity=int(cap)))
        segs = []
        for i, s in enumerate(segments or ()):
            _require(f"segments[{i}]", s, ("id",))
            adj = {
                k: _number(f"segments[{i}].{k}", s.get(k) or 0.0)
                for k in ("ancillary", "cost_to_serve", "future_value")
            }
            segs.append(Segment(id=str(s["id"]), **adj))
        prods = []
        for i, p in enumerate(products):
            _require(f"products[{i}]", p, ("id", "resources", "price"))
            used = p["resources"]
            if isinstance(used, str) or not isinstance(used, Sequence | np.ndarray):
                raise InputError(f"products[{i}].resources", "must be a list of resource ids")
            seg = p.get("segment")
            prods.append(
                Product(
                    id=str(p["id"]),
                    resources=tuple(str(u) for u in used),
                    price=_number(f"products[{i}].price", p["price"], nonnegative=True),
                    segment=None
                    if seg is None or (isinstance(seg, float) and math.isnan(seg))
                    else str(seg),
                )
            )
        return cls(tuple(res), tuple(prods), tuple(segs))

    @classmethod
    def from_frames(
        cls,
        resources: pd.DataFrame,
        products: pd.DataFrame,
        segments: pd.DataFrame | None = None,
    ) -> Network:
        """Build from DataFrames with the record fields as columns.

        ``products["resources"]`` holds a list of ids or one string of ids separated
        by ``;`` or ``+`` (as written in CSV files).
        """
        prods = _rows(products)
        for rec in prods:
            used = rec.get("resources")
            if isinstance(used, str):
                rec["resources"] = [
                    u.strip() for u in used.replace("+", ";").split(";") if u.strip()
                ]
        segs = None if segments is None else _rows(segments)
        return cls.from_records(_rows(resources), prods, segs)

    def with_capacity(self, capacity: Mapping[str, int] | ArrayLike) -> Network:
        """Copy with new (e.g. authorized, or remaining) capacity per resource.

        Parameters
        ----------
        capacity : mapping or array_like, shape (m,)
            By resource id (others unchanged) or one value per resource in order.
        """
        if isinstance(capacity, Mapping | pd.Series):
            cap = dict(capacity)
            unknown = set(cap) - set(self.resource_ids)
            if unknown:
                raise InputError("capacity", f"unknown resource id(s): {sorted(unknown)[:5]}")
            values = [cap.get(r.id, r.capacity) for r in self.resources]
        else:
            values = list(np.asarray(capacity).ravel())
            if len(values) != len(self.resources):
                raise InputError(
                    "capacity", f"needs {len(self.resources)} values, got {len(values)}"
                )
        res = tuple(
            Resource(r.id, int(_number(f"capacity[{r.id!r}]", v, nonnegative=True, integer=True)))
            for r, v in zip(self.resources, values, strict=True)
        )
        return Network(res, self.products, self.segments)

    # ------------------------------------------------------------------ views
    @cached_property
    def resource_ids(self) -> list[str]:
        """Resource ids in order."""
        return [r.id for r in self.resources]

    @cached_property
    def product_ids(self) -> list[str]:
        """Product ids in order."""
        return [p.id for p in self.products]

    @cached_property
    def resource_index(self) -> dict[str, int]:
        """Position of each resource id."""
        return {r: i for i, r in enumerate(self.resource_ids)}

    @cached_property
    def product_index(self) -> dict[str, int]:
        """Position of each product id."""
        return {p: j for j, p in enumerate(self.product_ids)}

    @cached_property
    def capacity(self) -> NDArray[np.float64]:
        """Capacity per resource, shape (m,) (units)."""
        return np.array([r.capacity for r in self.resources], dtype=np.float64)

    @cached_property
    def prices(self) -> NDArray[np.float64]:
        """Price per product, shape (n,) (money per unit)."""
        return np.array([p.price for p in self.products], dtype=np.float64)

    @cached_property
    def adjustments(self) -> NDArray[np.float64]:
        """Segment value adjustment per product, shape (n,) (money per unit)."""
        seg: dict[str | None, float] = {s.id: s.adjustment for s in self.segments}
        return np.array([seg.get(p.segment, 0.0) for p in self.products], dtype=np.float64)

    @cached_property
    def values(self) -> NDArray[np.float64]:
        """Value per product: price + segment adjustment, shape (n,) (money per unit)."""
        return self.prices + self.adjustments

    @cached_property
    def incidence(self) -> sp.csr_array:
        """Resource × product incidence matrix A, shape (m, n): ``A[i, j] = 1`` if j uses i."""
        rows = [self.resource_index[r] for p in self.products for r in p.resources]
        cols = [j for j, p in enumerate(self.products) for _ in p.resources]
        data = np.ones(len(rows))
        return sp.csr_array((data, (rows, cols)), shape=(len(self.resources), len(self.products)))

    def demand_vector(
        self, demand: Mapping[str, float] | pd.Series | ArrayLike, name: str = "demand"
    ) -> NDArray[np.float64]:
        """Align expected demand by product id into an array of shape (n,).

        Products missing from a mapping get 0; unknown ids, negative or non-finite
        values raise :class:`~yieldopt.errors.InputError` naming them.
        """
        if isinstance(demand, Mapping | pd.Series):
            items = dict(demand)
            unknown = [k for k in items if k not in self.product_index]
            if unknown:
                raise InputError(name, f"unknown product id(s): {unknown[:5]}")
            out = np.zeros(len(self.products))
            for k, v in items.items():
                out[self.product_index[k]] = _number(f"{name}[{k!r}]", v, nonnegative=True)
            return out
        arr = np.asarray(demand, dtype=np.float64)
        if arr.shape[-1:] != (len(self.products),):
            raise InputError(
                name, f"needs one value per product ({len(self.products)}), got shape {arr.shape}"
            )
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InputError(name, "must be finite and non-negative")
        return arr

    def to_records(self) -> dict[str, list[dict[str, Any]]]:
        """Return the network as plain records (inverse of :meth:`from_records`)."""
        return {
            "resources": [{"id": r.id, "capacity": r.capacity} for r in self.resources],
            "products": [
                {"id": p.id, "resources": list(p.resources), "price": p.price, "segment": p.segment}
                for p in self.products
            ],
            "segments": [
                {
                    "id": s.id,
                    "ancillary": s.ancillary,
                    "cost_to_serve": s.cost_to_serve,
                    "future_value": s.future_value,
                }
                for s in self.segments
            ],
        }

    def __repr__(self) -> str:
        return (
            f"Network({len(self.resources)} resources, {len(self.products)} products, "
            f"{len(self.segments)} segments)"
        )


def _check_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise InputError(f"{kind}[{i}].id", f"duplicate id {x!r}")
        seen.add(x)


def _require(where: str, record: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    if not isinstance(record, Mapping):
        raise InputError(where, "must be a record (mapping)")
    for k in keys:
        if k not in record or record[k] is None:
            raise InputError(f"{where}.{k}", "is required")


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as records keyed by column name (as text)."""
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict(orient="records")]
