"""Choice models (how a customer picks among offered products) and their estimation."""

from yieldopt.choice._em import EMFit, fit_mnl_em, load_choice_sets
from yieldopt.choice._fit import MNLFit, fit_mnl
from yieldopt.choice._mnl import MNL
from yieldopt.choice._price import PriceSensitivity, price_sensitivity
from yieldopt.choice._wtp import WTPChoice

__all__ = [
    "MNL",
    "EMFit",
    "MNLFit",
    "PriceSensitivity",
    "WTPChoice",
    "fit_mnl",
    "fit_mnl_em",
    "load_choice_sets",
    "price_sensitivity",
]
