"""Choice models (how a customer picks among offered products) and their estimation."""

from yieldopt.choice._mnl import MNL
from yieldopt.choice._wtp import WTPChoice

__all__ = ["MNL", "WTPChoice"]
