"""EMSR-a, EMSR-b and Littlewood: hand formulas, an independent per-leg loop, properties."""

from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yieldopt as yo

# Talluri & van Ryzin (2004), §2.2, Table 2.1: four classes on one leg.
FARES = [1050.0, 567.0, 534.0, 520.0]
MEANS = [17.3, 45.1, 39.6, 34.0]
STDS = [5.8, 15.0, 13.9, 12.4]


def _q(mean, std, ratio):
    """Independent Littlewood quantile with the standard library's normal distribution."""
    return mean if std == 0 else mean + std * NormalDist().inv_cdf(1 - ratio)


def _emsr_a_loop(f, mu, sd):
    return [
        sum(max(0.0, _q(mu[k], sd[k], f[j + 1] / f[k])) for k in range(j + 1))
        for j in range(len(f) - 1)
    ]


def _emsr_b_loop(f, mu, sd):
    out = []
    for j in range(len(f) - 1):
        m = sum(mu[: j + 1])
        s = sum(x * x for x in sd[: j + 1]) ** 0.5
        pbar = sum(f[k] * mu[k] for k in range(j + 1)) / m
        out.append(max(0.0, _q(m, s, f[j + 1] / pbar)))
    return np.maximum.accumulate(out)


def test_littlewood_by_formula():
    # y = 17.3 + 5.8 Φ⁻¹(1 − 567/1050) = 17.3 + 5.8 × (−0.10043) = 16.7175
    assert yo.littlewood(1050, 567, 17.3, 5.8) == pytest.approx(16.7175, abs=5e-4)
    assert round(float(yo.littlewood(1050, 567, 17.3, 5.8)), 1) == 16.7  # the book's figure


def test_two_classes_all_three_agree():
    f, mu, sd = [200.0, 80.0], [30.0, 50.0], [9.0, 12.0]
    lw = yo.littlewood(200, 80, 30, 9)
    assert yo.emsr_a(f, mu, sd)[0] == pytest.approx(lw)
    assert yo.emsr_b(f, mu, sd)[0] == pytest.approx(lw)
    assert lw == pytest.approx(30 + 9 * NormalDist().inv_cdf(0.6))


def test_textbook_example_matches_independent_loop():
    a = yo.emsr_a(FARES, MEANS, STDS)
    b = yo.emsr_b(FARES, MEANS, STDS)
    np.testing.assert_allclose(a, _emsr_a_loop(FARES, MEANS, STDS), rtol=1e-9)
    np.testing.assert_allclose(b, _emsr_b_loop(FARES, MEANS, STDS), rtol=1e-9)
    np.testing.assert_allclose(np.round(b, 1), [16.7, 50.9, 82.7])
    np.testing.assert_allclose(np.round(a, 1), [16.7, 38.7, 54.3])


def test_batch_dimensions_match_per_leg_results():
    rng = np.random.default_rng(7)
    f = np.sort(rng.uniform(50, 500, (3, 4, 6)), axis=-1)[..., ::-1]
    mu = rng.uniform(0, 30, f.shape)
    sd = rng.uniform(0, 8, f.shape)
    a, b = yo.emsr_a(f, mu, sd), yo.emsr_b(f, mu, sd)
    assert a.shape == b.shape == (3, 4, 5)
    for idx in np.ndindex(3, 4):
        np.testing.assert_allclose(
            a[idx], _emsr_a_loop(f[idx], mu[idx], sd[idx]), rtol=1e-9, atol=1e-9
        )
        np.testing.assert_allclose(
            b[idx], _emsr_b_loop(f[idx], mu[idx], sd[idx]), rtol=1e-9, atol=1e-9
        )


def test_deterministic_demand_protects_the_mean():
    np.testing.assert_allclose(yo.emsr_b([300, 200, 100], [10, 20, 30], [0, 0, 0]), [10, 30])
    np.testing.assert_allclose(yo.emsr_a([300, 200, 100], [10, 20, 30], [0, 0, 0]), [10, 30])


def test_single_class_has_no_levels():
    assert yo.emsr_b([100], [5], [1]).shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fares": [100, 120], "means": [1, 1], "stds": [1, 1]}, "fares"),
        ({"fares": [100, 100], "means": [1, 1], "stds": [1, 1]}, "fares"),
        ({"fares": [100, -1], "means": [1, 1], "stds": [1, 1]}, "fares"),
        ({"fares": [100, 50], "means": [1, -1], "stds": [1, 1]}, "means"),
        ({"fares": [100, 50], "means": [1, 1], "stds": [np.nan, 1]}, "stds"),
        ({"fares": [100, 50], "means": [1, np.inf], "stds": [1, 1]}, "means"),
        ({"fares": [100, 50], "means": [1, 1, 1], "stds": [1, 1]}, "means"),
        ({"fares": [100, 50], "means": [1, 1], "stds": [1]}, "stds"),
        ({"fares": [100, 50], "means": "lots", "stds": [1, 1]}, "means"),
    ],
)
@pytest.mark.parametrize("fn", [yo.emsr_a, yo.emsr_b])
def test_bad_input_names_the_argument(fn, kwargs, field):
    with pytest.raises(yo.InputError, match=f"^{field}") as info:
        fn(**kwargs)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


classes = st.integers(2, 7).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(1, 1000), min_size=n, max_size=n, unique=True),
        st.lists(st.floats(0, 100), min_size=n, max_size=n),
        st.lists(st.floats(0, 40), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(classes)
def test_levels_are_nonnegative_and_nested(data):
    f, mu, sd = data
    f = sorted(f, reverse=True)
    if min(np.diff(f[::-1])) <= 1e-9:
        return
    for y in (yo.emsr_a(f, mu, sd), yo.emsr_b(f, mu, sd)):
        assert np.all(y >= 0)
        assert np.all(np.diff(y) >= -1e-9)
