"""A single-resource (one leg, one night) problem and its file formats."""

from __future__ import annotations

import csv
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validate import as_capacity, as_descending_fares, as_nonnegative, check_csv_delimiter
from ..errors import InputError
from ._schema import LegFile, check

__all__ = ["LegProblem", "load_leg"]


@dataclass(frozen=True)
class LegProblem:
    """Capacity and fare classes of one resource, classes by descending fare.

    Attributes
    ----------
    capacity : int
        Units to sell.
    fares, means, stds : ndarray, shape (n,)
        Fare (money per unit), mean and standard deviation of demand (units).
    names : tuple of str
        Class names, e.g. booking codes.
    dist : str
        Demand distribution, ``"normal"`` or ``"poisson"``.
    """

    capacity: int
    fares: np.ndarray
    means: np.ndarray
    stds: np.ndarray
    names: tuple[str, ...] = field(default=())
    dist: str = "normal"

    def __post_init__(self) -> None:
        as_capacity("capacity", self.capacity)
        f = as_descending_fares("fare", self.fares)
        if f.ndim != 1:
            raise InputError("fare", "must be one value per class")
        for name, arr in (("mean", self.means), ("std", self.stds)):
            if np.shape(as_nonnegative(name, arr, min_ndim=1)) != f.shape:
                raise InputError(name, f"needs one value per class ({f.size})")
        if self.dist not in ("normal", "poisson"):
            raise InputError("dist", f'must be "normal" or "poisson", got {self.dist!r}')
        if not self.names:
            object.__setattr__(self, "names", tuple(f"class {i + 1}" for i in range(f.size)))
        elif len(self.names) != f.size:
            raise InputError("names", f"needs one name per class ({f.size})")

    @classmethod
    def from_records(
        cls,
        classes: list[dict[str, Any]],
        capacity: int,
        dist: str = "normal",
    ) -> LegProblem:
        """Build from records with ``fare``, ``mean``, optional ``std`` and ``name``.

        Classes may come in any order; they are sorted by descending fare. A missing
        ``std`` means Poisson-like spread ``sqrt(mean)``; with ``dist="normal"`` that
        guess is announced with a ``UserWarning`` naming the classes.
        """
        if not classes:
            raise InputError("classes", "at least one class is required")
        parsed, guessed = [], []
        for i, rec in enumerate(classes):
            for key in ("fare", "mean"):
                if key not in rec or rec[key] in ("", None):
                    raise InputError(f"classes[{i}].{key}", "is required")
            try:
                fare, mean = float(rec["fare"]), float(rec["mean"])
                std_raw = rec.get("std")
                std = np.sqrt(max(mean, 0.0)) if std_raw in ("", None) else float(std_raw)
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"classes[{i}]", f"fare, mean and std must be numbers ({exc})"
                ) from None
            name = str(rec.get("name") or rec.get("class") or f"class {i + 1}")
            if std_raw in ("", None):
                guessed.append(f"{name} {std:.2f}")
            parsed.append((fare, mean, std, name))
        parsed.sort(key=lambda r: -r[0])
        fares, means, stds, names = zip(*parsed, strict=True)
        prob = cls(
            capacity=capacity,
            fares=np.array(fares),
            means=np.array(means),
            stds=np.array(stds),
            names=tuple(names),
            dist=dist,
        )
        if guessed and dist == "normal":
            # A guessed spread changes the protection levels; say so instead of hiding it.
            warnings.warn(
                f"std not given for {len(guessed)} class(es); using sqrt(mean), the spread of "
                f"Poisson demand: {', '.join(guessed)}",
                UserWarning,
                stacklevel=2,
            )
        return prob


def load_leg(path: str | Path, capacity: int | None = None, dist: str | None = None) -> LegProblem:
    """Read a single-leg problem from TOML or CSV.

    TOML: ``capacity``, optional ``dist`` and ``[[classes]]`` tables with ``name``,
    ``fare``, ``mean`` and ``std`` (other keys are refused, naming the closest known
    one). CSV (comma-separated): one row per class with columns ``fare``, ``mean``
    and optionally ``name`` (or ``class``) and ``std``; the capacity comes from the
    ``capacity`` argument.

    Parameters
    ----------
    path : str or Path
        File to read; the format follows the extension (``.toml`` or ``.csv``).
    capacity : int, optional
        Overrides the file's capacity; required for CSV.
    dist : str, optional
        Overrides the file's demand distribution (``"normal"`` or ``"poisson"``).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"no such file: {p}")
    suffix = p.suffix.lower()
    if suffix == ".toml":
        try:
            data = tomllib.loads(p.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(p), f"is not valid TOML ({exc})") from None
        check(LegFile, data, p.name)
        cap = capacity if capacity is not None else data.get("capacity")
        if cap is None:
            raise InputError("capacity", f"missing in {p} and not given")
        return LegProblem.from_records(
            data.get("classes", []), capacity=cap, dist=dist or data.get("dist", "normal")
        )
    if suffix == ".csv":
        # A ';'-separated file would otherwise fail as "missing column(s): fare, mean".
        check_csv_delimiter(p, str(p), ("fare", "mean", "std", "name"))
        with p.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        if capacity is None:
            raise InputError("capacity", "is required with a CSV file (use --capacity)")
        missing = {"fare", "mean"} - set(rows[0].keys() if rows else [])
        if missing:
            raise InputError(str(p), f"missing column(s): {', '.join(sorted(missing))}")
        return LegProblem.from_records(rows, capacity=capacity, dist=dist or "normal")
    raise InputError("path", f"unsupported file type {suffix!r}; use .toml or .csv")
