r"""Unconstrain a history before forecasting: fill in the demand that closures turned away.

A service date whose product closed ``k`` days before service (closure known on
``as_of``) has bookings :math:`y = R(0)`, and its true final demand is only known to
be at least :math:`y`. For each product and weekday, the final demand of the complete
service dates of the last ``weeks`` weeks before ``as_of`` (closed ones censored) is
unconstrained with :func:`~yieldopt.forecast.unconstrain` into
:math:`(\mu, \sigma)`. Each closed date then gets the imputed final demand

* ``em``, ``pd``: :math:`\hat D = \max(y,\ \mu + \sigma\lambda((y - 0.5 - \mu)/\sigma))`,
  the conditional mean :math:`E[D \mid D \ge y]` (:math:`\lambda` the inverse Mills
  ratio, 0.5 the continuity correction for whole units);
* ``discard``, ``replace``: :math:`\hat D = \max(y, \mu_u)` with :math:`\mu_u` the mean
  of the dates that stayed open (the two coincide here);
* ``naive``: :math:`\hat D = y` (nothing is added).

The turned-away demand :math:`\hat D - y` is spread over the days after the closure
(``x <= k`` days before service) like the product's booking profile: with
:math:`Q(x)` the share of final demand booked at least ``x`` days before service
(ratio of sums over the open complete dates of the same window), the reading at
``x <= k`` grows by :math:`(\hat D - y)\,(Q(x) - Q(k+1))/(1 - Q(k+1))`. The result is
a cube without censoring, from which every forecast method works.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfcx

from ._cube import Cube
from ._unconstrain import unconstrain_batch

__all__ = ["IMPUTE_WEEKS", "unconstrain_cube"]

#: Weeks of complete service dates behind each (product, weekday) estimate.
IMPUTE_WEEKS = 26
_SEASON = 7


def unconstrain_cube(cube: Cube, as_of_day: int, method: str, weeks: int = IMPUTE_WEEKS) -> Cube:
    """Return the cube with the demand turned away by closures known on ``as_of`` filled in.

    Parameters
    ----------
    cube : Cube
        Observed readings and closures.
    as_of_day : int
        Index of ``as_of`` on the date axis; later closures are unknown and ignored.
    method : str
        Unconstraining method (see the module docstring).
    weeks : int
        Weeks of complete service dates per estimate.

    Returns
    -------
    Cube
        Same axes, ``closed`` all -1, readings including the imputed demand.
    """
    n_prod, n_dates, width = cube.readings.shape
    d_all = np.arange(n_dates)
    known = (cube.closed >= 0) & ((d_all[None, :] - cube.closed) <= as_of_day)
    open_cube = Cube(
        cube.products, cube.start, cube.readings, np.full_like(cube.closed, -1), cube.end
    )
    if not known.any() or method == "naive":
        return open_cube
    # sample: the complete dates of the last `weeks` weeks, one row per (product, phase)
    last = as_of_day
    first = max(0, last - weeks * _SEASON + 1)
    days = np.arange(first, last + 1)
    phase = np.mod(days, _SEASON)
    slot = (days - first) // _SEASON
    n_slots = int(slot.max()) + 1
    y = np.zeros((n_prod, _SEASON, n_slots))
    cens = np.zeros_like(y, dtype=bool)
    ok = np.zeros_like(y, dtype=bool)
    y[:, phase, slot] = cube.readings[:, days, 0]
    cens[:, phase, slot] = known[:, days]
    ok[:, phase, slot] = True
    mu, sd = unconstrain_batch(
        y.reshape(-1, n_slots),
        cens.reshape(-1, n_slots),
        ok.reshape(-1, n_slots),
        "discard" if method == "replace" else method,
        continuity=0.5,
    )
    mu = np.nan_to_num(mu.reshape(n_prod, _SEASON), nan=0.0)
    sd = np.nan_to_num(sd.reshape(n_prod, _SEASON), nan=0.0)

    p_idx, d_idx = np.nonzero(known)
    obs = cube.readings[p_idx, d_idx, 0]
    m = mu[p_idx, d_idx % _SEASON]
    s = sd[p_idx, d_idx % _SEASON]
    if method in ("discard", "replace"):
        target = m
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (obs - 0.5 - m) / s
            tail = m + s * np.sqrt(2 / np.pi) / erfcx(z / np.sqrt(2))
        target = np.where(s > 0, tail, m)
    extra = np.maximum(target - obs, 0.0)

    # booking profile Q[p, x] from the open complete dates of the window (Q[:, width] = 0)
    open_days = ~known[:, days]
    totals = (cube.readings[:, days, :] * open_days[:, :, None]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(totals[:, :1] > 0, totals / totals[:, :1], 0.0)
    q = np.concatenate([q, np.zeros((n_prod, 1))], axis=1)
    q[:, 0] = 1.0
    k = np.minimum(cube.closed[p_idx, d_idx], width - 1)
    q_after = q[p_idx, k + 1]
    x = np.arange(width)
    span = 1.0 - q_after
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(
            span[:, None] > 0,
            (q[p_idx][:, :width] - q_after[:, None]) / span[:, None],
            1.0,
        )
    frac = np.where(x[None, :] <= k[:, None], np.clip(frac, 0.0, 1.0), 0.0)
    readings = cube.readings.copy()
    readings[p_idx, d_idx, :] += extra[:, None] * frac
    return Cube(cube.products, cube.start, readings, open_cube.closed, cube.end)
