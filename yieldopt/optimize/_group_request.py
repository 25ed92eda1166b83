"""A group's request and its commercial terms: :class:`GroupRequest`.

The terms turn a block of ``K`` units (room-nights, seat-legs) at a rate ``r`` per unit
into the value the firm keeps:

    expected units  = (1 − a) · K
    group value     = (1 − a) · K · (r · (1 − c) + s − v) + F

with attrition ``a`` (the share of the block that does not materialize), commission
``c`` (the share of the room revenue paid to an intermediary), ancillary spend ``s``
per unit used (breakfast per room-night, bags per seat), cost to serve ``v`` per unit
used (housekeeping) and ``F`` the group's flat ancillary spend (a banquet, the meeting
room). With ``a = c = s = 0`` it is the classic ``(r − v) · K + F``.

**What attrition assumes.** The block is held in full until the group's cut-off, so
the displacement is that of all ``K`` units (the optimizer sets the whole block aside);
the units that do not materialize are neither resold (no wash is modelled: they come
back too late for the individual demand the optimizer planned with) nor paid for (the
attrition falls inside the contract's allowance, so no damages are collected). Under a
contract that bills attrition beyond an allowance, give as ``attrition`` only the share
that is neither used nor billed. This is the conservative reading: it can only lower the
group's value against the same displacement.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .._validate import as_amount
from ..errors import InputError

__all__ = ["GroupRequest"]

_RECORD_FIELDS = (
    "units",
    "rate",
    "ancillary",
    "ancillary_per_unit",
    "cost_to_serve",
    "attrition",
    "commission",
    "alternatives",
)


def _share(name: str, value: object) -> float:
    """Return a share ``0 <= x < 1`` (attrition, commission) from a record field."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(name, f"must be a number, got {value!r}") from None
    if not math.isfinite(x) or not 0.0 <= x < 1.0:
        raise InputError(name, f"must be a share in [0, 1) (0.1 for 10%), got {value!r}")
    return x


def _units(name: str, units: Any) -> dict[str, float]:
    """Validate units by resource id; accepts a mapping or ``[{"resource", "units"}]`` records.

    Zero entries are dropped, so a pattern only names the resources it uses.
    """
    if isinstance(units, Mapping | pd.Series):
        items = list(dict(units).items())
    elif isinstance(units, Sequence) and not isinstance(units, str):
        items = []
        for i, rec in enumerate(units):
            if not isinstance(rec, Mapping) or "resource" not in rec or "units" not in rec:
                raise InputError(f"{name}[{i}]", 'must be a record {"resource", "units"}')
            items.append((rec["resource"], rec["units"]))
    else:
        raise InputError(name, "must map resource ids to units")
    out: dict[str, float] = {}
    for key, value in items:
        rid = str(key)
        if rid in out:
            raise InputError(name, f"lists resource {rid!r} twice")
        k = as_amount(f"{name}[{rid!r}]", value)
        if k > 0:
            out[rid] = k
    if not out:
        raise InputError(name, "must ask for at least one unit")
    return out


@dataclass(frozen=True)
class GroupRequest:
    """A group's request: units per resource at one rate, with its commercial terms.

    Attributes
    ----------
    units : mapping of str to float
        Units asked for per resource id (e.g. rooms per room-type night); entries of
        0 are dropped, at least one must be positive.
    rate : float
        Offered price per unit and resource (money per room-night), >= 0.
    ancillary : float
        Flat ancillary spend of the whole group (banquet, meeting rooms; money), >= 0;
        it does not shrink with attrition and is the same for every alternative.
    cost_to_serve : float
        Variable cost per unit used (housekeeping; money per room-night), >= 0.
    alternatives : tuple of mapping
        Explicit alternative units-per-resource patterns (other dates, fewer rooms)
        to quote next to the date shifts.
    ancillary_per_unit : float
        Ancillary spend per unit used (breakfast, parking; money per room-night), >= 0.
    attrition : float
        Share of the block that does not materialize, ``0 <= a < 1``: the expected
        units are ``(1 − a)`` of the block, while the whole block is held (see the
        module notes for what this assumes of the contract).
    commission : float
        Share of the room revenue (``rate`` × units used) paid to an intermediary
        (travel agent, group desk), ``0 <= c < 1``.

    Raises
    ------
    InputError
        If a number is negative or not finite, or a share is outside [0, 1), naming
        the field (``"rate"``, ``"attrition"``, ``"units['std/2026-12-01']"``…).
    """

    units: Mapping[str, float]
    rate: float
    ancillary: float = 0.0
    cost_to_serve: float = 0.0
    alternatives: tuple[Mapping[str, float], ...] = ()
    ancillary_per_unit: float = 0.0
    attrition: float = 0.0
    commission: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _units("units", self.units))
        for name in ("rate", "ancillary", "cost_to_serve", "ancillary_per_unit"):
            object.__setattr__(self, name, as_amount(name, getattr(self, name)))
        for name in ("attrition", "commission"):
            object.__setattr__(self, name, _share(name, getattr(self, name)))
        alts = self.alternatives
        if isinstance(alts, Mapping) or not isinstance(alts, Sequence):
            raise InputError("alternatives", "must be a list of units-per-resource mappings")
        object.__setattr__(
            self,
            "alternatives",
            tuple(_units(f"alternatives[{i}]", a) for i, a in enumerate(alts)),
        )

    def __hash__(self) -> int:
        return hash(
            (
                tuple(self.units.items()),
                self.rate,
                self.ancillary,
                self.cost_to_serve,
                tuple(tuple(a.items()) for a in self.alternatives),
                self.ancillary_per_unit,
                self.attrition,
                self.commission,
            )
        )

    @property
    def total_units(self) -> float:
        """Units summed over resources (room-nights)."""
        return float(sum(self.units.values()))

    def value(self, total_units: ArrayLike, rate: float | None = None) -> NDArray[np.float64]:
        """Return the group's value for blocks of ``total_units`` (money).

        Parameters
        ----------
        total_units : array_like
            Units held, summed over resources (room-nights), any shape.
        rate : float, optional
            Rate per unit to value at (money per room-night); the request's by default.

        Returns
        -------
        ndarray
            ``(1 − a)·K·(r·(1 − c) + s − v) + F``, the shape of ``total_units``.
        """
        r = self.rate if rate is None else float(rate)
        used = (1.0 - self.attrition) * np.asarray(total_units, dtype=float)
        per_unit = r * (1.0 - self.commission) + self.ancillary_per_unit - self.cost_to_serve
        return np.asarray(used * per_unit + self.ancillary, dtype=float)

    def break_even_rate(self, displaced: ArrayLike, total_units: ArrayLike) -> NDArray[np.float64]:
        """Return the rate per unit at which :meth:`value` equals ``displaced`` (money/unit).

        Solves ``(1 − a)·K·(r·(1 − c) + s − v) + F = D`` for ``r``:
        ``r = ((D − F) / ((1 − a)·K) − s + v) / (1 − c)``. Negative when the other
        terms alone cover the displacement.

        Parameters
        ----------
        displaced : array_like
            Displaced value of each block (money); NaN stays NaN.
        total_units : array_like
            Units held, summed over resources, broadcastable with ``displaced`` (> 0).

        Returns
        -------
        ndarray
        """
        used = (1.0 - self.attrition) * np.asarray(total_units, dtype=float)
        per_unit = (np.asarray(displaced, dtype=float) - self.ancillary) / used
        return np.asarray(
            (per_unit - self.ancillary_per_unit + self.cost_to_serve) / (1.0 - self.commission),
            dtype=float,
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> GroupRequest:
        """Build from a plain record, the shape the HTTP API takes.

        Parameters
        ----------
        record : mapping
            ``{"units", "rate", "ancillary"?, "ancillary_per_unit"?, "cost_to_serve"?,
            "attrition"?, "commission"?, "alternatives"?}``; ``units`` (and each
            alternative) is a mapping ``{resource id: units}`` or a list of
            ``{"resource", "units"}`` records.

        Returns
        -------
        GroupRequest

        Raises
        ------
        InputError
            On a missing or unknown field (with the closest known name), or a bad
            value, naming the field.
        """
        if not isinstance(record, Mapping):
            raise InputError("request", "must be a record (mapping)")
        unknown = [k for k in record if k not in _RECORD_FIELDS]
        if unknown:
            key = str(unknown[0])
            near = difflib.get_close_matches(key, _RECORD_FIELDS, n=1, cutoff=0.5)
            hint = (
                f"did you mean {near[0]!r}?" if near else f"expected one of {list(_RECORD_FIELDS)}"
            )
            raise InputError(key, f"unknown field; {hint}")
        for key in ("units", "rate"):
            if record.get(key) is None:
                raise InputError(key, "is required")
        optional = {
            k: record[k]
            for k in ("ancillary", "ancillary_per_unit", "cost_to_serve", "attrition", "commission")
            if record.get(k) is not None
        }
        return cls(
            units=record["units"],
            rate=record["rate"],
            alternatives=tuple(record.get("alternatives") or ()),
            **optional,
        )
