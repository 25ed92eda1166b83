r"""Exponential smoothing of final demand with day-of-week seasonality.

Final demand :math:`y_t` (gross units of one product for service date ``t``) of the
complete service dates up to ``as_of``, taken from the unconstrained history (closed
dates carry the demand they turned away, see ``unconstrain_cube``), is smoothed
with additive level and weekly season, ETS(A,N,A):

.. math::

    e_t = y_t - \ell_{t-1} - s_{t-7},\quad
    \ell_t = \ell_{t-1} + \alpha e_t,\quad
    s_t = s_{t-7} + \gamma e_t,

started from the mean of the first two weeks and their weekday deviations. Per
product, :math:`(\alpha, \gamma)` is the pair of a fixed grid with the smallest sum
of squared one-step errors, and :math:`\sigma_e^2` is their mean square. The
forecast ``k`` days ahead is :math:`F = \ell_T + s_{T+k-7\lceil k/7\rceil}`
(clipped at 0) with variance
:math:`V = \sigma_e^2\,[1 + (k-1)\alpha^2 + \lfloor (k-1)/7 \rfloor\gamma(2\alpha+\gamma)]`.

Final demand is split into days-before buckets by binomial thinning: with
:math:`p` the share of final demand booked in the bucket (unconstrained mean
pickup over unconstrained mean final demand of the comparable complete dates),
bucket demand has mean :math:`pF` and variance :math:`p^2V + p(1-p)F`. Bookings
already on hand are not used: this is the *historical* forecast, the one to trust
far from service when little is booked yet.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ._buckets import Targets
from ._cube import Cube
from ._pickup import comparable_dates, gather_stats

__all__ = ["ALPHAS", "GAMMAS", "fit_ets", "smoothing_forecast"]

ALPHAS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
GAMMAS = (0.0, 0.02, 0.05, 0.1, 0.2)
_SEASON = 7


def fit_ets(
    y: np.ndarray, alphas: tuple[float, ...] = ALPHAS, gammas: tuple[float, ...] = GAMMAS
) -> dict[str, np.ndarray]:
    """Fit ETS(A,N,A) with period 7 to each row of ``y`` by grid search.

    Parameters
    ----------
    y : ndarray, shape (P, N)
        Daily series, ``N >= 14``; column 0 is the first day.

    Returns
    -------
    dict
        ``alpha``, ``gamma``, ``sigma2``, ``level`` of shape (P,) and ``season`` of
        shape (P, 7), where ``season[:, r]`` belongs to days with ``t % 7 == r``.
    """
    n_prod, n = y.shape
    if n < 2 * _SEASON:
        raise InputError("history", f"smoothing needs at least 14 complete service dates, got {n}")
    grid_a, grid_g = np.meshgrid(np.asarray(alphas), np.asarray(gammas), indexing="ij")
    ga = grid_a.reshape(-1, 1)
    gg = grid_g.reshape(-1, 1)
    n_grid = ga.shape[0]
    start = y[:, : 2 * _SEASON]
    level0 = start.mean(axis=1)
    season0 = start.reshape(n_prod, 2, _SEASON).mean(axis=1) - level0[:, None]
    level = np.broadcast_to(level0, (n_grid, n_prod)).copy()
    season = np.broadcast_to(season0, (n_grid, n_prod, _SEASON)).copy()
    sse = np.zeros((n_grid, n_prod))
    for t in range(n):
        r = t % _SEASON
        err = y[:, t] - level - season[:, :, r]
        sse += err * err
        level += ga * err
        season[:, :, r] += gg * err
    best = np.argmin(sse, axis=0)
    cols = np.arange(n_prod)
    return {
        "alpha": grid_a.reshape(-1)[best],
        "gamma": grid_g.reshape(-1)[best],
        "sigma2": sse[best, cols] / n,
        "level": level[best, cols],
        "season": season[best, cols, :],
    }


def smoothing_forecast(
    cube: Cube,
    targets: Targets,
    as_of_day: int,
    *,
    window: int,
    by_weekday: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Return mean and std of demand in each target bucket, shape (T,) each (module doc).

    ``cube`` must be unconstrained already (``unconstrain_cube``).
    """
    fit = fit_ets(cube.readings[:, : as_of_day + 1, 0])
    k = targets.s - as_of_day
    phase = np.mod(targets.s, _SEASON)
    final = np.maximum(fit["level"][targets.p] + fit["season"][targets.p, phase], 0.0)
    a = fit["alpha"][targets.p]
    g = fit["gamma"][targets.p]
    var = fit["sigma2"][targets.p] * (
        1.0 + (k - 1) * a * a + np.floor_divide(k - 1, _SEASON) * g * (2 * a + g)
    )
    idx, ok = comparable_dates(
        targets, as_of_day, window=window, by_weekday=by_weekday, advanced=False
    )
    bucket, _ = gather_stats(cube, targets, idx, ok, targets.a, targets.c)
    total, _ = gather_stats(cube, targets, idx, ok, None, np.zeros_like(targets.c))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, np.clip(bucket / total, 0.0, 1.0), 0.0)
    mean = share * final
    std = np.sqrt(share * share * var + share * (1.0 - share) * final)
    return mean, std
