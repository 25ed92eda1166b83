"""Optimizers: single-resource (static and dynamic) and network models.

Network optimizer results share one shape, :class:`BidPriceResult` (``.bid_prices`` by
resource id, ``.accepts(product, remaining=None, t=0)``, ``.objective`` where defined) and,
when bid prices depend on time and capacity, :class:`DynamicBidPriceResult`
(``.bid_prices_at(t, remaining)``); every accept decision goes through :func:`accepts`.
"""

from ._cdlp import CDLPResult, cdlp
from ._choice_dp import ChoiceDPSolution, ChoiceModel, all_offer_sets, single_leg_choice_dp
from ._compare import LEG_METHODS, compare_single_leg
from ._davn import DAVNResult, davn
from ._decomposition import DecompositionResult, dp_decomposition
from ._dynamic import DynamicSolution, single_leg_dp
from ._emsr import emsr_a, emsr_b, littlewood
from ._fare_adjustment import FareAdjustment, efficient_frontier, emsr_b_mr, fare_adjustment
from ._groups import GroupQuote, GroupRequest, group_quote
from ._los import los_controls, los_table, min_los
from ._lp import (
    LinearProgram,
    LPSolution,
    Solver,
    available_solvers,
    get_solver,
    shadow_prices,
)
from ._network_lp import RLP_SAMPLES, DLPResult, RLPResult, dlp, dlp_arrays, rlp
from ._network_mr import FareAdjustedResult, fare_adjusted_bid_prices
from ._network_pricing import NetworkPricingResult, network_pricing
from ._overbooking import authorized_capacity, overbooking_costs, overbooking_limit
from ._overbooking_variants import overbooking_limit_empirical, overbooking_limit_service
from ._pricing import PricingSolution, dynamic_pricing
from ._rate import RATE_REASONS, los_rates, rate_ladder, recommend_rates
from ._response import ExponentialResponse, LinearResponse, LogitResponse
from ._result import BidPriceResult, DynamicBidPriceResult
from ._rule import ACCEPT_RTOL, accepts
from ._static import (
    ProtectionLevels,
    booking_limits,
    demand_pmf,
    expected_revenue,
    optimal_protection_levels,
)
from ._warm_dlp import WarmDLP

__all__ = [
    "ACCEPT_RTOL",
    "LEG_METHODS",
    "RATE_REASONS",
    "RLP_SAMPLES",
    "BidPriceResult",
    "CDLPResult",
    "ChoiceDPSolution",
    "ChoiceModel",
    "DAVNResult",
    "DLPResult",
    "DecompositionResult",
    "DynamicBidPriceResult",
    "DynamicSolution",
    "ExponentialResponse",
    "FareAdjustedResult",
    "FareAdjustment",
    "GroupQuote",
    "GroupRequest",
    "LPSolution",
    "LinearProgram",
    "LinearResponse",
    "LogitResponse",
    "NetworkPricingResult",
    "PricingSolution",
    "ProtectionLevels",
    "RLPResult",
    "Solver",
    "WarmDLP",
    "accepts",
    "all_offer_sets",
    "authorized_capacity",
    "available_solvers",
    "booking_limits",
    "cdlp",
    "compare_single_leg",
    "davn",
    "demand_pmf",
    "dlp",
    "dlp_arrays",
    "dp_decomposition",
    "dynamic_pricing",
    "efficient_frontier",
    "emsr_a",
    "emsr_b",
    "emsr_b_mr",
    "expected_revenue",
    "fare_adjusted_bid_prices",
    "fare_adjustment",
    "get_solver",
    "group_quote",
    "littlewood",
    "los_controls",
    "los_rates",
    "los_table",
    "min_los",
    "network_pricing",
    "optimal_protection_levels",
    "overbooking_costs",
    "overbooking_limit",
    "overbooking_limit_empirical",
    "overbooking_limit_service",
    "rate_ladder",
    "recommend_rates",
    "rlp",
    "shadow_prices",
    "single_leg_choice_dp",
    "single_leg_dp",
]
