"""The plain arrays every policy and the simulator work on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..model import CustomerStreams, Network, Scenario
from ..optimize import authorized_capacity

__all__ = ["ControlModel"]


@dataclass(frozen=True, eq=False)
class ControlModel:
    """A scenario reduced to arrays: what policies decide on and the simulator plays out.

    Only plain data (numpy arrays, small dataclasses), so it can be sent to worker
    processes and cluster nodes.

    Attributes
    ----------
    network : Network
        The network (for optimizers that take one).
    values, prices : ndarray, shape (n,)
        Product value (price + segment adjustment) and price (money per unit).
    capacity : ndarray, shape (m,)
        Physical capacity per resource (units).
    authorized : ndarray, shape (m,)
        Units that may be sold per resource: the capacity, or the overbooking limit.
    product_resources : ndarray, shape (n, R)
        Resource positions of each product, padded with ``m`` (a dummy resource).
    customers : CustomerStreams
        Demand streams.
    cancel_prob, show_prob : ndarray, shape (n,)
        Behaviour of bookings per product.
    denied_cost : float
        Cost per shown customer denied on a resource (money).
    kind : str
        Scenario kind (``"hotel"`` adds ADR and RevPAR).
    belief : ndarray, shape (n,)
        What the optimizers believe about demand, as a multiple of each product's true
        expected demand (ones: they know it; a forecast sets it, see
        :meth:`~yieldopt.Scenario.with_forecast_scale`).
    """

    network: Network
    values: NDArray[np.float64]
    prices: NDArray[np.float64]
    capacity: NDArray[np.float64]
    authorized: NDArray[np.float64]
    product_resources: NDArray[np.int64]
    customers: CustomerStreams
    cancel_prob: NDArray[np.float64]
    show_prob: NDArray[np.float64]
    denied_cost: float
    kind: str
    belief: NDArray[np.float64] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.belief is None:
            object.__setattr__(self, "belief", np.ones(self.values.size))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ControlModel:
        """Build from a scenario; authorized capacity comes from its overbooking costs."""
        net = scenario.network
        beh = scenario.behaviour
        a = sp.csc_array(net.incidence)
        m, n = a.shape
        width = int(np.diff(a.indptr).max(initial=1))
        res = np.full((n, width), m, dtype=np.int64)
        for j in range(n):
            used = a.indices[a.indptr[j] : a.indptr[j + 1]]
            res[j, : used.size] = used
        authorized = net.capacity.copy()
        if beh.spoilage_cost is not None and np.any(beh.show_prob < 1):
            # Show rate of a resource: demand-weighted over the products that use it.
            demand = scenario.customers.product_demand(0.0)
            load = net.incidence @ demand
            shows = np.where(
                load > 0,
                (net.incidence @ (demand * beh.show_prob)) / np.where(load > 0, load, 1),
                1.0,
            )
            authorized = authorized_capacity(
                net.capacity.astype(np.int64), shows, beh.denied_cost, beh.spoilage_cost
            ).astype(np.float64)
        return cls(
            network=net,
            values=net.values,
            prices=net.prices,
            capacity=net.capacity,
            authorized=authorized,
            product_resources=res,
            customers=scenario.customers,
            cancel_prob=beh.cancel_prob,
            show_prob=beh.show_prob,
            denied_cost=beh.denied_cost,
            kind=scenario.kind,
            # None: the optimizers know the true demand (``__post_init__`` makes it ones).
            belief=scenario.forecast_scale,  # type: ignore[arg-type]
        )

    def product_demand(self, frac: float = 0.0) -> NDArray[np.float64]:
        """Demand the optimizers expect per product from horizon fraction ``frac`` on, (n,)."""
        return self.customers.product_demand(frac) * self.belief

    def product_period_probs(self, periods: int | None = None) -> NDArray[np.float64]:
        """Per-period request probabilities the optimizers expect, shape (T, n).

        Scaled by ``belief`` and, where that pushes a resource above one expected request
        per period, scaled back on that period so the dynamic programs stay valid.
        """
        probs = self.customers.product_period_probs(periods) * self.belief
        load = probs @ self.network.incidence.T  # (T, m)
        worst = (load.max(axis=1, initial=0.0))[:, None]
        return np.where(worst > 1.0, probs / np.maximum(worst, 1.0), probs)

    @property
    def n_resources(self) -> int:
        """Number of resources ``m``."""
        return int(self.capacity.size)

    @property
    def n_products(self) -> int:
        """Number of products ``n``."""
        return int(self.values.size)
