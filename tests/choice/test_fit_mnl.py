"""fit_mnl reproduces Greene's conditional logit of travel mode choice.

Data: Greene & Hensher (1997), 210 intercity trips in Australia choosing among air, train,
bus and car (Greene, *Econometric Analysis*, data table F18-2; public domain, as shipped by
statsmodels' ``modechoice`` dataset, copied to ``tests/choice/data/modechoice.csv``).
Published conditional-logit estimates (Greene, *Econometric Analysis*, conditional logit with
alternative-specific constants, generalized cost, terminal time and income × air):
constants 5.2074, 3.8690, 3.1632; GC −0.01550; TTME −0.09612; HINC×air 0.01329;
log-likelihood −199.1284. The standard errors are checked against statsmodels 0.15
``ConditionalLogit`` on the same data, run once outside the suite (values below).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldopt.choice import fit_mnl
from yieldopt.errors import InputError

DATA = Path(__file__).parent / "data" / "modechoice.csv"


def _mode_choice() -> tuple[np.ndarray, np.ndarray]:
    d = pd.read_csv(DATA, sep=";")
    n = d["individual"].nunique()
    X = np.zeros((n, 4, 6))
    for k in range(3):  # constants for air, train, bus (car is the base)
        X[:, k, k] = 1.0
    X[:, :, 3] = d["gc"].to_numpy().reshape(n, 4)
    X[:, :, 4] = d["ttme"].to_numpy().reshape(n, 4)
    X[:, 0, 5] = d["hinc"].to_numpy().reshape(n, 4)[:, 0]
    chosen = d["choice"].to_numpy().reshape(n, 4).argmax(axis=1)
    return X, chosen


def test_reproduces_greene_conditional_logit() -> None:
    X, chosen = _mode_choice()
    fit = fit_mnl(X, chosen)
    assert fit.converged
    published = [5.2074, 3.8690, 3.1632, -0.01550, -0.09612, 0.01329]
    np.testing.assert_allclose(fit.coef, published, rtol=2e-4, atol=5e-5)
    assert fit.log_likelihood == pytest.approx(-199.1284, abs=1e-4)
    statsmodels_se = [0.7790544, 0.44312603, 0.45026512, 0.00440799, 0.01043984, 0.01026239]
    np.testing.assert_allclose(fit.std_err, statsmodels_se, rtol=1e-4)


def test_availability_excludes_alternatives() -> None:
    # Remove car from everyone who did not choose it: the car constant drops out of those
    # observations; compare with an explicit fit on restricted data by brute force.
    X, chosen = _mode_choice()
    avail = np.ones((*chosen.shape, 4), dtype=bool)
    avail[chosen != 3, 3] = False
    fit = fit_mnl(X, chosen, avail)
    # Same likelihood computed directly at the optimum, and gradient ~ 0 (first-order check).
    u = np.where(avail, X @ fit.coef, -np.inf)
    ll = np.sum(u[np.arange(len(chosen)), chosen] - np.log(np.exp(u).sum(axis=1)))
    assert fit.log_likelihood == pytest.approx(ll)
    assert fit.converged

    def loglik(b: np.ndarray) -> float:
        u2 = np.where(avail, X @ b, -np.inf)
        return float(np.sum(u2[np.arange(len(chosen)), chosen] - np.log(np.exp(u2).sum(axis=1))))

    eps = 1e-6
    for k in range(6):
        step = np.zeros(6)
        step[k] = eps
        # central difference: the gradient vanishes at the optimum
        assert (loglik(fit.coef + step) - loglik(fit.coef - step)) / (2 * eps) == pytest.approx(
            0.0, abs=1e-4
        )


def test_recovers_simulated_coefficients() -> None:
    rng = np.random.default_rng(7)
    n, a = 20_000, 5
    X = rng.normal(size=(n, a, 2))
    beta = np.array([1.0, -0.5])
    u = X @ beta + rng.gumbel(size=(n, a))
    fit = fit_mnl(X, u.argmax(axis=1))
    np.testing.assert_allclose(fit.coef, beta, atol=4 * fit.std_err.max())


def test_bad_input() -> None:
    X = np.zeros((3, 2, 1))
    with pytest.raises(InputError) as e:
        fit_mnl(X, [0, 1, 2])
    assert e.value.field == "chosen"
    with pytest.raises(InputError) as e:
        fit_mnl(X, [0, 1, 1], [[True, True], [False, True], [True, False]])
    assert e.value.field == "available"
    with pytest.raises(InputError) as e:
        fit_mnl(np.zeros((3, 2)), [0, 1, 1])
    assert e.value.field == "X"
