"""Dynamic pricing DP: C = 500 units, T = 10,000 periods, a ladder of 50 prices.

Target under 1 s (read the median; not asserted, the machine is shared). Stationary demand,
and demand whose rows are multiples of one (arrival probability × purchase probabilities),
build one envelope; arbitrary rows build one per period.
"""

import numpy as np

from yieldopt.optimize import dynamic_pricing

T, C, K = 10_000, 500, 50
PRICES = np.linspace(300.0, 50.0, K)
BASE = 0.15 * np.exp(-(PRICES - 50.0) / 80.0)  # sale chance per period, falling with price


def test_dynamic_pricing_stationary(benchmark):
    probs = np.broadcast_to(BASE, (T, K))
    sol = benchmark.pedantic(dynamic_pricing, args=(C, PRICES, probs), rounds=5, iterations=1)
    assert sol.value.shape == (T + 1, C + 1) and sol.objective > 0


def test_dynamic_pricing_time_varying(benchmark):
    # Demand builds towards the end of the horizon: a different row in every period.
    probs = np.clip(BASE * np.linspace(0.5, 1.5, T)[:, None], 0.0, 1.0)
    sol = benchmark.pedantic(dynamic_pricing, args=(C, PRICES, probs), rounds=3, iterations=1)
    assert sol.price_index.shape == (T, C + 1) and sol.objective > 0


def test_dynamic_pricing_arbitrary_rows(benchmark):
    # Every period its own price response: one envelope per period.
    rng = np.random.default_rng(0)
    probs = np.clip(BASE * rng.uniform(0.5, 1.5, (T, K)), 0.0, 1.0)
    sol = benchmark.pedantic(dynamic_pricing, args=(C, PRICES, probs), rounds=3, iterations=1)
    assert sol.objective > 0
