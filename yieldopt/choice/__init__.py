"""Choice models (how a customer picks among offered products) and their estimation."""

from yieldopt.choice._fit import MNLFit, fit_mnl
from yieldopt.choice._mnl import MNL
from yieldopt.choice._wtp import WTPChoice

__all__ = ["MNL", "MNLFit", "WTPChoice", "fit_mnl"]
