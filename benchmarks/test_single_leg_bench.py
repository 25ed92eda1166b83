"""Single-resource optimizers. `make bench` times them; the ratios compare with a baseline
measured in the same run (the benchmark names say which)."""

import numpy as np
import pytest
from scipy.stats import norm

import yieldopt as yo


def _emsr_b_per_leg_loop(fares, means, stds):
    """The usual implementation: one leg at a time, scipy's norm.ppf per class."""
    out = np.empty((fares.shape[0], fares.shape[1] - 1))
    for i in range(fares.shape[0]):
        f, mu, sd = fares[i], means[i], stds[i]
        for j in range(f.size - 1):
            m = mu[: j + 1].sum()
            s = np.sqrt((sd[: j + 1] ** 2).sum())
            pbar = (f[: j + 1] * mu[: j + 1]).sum() / m
            out[i, j] = max(0.0, m + s * norm.ppf(1 - f[j + 1] / pbar))
    return out


@pytest.mark.benchmark(group="emsr-b 10,000 legs x 10 classes")
def test_emsr_b_vectorized(benchmark, legs_10k):
    y = benchmark(yo.emsr_b, *legs_10k)
    assert y.shape == (10_000, 9)


@pytest.mark.benchmark(group="emsr-b 10,000 legs x 10 classes")
def test_emsr_b_baseline_per_leg_loop(benchmark, legs_10k):
    fares, means, stds = (a[:1000] for a in legs_10k)
    # The loop runs on 1,000 legs; its time ×10 is the 10,000-leg baseline.
    y = benchmark.pedantic(_emsr_b_per_leg_loop, args=(fares, means, stds), rounds=3)
    np.testing.assert_allclose(np.maximum.accumulate(y, axis=-1), yo.emsr_b(fares, means, stds))


def _dp_inputs():
    rng = np.random.default_rng(1)
    fares = np.sort(rng.uniform(50, 500, 20))[::-1].copy()
    probs = rng.dirichlet(np.ones(21), 5000)[:, :20] * 0.6
    return 1000, fares, probs


def _dp_per_class_baseline(capacity, fares, probs):
    """Straight numpy over classes each period: λ_t · max(p − ΔV, 0)."""
    value = np.zeros((probs.shape[0] + 1, capacity + 1))
    for t in range(probs.shape[0] - 1, -1, -1):
        nxt = value[t + 1]
        bid = nxt[1:] - nxt[:-1]
        value[t, 1:] = nxt[1:] + probs[t] @ np.maximum(fares[:, None] - bid[None, :], 0.0)
    return value


@pytest.mark.benchmark(group="single_leg_dp C=1000 T=5000 n=20")
def test_single_leg_dp(benchmark):
    sol = benchmark(yo.single_leg_dp, *_dp_inputs())
    assert sol.value.shape == (5001, 1001)


@pytest.mark.benchmark(group="single_leg_dp C=1000 T=5000 n=20")
def test_single_leg_dp_baseline_per_class(benchmark):
    args = _dp_inputs()
    value = benchmark.pedantic(_dp_per_class_baseline, args=args, rounds=3)
    np.testing.assert_allclose(value[0, -1], yo.single_leg_dp(*args).expected_revenue, rtol=1e-12)


@pytest.mark.benchmark(group="optimal_protection_levels n=10 C=500")
def test_optimal_protection_levels(benchmark, legs_10k):
    # One leg with demand scaled up so that capacity 500 binds.
    fares, means, stds = legs_10k[0][0], legs_10k[1][0] * 5, legs_10k[2][0] * 2
    y = benchmark(yo.optimal_protection_levels, fares, means, stds, capacity=500)
    assert y.shape == (9,)
