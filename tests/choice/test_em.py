"""EM of Vulcano, van Ryzin & Ratliff (2012): known truth, direct maximization, hotel data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from yieldopt.choice import fit_mnl_em, load_choice_sets
from yieldopt.choice._em import _poisson_loglik
from yieldopt.errors import InputError

HOTELS = Path(__file__).resolve().parents[3] / "shared" / "data" / "hotel-choice-sets"


def _simulate(v: np.ndarray, lam: float, T: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Poisson(λ) arrivals per period, random offer sets, MNL choice among them (v0 = 1)."""
    rng = np.random.default_rng(seed)
    avail = rng.random((T, v.size)) < 0.6
    avail[np.arange(T), rng.integers(0, v.size, T)] = True  # never an empty offer set
    w = avail * v
    p = w / (1.0 + w.sum(axis=1, keepdims=True))
    arrivals = rng.poisson(lam, T)
    full = np.column_stack([p, 1.0 - p.sum(axis=1)])
    counts = np.array([rng.multinomial(a, q) for a, q in zip(arrivals, full, strict=True)])
    return avail, counts[:, :-1].astype(float)


def test_recovers_known_truth() -> None:
    v = np.array([0.8, 0.5, 0.3, 0.4])  # V = 2, market share s = 2/3
    avail, sales = _simulate(v, lam=6.0, T=4000, seed=3)
    fit = fit_mnl_em(avail, sales, market_share=2.0 / 3.0)
    assert fit.converged
    np.testing.assert_allclose(fit.weights, v, rtol=0.05)
    assert fit.arrival_rate == pytest.approx(6.0, rel=0.03)
    assert np.all(np.diff(fit.history) >= -1e-8)


def test_fixed_point_is_the_constrained_mle() -> None:
    v = np.array([1.0, 0.2, 0.6])
    avail, sales = _simulate(v, lam=3.0, T=500, seed=9)
    s = 0.6
    V = s / (1 - s)
    fit = fit_mnl_em(avail, sales, market_share=s, tol=1e-12)

    def negll(theta: np.ndarray) -> float:
        w = V * np.exp(theta) / np.exp(theta).sum()
        vs = avail @ w
        lam = sales.sum() / np.sum(vs / (1 + vs))
        return -_poisson_loglik(w, lam, avail, sales)

    res = minimize(negll, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    w = V * np.exp(res.x) / np.exp(res.x).sum()
    assert fit.log_likelihood == pytest.approx(-res.fun, abs=1e-6)
    np.testing.assert_allclose(fit.weights, w, rtol=1e-4)
    assert fit.weights.sum() == pytest.approx(V)


def test_everything_always_offered_closed_form() -> None:
    # With S_t = all products, sales shares are v_j / V and λ = mean sales / s.
    sales = np.array([[3, 1], [2, 2], [4, 0]], dtype=float)
    fit = fit_mnl_em(np.ones((3, 2), dtype=bool), sales, market_share=0.75)
    np.testing.assert_allclose(fit.weights, 3.0 * np.array([9, 3]) / 12)
    assert fit.arrival_rate == pytest.approx(4.0 / 0.75)


def test_index_form_equals_counts() -> None:
    avail = np.array([[True, True], [True, False], [False, True]])
    a = fit_mnl_em(avail, [1, 0, -1], market_share=0.5)
    b = fit_mnl_em(avail, [[0, 1], [1, 0], [0, 0]], market_share=0.5)
    np.testing.assert_allclose(a.weights, b.weights)


@pytest.mark.parametrize(
    ("purchases", "share", "field"),
    [([[0, 1]], 0.5, "purchases"), ([[1, 0]], 1.0, "market_share"), ([5], 0.5, "purchases")],
)
def test_bad_input(purchases: list, share: float, field: str) -> None:
    with pytest.raises(InputError) as e:
        fit_mnl_em([[True, False]], purchases, market_share=share)
    assert e.value.field == field


@pytest.mark.skipif(not HOTELS.is_dir(), reason=f"hotel choice data not found at {HOTELS}")
@pytest.mark.parametrize("hotel", ["H1", "H2", "H3", "H4", "H5"])
def test_five_hotels_run_and_improve_monotonically(hotel: str) -> None:
    avail, purchases, products = load_choice_sets(HOTELS, hotel)
    assert avail.shape == (purchases.size, len(products))
    assert np.all(avail[purchases >= 0, purchases[purchases >= 0]])
    fit = fit_mnl_em(avail, purchases, market_share=0.5)
    assert fit.converged
    assert np.all(np.diff(fit.history) >= -1e-8 * abs(fit.history[0]))
    assert fit.log_likelihood > fit.history[0]
    assert fit.weights.sum() == pytest.approx(1.0)


def test_estimated_market_share_recovers_truth() -> None:
    # s is identified through the variation of offer sets; with enough periods the profile
    # likelihood peaks near the true s = V / (1 + V) = 2/3.
    v = np.array([0.8, 0.5, 0.3, 0.4])
    avail, sales = _simulate(v, lam=6.0, T=12_000, seed=5)
    fit = fit_mnl_em(avail, sales, market_share=None)
    assert fit.market_share == pytest.approx(2.0 / 3.0, abs=0.03)
    assert fit.log_likelihood >= fit_mnl_em(avail, sales, market_share=2.0 / 3.0).log_likelihood
    np.testing.assert_allclose(fit.weights, v, rtol=0.12)
    with pytest.raises(InputError) as e:
        fit_mnl_em(avail, sales, market_share=None, market_share_bounds=(0.5, 0.2))
    assert e.value.field == "market_share_bounds"
