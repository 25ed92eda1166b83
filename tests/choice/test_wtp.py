"""Willingness-to-pay choice against the closed form and a seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from yieldopt.choice import WTPChoice
from yieldopt.errors import InputError


def test_frat5_halves_at_the_ratio_and_closed_form() -> None:
    m = WTPChoice([300.0, 150.0, 100.0], reference=100.0, frat5=3.0)
    lam = np.log(2.0) / 2.0
    np.testing.assert_allclose(m.purchase_probs([True, False, False]), [0.5, 0, 0])
    np.testing.assert_allclose(m.purchase_probs([False, True, False]), [0, np.exp(-lam * 0.5), 0])
    np.testing.assert_allclose(m.purchase_probs([True, True, True]), [0, 0, 1.0])
    np.testing.assert_allclose(m.purchase_probs([False, False, False]), [0, 0, 0])


def test_batched_two_segments() -> None:
    m = WTPChoice([400.0, 200.0], reference=[100.0, 200.0], frat5=[1.5, 2.5], shares=[0.6, 0.4])
    offers = np.array([[True, True], [True, False]])
    p = m.purchase_probs(offers)
    lam = np.log(2.0) / np.array([0.5, 1.5])
    seg_hi = np.exp(-lam * np.array([3.0, 1.0]))  # price 400 vs refs 100, 200
    seg_lo = np.exp(-lam * np.array([1.0, 0.0]))  # price 200
    np.testing.assert_allclose(p[0], [0.0, 0.6 * seg_lo[0] + 0.4 * seg_lo[1]])
    np.testing.assert_allclose(p[1], [0.6 * seg_hi[0] + 0.4 * seg_hi[1], 0.0])
    assert m.segment_purchase_probs(offers).shape == (2, 2, 2)


def test_monte_carlo_agrees() -> None:
    m = WTPChoice(
        [180.0, 120.0, 90.0], reference=[80.0, 110.0], frat5=[1.8, 3.0], shares=[0.7, 0.3]
    )
    draws = m.sample_wtp(200_000, np.random.default_rng(12))
    wtp = draws[:, 1]
    offer = np.array([True, True, False])  # cheapest open: 120
    mc = np.mean(wtp >= 120.0)
    assert m.purchase_probs(offer)[1] == pytest.approx(mc, abs=4e-3)
    assert m.purchase_probs(np.array([True, False, False]))[0] == pytest.approx(
        np.mean(wtp >= 180.0), abs=4e-3
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prices": [-1.0], "reference": 1.0, "frat5": 2.0}, "prices"),
        ({"prices": [1.0], "reference": 0.0, "frat5": 2.0}, "reference"),
        ({"prices": [1.0], "reference": 1.0, "frat5": 1.0}, "frat5"),
        ({"prices": [1.0], "reference": [1.0, 2.0], "frat5": [2.0, 2.0, 2.0]}, "reference"),
    ],
)
def test_bad_input(kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as e:
        WTPChoice(**kwargs)
    assert e.value.field == field
