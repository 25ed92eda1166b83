"""MNL estimation from sales with availability and unobserved no-purchases.

The EM method of Vulcano, van Ryzin & Ratliff (2012), "Estimating primary demand for
substitutable products from sales transaction data", *Operations Research* 60(2), 313–334.

Model. In period ``t`` a Poisson(λ) number of customers arrives (λ counts those who buy
nothing too). A customer's *primary* (first) choice is product ``j`` with probability
``v_j / (1 + V)``, ``V = Σ_j v_j``, or no purchase with probability ``1 / (1 + V)`` (the paper's
normalization ``v_0 = 1``). A customer whose first choice is not offered chooses again among
the offered set ``S_t`` and no purchase by the MNL, so sales of ``j ∈ S_t`` are
Poisson(λ v_j / (1 + V(S_t))). No-purchases are never observed, so λ and the scale of ``v``
are not separately identified: the market share ``s = V / (1 + V)`` (the share of arrivals who
would buy when everything is offered) is given, which fixes ``V = s / (1 − s)``.

EM. The complete data are the primary demands ``X_jt ~ Poisson(λ v_j / (1 + V))``.
E-step, given the current (λ, v) and the observed sales ``z_t`` (``m_t`` in total):

- ``j ∈ S_t``: ``E[X_jt | z] = z_jt (1 + V(S_t)) / (1 + V)`` (the rest of j's sales are
  customers who substituted from closed products);
- ``j ∉ S_t``: ``E[X_jt | z] = v_j / (1 + V) · (m_t + λ / (1 + V(S_t)))`` (those who bought
  something else, plus the unobserved no-purchases among them).

M-step. Sales ``z`` are not a function of the primary demands alone: a substitute's second
choice is random and depends on v too, so the complete data here also hold where each
substitute went (``R_kt``, expected ``z_kt − E[X_kt | z]`` for ``k ∈ S_t``, the rest to no
purchase). Maximizing only the primary-demand part (``v_j ∝ X̂_j``) has a fixed point off the
maximum likelihood (about 2 log-likelihood points short on hotel H1) and can lower the
likelihood, so the expected complete-data log-likelihood

    Q(v) = Σ_j C_j log v_j − Σ_t R_t log(1 + V(S_t)),   C_j = Σ_t (z_jt if j ∈ S_t else X̂_jt),

with ``R_t`` the expected substitutes in period t, is raised by one minorize–maximize step:
``log(1 + V(S))`` is concave, so its tangent at the current v bounds it, and the bound is
maximized under ``Σ v = V`` by ``v_j = C_j / (D_j + κ)``, ``D_j = Σ_{t: j∈S_t} R_t / (1 + V(S_t))``
and κ solving ``Σ v = V``. λ is then the exact maximizer of the observed likelihood for those
weights, ``λ = Σ_t m_t / Σ_t V(S_t) / (1 + V(S_t))``. Each iteration therefore does not decrease
the observed-data Poisson log-likelihood (generalized EM), and its fixed points are stationary
points of the likelihood under the market-share constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq, minimize_scalar
from scipy.special import expit, gammaln, logit

from yieldopt.errors import InputError

__all__ = ["EMFit", "fit_mnl_em", "load_choice_sets"]


@dataclass(frozen=True)
class EMFit:
    """Result of :func:`fit_mnl_em`.

    Attributes
    ----------
    weights : ndarray, shape (n,)
        MNL preference weights ``v_j`` with the no-purchase weight ``v_0 = 1``.
    arrival_rate : float
        λ, customers arriving per period (buyers and non-buyers).
    log_likelihood : float
        Observed-data Poisson log-likelihood at the estimate (constants included).
    iterations : int
        EM iterations done.
    converged : bool
        Whether the largest relative change of the weights fell below the tolerance.
    history : ndarray, shape (iterations + 1,)
        Log-likelihood at the start and after each iteration (non-decreasing).
    primary_demand : ndarray, shape (n,)
        Expected primary (first-choice) demand per product over all periods.
    market_share : float
        The market share s used (given, or estimated when ``market_share=None``).
    """

    weights: npt.NDArray[np.float64]
    arrival_rate: float
    log_likelihood: float
    iterations: int
    converged: bool
    history: npt.NDArray[np.float64]
    primary_demand: npt.NDArray[np.float64]
    market_share: float


def _poisson_loglik(
    v: npt.NDArray[np.float64],
    lam: float,
    avail: npt.NDArray[np.bool_],
    sales: npt.NDArray[np.float64],
) -> float:
    """Σ_t Σ_{j∈S_t} log Poisson(z_jt; λ v_j / (1 + V(S_t)))."""
    vs = avail @ v  # (T,)
    mean = lam * v[None, :] / (1.0 + vs[:, None])  # (T, n)
    term = np.where(
        avail,
        sales * np.log(np.where(mean > 0, mean, 1.0)) - mean - gammaln(sales + 1.0),
        0.0,
    )
    return float(term.sum())


def fit_mnl_em(
    availability: npt.ArrayLike,
    purchases: npt.ArrayLike,
    *,
    market_share: float | None,
    tol: float = 1e-8,
    max_iter: int = 10_000,
    initial_weights: npt.ArrayLike | None = None,
    market_share_bounds: tuple[float, float] = (0.01, 0.99),
) -> EMFit:
    """Estimate MNL weights and arrival rate from sales with availability (VvRR 2012 EM).

    Parameters
    ----------
    availability : array_like of bool, shape (T, n)
        ``availability[t, j]``: product j was offered in period t.
    purchases : array_like, shape (T, n) counts, or shape (T,) of product indices
        Sales of each product per period; or, one transaction per period, the index
        (0-based) of the product bought, ``-1`` for a period without a recorded sale.
    market_share : float or None
        s in (0, 1): the share of arriving customers who would buy something when every
        product is offered. Fixes ``Σ_j v_j = s / (1 − s)``. ``None`` estimates it: the
        profile likelihood (EM at each s) is maximized over ``market_share_bounds`` by a
        bounded scalar search; it is identified only through the variation of the offer
        sets, often weakly, and an estimate at a bound means the data do not pin it down.
    tol : float
        Stop when the largest relative change of a weight is below ``tol``.
    max_iter : int
        Maximum number of EM iterations.
    initial_weights : array_like, shape (n,), optional
        Start (rescaled to the market share); equal weights when omitted.
    market_share_bounds : (float, float)
        Search interval of s when ``market_share`` is None.

    Returns
    -------
    EMFit

    Examples
    --------
    One product always offered, 3 sales in 2 periods, s = 0.5: v = 1, λ = 1.5 / 0.5 = 3.

    >>> fit = fit_mnl_em([[True], [True]], [[1], [2]], market_share=0.5)
    >>> float(fit.weights[0]), round(fit.arrival_rate, 6)
    (1.0, 3.0)
    """
    avail = np.asarray(availability, dtype=bool)
    if avail.ndim != 2 or 0 in avail.shape:
        raise InputError("availability", f"must have shape (periods, products), got {avail.shape}")
    T, n = avail.shape
    z = np.asarray(purchases)
    if z.shape == (T,):
        idx = z.astype(int)
        if np.any(idx != z) or np.any((idx < -1) | (idx >= n)):
            raise InputError("purchases", f"product indices must be integers in [-1, {n})")
        sales = np.zeros((T, n))
        has = idx >= 0
        sales[np.flatnonzero(has), idx[has]] = 1.0
    elif z.shape == (T, n):
        sales = z.astype(float)
        if not np.all(np.isfinite(sales)) or np.any(sales < 0):
            raise InputError("purchases", "counts must be finite and non-negative")
    else:
        raise InputError("purchases", f"must have shape ({T},) or ({T}, {n}), got {z.shape}")
    if np.any((sales > 0) & ~avail):
        raise InputError("purchases", "a product sold in a period where it was not offered")
    if initial_weights is None:
        start = np.full(n, 1.0 / n)
    else:
        start = np.asarray(initial_weights, dtype=float)
        if start.shape != (n,) or np.any(start <= 0) or not np.all(np.isfinite(start)):
            raise InputError("initial_weights", f"must be {n} positive finite numbers")
    if sales.sum() <= 0:
        raise InputError("purchases", "no sales: nothing to estimate from")
    if market_share is not None:
        if not 0.0 < market_share < 1.0:
            raise InputError("market_share", "must lie strictly between 0 and 1")
        return _em(avail, sales, market_share, start, tol, max_iter)
    lo, hi = market_share_bounds
    if not 0.0 < lo < hi < 1.0:
        raise InputError("market_share_bounds", "must satisfy 0 < low < high < 1")
    warm = [start]

    def neg_profile(logit_s: float) -> float:
        fit = _em(avail, sales, float(expit(logit_s)), warm[0], tol, max_iter)
        warm[0] = fit.weights  # warm start: neighbouring s have similar shares
        return -fit.log_likelihood

    res = minimize_scalar(
        neg_profile,
        bounds=(float(logit(lo)), float(logit(hi))),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return _em(avail, sales, float(expit(res.x)), warm[0], tol, max_iter)


def _em(
    avail: npt.NDArray[np.bool_],
    sales: npt.NDArray[np.float64],
    market_share: float,
    start: npt.NDArray[np.float64],
    tol: float,
    max_iter: int,
) -> EMFit:
    """Run the EM iterations at a given market share (inputs validated)."""
    T = avail.shape[0]
    V = market_share / (1.0 - market_share)
    v = V * start / start.sum()
    m = sales.sum(axis=1)  # (T,)

    def best_lambda(w: npt.NDArray[np.float64]) -> float:
        # d/dλ of Σ_t [m_t log λ − λ V(S_t)/(1+V(S_t))] = 0.
        vs_ = avail @ w
        return float(m.sum() / np.sum(vs_ / (1.0 + vs_)))

    lam = best_lambda(v)
    history = [_poisson_loglik(v, lam, avail, sales)]
    converged = False
    it = 0
    while it < max_iter:
        it += 1
        vs = avail @ v
        # E-step, vectorized over periods and products (module docstring).
        g = m + lam / (1.0 + vs)  # buyers + expected non-buyers in period t
        off = (v[None, :] / (1.0 + V)) * g[:, None]
        # Primary demand plus the substitutes' second choices: all sales for offered products.
        c = np.where(avail, sales, off).sum(axis=0)
        # Expected substitutes per period (first choice closed), whatever they did next.
        spill = (V - vs) / (1.0 + V) * g
        d = (avail * (spill / (1.0 + vs))[:, None]).sum(axis=0)
        v_new = _mm_step(c, d, V)
        lam = best_lambda(v_new)
        change = float(np.max(np.abs(v_new - v) / np.maximum(v_new, 1e-300)))
        v = v_new
        history.append(_poisson_loglik(v, lam, avail, sales))
        if change < tol:
            converged = True
            break
    return EMFit(
        weights=v,
        arrival_rate=lam,
        log_likelihood=history[-1],
        iterations=it,
        converged=converged,
        history=np.asarray(history),
        primary_demand=(v / (1.0 + V)) * lam * T,
        market_share=market_share,
    )


def _mm_step(
    c: npt.NDArray[np.float64], d: npt.NDArray[np.float64], total: float
) -> npt.NDArray[np.float64]:
    """Maximize Σ c_j log v_j − Σ d_j v_j subject to Σ v_j = total (c, d ≥ 0).

    The Lagrange condition gives ``v_j = c_j / (d_j + κ)``; Σ v is decreasing in κ on
    ``(−min_{c_j>0} d_j, ∞)``, so κ is found by bisection-safe root finding.
    """
    pos = c > 0
    if not np.any(pos):
        return np.full(c.size, total / c.size)
    lo = -float(np.min(d[pos]))

    def excess(kappa: float) -> float:
        return float(np.sum(c[pos] / (d[pos] + kappa))) - total

    # Bracket: at κ → lo⁺ the sum explodes; grow hi until the sum falls below total.
    hi = max(lo, 0.0) + float(c.sum()) / total + 1.0
    while excess(hi) > 0:
        hi = lo + 2.0 * (hi - lo)
    left = lo + 1e-15 * max(1.0, abs(lo))
    while excess(left) < 0:  # numerically the pole may sit below the float spacing
        left = lo + (left - lo) * 1e-3
        if left == lo:
            break
    kappa = brentq(excess, left, hi, xtol=1e-14, rtol=1e-14, maxiter=500)
    out = np.zeros(c.size)
    out[pos] = c[pos] / (d[pos] + kappa)
    out *= total / out.sum()  # remove the root finder's last rounding
    return out


def load_choice_sets(
    folder: str | Path, hotel: str
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int_], list[tuple[int, str, float]]]:
    """Read one hotel of the van Ryzin & Vulcano five-hotel choice data.

    Parameters
    ----------
    folder : str or Path
        The ``hotel-choice-sets`` folder holding ``H1`` … ``H5``.
    hotel : str
        ``"H1"`` … ``"H5"``.

    Returns
    -------
    availability : ndarray of bool, shape (T, n)
        Offered products per period (the file is products × periods; transposed here).
    purchases : ndarray of int, shape (T,)
        0-based index of the product bought per period, ``-1`` for none.
    products : list of (label, description, average price)
        One per product, in label order 1..n (price in the data's currency).
    """
    d = Path(folder) / hotel
    if not d.is_dir():
        raise InputError("hotel", f"no folder {d}")
    products: list[tuple[int, str, float]] = []
    for line in (d / f"ProductIDs{hotel}.txt").read_text().splitlines():
        if not line.strip():
            continue
        label, desc, price = _split_product(line)
        products.append((int(label), desc, float(price)))
    avail = np.loadtxt(d / f"Availability{hotel}.txt", ndmin=2) > 0.5
    labels = np.loadtxt(d / f"Transactions{hotel}.txt", ndmin=1).astype(int)
    order = [p[0] for p in products]
    if sorted(order) != list(range(1, len(order) + 1)):
        raise InputError("products", f"{hotel}: labels must be 1..n, got {order}")
    products.sort()
    return avail.T.copy(), labels - 1, products


def _split_product(line: str) -> tuple[str, str, str]:
    """Split ``label, description, price`` (the description may not contain commas)."""
    parts = [p.strip() for p in line.split(",")]
    if len(parts) < 3:
        raise InputError("products", f"cannot read product line {line!r}")
    return parts[0], ", ".join(parts[1:-1]), parts[-1]
