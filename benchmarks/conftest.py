"""Shared inputs for the benchmark suites (built once per session)."""

import numpy as np
import pytest


@pytest.fixture(scope="session")
def legs_10k():
    """10,000 legs × 10 classes: fares descending, normal demand."""
    rng = np.random.default_rng(20261126)
    fares = np.sort(rng.uniform(50, 800, (10_000, 10)), axis=-1)[:, ::-1].copy()
    means = rng.uniform(2, 40, fares.shape)
    stds = rng.uniform(0.5, 12, fares.shape)
    return fares, means, stds
