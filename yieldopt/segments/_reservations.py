r"""Segment values from a reservation export, with the guests' consent.

A property-management system's reservation export (the contract of
:func:`yieldopt.ingest.validate_reservations`) already holds what CRM valuation needs:
what each stay paid, what else the guest bought, and, through ``customer_id`` or
``is_repeat``, whether guests come back. :func:`reservation_values` turns the stays
into the transactions of :func:`~yieldopt.segments.segment_values` and values a
booking per segment with the same model.

Stays
    A ``checked_out`` reservation is a stay: it pays
    ``rate * max(nights, 1) * rooms`` (a day-use room, 0 nights, pays its rate once),
    its ancillaries (below) and costs ``cost_to_serve * max(nights, 1) * rooms``. A
    ``no_show`` pays ``rate * min(no_show_nights, nights) * rooms`` (a guaranteed
    reservation is usually charged its first night) with no ancillary and no cost
    (nobody stayed); with ``no_show_nights = 0`` no-shows are not bookings.
    ``cancelled`` and ``booked`` reservations pay nothing here (cancellations are
    the overbooking model's business). A stay's date is the day its outcome is
    known: the departure day of a check-out, the arrival day of a no-show. With
    ``as_of``, only stays known on that day count (booked on or before it, checked
    out or no-show by then), so cutting the export at ``as_of`` changes nothing.
Ancillaries
    Each ``ancillary_*`` column is money per reservation unless
    ``ancillary_rates`` prices it (:class:`AncillaryRate`): a column's value (an
    indicator such as board, a count such as parking spaces) times ``amount``, per
    stay, per night, per room-night or per guest-night. The defaults
    (:data:`DEFAULT_ANCILLARY_RATES`) state what the built-in ``hotel-booking-demand``
    mapping's indicator columns are worth when the caller says nothing: 0, because
    that export carries no price for them (and its ``adr`` already includes board
    sold in the rate), so they add nothing unless priced; ``.note`` says so.
Consent
    A guest who did not consent (``consent`` false for any of their reservations;
    with ``require_consent``, also when it is missing) is not valued as a person:
    their ``customer_id``, ``is_repeat`` and any other history are not used for
    retention, bookings per customer or future value. Their stays still count,
    anonymously, in the segment aggregates: ``bookings``, and revenue, ancillary,
    cost and contribution per booking.
Retention
    With guest ids, exactly as :func:`~yieldopt.segments.segment_values` (share of a
    horizon's guests who come back the next horizon), on the valued guests. Without
    ids (the shared export has none), from ``is_repeat``: :math:`\hat r_s` = share of
    the segment's valued stays whose guest stayed before. In a stationary flow where
    each guest stays once per horizon and comes back the next with probability
    :math:`r` (:math:`N_t = \text{new} + r N_{t-1}`), the repeat share of a horizon's
    guests is :math:`r`; returns after a gap of more than a horizon bias it upward.
    Each valued stay then counts as one guest (nothing links two stays), so
    ``bookings_per_customer`` is 1. A segment without valued guests gets the
    retention pooled over all valued guests; with none at all (no ids, no
    ``is_repeat``, or nobody consented) retention is NaN, with a ``UserWarning``, and
    future values are 0.
Future value
    ``future_value_per_booking`` :math:`= c\,r/(1+\delta-r)` with :math:`c` the
    segment's contribution per booking over all its stays (a stay is worth the same
    whoever made it) and :math:`r` the valued guests' retention, as in
    :mod:`yieldopt.segments._values`; the export has no referrals (0).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._table import DateLike, parse_day
from ..errors import InputError
from ..ingest import validate_reservations
from ._ancillary import DEFAULT_ANCILLARY_RATES, AncillaryRate, _number, _positive, _rates
from ._reservation_guests import _by_guest_id, _by_repeat_share, _note
from ._values import SEGMENT_VALUE_COLUMNS, segment_records

__all__ = [
    "DEFAULT_ANCILLARY_RATES",
    "AncillaryRate",
    "ReservationValues",
    "reservation_values",
]

_ANON = "anon:"  # prefix of the pseudonymous ids of stays not valued per guest
_SEP = "/"  # joins the labels of several segment_by columns


@dataclass(frozen=True)
class ReservationValues:
    """What :func:`reservation_values` returns.

    Attributes
    ----------
    values : DataFrame
        Indexed by ``segment`` with the columns of
        :data:`~yieldopt.segments.SEGMENT_VALUE_COLUMNS` (money per booking or per
        customer, rates as fractions), as :func:`~yieldopt.segments.segment_values`.
    transactions : DataFrame
        The stays as transactions (``customer_id``, ``date``, ``segment``,
        ``revenue``, ``ancillary_revenue``, ``cost_to_serve``, ``referrals``) plus
        ``reservation_id`` and ``guest_level`` (whether the stay's guest was valued);
        stays not valued per guest carry the pseudonym ``anon:<reservation_id>``.
    guests_valued : int
        Guests valued at guest level: distinct consenting ``customer_id`` s, or
        without ids, consenting stays with a known ``is_repeat`` (one guest each).
    guests_counted_only : int
        Guests whose stays only count in the segment aggregates: non-consenting
        guests (distinct ids, or stays) and stays without guest data.
    retention_method : {"customer_id", "is_repeat", "none"}
        Where retention came from.
    as_of : numpy.datetime64
        The last day counted (``as_of``, or the last stay's day).
    note : str
        A short paragraph for the report: stays, guests valued and only counted,
        the retention method and the ancillary prices used.
    """

    values: pd.DataFrame
    transactions: pd.DataFrame
    guests_valued: int
    guests_counted_only: int
    retention_method: str
    as_of: np.datetime64
    note: str

    @property
    def records(self) -> list[dict[str, Any]]:
        """The network model's segment records (see :func:`segment_records`)."""
        return segment_records(self.values)


def _labels(res: pd.DataFrame, segment_by: str | Sequence[str]) -> pd.Series:
    """Segment label per reservation; several columns are joined with ``/``."""
    cols = [segment_by] if isinstance(segment_by, str) else list(segment_by)
    if not cols:
        raise InputError("segment_by", "names no column")
    parts = []
    for col in cols:
        if col not in res.columns:
            names = ", ".join(map(str, res.columns))
            raise InputError("segment_by", f"no column {col!r} in the reservations ({names})")
        s = res[col].astype("str").where(res[col].notna()).str.strip()
        missing = (s.isna() | (s == "")).to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise InputError(col, f"missing segment value; first bad row {i}")
        parts.append(s)
    label = parts[0]
    for s in parts[1:]:
        label = label + _SEP + s
    return label


def reservation_values(
    reservations: pd.DataFrame,
    *,
    as_of: DateLike | None = None,
    property: str | None = None,  # the contract's word, shadowing the builtin here only
    segment_by: str | Sequence[str] = "segment",
    ancillary_rates: Mapping[str, AncillaryRate | float] | None = None,
    cost_to_serve: float | None = None,
    no_show_nights: int = 1,
    require_consent: bool = False,
    horizon_days: int = 365,
    discount_rate: float = 0.10,
    future_weight: float = 1.0,
) -> ReservationValues:
    """Value a booking per segment from a reservation export (rules in the module docstring).

    Parameters
    ----------
    reservations : DataFrame
        The reservation contract (e.g. ``read_reservations(...).reservations``);
        validated here. Optional ``customer_id``, ``is_repeat``, ``consent`` and
        ``ancillary_*`` columns are used when present.
    as_of : date, optional
        Last day counted: only stays known by then (booked on or before it,
        checked out or no-show on or before it). Default: every stay of the export.
    property : str, optional
        Value only this property's reservations; required when there are several.
    segment_by : str or sequence of str
        Column(s) whose values are the segments, e.g. ``"segment"`` (market segment)
        or ``("segment", "customer_type")`` (labels joined with ``/``).
    ancillary_rates : mapping, optional
        Price of ``ancillary_*`` columns by name: an :class:`AncillaryRate`, or a
        number (money per unit per stay). Merged over
        :data:`DEFAULT_ANCILLARY_RATES`; other columns are money per reservation.
    cost_to_serve : float, optional
        Variable cost per occupied room-night (money), >= 0; default 0.
    no_show_nights : int
        Nights a no-show pays, >= 0 (default 1; 0: no-shows are not bookings).
    require_consent : bool
        Value a guest only when ``consent`` is true (missing consent counts only);
        by default only an explicit refusal excludes.
    horizon_days : int
        Retention horizon in days (see :func:`segment_values`).
    discount_rate : float
        Annual discount rate, > 0.
    future_weight : float
        Weight of the future value per booking in ``value_adjustment``, >= 0.

    Returns
    -------
    ReservationValues
        ``.values`` (one row per segment), ``.guests_valued``,
        ``.guests_counted_only``, ``.note``, and the stays as ``.transactions``.

    Raises
    ------
    InputError
        Bad reservations or parameters; several properties without ``property``;
        no stay known by ``as_of``.

    Warns
    -----
    UserWarning
        When retention cannot be estimated (NaN), and from :func:`segment_values`
        when guest ids span too short a time for ``horizon_days``.
    """
    if isinstance(no_show_nights, bool) or int(no_show_nights) != no_show_nights:
        raise InputError("no_show_nights", f"must be a whole number >= 0, got {no_show_nights!r}")
    if no_show_nights < 0:
        raise InputError("no_show_nights", f"must be a whole number >= 0, got {no_show_nights!r}")
    if isinstance(horizon_days, bool) or int(horizon_days) != horizon_days or horizon_days < 1:
        raise InputError("horizon_days", f"must be a whole number >= 1, got {horizon_days!r}")
    cost_rate = 0.0 if cost_to_serve is None else _number("cost_to_serve", cost_to_serve)
    rate = _positive("discount_rate", discount_rate)
    weight = _number("future_weight", future_weight)
    res = validate_reservations(reservations)
    props = pd.unique(res["property"])
    if property is not None:
        if property not in set(props):
            raise InputError(
                "property", f"{property!r} not in the reservations ({', '.join(map(str, props))})"
            )
        res = res[(res["property"] == property).to_numpy()].reset_index(drop=True)
    elif len(props) > 1:
        raise InputError(
            "property",
            f"the reservations hold {len(props)} properties ({', '.join(map(str, props))}); "
            "value one at a time",
        )
    label = _labels(res, segment_by)

    status = res["status"].to_numpy(dtype=object)
    arrival = res["arrival"].to_numpy().astype("datetime64[D]")
    departure = res["departure"].to_numpy().astype("datetime64[D]")
    stayed = status == "checked_out"
    no_show = (status == "no_show") & (no_show_nights > 0)
    known = np.where(stayed, departure, arrival)  # the day the outcome is recorded
    keep = stayed | no_show
    if as_of is not None:
        day = parse_day(as_of, "as_of")
        keep &= known <= day
    if not keep.any():
        where = "" if as_of is None else f" known by {day}"
        raise InputError("as_of" if as_of is not None else "reservations", f"no stay{where}")
    end = known[keep].max() if as_of is None else day

    stays = res[keep].reset_index(drop=True)
    label = label[keep].reset_index(drop=True)
    stayed = stayed[keep]
    nights = np.maximum(stays["nights"].to_numpy(dtype=np.float64), 1.0)
    rooms = stays["rooms"].to_numpy(dtype=np.float64)
    guests = stays["guests"].to_numpy(dtype=np.float64)
    paid_nights = np.where(stayed, nights, np.minimum(float(no_show_nights), nights))
    revenue = stays["rate"].to_numpy(dtype=np.float64) * paid_nights * rooms
    cost = np.where(stayed, cost_rate * nights * rooms, 0.0)
    anc_cols = [c for c in stays.columns if c.startswith("ancillary_")]
    rates = _rates(ancillary_rates, anc_cols)
    ancillary = np.zeros(len(stays))
    for col, price in rates.items():
        # an unknown (empty) ancillary cell adds nothing; no-shows bought nothing
        value = np.nan_to_num(stays[col].to_numpy(dtype=np.float64), nan=0.0)
        ancillary += np.where(stayed, price.money(value, nights, rooms, guests), 0.0)

    # Consent: a refusal on any of a guest's reservations excludes the guest.
    n = len(stays)
    if "consent" in stays.columns:
        consent = stays["consent"].astype("boolean")
        refused = consent.eq(False).fillna(False).to_numpy(dtype=bool)
        if require_consent:
            refused |= consent.isna().to_numpy(dtype=bool)
    else:
        refused = np.zeros(n, dtype=bool)
        if require_consent:
            refused[:] = True
    ids = stays["customer_id"] if "customer_id" in stays.columns else None
    has_id = np.zeros(n, dtype=bool) if ids is None else ids.notna().to_numpy()
    if has_id.any():
        assert ids is not None
        refusers = pd.unique(ids[refused & has_id])
        refused |= ids.isin(refusers).to_numpy()
    rid = stays["reservation_id"].astype("str")
    repeat: Any = None

    if has_id.any():
        method = "customer_id"
        valued = has_id & ~refused
        customer = ids.where(valued, _ANON + rid)  # type: ignore[union-attr]
        guests_valued = int(pd.unique(ids[valued]).size)  # type: ignore[index]
        counted = int(pd.unique(ids[has_id & refused]).size) + int((~has_id).sum())  # type: ignore[index]
    else:
        repeat = (
            stays["is_repeat"].array
            if "is_repeat" in stays.columns
            else pd.array([pd.NA] * n, dtype="boolean")
        )
        valued = ~refused & ~np.asarray(pd.isna(repeat), dtype=bool)
        method = "is_repeat" if valued.any() else "none"
        customer = _ANON + rid
        guests_valued = int(valued.sum())
        counted = n - guests_valued

    tx = pd.DataFrame(
        {
            "reservation_id": rid.array,
            "customer_id": pd.array(customer, dtype="str"),
            "date": known[keep].astype("datetime64[s]"),
            "segment": pd.array(label, dtype="str"),
            "revenue": revenue,
            "ancillary_revenue": ancillary,
            "cost_to_serve": cost,
            "referrals": 0.0,
            "guest_level": valued,
        }
    )

    # Segment aggregates: every stay, anonymous or not.
    g = tx.groupby("segment", sort=True)
    out = pd.DataFrame({"bookings": g.size()})
    sums = g[["revenue", "ancillary_revenue", "cost_to_serve"]].sum()
    out["revenue_per_booking"] = sums["revenue"] / out["bookings"]
    out["ancillary_per_booking"] = sums["ancillary_revenue"] / out["bookings"]
    out["cost_per_booking"] = sums["cost_to_serve"] / out["bookings"]
    out["contribution_per_booking"] = (
        out["revenue_per_booking"] + out["ancillary_per_booking"] - out["cost_per_booking"]
    )

    # Guest level: valued guests only.
    horizon = int(horizon_days)
    if method == "customer_id":
        guest = _by_guest_id(tx[valued], out.index, horizon, rate, end)
        horizon = int(guest.pop("retention_horizon_days").iloc[0]) if len(guest) else horizon
    else:
        guest = _by_repeat_share(tx, valued, repeat, out.index, horizon, end)
    for col, fill in (
        ("customers", 0),
        ("active_customers", 0),
        ("bookings_per_customer", 0.0),
        ("base_customers", 0),
        ("retention", np.nan),
    ):
        out[col] = guest[col].reindex(out.index).fillna(fill) if col in guest else fill
    if out["retention"].isna().any():
        why = {
            "none": "no guest ids and no is_repeat history usable",
            "customer_id": "guest ids span too short a time",
            "is_repeat": "no usable is_repeat history",
        }[method]
        warnings.warn(
            f"retention is unknown (NaN) for {int(out['retention'].isna().sum())} segment(s): "
            f"{why} (guests who did not consent are not used); future values are 0",
            UserWarning,
            stacklevel=2,
        )

    delta = (1.0 + rate) ** (horizon / 365.0) - 1.0
    r = out["retention"]
    c = out["contribution_per_booking"]
    out["future_value_per_booking"] = (c * r / (1.0 + delta - r)).fillna(0.0)
    out["future_value"] = out["bookings_per_customer"] * out["future_value_per_booking"]
    out["referrals_per_booking"] = 0.0
    out["referral_value"] = 0.0
    out["value_adjustment"] = (
        out["ancillary_per_booking"]
        - out["cost_per_booking"]
        + weight * out["future_value_per_booking"]
    )
    out["retention_horizon_days"] = horizon
    for col in ("customers", "bookings", "active_customers", "base_customers"):
        out[col] = out[col].astype(np.int64)
    out["retention_horizon_days"] = out["retention_horizon_days"].astype(np.int64)
    out.index = pd.Index(out.index.astype(str), name="segment", dtype="str")
    values = out[list(SEGMENT_VALUE_COLUMNS)]

    note = _note(
        n=n,
        no_shows=int((~stayed).sum()),
        no_show_nights=no_show_nights,
        end=end,
        valued=guests_valued,
        counted=counted,
        refused=int(refused.sum()),
        method=method,
        rates=rates,
        given=set(ancillary_rates or {}),
        cost=cost_rate,
    )
    return ReservationValues(
        values=values,
        transactions=tx,
        guests_valued=guests_valued,
        guests_counted_only=counted,
        retention_method=method,
        as_of=np.datetime64(end, "D"),
        note=note,
    )
