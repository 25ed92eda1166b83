"""Per-resource results of a simulation: nights (hotel) or legs (airline), per policy.

Everything here is computed from per-path arrays concatenated in path order, so the
numbers are the same floats for any chunk size, number of workers or cluster.

Revenue attribution: a booking's price is split *equally* over the resources it uses
(a three-night stay gives a third of its price to each night). Products carry one
price, not a price per resource, so an equal split is the only attribution that needs
no other input and sums back to the booking revenue.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy import stats

from ..control import ControlModel
from ..model import Network
from ._engine import CURVE_BINS, SPILL_REASONS

__all__ = [
    "RESOURCE_COLUMNS",
    "booking_curve_frame",
    "days_before",
    "product_classes",
    "product_mix_frame",
    "resource_frame",
]

#: Columns of :attr:`SimulationResult.resources`, in order.
RESOURCE_COLUMNS = [
    "policy",
    "resource",
    "capacity",
    "authorized",
    "sold_mean",
    "sold_std",
    "sold_hw95",
    "occupied_mean",
    "occupied_std",
    "occupied_hw95",
    "occupancy",
    "occupancy_hw95",
    "sold_ratio",
    "authorized_ratio",
    "revenue_mean",
    "revenue_std",
    "revenue_hw95",
    "revenue_per_unit",
    "denied_mean",
    "denied_std",
    "denied_hw95",
    "spill_mean",
    "spill_std",
    "spill_hw95",
    *(f"spill_{r}" for r in SPILL_REASONS),
    "samples",
]

Arrays = Mapping[str, NDArray[np.float64] | None]


def days_before(horizon: NDArray[np.float64] | float, horizon_days: float) -> NDArray[np.float64]:
    """Days before arrival (or departure) of horizon fractions (0 = opening of sales)."""
    return horizon_days * (1.0 - np.asarray(horizon, dtype=np.float64))


def _spread(x: NDArray[np.float64]) -> tuple[NDArray, NDArray, NDArray]:
    """Mean, standard deviation (ddof 1) and 95% half-width (Student t) over axis 0."""
    s = x.shape[0]
    mean = x.mean(axis=0)
    if s < 2:
        nan = np.full(mean.shape, np.nan)
        return mean, nan, nan
    std = x.std(axis=0, ddof=1)
    return mean, std, stats.t.ppf(0.975, s - 1) * std / np.sqrt(s)


def _share_per_resource(model: ControlModel) -> sp.csr_array:
    """Incidence (m, n) with each product's column divided by its number of resources."""
    a = sp.csr_array(model.network.incidence)
    nres = np.asarray(a.sum(axis=0)).ravel()
    return sp.csr_array(a.multiply(1.0 / np.maximum(nres, 1.0)[None, :]))


def resource_frame(model: ControlModel, policy: str, arrays: Arrays) -> pd.DataFrame:
    """One row per resource for ``policy`` (columns :data:`RESOURCE_COLUMNS`).

    Parameters
    ----------
    model : ControlModel
        The simulated model.
    policy : str
        Policy label.
    arrays : mapping
        Per-path arrays of all sample paths in path order: ``product_units`` and
        ``product_shown`` (S, n), ``resource_spill`` (S, m) and ``spill_reasons``
        (S, 3, m) or ``None``.
    """
    a = model.network.incidence
    units, shown = _need(arrays, "product_units"), _need(arrays, "product_shown")
    sold = (a @ units.T).T  # (S, m) resource units of kept bookings
    load = (a @ shown.T).T  # shown customers per resource
    occupied = np.minimum(load, model.capacity)
    denied = np.maximum(load - model.capacity, 0.0)
    revenue = (_share_per_resource(model) @ (units * model.prices).T).T
    cap = model.capacity.astype(np.float64)
    safe = np.where(cap > 0, cap, np.nan)
    out: dict[str, object] = {
        "policy": policy,
        "resource": list(model.network.resource_ids),
        "capacity": cap,
        "authorized": model.authorized.astype(np.float64),
    }
    stats_of = {
        "sold": _spread(sold),
        "occupied": _spread(occupied),
        "revenue": _spread(revenue),
        "denied": _spread(denied),
        "spill": _spread(_need(arrays, "resource_spill")),
    }
    for name, (mean, std, hw) in stats_of.items():
        out[f"{name}_mean"], out[f"{name}_std"], out[f"{name}_hw95"] = mean, std, hw
    sold_mean, rev_mean = stats_of["sold"][0], stats_of["revenue"][0]
    out["occupancy"] = stats_of["occupied"][0] / safe
    out["occupancy_hw95"] = stats_of["occupied"][2] / safe
    out["sold_ratio"] = sold_mean / safe
    out["authorized_ratio"] = model.authorized / safe
    with np.errstate(invalid="ignore", divide="ignore"):
        out["revenue_per_unit"] = np.where(sold_mean > 0, rev_mean / sold_mean, np.nan)
    reasons = arrays.get("spill_reasons")
    for k, reason in enumerate(SPILL_REASONS):
        out[f"spill_{reason}"] = (
            np.full(cap.size, np.nan) if reasons is None else reasons[:, k].mean(axis=0)
        )
    out["samples"] = units.shape[0]
    return pd.DataFrame(out)[RESOURCE_COLUMNS]


def product_classes(network: Network) -> NDArray[np.str_]:
    """Fare class or rate plan of each product, shape (n,).

    The last ``/``-separated part of the product id after dropping a trailing part
    equal to the product's segment (``S0-HUB/0/Y`` → ``Y``,
    ``2026-12-07/2n/CORP/business`` → ``CORP``); the whole id when it has no ``/``.
    """
    out = []
    for p in network.products:
        parts = p.id.split("/")
        if len(parts) > 1 and p.segment is not None and parts[-1] == p.segment:
            parts = parts[:-1]
        out.append(parts[-1] if len(parts) > 1 else p.id)
    return np.array(out, dtype=str)


def product_mix_frame(model: ControlModel, policy: str, arrays: Arrays) -> pd.DataFrame:
    """Mean kept units and attributed revenue per resource and product class.

    Returns
    -------
    DataFrame
        ``policy``, ``resource``, ``product_class``, ``units_mean`` (units),
        ``revenue_mean`` (money, equal split over a product's resources) and ``share``
        (of the resource's mean units sold; 0 when it sold nothing). One row for every
        class with a product on the resource, classes by descending mean price.
    """
    classes = product_classes(model.network)
    names, which = np.unique(classes, return_inverse=True)
    price = np.bincount(which, weights=model.prices) / np.bincount(which)
    order = np.argsort(-price, kind="stable")
    mean_units = _need(arrays, "product_units").mean(axis=0)  # (n,)
    # One entry per (resource, product) of the incidence; sum them per (resource, class).
    a = sp.coo_array(model.network.incidence)
    res, prod = a.row.astype(np.int64), a.col.astype(np.int64)
    nres = np.bincount(prod, minlength=classes.size)
    rank = np.empty(names.size, dtype=np.int64)
    rank[order] = np.arange(names.size)  # classes by descending mean price
    keys, cell = np.unique(res * names.size + rank[which[prod]], return_inverse=True)
    units = np.bincount(cell, weights=mean_units[prod], minlength=keys.size)
    money = mean_units[prod] * model.prices[prod] / nres[prod]
    revenue = np.bincount(cell, weights=money, minlength=keys.size)
    row, cls = keys // names.size, order[keys % names.size]
    total = np.bincount(row, weights=units, minlength=model.n_resources)[row]
    share = np.divide(units, total, out=np.zeros_like(units), where=total > 0)
    return pd.DataFrame(
        {
            "policy": policy,
            "resource": np.asarray(model.network.resource_ids, dtype=object)[row],
            "product_class": names[cls],
            "units_mean": units,
            "revenue_mean": revenue,
            "share": share,
        }
    )


def expected_requests(model: ControlModel, edges: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """Cumulative expected requests at horizon fractions ``edges``: (true, believed).

    The believed curve is what the optimizers planned with: each stream's expected
    requests scaled by the forecast's belief about its most expensive product (the
    product its demand counts for, see ``CustomerStreams.to_products``).
    """
    cs = model.customers
    cdf = np.array([cs.cdf(float(e)) for e in edges])  # (B, K)
    cm = cs.choice_matrix
    top = cm[np.arange(cm.shape[0]), (cm >= 0).sum(axis=1) - 1]
    return cdf @ cs.mean, cdf @ (cs.mean * model.belief[top])


def booking_curve_frame(
    model: ControlModel,
    policy: str,
    curve: NDArray[np.float64],
    request_curve: NDArray[np.float64],
    horizon_days: float,
) -> pd.DataFrame:
    """Mean bookings per horizon bin against the forecast, one row per bin.

    Parameters
    ----------
    curve, request_curve : ndarray, shape (S, CURVE_BINS)
        Bookings made and requests per path and bin, all paths in path order.
    horizon_days : float
        Length of the booking horizon in days.
    """
    start = np.arange(CURVE_BINS) / CURVE_BINS
    end = (np.arange(CURVE_BINS) + 1) / CURVE_BINS
    bookings = curve.mean(axis=0)
    expected, believed = expected_requests(model, end)
    return pd.DataFrame(
        {
            "policy": policy,
            "horizon": start,
            "days_before": days_before(end, horizon_days),
            "days_before_start": days_before(start, horizon_days),
            "bookings": bookings,
            "cumulative": np.cumsum(bookings),
            "requests_cumulative": np.cumsum(request_curve.mean(axis=0)),
            "forecast_cumulative": believed,
            "expected_cumulative": expected,
        }
    )


def _need(arrays: Arrays, key: str) -> NDArray[np.float64]:
    x = arrays.get(key)
    if x is None:
        raise ValueError(f"per-path {key} missing")  # every policy and hindsight record it
    return x
