"""The policy comparison of the simulation report: table, headline and why a ROM is negative.

:func:`comparison_table` words the simulation's summary as a :class:`~._blocks.Table`
(one row per policy, the best non-hindsight policy highlighted); :func:`headline` the
sentence a revenue manager reads first; :func:`rom_explanations` says, for every policy
that earns less than first-come-first-served (ROM < 0), why — from what the report knows:
whether the policy is leg-based or network-wide, and how much of the scenario's demand is
for products that use several resources.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..control import POLICIES
from ..model import Scenario
from ._blocks import Cell, Row, Table
from ._format import _mean_hw, _money_decimals, _num, _pct

__all__: list[str] = []

BOUND = "hindsight"
FCFS = "fcfs"


def best_policy(summary: pd.DataFrame) -> str | None:
    """Policy with the highest mean value (revenue if values are missing), hindsight excluded.

    Value is the optimizers' objective; it equals revenue without segment adjustments.
    """
    rows = summary[summary["policy"] != BOUND]
    for column in ("value_mean", "revenue_mean"):
        scores = rows[column].astype(float)
        if np.isfinite(scores).any():
            # The first highest score, NaN skipped (as idxmax), by position.
            return str(rows["policy"].to_numpy()[int(np.nanargmax(scores.to_numpy()))])
    return None


def headline(summary: pd.DataFrame) -> dict[str, str] | None:
    """Word the best policy, its revenue and what it gains for the page's headline.

    Returns
    -------
    dict or None
        ``policy``, ``revenue`` (mean ± half-width) and ``rest`` (gain over FCFS, ROM);
        ``None`` without a policy to name.
    """
    best = best_policy(summary)
    if best is None:
        return None
    by = summary.set_index("policy")
    row: Any = by.loc[best]  # one policy's summary row
    fcfs: Any = by.loc[FCFS] if FCFS in by.index else None
    dec = _money_decimals(summary["revenue_mean"])
    parts = []
    if fcfs is not None and best != FCFS and fcfs["revenue_mean"] > 0:
        gain = row["revenue_mean"] / fcfs["revenue_mean"] - 1
        parts.append(f"{gain:+.1%} over first-come-first-served")
    if math.isfinite(row["rom"]):
        parts.append(f"{_pct(row['rom'])} of the revenue opportunity (ROM)")
    return {
        "policy": best,
        "revenue": _mean_hw(row["revenue_mean"], row["revenue_hw95"], dec),
        "rest": ", ".join(parts),
    }


def _multi_resource_share(scenario: Scenario) -> tuple[int, float]:
    """Products using more than one resource, and their share of expected demand."""
    products = scenario.network.products
    multi = np.array([len(p.resources) > 1 for p in products])
    demand = scenario.demand.to_numpy(dtype=float)
    total = float(demand.sum())
    share = float(demand[multi].sum()) / total if total > 0 else 0.0
    return int(multi.sum()), share


def _words(kind: str) -> tuple[str, str]:
    """(one resource, products over several resources) in the scenario's terms."""
    if kind == "hotel":
        return "night", "multi-night stays"
    if kind == "airline":
        return "leg", "connecting itineraries"
    return "resource", "products over several resources"


def rom_explanations(summary: pd.DataFrame, scenario: Scenario) -> dict[str, list[str]]:
    """Why each policy with a negative ROM earns less than first-come-first-served.

    Parameters
    ----------
    summary : DataFrame
        The simulation's summary (``policy``, ``rom``, ``revenue_mean``, ``revenue_hw95``).
    scenario : Scenario
        The simulated scenario (its kind and products).

    Returns
    -------
    dict of str to list of str
        Sentences by policy name, only for policies with ROM < 0.
    """
    by = summary.set_index("policy")
    if FCFS not in by.index:
        return {}
    fcfs: Any = by.loc[FCFS]
    n_multi, share = _multi_resource_share(scenario)
    unit, multi_words = _words(scenario.kind)
    out: dict[str, list[str]] = {}
    r: Any  # a summary row
    for name, r in by.iterrows():
        if name in (FCFS, BOUND) or not (math.isfinite(r["rom"]) and r["rom"] < 0):
            continue
        cls = POLICIES.get(str(name))
        leg_based = cls is not None and getattr(cls, "displacement", None) is False
        prorated = bool(getattr(cls, "prorate", False))
        loss = float(fcfs["revenue_mean"] - r["revenue_mean"])
        lines = [
            f"{name} earns {_num(loss)} less per booking horizon than first-come-first-served "
            f"(ROM {_pct(r['rom'])})."
        ]
        if leg_based and n_multi > 0:
            valued = (
                "its price split equally over its nights"
                if prorated and scenario.kind == "hotel"
                else "its price split equally over its resources"
                if prorated
                else "its full price"
            )
            lines.append(
                f"{name} is leg-based: it sets nested booking limits on each {unit} on its own, "
                f"valuing a product at {valued} on every {unit} it uses, and ignores the "
                f"displacement of {multi_words}: what a booking that uses several {unit}s takes "
                f"away from the other {unit}s it occupies. Here {n_multi:,} products "
                f"({share:.0%} of expected demand) are {multi_words}, so its limits keep "
                f"capacity back and turn away requests that a network policy (bid prices from the "
                f"whole network, such as dlp or davn) would take."
            )
        elif leg_based:
            lines.append(
                f"{name} is leg-based, and every product here uses one {unit}, so the loss "
                "comes from its limits themselves: protection levels from a normal "
                "approximation of the demand forecast it plans with, which can protect more "
                "than the late, high-value demand fills."
            )
        else:
            lines.append(
                "Its controls turned away requests to keep capacity for later, higher-value "
                "demand that did not come in the numbers it planned for. Compare the demand "
                "the optimizers plan with against the simulated demand, and the per-"
                f"{unit} results below."
            )
        hw = math.hypot(float(r["revenue_hw95"]), float(fcfs["revenue_hw95"]))
        if math.isfinite(hw) and loss < hw:
            lines.append(
                f"The difference ({_num(loss)}) is within the sampling noise of the two means "
                f"(about ± {_num(hw)}): run more sample paths before reading much into it."
            )
        out[str(name)] = lines
    return out


def comparison_table(
    summary: pd.DataFrame,
    kind: str,
    colours: dict[str, str],
    explained: set[str] | None = None,
) -> Table:
    """Build the policy comparison, one row per policy, as a :class:`Table`.

    Parameters
    ----------
    summary : DataFrame
        The simulation's summary.
    kind : str
        The scenario kind; hotels add ADR and RevPAR.
    colours : dict of str to str
        Colour per policy (the swatch before its name).
    explained : set of str, optional
        Policies whose negative ROM is explained on the page (their ROM links there).
    """
    explained = explained or set()
    best = best_policy(summary)
    money = _money_decimals(summary["revenue_mean"], summary["value_mean"])
    show_cost = bool((summary["denied_cost"].fillna(0) > 0).any())
    columns: list[tuple[str, Callable[[Any], str]]] = [
        ("Revenue (mean \u00b1 95% CI)", lambda r: _mean_hw(r.revenue_mean, r.revenue_hw95, money)),
        ("Value (mean \u00b1 95% CI)", lambda r: _mean_hw(r.value_mean, r.value_hw95, money)),
        ("ROM", lambda r: _pct(r.rom)),
        ("Load factor", lambda r: _pct(r.load_factor)),
    ]
    if kind == "hotel":
        rate = _money_decimals(summary["adr"], summary["revpar"])
        columns += [
            ("ADR", lambda r: _num(r.adr, rate)),
            ("RevPAR", lambda r: _num(r.revpar, rate)),
        ]
    columns += [
        ("Spill (requests)", lambda r: _num(r.spill, 1)),
        ("Denied (customers)", lambda r: _num(r.denied, 1)),
    ]
    if show_cost:
        columns.append(("Denied cost", lambda r: _num(r.denied_cost, money)))
    heads = (Cell("Policy", "name"), *(Cell(name, "num") for name, _ in columns))
    rows = []
    r: Any  # a namedtuple of the summary's columns
    for r in summary.itertuples(index=False):
        cls = "best" if r.policy == best else "bound" if r.policy == BOUND else ""
        name = Cell(
            str(r.policy),
            "name",
            swatch=colours[r.policy],
            badge="best" if cls == "best" else "upper bound" if cls == "bound" else None,
            badge_cls="muted" if cls == "bound" else "",
        )
        cells = [name]
        for title, fmt in columns:
            text = fmt(r)
            if title == "ROM" and r.policy in explained:
                cells.append(Cell(text, "num negative", href=f"#why-{r.policy}", link_text="why?"))
            else:
                cells.append(Cell(text, "num"))
        rows.append(Row(tuple(cells), cls))
    return Table(heads, tuple(rows), wide=True)
