import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import optimize, stats

from yieldopt import InputError, unconstrain
from yieldopt.forecast import UNCONSTRAIN_METHODS

OBS = [10.0, 12.0, 15.0, 15.0]
CENS = [False, False, True, True]


def test_naive_methods_by_hand():
    # naive: all four as they are; mean 13, sample var (9 + 1 + 4 + 4) / 3 = 6
    m, s = unconstrain(OBS, CENS, "naive")
    assert m == pytest.approx(13.0) and s == pytest.approx(np.sqrt(6.0))
    # discard: only 10 and 12
    m, s = unconstrain(OBS, CENS, "discard")
    assert m == pytest.approx(11.0) and s == pytest.approx(np.sqrt(2.0))
    # replace: max(15, mean of uncensored 11) = 15, so the same as naive here
    m, s = unconstrain(OBS, CENS, "replace")
    assert m == pytest.approx(13.0) and s == pytest.approx(np.sqrt(6.0))
    # replace when the uncensored mean is larger: [20, 22, 5(c)] -> 5 becomes 21
    m, _ = unconstrain([20.0, 22.0, 5.0], [False, False, True], "replace")
    assert m == pytest.approx((20 + 22 + 21) / 3)


def _censored_normal_mle(x, c):
    def nll(theta):
        mu, log_sd = theta
        sd = np.exp(log_sd)
        return -(stats.norm.logpdf(x[~c], mu, sd).sum() + stats.norm.logsf(x[c], mu, sd).sum())

    res = optimize.minimize(
        nll,
        [x.mean(), np.log(x.std() + 1)],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000},
    )
    return res.x[0], np.exp(res.x[1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_em_is_the_censored_normal_maximum_likelihood(seed):
    rng = np.random.default_rng(seed)
    d = rng.normal(50, 12, 25)
    limit = 52.0
    x, c = np.minimum(d, limit), d >= limit
    mu, sd = unconstrain(x, c, "em", tol=1e-12, max_iter=100_000)
    mu_ml, sd_ml = _censored_normal_mle(x, c)
    n = x.size
    assert mu == pytest.approx(mu_ml, abs=1e-4)
    assert sd * np.sqrt((n - 1) / n) == pytest.approx(sd_ml, abs=1e-4)


def test_projection_detruncation_is_a_fixed_point():
    x = np.array([*OBS, 9.0, 14.0, 15.0])
    c = np.array([*CENS, False, False, True])
    tau = 0.5
    mu, sd = unconstrain(x, c, "pd", tau=tau, tol=1e-13, max_iter=100_000)
    n = x.size
    sd_ml = sd * np.sqrt((n - 1) / n)
    # each censored y becomes q with P(X > q | X > y) = tau
    tail = stats.norm.sf(x[c], mu, sd_ml)
    q = stats.norm.isf(tau * tail, mu, sd_ml)
    filled = x.copy()
    filled[c] = q
    assert filled.mean() == pytest.approx(mu, abs=1e-7)
    assert filled.std() == pytest.approx(sd_ml, abs=1e-7)
    assert np.all(q > x[c])


def test_em_clearly_beats_the_naive_mean_when_most_observations_are_censored():
    rng = np.random.default_rng(42)
    true_mean, true_sd, limit = 100.0, 20.0, 95.0
    d = rng.normal(true_mean, true_sd, (400, 30))
    x, c = np.minimum(d, limit), d >= limit
    assert c.mean() > 0.55  # most observations hit the limit
    em = unconstrain(x, c, "em")
    naive = unconstrain(x, c, "naive")
    em_err = np.abs(em.mean - true_mean).mean()
    naive_err = np.abs(naive.mean - true_mean).mean()
    assert naive_err > 10.0  # the naive mean is biased far low
    assert em_err < naive_err / 2  # what remains is sampling noise of 30 observations
    assert abs(em.mean.mean() - true_mean) < 1.0
    assert abs(em.std.mean() - true_sd) < 1.5
    pd_ = unconstrain(x, c, "pd")
    assert np.abs(pd_.mean - true_mean).mean() < naive_err


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 30), elements=st.floats(-1e3, 1e3)),
    st.sampled_from(UNCONSTRAIN_METHODS),
)
def test_without_censoring_every_method_is_the_sample_mean_and_std(x, method):
    m, s = unconstrain(x, np.zeros(x.size, bool), method)
    assert m == pytest.approx(x.mean(), abs=1e-9 * (1 + np.abs(x).max()))
    assert s == pytest.approx(x.std(ddof=1), rel=1e-7, abs=1e-6 * (1 + np.abs(x).max()))


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 20), elements=st.floats(0, 100)),
    st.data(),
)
def test_unconstrained_mean_never_below_the_naive_mean(x, data):
    c = data.draw(arrays(bool, x.size))
    naive = unconstrain(x, c, "naive").mean
    for method in ("em", "pd", "replace"):
        assert unconstrain(x, c, method).mean >= naive - 1e-6 * (1 + naive)


def test_batches_masks_and_edge_cases():
    x = np.array([[10.0, 12.0, 15.0, 15.0], [1.0, 2.0, 3.0, np.nan]])
    c = np.array([CENS, [False, False, False, False]])
    valid = np.array([[True] * 4, [True, True, True, False]])
    res = unconstrain(x, c, "em", valid=valid)
    assert res.mean.shape == (2,)
    assert res.mean[0] == pytest.approx(unconstrain(OBS, CENS, "em").mean)
    assert res.mean[1] == pytest.approx(2.0) and res.std[1] == pytest.approx(1.0)
    # leading batch dimensions
    assert unconstrain(np.ones((3, 4, 5)), False).mean.shape == (3, 4)
    # one observation: std 0; all censored: the naive lower bound
    assert unconstrain([7.0], [False]) == (7.0, 0.0)
    assert unconstrain([5.0, 6.0], [True, True], "em").mean == pytest.approx(5.5)
    # a sample without valid observation gives NaN in a batch
    r = unconstrain(np.ones((2, 2)), False, valid=[[True, True], [False, False]])
    assert np.isnan(r.mean[1]) and r.mean[0] == 1.0


def test_continuity_correction_for_counts():
    x = [3.0, 4.0, 5.0, 5.0]
    c = [False, False, True, True]
    plain = unconstrain(x, c, "em").mean
    corrected = unconstrain(x, c, "em", continuity=0.5).mean
    assert corrected < plain
    assert unconstrain(x, c, "naive", continuity=0.5).mean == pytest.approx(4.25)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"observed": [1, 2], "censored": [0, 1], "method": "magic"}, "method"),
        ({"observed": [1, 2], "censored": [0, 1], "tau": 1.5}, "tau"),
        ({"observed": [1, 2], "censored": [0, 1, 1]}, "censored"),
        ({"observed": [1, np.nan], "censored": [0, 1]}, "observed"),
        ({"observed": [], "censored": []}, "observed"),
        ({"observed": 3.0, "censored": True}, "observed"),
        ({"observed": [1, 2], "censored": [0, 2]}, "censored"),
        ({"observed": [1, 2], "censored": [0, 1], "continuity": 1.0}, "continuity"),
    ],
)
def test_bad_input_names_the_argument(kwargs, field):
    with pytest.raises(InputError) as err:
        unconstrain(**kwargs)
    assert err.value.field == field
    assert str(err.value).startswith(field)
