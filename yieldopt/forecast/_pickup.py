r"""Pickup forecasts: remaining demand from the pickup of comparable service dates.

For a target (product, service date ``s`` ``h`` days after ``as_of``, bucket
``(a, c)``) the *pickup* of a comparable past service date ``s'`` is
:math:`P = R_{s'}(c) - R_{s'}(a)`, its bookings between the readings at ``a`` and
``c`` days before service. Comparable dates are the ``window`` most recent dates
(of the same weekday as ``s`` when ``by_weekday``) whose pickup is already known:

* *classical* pickup uses only complete booking curves: ``s' <= as_of``;
* *advanced* pickup also uses incomplete curves whose reading at ``c`` is known:
  ``s' <= as_of + c``, so recent dates inform the early buckets.

The history is unconstrained first (``unconstrain_cube``): closed dates get
the demand they turned away, spread over the days after the closure, so pickups
are taken from uncensored curves.

* Additive: mean :math:`\mu_P`, std :math:`\sigma_P`.
* Multiplicative (ratio of means): with :math:`B = R_s(h)` the units on hand for
  the target and :math:`\mu_h` the unconstrained mean of :math:`R_{s'}(h)` over the
  same comparable dates, mean :math:`B\,\mu_P/\mu_h` and std
  :math:`B\,\sigma_P/\mu_h`. Nothing on hand means no more demand expected, the
  method's known weakness far from service; when :math:`\mu_h = 0` the ratio is
  undefined and the additive values are used.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ._buckets import Targets
from ._cube import Cube
from ._unconstrain import unconstrain_batch

__all__ = ["comparable_dates", "gather_stats", "pickup_forecast"]


def comparable_dates(
    targets: Targets,
    as_of_day: int,
    *,
    window: int,
    by_weekday: bool,
    advanced: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Date indices of the comparable service dates of each target.

    Returns
    -------
    idx : ndarray of int, shape (T, window)
        Date indices, most recent first (clipped to 0 where invalid).
    ok : ndarray of bool, shape (T, window)
        Which entries are real dates of the history.
    """
    step = 7 if by_weekday else 1
    last = as_of_day + (targets.c if advanced else 0)
    newest = last - np.mod(last - targets.s, step)
    idx = newest[:, None] - step * np.arange(window)[None, :]
    ok = idx >= 0
    if not ok[:, 0].all():
        raise InputError(
            "history",
            "too short: no comparable service date"
            + (" of the same weekday" if by_weekday else "")
            + " is complete on as_of; use an earlier-starting history or a later as_of",
        )
    return np.where(ok, idx, 0), ok


def gather_stats(
    cube: Cube,
    targets: Targets,
    idx: np.ndarray,
    ok: np.ndarray,
    upper: np.ndarray | None,
    lower: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return mean and sample std of ``R(lower) - R(upper)`` over comparable dates.

    ``upper=None`` means the reading ``R(lower)`` itself; shapes (T,).
    """
    p = targets.p[:, None]
    values = cube.readings[p, idx, lower[:, None]]
    if upper is not None:
        values = values - cube.readings[p, idx, upper[:, None]]
    return unconstrain_batch(values, np.zeros_like(ok), ok, "naive")


def pickup_forecast(
    cube: Cube,
    targets: Targets,
    as_of_day: int,
    *,
    kind: str,
    advanced: bool,
    window: int,
    by_weekday: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Return mean and std of demand in each target bucket, shape (T,) each (module doc).

    ``cube`` must be unconstrained already (``unconstrain_cube``).
    """
    idx, ok = comparable_dates(
        targets, as_of_day, window=window, by_weekday=by_weekday, advanced=advanced
    )
    mean, std = gather_stats(cube, targets, idx, ok, targets.a, targets.c)
    mean = np.maximum(mean, 0.0)
    if kind == "additive":
        return mean, std
    on_hand = cube.readings[targets.p, targets.s, targets.h]
    level, _ = gather_stats(cube, targets, idx, ok, None, targets.h)
    use = level > 0
    scale = np.where(use, on_hand / np.where(use, level, 1.0), 1.0)
    return mean * scale, std * scale
