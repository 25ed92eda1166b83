"""What-if through the service on a stored network: previewed figures equal an independent LP
with the changed capacity or prices; publishing sets the overrides and re-optimizes."""

from __future__ import annotations

import pytest

from yieldopt.decisions import (
    OptimizationRequest,
    optimize_network,
    preview_what_if,
    publish_what_if,
)
from yieldopt.errors import InputError

from .test_overrides_store import LEGS, ROUTES, independent_lp, legs  # noqa: F401 (fixture)


def test_preview_equals_an_independent_lp_and_publishes_nothing(legs):  # noqa: F811
    ds = optimize_network(legs, "legs", OptimizationRequest())
    out = preview_what_if(legs, "legs", overbook={"A": 3})
    objective, bids = independent_lp({**LEGS, "A": 13})
    assert out["method"] == "dlp"
    assert out["current"]["objective"] == pytest.approx(ds.objective)
    assert out["preview"]["objective"] == pytest.approx(objective)
    assert out["preview"]["authorized"] == {**LEGS, "A": 13}
    for leg in LEGS:
        assert out["preview"]["bid_prices"][leg] == pytest.approx(bids[leg])
    changed = [c["resource"] for c in out["changes"]]
    assert "A" in changed and all(
        c["bid_price_before"] != c["bid_price_after"]
        or c["authorized_before"] != c["authorized_after"]
        for c in out["changes"]
    )
    assert legs.decisions("legs").version == ds.version and legs.overrides("legs") == []


def test_price_change_preview(legs):  # noqa: F811
    optimize_network(legs, "legs", OptimizationRequest())
    out = preview_what_if(legs, "legs", prices={"pC": 90.0})
    # pC is sold to its whole demand (5) already; raising the price of a variable at its
    # upper bound keeps the solution optimal, so the optimum rises by exactly 5 × 30.
    assert out["preview"]["objective"] - out["current"]["objective"] == pytest.approx(150.0)
    with pytest.raises(InputError) as err:
        preview_what_if(legs, "legs", prices={"pZ": 1.0})
    assert err.value.field == "prices.pZ"
    with pytest.raises(InputError) as err:
        preview_what_if(legs, "legs", overbook={"A": -11})
    assert err.value.field == "overbook.A"


def test_publish_sets_authorized_overrides_and_reoptimizes(legs):  # noqa: F811
    optimize_network(legs, "legs", OptimizationRequest())
    legs.put_override("legs", "B", closed=True, reason="strike", who="a")
    out = publish_what_if(legs, "legs", overbook=2, reason="no-shows", who="rm-anna")
    ds = legs.decisions("legs")
    assert out["decision_version"] == ds.version
    assert ds.authorized == {k: c + 2 for k, c in LEGS.items()}
    by = {o.resource: o for o in legs.overrides("legs")}
    assert by["B"].closed is True and by["B"].authorized == 12  # closure kept
    assert (by["A"].set_by, by["A"].reason) == ("rm-anna", "no-shows")
    objective, _ = independent_lp({"A": 12, "B": 0, "C": 12})
    assert ds.objective == pytest.approx(objective)
    assert ROUTES  # the routes the LP above solves
