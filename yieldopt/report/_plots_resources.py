"""Per-resource figures: occupancy by stay night (hotel) or load factor by leg, and the mix.

:func:`occupancy_figure` draws, per policy, the mean occupied units of each stay night
against capacity and authorized capacity (dated resources, such as hotel nights, added
over room types), or the load factor of the busiest legs (other resources, busiest first,
the rest in the CSV). :func:`mix_figure` shows the share of units sold by rate plan or
fare class per policy. Each comes with a compact table of the same numbers.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pandas as pd

from ..model import Scenario
from ._blocks import Cell, FigureBlock, Row, Table
from ._figures import finish, new_figure, thousands
from ._format import _DASH, _num, _pct

__all__: list[str] = []

#: Legs shown in the load-factor figure and table (the busiest); the CSV has all.
TOP_LEGS = 24
#: Stay nights shown in the table (the first ones); the figure shows every night.
MAX_NIGHTS = 31
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _units(kind: str) -> tuple[str, str]:
    """Name the unit of capacity and the unit of sales in the scenario's words."""
    if kind == "hotel":
        return "rooms", "room-nights"
    if kind == "airline":
        return "seats", "seats"
    return "units", "units"


def _dated(resources: pd.DataFrame) -> pd.Series | None:
    """Find the date in each resource id (``night/2026-12-07``), or ``None`` if any has none."""
    found = resources["resource"].astype(str).str.extract(_DATE, expand=False)
    if found.isna().any():
        return None
    return pd.to_datetime(found)


def _by_night(resources: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
    """Per policy and night: units added over room types; half-widths as of independent ones."""
    r = resources.assign(night=dates.to_numpy(), _hw2=resources["occupied_hw95"] ** 2)
    g = r.groupby(["policy", "night"], sort=False)
    out = g[["capacity", "authorized", "occupied_mean", "_hw2"]].sum()
    out["occupied_hw95"] = np.sqrt(out.pop("_hw2"))
    out["occupancy"] = out["occupied_mean"] / out["capacity"]
    return out.reset_index()


def _policy_table(frame: pd.DataFrame, key: str, label: str, note: str) -> Table:
    """Rows ``key`` with capacity, authorized and each policy's occupancy share."""
    policies = list(dict.fromkeys(frame["policy"]))
    wide = frame.pivot_table(index=key, columns="policy", values="occupancy", sort=False)
    first = frame.drop_duplicates(key).set_index(key)
    heads = (
        Cell(label, "text"),
        Cell("capacity", "num"),
        Cell("authorized", "num"),
        *(Cell(f"{p} occupancy", "num") for p in policies),
    )
    rows = []
    for k in wide.index:
        name = k.strftime("%a %Y-%m-%d") if isinstance(k, pd.Timestamp) else str(k)
        cells = [
            Cell(name, "text"),
            Cell(_num(float(first.loc[k, "capacity"])), "num"),
            Cell(_num(float(first.loc[k, "authorized"])), "num"),
        ]
        cells += [Cell(_pct(float(wide.loc[k, p])), "num") for p in policies]
        rows.append(Row(tuple(cells)))
    return Table(heads, tuple(rows), note)


def _detail(
    resources: pd.DataFrame, keys: pd.Series, shown: list[Any], policy: str, kind: str
) -> tuple[str, Table]:
    """One policy's sales, rate, denied and spill per night or leg (means per path)."""
    night = kind == "hotel"
    cols = ["sold_mean", "occupied_mean", "revenue_mean", "denied_mean", "spill_mean"]
    cols += [c for c in ("spill_capacity", "spill_controls", "spill_choice") if c in resources]
    mine = resources["policy"] == policy
    g = resources[mine].assign(_key=keys[mine].to_numpy()).groupby("_key", sort=False)[cols]
    sums = g.sum(min_count=1).reindex(shown)
    labels = {
        "sold_mean": "reservations kept" if night else "seats sold",
        "occupied_mean": "occupied" if night else "flown",
        "rate": "ADR" if night else "average fare",
        "revenue_mean": "revenue",
        "denied_mean": "walked" if night else "denied boarding",
        "spill_mean": "spill",
        "spill_capacity": "spill: none left",
        "spill_controls": "spill: closed by controls",
        "spill_choice": "spill: bought nothing",
    }
    # A spill reason that never occurs (no choice model) is left out.
    used = [c for c in cols if not c.startswith("spill_") or sums[c].fillna(0).any()]
    heads = [Cell("night" if night else "leg", "text"), Cell(labels["sold_mean"], "num")]
    heads += [Cell(labels["occupied_mean"], "num"), Cell(labels["rate"], "num")]
    heads += [Cell(labels[c], "num") for c in used[2:]]
    rows = []
    for k, r in sums.iterrows():
        name = k.strftime("%a %Y-%m-%d") if isinstance(k, pd.Timestamp) else str(k)
        sold = float(r["sold_mean"])
        rate = float(r["revenue_mean"]) / sold if sold > 0 else float("nan")
        cells = [Cell(name, "text"), Cell(_num(sold, 1), "num")]
        cells += [Cell(_num(float(r["occupied_mean"]), 1), "num"), Cell(_num(rate, 2), "num")]
        cells += [Cell(_num(float(r[c]), 0 if c == "revenue_mean" else 1), "num") for c in used[2:]]
        rows.append(Row(tuple(cells)))
    unit = "night" if night else "leg"
    note = (
        f"Means per sample path under {policy}. "
        + (
            "Reservations kept: not cancelled, no-shows included; occupied: guests who showed "
            "and had a room. ADR: the kept reservations' revenue, each stay's price split "
            "equally over its nights, per room-night sold. Walked: guests who showed without "
            "a room. "
            if night
            else "Average fare: the revenue of the seats sold, each itinerary's fare split "
            "equally over its legs, per seat. "
        )
        + f"Spill: requests turned away, counted on every {unit} they asked for, because "
        f"nothing was left or because the policy's controls had closed what was."
    )
    heading = f"{policy} (the best policy) by {unit}: sales, rate, denied and spill"
    return heading, Table(tuple(heads), tuple(rows), note)


def occupancy_figure(
    resources: pd.DataFrame | None,
    scenario: Scenario,
    colours: dict[str, str],
    best: str | None = None,
) -> FigureBlock | None:
    """Occupancy by stay night or load factor by leg, per policy (``None`` without data).

    ``best`` names the policy whose sales, rate, denied and spill per night or leg are
    tabulated below the figure (none when ``None``).
    """
    if resources is None or resources.empty or "occupied_mean" not in resources:
        return None
    dates = _dated(resources)
    if dates is not None:
        fig = _night_figure(_by_night(resources, dates), scenario.kind, colours)
        keys = dates
        shown = list(pd.unique(dates))[:MAX_NIGHTS]
    else:
        fig = _leg_figure(resources, scenario.kind, colours)
        keys = resources["resource"]
        shown = [r.cells[0].text for r in fig.table.rows] if fig.table else []
    if best is None or best not in set(resources["policy"]):
        return fig
    more = (_detail(resources, keys, shown, best, scenario.kind),)
    return dataclasses.replace(fig, more=more)


def _night_figure(night: pd.DataFrame, kind: str, colours: dict[str, str]) -> FigureBlock:
    import matplotlib.dates as mdates

    cap_unit, _ = _units(kind)
    fig = new_figure(4.6)
    ax = fig.add_subplot()
    first = night[night["policy"] == night["policy"].iloc[0]]
    x = first["night"]
    ax.step(x, first["capacity"], where="mid", color="#333333", linewidth=1.3, label="capacity")
    if (first["authorized"] > first["capacity"] + 1e-9).any():
        ax.step(
            x,
            first["authorized"],
            where="mid",
            color="#333333",
            linestyle="--",
            linewidth=1.1,
            label="authorized (overbooking)",
        )
    for policy, sub in night.groupby("policy", sort=False):
        colour = colours.get(str(policy), "black")
        lo = sub["occupied_mean"] - sub["occupied_hw95"].fillna(0)
        hi = sub["occupied_mean"] + sub["occupied_hw95"].fillna(0)
        ax.fill_between(sub["night"], lo, hi, color=colour, alpha=0.12, linewidth=0)
        ax.plot(
            sub["night"],
            sub["occupied_mean"],
            color=colour,
            marker="o",
            markersize=3.5,
            linewidth=1.6,
            label=str(policy),
        )
    loc = mdates.AutoDateLocator(maxticks=16)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.set_xlabel("Stay night (date)")
    ax.set_ylabel(f"Occupied (mean {cap_unit} per night)")
    ax.set_ylim(bottom=0)
    thousands(ax)
    ax.set_title("Occupancy by stay night, per policy", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    n = first["night"].nunique()
    shown = night[night["night"].isin(first["night"].iloc[:MAX_NIGHTS])]
    note = (
        f"Occupancy: mean {cap_unit} occupied over capacity. The first {MAX_NIGHTS} of {n} "
        "nights are shown; every night is in resources.csv."
        if n > MAX_NIGHTS
        else f"Occupancy: mean {cap_unit} occupied (guests who showed) over capacity."
    )
    how = (
        f"each line is the mean number of {cap_unit} occupied on a stay night under one "
        "policy, with its 95% confidence band; the solid line is the capacity, the dashed one "
        "the authorized capacity (reservations accepted, overbooking for no-shows and "
        "cancellations included). A policy below the others on busy nights turned guests "
        "away that night; above capacity is impossible, so reaching the line means a full "
        "house (and possibly walked guests)."
    )
    return finish(
        fig,
        "occupancy",
        "Occupancy by stay night",
        f"Lines of mean {cap_unit} occupied per stay night for each policy, with capacity "
        "and authorized capacity",
        how,
        table=_policy_table(shown, "night", "night", note),
        table_title="Occupancy by night and policy",
        csv="resources.csv",
        csv_what="resource's sales, occupancy, revenue, denied and spill per policy",
    )


def _leg_figure(resources: pd.DataFrame, kind: str, colours: dict[str, str]) -> FigureBlock:
    from matplotlib.ticker import PercentFormatter

    cap_unit, _ = _units(kind)
    legs = "legs" if kind == "airline" else "resources"
    # Busiest on average over the policies: legs that fill under every policy first.
    busiest = resources.groupby("resource", sort=False)["occupancy"].mean()
    n = len(busiest)
    top = list(busiest.sort_values(ascending=False, kind="stable").index[:TOP_LEGS])
    shown = resources[resources["resource"].isin(top)]
    fig = new_figure(1.2 + 0.28 * len(top))
    ax = fig.add_subplot()
    y = {r: i for i, r in enumerate(top)}
    policies = list(dict.fromkeys(shown["policy"]))
    # Policies side by side within a leg's row, so markers of equal values stay visible.
    offsets = np.linspace(-0.3, 0.3, len(policies)) if len(policies) > 1 else np.zeros(1)
    for off, policy in zip(offsets, policies, strict=True):
        sub = shown[shown["policy"] == policy]
        ys = [y[r] + off for r in sub["resource"]]
        ax.plot(
            sub["occupancy"],
            ys,
            "o",
            markersize=4.5,
            color=colours.get(policy, "black"),
            label=policy,
        )
    ax.axvline(1.0, color="#333333", linewidth=1.1, label="capacity (100%)")
    ax.set_yticks(range(len(top)), top, fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    # Dots need no zero baseline: start near the lowest so differences stay visible.
    low = float(shown["occupancy"].min())
    ax.set_xlim(
        max(0.0, np.floor(low * 10) / 10 - 0.05), max(1.03, float(shown["occupancy"].max()) + 0.03)
    )
    ax.set_xlabel(f"Load factor (% of {cap_unit} occupied at service)")
    ax.set_ylabel(f"{legs[:-1].capitalize()} (id)")
    what = f"the {len(top)} busiest of {n} {legs}" if n > len(top) else f"all {n} {legs}"
    ax.set_title(f"Load factor by {legs[:-1]}: {what}", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    note = (
        f"{what.capitalize()} (highest mean load factor over the policies), busiest first; "
        "every one is in resources.csv."
    )
    how = (
        f"one row per {legs[:-1]}, one dot per policy: the mean share of {cap_unit} occupied "
        "at service. Dots at 100% are full; where the network policies sit left of "
        "first-come-first-served, they kept seats for higher fares that did not all come, "
        "and where they sit right, they sold seats that FCFS gave to passengers who then "
        "blocked a more valuable itinerary elsewhere."
    )
    return finish(
        fig,
        "occupancy",
        f"Load factor by {legs[:-1]}",
        f"Dot plot of the load factor of the busiest {legs} for each policy",
        how,
        table=_policy_table(shown, "resource", legs[:-1], note),
        table_title=f"Load factor by {legs[:-1]} and policy",
        csv="resources.csv",
        csv_what="resource's sales, occupancy, revenue, denied and spill per policy",
    )


def mix_figure(mix: pd.DataFrame | None, scenario: Scenario) -> FigureBlock | None:
    """Share of units sold by rate plan or fare class, one stacked bar per policy."""
    if mix is None or mix.empty or "product_class" not in mix:
        return None
    from matplotlib import colormaps
    from matplotlib.ticker import PercentFormatter

    _, sale_unit = _units(scenario.kind)
    word = "rate plan" if scenario.kind == "hotel" else "fare class"
    classes = list(dict.fromkeys(mix["product_class"].astype(str)))
    units = mix.pivot_table(
        index="policy", columns="product_class", values="units_mean", aggfunc="sum", sort=False
    ).reindex(columns=classes, fill_value=0.0)
    total = units.sum(axis=1)
    share = units.div(total.where(total > 0), axis=0).fillna(0.0)
    fig = new_figure(1.4 + 0.42 * len(share))
    ax = fig.add_subplot()
    cmap: Any = colormaps["viridis"]
    left = np.zeros(len(share))
    for j, cls in enumerate(classes):
        colour = cmap(0.15 + 0.7 * j / max(1, len(classes) - 1))
        values = share[cls].to_numpy(dtype=float)
        ax.barh(range(len(share)), values, left=left, color=colour, label=cls, height=0.6)
        for i, v in enumerate(values):
            if v >= 0.06:
                ax.text(
                    left[i] + v / 2,
                    i,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if j < len(classes) / 2 else "black",
                )
        left += values
    ax.set_yticks(range(len(share)), list(share.index))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Share of {sale_unit} sold (%)")
    ax.set_ylabel("Policy (booking-control rule)")
    ax.set_title(f"{word.capitalize()} mix of the {sale_unit} sold, per policy", loc="left")
    ax.legend(title=word, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    heads = (
        Cell("policy", "name"),
        Cell(f"{sale_unit} sold" + ("" if scenario.kind == "hotel" else ", leg by leg"), "num"),
        *(Cell(f"{c}", "num") for c in classes),
    )
    rows = tuple(
        Row(
            (
                Cell(str(p), "name"),
                Cell(_num(float(total[p])), "num"),
                *(
                    Cell(_pct(float(share.loc[p, c])) if total[p] > 0 else _DASH, "num")
                    for c in classes
                ),
            )
        )
        for p in share.index
    )
    over = {"hotel": "nights", "airline": "legs"}.get(scenario.kind, "resources")
    how = (
        f"each bar splits the {sale_unit} a policy sold (mean per path, all {over} together) "
        f"by {word}, dearest first. A policy that protects capacity shifts the mix towards "
        f"the dearer {word}s; first-come-first-served sells whatever is asked first, "
        f"mostly the cheap early {word}s."
    )
    return finish(
        fig,
        "mix",
        f"{word.capitalize()} mix",
        f"Stacked bars of the share of {sale_unit} sold by {word} for each policy",
        how,
        table=Table(
            heads,
            rows,
            f"Shares of the {sale_unit} sold by {word}; "
            f"per {'night' if scenario.kind == 'hotel' else 'leg'} in product_mix.csv.",
        ),
        table_title=f"{word.capitalize()} mix by policy",
        csv="product_mix.csv",
        csv_what=f"resource's units and revenue by {word} per policy",
    )
