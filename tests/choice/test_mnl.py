"""MNL purchase probabilities against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from yieldopt.choice import MNL
from yieldopt.errors import InputError


def test_two_products_one_segment_by_hand() -> None:
    # v0 = 2, v = (1, 3): P(1|{1,2}) = 1/6, P(2|{1,2}) = 3/6; P(1|{1}) = 1/3; P(2|{2}) = 3/5.
    m = MNL([[1.0, 3.0]], [2.0])
    assert m.n_products == 2 and m.n_segments == 1
    np.testing.assert_allclose(m.purchase_probs([True, True]), [1 / 6, 3 / 6])
    np.testing.assert_allclose(m.purchase_probs([True, False]), [1 / 3, 0.0])
    np.testing.assert_allclose(m.purchase_probs([False, True]), [0.0, 3 / 5])
    np.testing.assert_allclose(m.purchase_probs([False, False]), [0.0, 0.0])
    np.testing.assert_allclose(m.no_purchase_probs([True, True]), 2 / 6)


def test_batched_offers_and_segment_mixing() -> None:
    # Segment A: v0=1, v=(1, 0); segment B: v0=1, v=(1, 1); shares 0.25 / 0.75.
    m = MNL([[1.0, 0.0], [1.0, 1.0]], [1.0, 1.0], shares=[0.25, 0.75])
    offers = np.array([[[True, True], [True, False]], [[False, True], [False, False]]])
    seg = m.segment_purchase_probs(offers)
    assert seg.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(seg[0, 0], [[0.5, 0.0], [1 / 3, 1 / 3]])
    p = m.purchase_probs(offers)
    assert p.shape == (2, 2, 2)
    np.testing.assert_allclose(p[0, 0], [0.25 * 0.5 + 0.75 / 3, 0.75 / 3])
    np.testing.assert_allclose(p[0, 1], [0.5, 0.0])
    np.testing.assert_allclose(p[1, 0], [0.0, 0.75 * 0.5])
    np.testing.assert_allclose(p[1, 1], [0.0, 0.0])


def test_from_utilities_matches_weights_and_is_overflow_safe() -> None:
    m = MNL.from_utilities([[0.0, np.log(2.0)]], [np.log(0.5)])
    np.testing.assert_allclose(m.purchase_probs([True, True]), [1 / 3.5, 2 / 3.5])
    big = MNL.from_utilities([[1000.0, 1001.0]], [999.0])
    p = big.purchase_probs([True, True])
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(p, e / (1.0 + e.sum()))


def test_default_shares_uniform() -> None:
    m = MNL(np.ones((4, 3)), np.ones(4))
    np.testing.assert_allclose(m.shares, 0.25)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (([[-1.0, 1.0]], [1.0]), "weights"),
        (([[np.nan, 1.0]], [1.0]), "weights"),
        (([[1.0, 1.0]], [0.0]), "no_purchase"),
        (([[1.0, 1.0]], [1.0, 1.0]), "no_purchase"),
        (([[1.0, 1.0]], [1.0], [0.5]), "shares"),
        (([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0], [0.5, 0.6]), "shares"),
    ],
)
def test_bad_input_names_field(args: tuple, field: str) -> None:
    with pytest.raises(InputError) as e:
        MNL(*args)
    assert e.value.field == field


def test_offer_shape_checked() -> None:
    with pytest.raises(InputError) as e:
        MNL([[1.0, 1.0]], [1.0]).purchase_probs([True, True, True])
    assert e.value.field == "offer"
