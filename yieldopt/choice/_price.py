"""Price sensitivity per segment from a reservation history in which rates varied.

A deliberately simple, documented estimator: for each segment, the bookings made for each
arrival day (rooms, cancellations excluded) and their room-weighted mean rate are regressed by
ordinary least squares as

    log(bookings_d) = a + ε · log(rate_d) + weekday_d + month_d + year_d + error,

with weekday, calendar-month and year dummies absorbing the weekly, seasonal and yearly
pattern of demand.
``ε`` is the price elasticity of bookings (−1.5: 1 % higher rate, 1.5 % fewer bookings).

Caveat — endogeneity: the observed rates were not set at random. Revenue managers (and rate
engines) raise rates when they expect demand to be high, so high rates coincide with high
demand and the estimate is biased towards zero or even positive; the controls absorb only the
weekly, seasonal and yearly part of that. Days without bookings are not seen (the log of
0), which biases further. Treat the figure as descriptive; a causal elasticity needs price
experiments or an instrument (e.g. cost shocks, competitor rates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yieldopt.errors import InputError

__all__ = ["PriceSensitivity", "price_sensitivity"]

CAVEAT = (
    "observed rates were not set at random (they rise when demand is expected to be high), "
    "so the elasticities are biased towards zero; weekday, month and year controls absorb "
    "only part of it; descriptive, not causal"
)


@dataclass(frozen=True)
class PriceSensitivity:
    """Result of :func:`price_sensitivity`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by segment: ``elasticity`` (d log bookings / d log rate), ``std_err``
        (OLS, homoskedastic), ``n_days`` (arrival days used), ``rate_cv`` (coefficient of
        variation of the daily mean rate: how much prices varied), ``r2``, and ``estimated``
        (False when a segment has too few days or no rate variation; then NaN).
    caveat : str
        The endogeneity caveat: the rates were not set at random.
    """

    table: pd.DataFrame
    caveat: str = CAVEAT


def _ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """OLS coefficients, their standard errors and R²."""
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = max(X.shape[0] - np.linalg.matrix_rank(X), 1)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.pinv(X.T @ X)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else np.nan
    return coef, np.sqrt(np.maximum(np.diag(cov), 0.0)), r2


def price_sensitivity(
    reservations: pd.DataFrame, *, by: str = "segment", min_days: int = 30
) -> PriceSensitivity:
    """Estimate each segment's price elasticity of bookings by log-log regression.

    Parameters
    ----------
    reservations : pandas.DataFrame
        Reservation table (``yieldopt.ingest`` contract) with at least ``arrival``,
        ``rate`` (money per room-night), ``status``, the ``by`` column and optionally
        ``rooms`` (1 when absent). Cancelled reservations are left out (they are not sales).
    by : str
        Column naming the segment.
    min_days : int
        Fewest arrival days with bookings for a segment to be estimated.

    Returns
    -------
    PriceSensitivity
        Elasticities per segment and the endogeneity caveat (module docstring).
    """
    need = {"arrival", "rate", "status", by}
    missing = sorted(need - set(reservations.columns))
    if missing:
        raise InputError("reservations", f"missing columns {missing}")
    df = reservations[reservations["status"] != "cancelled"]
    rooms = df["rooms"].to_numpy(float) if "rooms" in df else np.ones(len(df))
    rate = df["rate"].to_numpy(float)
    if not np.all(np.isfinite(rate)) or np.any(rate < 0):
        raise InputError("rate", "must be finite and non-negative")
    day = pd.to_datetime(df["arrival"]).dt.normalize()
    work = pd.DataFrame(
        {"seg": df[by].to_numpy(), "day": day.to_numpy(), "rooms": rooms, "revenue": rooms * rate}
    )
    # Zero-rate rows (complimentary) carry no price signal and break the log.
    work = work[work["revenue"] > 0]
    daily = work.groupby(["seg", "day"], sort=True)[["rooms", "revenue"]].sum().reset_index()
    daily["rate"] = daily["revenue"] / daily["rooms"]
    rows = []
    for seg, g in daily.groupby("seg", sort=True):
        n = len(g)
        cv = float(g["rate"].std(ddof=0) / g["rate"].mean()) if n else np.nan
        out = {"elasticity": np.nan, "std_err": np.nan, "n_days": n, "rate_cv": cv}
        out["r2"] = np.nan
        out["estimated"] = False
        if n >= min_days and cv > 1e-9:
            d = pd.to_datetime(g["day"])
            controls = pd.get_dummies(
                pd.DataFrame(
                    {
                        "w": d.dt.day_of_week.astype(str),
                        "m": d.dt.month.astype(str),
                        "y": d.dt.year.astype(str),
                    }
                ),
                drop_first=True,
                dtype=float,
            ).to_numpy()
            X = np.column_stack([np.ones(n), np.log(g["rate"].to_numpy()), controls])
            coef, se, r2 = _ols(np.log(g["rooms"].to_numpy()), X)
            out.update(elasticity=coef[1], std_err=se[1], r2=r2, estimated=True)
        rows.append(pd.Series(out, name=seg))
    cols = ["elasticity", "std_err", "n_days", "rate_cv", "r2", "estimated"]
    table = pd.DataFrame(rows, columns=cols)
    table.index.name = by
    if len(table):
        table = table.astype(
            {"elasticity": float, "std_err": float, "n_days": int, "rate_cv": float, "r2": float}
        )
        table["estimated"] = table["estimated"].astype(bool)
    return PriceSensitivity(table=table)
