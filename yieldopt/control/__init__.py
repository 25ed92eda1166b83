"""Booking control: policies that decide requests, vectorized over booking states."""

from ._model import ControlModel
from ._policies import POLICIES, Policy, make_policy

__all__ = ["POLICIES", "ControlModel", "Policy", "make_policy"]
