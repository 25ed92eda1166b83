"""Price-response curves: each closed-form optimum against a fine numeric search."""

import numpy as np
import pytest

from yieldopt.errors import InputError
from yieldopt.optimize import ExponentialResponse, LinearResponse, LogitResponse

GRID = np.linspace(0.0, 1000.0, 2_000_001)  # 0.0005 money apart


@pytest.mark.parametrize(
    "curve",
    [
        LinearResponse(slope=0.004),
        LinearResponse(slope=0.01, intercept=0.7),
        LinearResponse(slope=0.01, intercept=3.0),  # clipped at 1 up to 200: optimum at the kink
        ExponentialResponse(rate=0.02),
        ExponentialResponse(rate=0.0125, scale=0.4),
        LogitResponse(a=1.0, b=0.01),
        LogitResponse(a=-2.0, b=0.03),
        LogitResponse(a=5.0, b=0.02),
    ],
)
def test_closed_form_optimum_matches_search(curve):
    rev = curve.revenue(GRID)
    best = GRID[np.argmax(rev)]
    assert curve.revenue_maximizing_price() == pytest.approx(best, abs=1e-3)
    assert curve.revenue(curve.revenue_maximizing_price()) >= rev.max() - 1e-9


def test_probabilities_by_hand():
    assert LinearResponse(slope=0.01).probability([0.0, 25.0, 150.0]).tolist() == [1.0, 0.75, 0.0]
    assert float(ExponentialResponse(rate=0.1, scale=0.5).probability(10.0)) == pytest.approx(
        0.5 / np.e
    )
    assert float(LogitResponse(a=2.0, b=0.02).probability(100.0)) == pytest.approx(0.5)
    assert LinearResponse(slope=0.01, intercept=3.0).revenue_maximizing_price() == 200.0


def test_ladder_probs():
    curve = ExponentialResponse(rate=0.1)
    ladder = [5.0, 10.0]
    np.testing.assert_allclose(curve.ladder_probs(ladder), np.exp([-0.5, -1.0]))
    out = curve.ladder_probs(ladder, arrival_prob=[0.2, 0.4, 0.1])
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[1], 0.4 * np.exp([-0.5, -1.0]))


def test_bad_parameters_name_the_field():
    with pytest.raises(InputError, match="slope"):
        LinearResponse(slope=0.0)
    with pytest.raises(InputError, match="scale"):
        ExponentialResponse(rate=1.0, scale=1.5)
    with pytest.raises(InputError, match="b"):
        LogitResponse(a=0.0, b=-1.0)
