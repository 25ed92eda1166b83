"""The one accept rule: value >= bid total − 1e-9 · max(1, |bid total|); ties accept."""

import numpy as np
import pytest

from yieldopt.optimize import ACCEPT_RTOL, accepts


def test_ties_accept_and_the_slack_is_relative_above_one():
    assert ACCEPT_RTOL == 1e-9
    assert accepts(100.0, 100.0) is True
    # Slack at a total of 1e6 is 1e-3: within it accepts, beyond it rejects.
    assert accepts(1e6 - 0.9e-3, 1e6) and not accepts(1e6 - 1.1e-3, 1e6)
    # Near zero the slack stays absolute (1e-9), so a zero price does not make it vanish.
    assert accepts(-0.9e-9, 0.0) and not accepts(-1.1e-9, 0.0)
    assert accepts(-0.9e-9, 1e-3) is False  # 1e-3 above the value, far beyond 1e-9


def test_no_capacity_and_nan_reject():
    assert accepts(1e12, np.inf) is False
    assert accepts(np.nan, 1.0) is False and accepts(1.0, np.nan) is False


def test_arrays_broadcast_and_scalars_stay_bool():
    got = accepts(np.array([[50.0], [80.0]]), np.array([60.0, 80.0]))
    assert got.dtype == bool and got.tolist() == [[False, False], [True, True]]
    assert type(accepts(np.float64(1.0), 1)) is bool


def test_a_custom_tolerance():
    assert accepts(99.0, 100.0, rtol=0.02) and not accepts(99.0, 100.0, rtol=0.005)
    with pytest.raises(TypeError):
        accepts(99.0, 100.0, 0.02)  # rtol is keyword-only
