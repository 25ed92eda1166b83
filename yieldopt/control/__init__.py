"""Booking control: every accept/reject and availability decision.

- :func:`accepts` is THE accept rule, ``value >= bid_price_total`` with one documented
  tolerance (ties go to acceptance); the simulator's policies, the service's compiled
  controls, group quotes and length-of-stay controls all decide through it.
- :class:`Policy` and :func:`make_policy`: the simulator's policies, vectorized over
  booking states (:class:`ControlModel`).
- :class:`Controls`: a network's decision set compiled to decide single requests
  (:class:`BookingRequest` → :class:`Decision`), the service's ``evaluate`` and bookings.
- The records decisions are computed from and decide: :class:`Forecast`,
  :class:`DecisionSet`, :class:`BookingRequest`.
- :class:`Override` and :func:`apply_overrides`: a revenue manager's bid price,
  authorized capacity or closure of a resource, laid over a decision set (the one rule).
"""

from ..optimize import ACCEPT_RTOL, accepts
from ._compiled import Assessment, Controls, Decision, resource_order
from ._model import ControlModel
from ._overrides import (
    Override,
    apply_overrides,
    expiry_time,
    in_force,
    optimized_values,
    override_remaining,
    parse_expiry,
)
from ._policies import Policy
from ._records import BookingRequest, DecisionSet, Forecast
from ._registry import POLICIES, make_policy

__all__ = [
    "ACCEPT_RTOL",
    "POLICIES",
    "Assessment",
    "BookingRequest",
    "ControlModel",
    "Controls",
    "Decision",
    "DecisionSet",
    "Forecast",
    "Override",
    "Policy",
    "accepts",
    "apply_overrides",
    "expiry_time",
    "in_force",
    "make_policy",
    "optimized_values",
    "override_remaining",
    "parse_expiry",
    "resource_order",
]
