"""Maximum-likelihood estimation of the conditional (multinomial) logit.

Observation ``i`` chooses alternative ``c_i`` among its available alternatives with
probability ``exp(x_{i c_i}·β) / Σ_{a available} exp(x_{ia}·β)``. The log-likelihood is
concave in β, so Newton's method with a backtracking line search converges to the global
maximum when it exists (it does not under perfect separation: then ``converged`` is False).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from yieldopt.errors import InputError

__all__ = ["MNLFit", "fit_mnl"]


@dataclass(frozen=True)
class MNLFit:
    """Result of :func:`fit_mnl`.

    Attributes
    ----------
    coef : ndarray, shape (features,)
        Estimated coefficients β (utility per unit of each feature).
    std_err : ndarray, shape (features,)
        Standard errors from the inverse of the negative Hessian at the optimum.
    log_likelihood : float
        Log-likelihood at ``coef``.
    converged : bool
        Whether the gradient's max-norm fell below the tolerance.
    iterations : int
        Newton iterations taken.
    """

    coef: npt.NDArray[np.float64]
    std_err: npt.NDArray[np.float64]
    log_likelihood: float
    converged: bool
    iterations: int


def _loglik_parts(
    beta: npt.NDArray[np.float64],
    X: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.intp],
    avail: npt.NDArray[np.bool_],
) -> tuple[float, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Log-likelihood, gradient (K,) and Hessian (K, K) at ``beta``."""
    u = np.where(avail, X @ beta, -np.inf)  # (N, A)
    m = u.max(axis=1, keepdims=True)
    e = np.exp(u - m)  # 0 where unavailable
    den = e.sum(axis=1, keepdims=True)
    p = e / den  # (N, A)
    rows = np.arange(X.shape[0])
    ll = float(np.sum(u[rows, chosen] - m[:, 0] - np.log(den[:, 0])))
    xbar = np.einsum("na,nak->nk", p, X)  # expected features per observation
    grad = (X[rows, chosen] - xbar).sum(axis=0)
    d = np.where(avail[..., None], X - xbar[:, None, :], 0.0)
    hess = -np.einsum("na,nak,nal->kl", p, d, d)
    return ll, grad, hess


def fit_mnl(
    X: npt.ArrayLike,
    chosen: npt.ArrayLike,
    available: npt.ArrayLike | None = None,
    *,
    tol: float = 1e-9,
    max_iter: int = 100,
) -> MNLFit:
    """Fit a conditional logit by maximum likelihood (Newton's method with line search).

    Parameters
    ----------
    X : array_like, shape (observations, alternatives, features)
        Features of each alternative in each observation (alternative-specific constants
        and interactions are columns the caller builds).
    chosen : array_like of int, shape (observations,)
        Index of the chosen alternative per observation; it must be available.
    available : array_like of bool, shape (observations, alternatives), optional
        Which alternatives each observation could choose; all when omitted.
    tol : float
        Convergence tolerance on the max-norm of the gradient.
    max_iter : int
        Maximum number of Newton iterations.

    Returns
    -------
    MNLFit

    Examples
    --------
    Two alternatives, one constant for the second: the MLE is the log odds of the shares.

    >>> X = np.zeros((4, 2, 1)); X[:, 1, 0] = 1.0
    >>> fit = fit_mnl(X, [1, 1, 1, 0])
    >>> round(float(fit.coef[0]), 6), round(float(np.log(3.0)), 6)
    (1.098612, 1.098612)
    """
    x = np.asarray(X, dtype=float)
    if x.ndim != 3 or 0 in x.shape:
        raise InputError(
            "X", f"must have shape (observations, alternatives, features), got {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise InputError("X", "must be finite")
    n_obs, n_alt, n_feat = x.shape
    c = np.asarray(chosen)
    if c.shape != (n_obs,) or not np.issubdtype(c.dtype, np.integer):
        raise InputError("chosen", f"must be integers of shape ({n_obs},)")
    if np.any((c < 0) | (c >= n_alt)):
        raise InputError("chosen", f"indices must lie in [0, {n_alt})")
    c = c.astype(np.intp)
    if available is None:
        av = np.ones((n_obs, n_alt), dtype=bool)
    else:
        av = np.asarray(available, dtype=bool)
        if av.shape != (n_obs, n_alt):
            raise InputError("available", f"must have shape ({n_obs}, {n_alt}), got {av.shape}")
        if not np.all(av[np.arange(n_obs), c]):
            raise InputError("available", "every chosen alternative must be available")
    beta = np.zeros(n_feat)
    ll, grad, hess = _loglik_parts(beta, x, c, av)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        if np.max(np.abs(grad)) < tol:
            converged = True
            it -= 1
            break
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            # Singular Hessian (a feature constant within every choice set): least squares.
            step = np.linalg.lstsq(-hess, grad, rcond=None)[0]
        t = 1.0
        # Backtracking (Armijo) line search: the concave objective must rise.
        while True:
            cand = beta + t * step
            ll_new, g_new, h_new = _loglik_parts(cand, x, c, av)
            if ll_new >= ll + 1e-4 * t * float(grad @ step) or t < 1e-10:
                break
            t *= 0.5
        if t < 1e-10:
            break
        beta, ll, grad, hess = cand, ll_new, g_new, h_new
    else:
        converged = bool(np.max(np.abs(grad)) < tol)
    try:
        cov = np.linalg.inv(-hess)
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    except np.linalg.LinAlgError:
        se = np.full(n_feat, np.nan)
    return MNLFit(coef=beta, std_err=se, log_likelihood=ll, converged=converged, iterations=it)
