"""Dense booking curves: gross bookings by product, service date and days before.

The cube is the working form of a history for forecasting. ``readings[p, d, x]``
is the number of units of product ``p`` for service date ``start + d`` booked at
least ``x`` days before service, i.e. on hand (gross of cancellations) at the close
of the day ``x`` days before service; ``x = horizon`` collects everything booked
that early or earlier. Readings are known on day ``t`` when ``start + d - x <= t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Cube", "build_cube", "days_before"]


@dataclass(frozen=True)
class Cube:
    """Gross booking readings of a history; see the module docstring.

    Attributes
    ----------
    products : ndarray of str, shape (P,)
        Product ids, sorted.
    start : numpy.datetime64
        First service date (day resolution) of the date axis.
    readings : ndarray, shape (P, D, H + 1)
        Cumulative gross units booked at least ``x`` days before service.
    closed : ndarray of int64, shape (P, D)
        Days before service on which the product closed; -1 when it never closed.
        Readings with ``x <= closed`` are censored (demand was turned away).
    end : numpy.datetime64
        Last day of data in the history (day resolution).
    """

    products: np.ndarray
    start: np.datetime64
    readings: np.ndarray
    closed: np.ndarray
    end: np.datetime64

    @property
    def n_dates(self) -> int:
        """Number of service dates on the date axis."""
        return int(self.readings.shape[1])

    @property
    def horizon(self) -> int:
        """Largest days-before index ``H``."""
        return int(self.readings.shape[2] - 1)

    def day(self, date: np.datetime64) -> int:
        """Index of a calendar day on the date axis (may be out of range)."""
        return int((np.datetime64(date, "D") - self.start).astype(np.int64))


def days_before(history: pd.DataFrame) -> np.ndarray:
    """Whole days between booking and service (0 = booked on the service date), int64."""
    service = history["service_date"].to_numpy().astype("datetime64[D]")
    booked = history["booked_at"].to_numpy().astype("datetime64[D]")
    return (service - booked).astype(np.int64)


def data_end(history: pd.DataFrame) -> np.datetime64:
    """Return the last day with data: the latest booking or cancellation day."""
    if len(history) == 0:
        raise InputError("history", "has no bookings")
    booked = history["booked_at"].to_numpy().astype("datetime64[D]")
    cancelled = history["cancelled_at"].to_numpy().astype("datetime64[D]")
    cancelled = cancelled[~np.isnat(cancelled)]
    end = booked.max()
    if cancelled.size:
        end = max(end, cancelled.max())
    return end


def build_cube(
    history: pd.DataFrame,
    closures: pd.DataFrame | None,
    *,
    horizon: int,
    through: np.datetime64 | None = None,
) -> Cube:
    """Build the cube of a validated history.

    Parameters
    ----------
    history : DataFrame
        Validated history (:func:`~yieldopt.forecast.validate_history`).
    closures : DataFrame or None
        Validated closures; closures of unknown products are ignored.
    horizon : int
        Largest days-before index kept separately (``H``), >= 1.
    through : numpy.datetime64, optional
        Extend the date axis at least to this service date (for forecasts).

    Returns
    -------
    Cube
    """
    if len(history) == 0:
        raise InputError("history", "has no bookings")
    p_idx, uniques = pd.factorize(history["product"], sort=True)
    products = np.asarray(uniques, dtype=object)
    service = history["service_date"].to_numpy().astype("datetime64[D]")
    start = service.min()
    last = service.max() if through is None else max(service.max(), np.datetime64(through, "D"))
    n_dates = int((last - start).astype(np.int64)) + 1
    d_idx = (service - start).astype(np.int64)
    b = np.minimum(days_before(history), horizon)
    width = horizon + 1
    flat = (p_idx.astype(np.int64) * n_dates + d_idx) * width + b
    counts = np.bincount(
        flat,
        weights=history["quantity"].to_numpy(dtype=np.float64),
        minlength=products.size * n_dates * width,
    ).reshape(products.size, n_dates, width)
    readings = np.flip(np.cumsum(np.flip(counts, axis=2), axis=2), axis=2)

    closed = np.full((products.size, n_dates), -1, dtype=np.int64)
    if closures is not None and len(closures):
        c_prod = closures["product"].to_numpy(dtype=object)
        c_pos = np.searchsorted(products, c_prod)
        c_pos = np.minimum(c_pos, products.size - 1)
        known = products[c_pos] == c_prod
        c_day = closures["service_date"].to_numpy().astype("datetime64[D]")
        c_idx = (c_day - start).astype(np.int64)
        c_b = (c_day - closures["closed_at"].to_numpy().astype("datetime64[D]")).astype(np.int64)
        keep = known & (c_idx >= 0) & (c_idx < n_dates)
        # several closures of one curve: the earliest (largest days before) counts
        np.maximum.at(closed, (c_pos[keep], c_idx[keep]), c_b[keep])
    return Cube(products, start, readings, closed, data_end(history))
