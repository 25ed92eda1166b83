"""Choice models (how a customer picks among offered products) and their estimation."""

from yieldopt.choice._mnl import MNL

__all__ = ["MNL"]
