"""Scenarios: a network with its demand, read from TOML or the Topaloglu (2009) format."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ._network import Network
from ._topaloglu import read_topaloglu

__all__ = ["Scenario", "load_scenario"]


@dataclass(frozen=True, eq=False)
class Scenario:
    """A network and the demand it faces.

    Attributes
    ----------
    name : str
        Short name, by default the file name without extension.
    network : Network
        Resources, products and segments.
    demand : pandas.Series
        Expected demand over the booking horizon by product id (units).
    arrival_probs : ndarray, shape (T, n), or None
        For period-based scenarios: probability that the one request of period ``t``
        (0 = start of the horizon) is for product ``j``; rows sum to at most 1.
    """

    name: str
    network: Network
    demand: pd.Series
    arrival_probs: np.ndarray | None = None

    @property
    def periods(self) -> int | None:
        """Number of booking periods for period-based scenarios, else ``None``."""
        return None if self.arrival_probs is None else int(self.arrival_probs.shape[0])


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file.

    ``.txt`` files are read as Topaloglu (2009) network RM instances; ``.toml`` files
    hold ``[[resources]]``, ``[[segments]]`` and ``[[products]]`` tables as in
    :meth:`Network.from_records`, each product with an optional expected ``demand``.

    Parameters
    ----------
    path : str or Path
        The scenario file.

    Returns
    -------
    Scenario
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"no such file: {p}")
    if p.suffix.lower() == ".txt":
        network, probs = read_topaloglu(p)
        demand = pd.Series(probs.sum(axis=0), index=network.product_ids, name="demand")
        return Scenario(p.stem, network, demand, probs)
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(p.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(p), f"is not valid TOML ({exc})") from None
        return _from_toml(p.stem, data)
    raise InputError("path", f"unsupported scenario file {p.name!r}; use .toml or .txt")


def _from_toml(default_name: str, data: dict[str, Any]) -> Scenario:
    products = data.get("products", [])
    network = Network.from_records(data.get("resources", []), products, data.get("segments"))
    demand = pd.Series(
        network.demand_vector(
            {str(p["id"]): p.get("demand", 0.0) for p in products}, "products.demand"
        ),
        index=network.product_ids,
        name="demand",
    )
    return Scenario(str(data.get("name", default_name)), network, demand)
