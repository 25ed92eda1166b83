"""The booking-control policies by name, and :func:`make_policy`."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from ..model import PolicyName
from ._choice_policies import ChoiceBidPrices, DynamicPricing
from ._model import ControlModel
from ._policies import (
    FCFS,
    BidPrices,
    DecompositionBidPrices,
    LegEMSRb,
    LegEMSRbMR,
    Policy,
    RandomizedBidPrices,
    SingleResourceDP,
    VirtualNesting,
)

__all__ = ["POLICIES", "make_policy"]


#: Policy classes by name; every :class:`~yieldopt.model.PolicyName` but ``hindsight``.
POLICIES: dict[str, Callable[..., Policy]] = {
    p.name: p
    for p in (
        FCFS,
        LegEMSRb,
        VirtualNesting,
        BidPrices,
        RandomizedBidPrices,
        DecompositionBidPrices,
        SingleResourceDP,
        LegEMSRbMR,
        DynamicPricing,
        ChoiceBidPrices,
    )
}


def make_policy(name: str, model: ControlModel, seed: int = 0) -> Policy:
    """Create a policy by name (``hindsight`` is computed by the simulator, not here)."""
    if name not in POLICIES:
        raise InputError(
            "policy",
            f"unknown policy {name!r}; choose from {sorted(map(str, POLICIES))}"
            f" or {PolicyName.HINDSIGHT.value!r}",
        )
    return POLICIES[name](model, seed)
