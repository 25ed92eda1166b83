r"""Unconstraining: estimate demand from observations censored by booking limits.

An observation ``y[i]`` is *censored* when the product closed (hit a limit), so the
true demand is only known to be at least ``y[i]``. Every method returns the mean
and standard deviation of the uncensored demand under a normal model:

``em``
    Expectation-maximization for a right-censored normal sample (maximum
    likelihood). E-step, for censored ``y`` with :math:`z = (y-\mu)/\sigma` and
    inverse Mills ratio :math:`\lambda = \varphi(z)/(1-\Phi(z))`:
    :math:`E[X\mid X\ge y] = \mu + \sigma\lambda`,
    :math:`E[X^2\mid X\ge y] = \mu^2 + \sigma^2 + \sigma\lambda(y+\mu)`.
    M-step: :math:`\mu` and :math:`\sigma^2` are the means of the completed first
    and second moments (minus :math:`\mu^2`).
``pd``
    Projection detruncation (Hopperstad): each censored ``y`` is replaced by the
    value ``q`` with :math:`P(X > q \mid X > y) = \tau` (``tau = 0.5``: the
    conditional median), then mean and std are recomputed; repeat to a fixed point.
``naive``
    Treat censored observations as if they were complete (biased low).
``discard``
    Drop censored observations (biased low when high demand is what gets censored).
``replace``
    Replace each censored observation by the larger of itself and the mean of the
    uncensored ones.

For count data (bookings are whole units) pass ``continuity=0.5``: a censored count
``y`` then means the normal demand exceeds ``y - 0.5`` (the usual continuity
correction), which removes most of the upward bias the normal model otherwise has
on small counts; ``em`` and ``pd`` use it, the naive methods do not.

The returned std is the maximum-likelihood (divide-by-``n``) estimate scaled by
:math:`\sqrt{n/(n-1)}`, so without censoring every method returns the ordinary
sample mean and sample standard deviation (``ddof=1``); with one observation the
std is 0. When every observation of a sample is censored the data only bound
demand from below: every method then returns the naive estimate, a lower bound.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import erfcx, log_ndtr, ndtri_exp

from ..errors import InputError

__all__ = ["UNCONSTRAIN_METHODS", "Unconstrained", "unconstrain", "unconstrain_batch"]

UNCONSTRAIN_METHODS = ("em", "pd", "naive", "discard", "replace")
_SQRT2 = np.sqrt(2.0)
_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)


class Unconstrained(NamedTuple):
    """Mean and standard deviation of unconstrained demand (floats, or arrays when batched)."""

    mean: float | NDArray[np.float64]
    std: float | NDArray[np.float64]


def unconstrain(
    observed: ArrayLike,
    censored: ArrayLike,
    method: str = "em",
    *,
    valid: ArrayLike | None = None,
    tau: float = 0.5,
    continuity: float = 0.0,
    tol: float = 1e-9,
    max_iter: int = 2000,
) -> Unconstrained:
    """Estimate mean and std of demand from partly censored observations.

    Parameters
    ----------
    observed : array_like, shape (..., n)
        Observed demand (units), e.g. bookings of a product over ``n`` comparable
        service dates. Leading dimensions are independent samples.
    censored : array_like of bool, broadcastable to ``observed``
        ``censored[..., i]`` is true when observation ``i`` hit a limit, so the true
        demand is at least ``observed[..., i]``.
    method : {"em", "pd", "naive", "discard", "replace"}
        Estimator; see the module docstring for each formula.
    valid : array_like of bool, optional
        Mask of observations to use (broadcastable); others are ignored and may be NaN.
    tau : float
        Projection-detruncation tail probability, in (0, 1).
    continuity : float
        Continuity correction for counts, in [0, 1): 0.5 for whole units, 0 for
        continuous data.
    tol : float
        Relative convergence tolerance of the iterative methods.
    max_iter : int
        Iteration limit of the iterative methods.

    Returns
    -------
    Unconstrained
        ``(mean, std)`` in the units of ``observed``: floats for 1-D input, arrays of
        shape ``observed.shape[:-1]`` otherwise (NaN for a sample with no valid
        observation).

    Examples
    --------
    >>> unconstrain([10, 12, 15, 15], [False, False, True, True]).mean > 13
    True
    """
    if method not in UNCONSTRAIN_METHODS:
        choices = ", ".join(UNCONSTRAIN_METHODS)
        raise InputError("method", f"must be one of {choices}, got {method!r}")
    if not 0.0 < float(tau) < 1.0:
        raise InputError("tau", f"must lie in (0, 1), got {tau!r}")
    if not 0.0 <= float(continuity) < 1.0:
        raise InputError("continuity", f"must lie in [0, 1), got {continuity!r}")
    try:
        x = np.asarray(observed, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError("observed", f"must be numeric ({exc})") from None
    if x.ndim == 0:
        raise InputError("observed", "must hold at least one observation, got a scalar")
    cens = _as_mask("censored", censored, x.shape)
    ok = np.ones(x.shape, dtype=bool) if valid is None else _as_mask("valid", valid, x.shape)
    if not np.all(np.isfinite(x[ok])):
        raise InputError("observed", "must be finite (found NaN or infinity)")
    if x.ndim == 1 and not ok.any():
        raise InputError("observed", "needs at least one observation")
    lead = x.shape[:-1]
    n = x.shape[-1]
    mean, std = unconstrain_batch(
        np.where(ok, x, 0.0).reshape(-1, n),
        cens.reshape(-1, n),
        ok.reshape(-1, n),
        method,
        tau=tau,
        continuity=continuity,
        tol=tol,
        max_iter=max_iter,
    )
    if x.ndim == 1:
        return Unconstrained(float(mean[0]), float(std[0]))
    return Unconstrained(mean.reshape(lead), std.reshape(lead))


def _as_mask(name: str, a: ArrayLike, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    m = np.asarray(a)
    if m.dtype != bool:
        if m.dtype.kind not in "iuf" or not np.all(np.isin(m, (0, 1))):
            raise InputError(name, "must be booleans (or 0/1)")
        m = m.astype(bool)
    try:
        return np.broadcast_to(m, shape)
    except ValueError:
        raise InputError(name, f"has shape {m.shape}, not broadcastable to {shape}") from None


def _moments(x: NDArray, w: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Weighted mean and divide-by-n variance along the last axis, and the weight sum."""
    n = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (w * x).sum(axis=-1) / n
        v = np.maximum((w * x * x).sum(axis=-1) / n - m * m, 0.0)
    return m, v, n


def _finish(mean: NDArray, var: NDArray, n: NDArray) -> tuple[NDArray, NDArray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(n >= 2, np.sqrt(var * n / np.maximum(n - 1, 1)), 0.0)
    std = np.where(n >= 1, std, np.nan)
    return np.where(n >= 1, mean, np.nan), std


def unconstrain_batch(
    x: NDArray[np.float64],
    censored: NDArray[np.bool_],
    valid: NDArray[np.bool_],
    method: str = "em",
    *,
    tau: float = 0.5,
    continuity: float = 0.0,
    tol: float = 1e-9,
    max_iter: int = 2000,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Unconstrain ``G`` samples at once (no input checks; see :func:`unconstrain`).

    Parameters
    ----------
    x : ndarray, shape (G, n)
        Observations; entries outside ``valid`` must be finite (any value).
    censored, valid : ndarray of bool, shape (G, n)
        Censoring flags and the mask of observations that count.
    method : str
        One of :data:`UNCONSTRAIN_METHODS`.
    tau, continuity, tol, max_iter
        As in :func:`unconstrain`.

    Returns
    -------
    mean, std : ndarray, shape (G,)
    """
    cens = censored & valid
    unc = valid & ~censored
    w_all = valid.astype(np.float64)
    mean, var, n = _moments(x, w_all)
    n_unc = unc.sum(axis=-1)
    n_cens = cens.sum(axis=-1)
    if method == "naive":
        return _finish(mean, var, n)
    if method == "discard":
        m_u, v_u, nu = _moments(x, unc.astype(np.float64))
        use = n_unc > 0
        return _finish(np.where(use, m_u, mean), np.where(use, v_u, var), np.where(use, nu, n))
    if method == "replace":
        m_u, _, _ = _moments(x, unc.astype(np.float64))
        filled = np.where(cens & (n_unc > 0)[:, None], np.maximum(x, m_u[:, None]), x)
        m_r, v_r, _ = _moments(filled, w_all)
        return _finish(m_r, v_r, n)
    todo = np.flatnonzero((n_unc > 0) & (n_cens > 0))
    if todo.size:
        step = _em_step if method == "em" else _pd_step
        xt = x[todo]
        if continuity:
            xt = np.where(cens[todo], xt - continuity, xt)
        m_i, v_i = _iterate(
            step,
            xt,
            cens[todo],
            unc[todo],
            mean[todo],
            var[todo],
            n[todo],
            tau=tau,
            tol=tol,
            max_iter=max_iter,
        )
        mean = mean.copy()
        var = var.copy()
        mean[todo] = m_i
        var[todo] = v_i
    return _finish(mean, var, n)


def _iterate(
    step,
    x: NDArray,
    cens: NDArray,
    unc: NDArray,
    mean: NDArray,
    var: NDArray,
    n: NDArray,
    *,
    tau: float,
    tol: float,
    max_iter: int,
) -> tuple[NDArray, NDArray]:
    mu = mean.copy()
    sd = np.sqrt(var)
    sd = np.where(sd > 0, sd, 0.1 * np.maximum(np.abs(mu), 1.0))
    out_mu, out_sd = mu.copy(), sd.copy()
    active = np.arange(mu.size)
    xs, cs, us, ns = x, cens, unc, n
    for _ in range(max_iter):
        new_mu, new_sd = step(xs, cs, us, ns, mu, sd, tau)
        new_sd = np.maximum(new_sd, 1e-9 * (1.0 + np.abs(new_mu)))
        delta = np.abs(new_mu - mu) + np.abs(new_sd - sd)
        done = delta <= tol * (1.0 + np.abs(new_mu) + new_sd)
        out_mu[active] = new_mu
        out_sd[active] = new_sd
        if done.all():
            break
        keep = ~done
        active = active[keep]
        xs, cs, us, ns = xs[keep], cs[keep], us[keep], ns[keep]
        mu, sd = new_mu[keep], new_sd[keep]
    return out_mu, out_sd * out_sd


def _em_step(x, cens, unc, n, mu, sd, tau):
    m = mu[:, None]
    s = sd[:, None]
    z = (x - m) / s
    lam = _SQRT_2_OVER_PI / erfcx(z / _SQRT2)
    e1 = np.where(cens, m + s * lam, np.where(unc, x, 0.0))
    e2 = np.where(cens, m * m + s * s + s * lam * (x + m), np.where(unc, x * x, 0.0))
    new_mu = e1.sum(axis=1) / n
    new_var = np.maximum(e2.sum(axis=1) / n - new_mu * new_mu, 0.0)
    return new_mu, np.sqrt(new_var)


def _pd_step(x, cens, unc, n, mu, sd, tau):
    m = mu[:, None]
    s = sd[:, None]
    z = (x - m) / s
    # q with P(X > q | X > y) = tau:  Q((q - mu)/sd) = tau * Q(z), in log space
    log_tail = np.log(tau) + log_ndtr(-z)
    projected = m - s * ndtri_exp(log_tail)
    filled = np.where(cens, np.maximum(projected, x), x)
    new_mu, new_var, _ = _moments(filled, (cens | unc).astype(np.float64))
    return new_mu, np.sqrt(new_var)
