"""Marginal-revenue fare adjustment (Fiig et al. 2010) on hand-worked frontiers."""

import numpy as np
import pytest

import yieldopt as yo


def test_concave_frontier_by_hand():
    # Q = 10, 20, 40, 50; R = p·Q = 1000, 1600, 2400, 2000.
    # MR = 1000/10 = 100, 600/10 = 60, 800/20 = 40; class 4 loses revenue: inefficient.
    adj = yo.fare_adjustment([100, 80, 60, 40], [10, 20, 40, 50])
    np.testing.assert_array_equal(adj.efficient, [True, True, True, False])
    np.testing.assert_allclose(adj.fares[:3], [100, 60, 40])
    assert np.isnan(adj.fares[3])
    np.testing.assert_allclose(adj.demand, [10, 10, 20, 0])
    np.testing.assert_allclose(adj.stds, np.sqrt([10, 10, 20, 0]))


def test_class_under_the_hull_is_merged_into_the_next():
    # R = 1000, 1400, 2400: slopes 100, 40, 100 -> (20, 1400) lies under the chord
    # from (10, 1000) to (40, 2400), whose slope is 1400/30.
    adj = yo.fare_adjustment([100, 70, 60], [10, 20, 40])
    np.testing.assert_array_equal(adj.efficient, [True, False, True])
    np.testing.assert_allclose(adj.fares, [100, 1400 / 30, 1400 / 30])
    np.testing.assert_allclose(adj.demand, [10, 0, 30])
    y = yo.emsr_b_mr([100, 70, 60], [10, 20, 40])
    # One adjusted nest: protect for class 1 against the adjusted fare 46.67 ...
    expected = yo.littlewood(100, 1400 / 30, 10, np.sqrt(10))
    # ... and class 2 opens exactly when class 3 does, so both see the same level.
    np.testing.assert_allclose(y, [expected, expected])


def test_emsr_b_mr_runs_emsr_b_on_adjusted_inputs():
    adj = yo.fare_adjustment([100, 80, 60, 40], [10, 20, 40, 50], cum_stds=[3, 5, 7, 8])
    np.testing.assert_allclose(adj.stds[:3], np.sqrt([9, 25 - 9, 49 - 25]))
    y = yo.emsr_b_mr([100, 80, 60, 40], [10, 20, 40, 50], cum_stds=[3, 5, 7, 8])
    inner = yo.emsr_b([100, 60, 40], [10, 10, 20], adj.stds[:3])
    np.testing.assert_allclose(y[:2], inner)
    assert y[2] == np.inf  # the inefficient lowest class never opens
    np.testing.assert_array_equal(yo.booking_limits(np.minimum(y, 100), 100)[-1], 0)


def test_explicit_revenue_for_a_mixed_structure():
    adj = yo.fare_adjustment([300, 200, 100], [5, 12, 30], cum_revenue=[1500, 2900, 4400])
    np.testing.assert_allclose(adj.fares, [300, 1400 / 7, 1500 / 18])


def test_efficient_frontier_skips_dominated_points():
    mask = yo.efficient_frontier([5, 10, 10, 30], [500, 700, 900, 800])
    np.testing.assert_array_equal(mask, [True, False, True, False])


def test_bad_input():
    with pytest.raises(yo.InputError, match=r"^cum_demand"):
        yo.fare_adjustment([100, 50], [10, -1])
    with pytest.raises(yo.InputError, match=r"^cum_demand"):
        yo.fare_adjustment([100, 50], [10, 20, 30])
