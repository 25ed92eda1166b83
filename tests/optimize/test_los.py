"""Length-of-stay controls from night bid prices, checked by hand and against the DLP."""

import math

import numpy as np
import pandas as pd
import pytest

from yieldopt.errors import InputError
from yieldopt.model import Network
from yieldopt.optimize._los import los_controls, los_table, min_los
from yieldopt.optimize._network_lp import dlp

FRI, SAT, SUN = "2026-12-04", "2026-12-05", "2026-12-06"
NIGHTS = [FRI, SAT, SUN]
# Stay prices by length of stay (money per stay).
PRICES = {"leisure": [100.0, 190.0, 270.0], "corporate": [130.0, 260.0, 390.0]}


def _hotel(capacity=10):
    """3 nights × LOS 1..3 × 2 segments: arrivals Fri (LOS 1-3), Sat (1-2), Sun (1).

    Resources are listed out of date order and stays list their nights backwards,
    so arrival must come from the ISO dates, not from list positions.
    """
    resources = [{"id": f"std/{n}", "capacity": capacity} for n in (SAT, FRI, SUN)]
    products = []
    for seg, prices in PRICES.items():
        for a, arrival in enumerate(NIGHTS):
            for los in range(1, 4 - a):
                nights = [f"std/{n}" for n in NIGHTS[a : a + los]][::-1]
                products.append(
                    {
                        "id": f"{seg}/{arrival}/{los}",
                        "resources": nights,
                        "price": prices[los - 1],
                        "segment": seg,
                    }
                )
    segments = [
        {"id": "leisure", "cost_to_serve": 10.0},  # value = price − 10
        {"id": "corporate", "ancillary": 25.0, "cost_to_serve": 5.0},  # value = price + 20
    ]
    return Network.from_records(resources, products, segments)


# Hand-set bid prices: Saturday is the peak night.
BIDS = pd.Series({f"std/{SAT}": 160.0, f"std/{FRI}": 90.0, f"std/{SUN}": 95.0})
# Values: leisure 90, 180, 260; corporate 150, 280, 410.
#
#   stay              Σ bid prices        leisure            corporate
#   Fri LOS 1         90                  90  open (tie)     150 open  (+60)
#   Fri LOS 2         90+160 = 250        180 closed (−70)   280 open  (+30)
#   Fri LOS 3         90+160+95 = 345     260 closed (−85)   410 open  (+65)
#   Sat LOS 1         160                 90  closed (−70)   150 closed (−10)
#   Sat LOS 2         160+95 = 255        180 closed (−75)   280 open  (+25)
#   Sun LOS 1         95                  90  closed (−5)    150 open  (+55)
#
# MinLOS: corporate Fri 1, Sat 2 (Saturday one-nighters closed), Sun 1;
#         leisure Fri 1, Sat none, Sun none (closed to arrival).
OPEN = {
    "leisure": {FRI: [True, False, False], SAT: [False, False], SUN: [False]},
    "corporate": {FRI: [True, True, True], SAT: [False, True], SUN: [True]},
}
MARGIN = {
    "leisure": {FRI: [0, -70, -85], SAT: [-70, -75], SUN: [-5]},
    "corporate": {FRI: [60, 30, 65], SAT: [-10, 25], SUN: [55]},
}


@pytest.fixture(scope="module")
def controls():
    return los_controls(_hotel(), BIDS)


def test_controls_by_hand(controls):
    assert list(controls.columns) == [
        "product",
        "arrival",
        "los",
        "segment",
        "price",
        "value",
        "bid_price_total",
        "open",
        "margin",
    ]
    assert len(controls) == 12
    for row in controls.itertuples():
        seg, arrival, los = row.product.split("/")
        assert row.arrival == pd.Timestamp(arrival)  # first night by date
        assert row.los == int(los) and row.segment == seg
        assert row.open == OPEN[seg][arrival][row.los - 1], row.product
        assert row.margin == pytest.approx(MARGIN[seg][arrival][row.los - 1])
        assert row.value == row.price + (-10 if seg == "leisure" else 20)
    assert pd.api.types.is_datetime64_any_dtype(controls["arrival"])


def test_table_by_hand(controls):
    table = los_table(controls)
    assert table.index.names == ["segment", "arrival"] and list(table.columns) == [1, 2, 3]
    for seg, by_arrival in OPEN.items():
        for arrival, row in by_arrival.items():
            cells = table.loc[(seg, pd.Timestamp(arrival))]
            assert [bool(c) for c in cells[: len(row)]] == row
            assert cells[len(row) :].isna().all()  # no such product (stay past Sunday)


def test_min_los_by_hand(controls):
    got = min_los(controls)
    expected = {
        ("corporate", FRI): 1.0,
        ("corporate", SAT): 2.0,
        ("corporate", SUN): 1.0,
        ("leisure", FRI): 1.0,
        ("leisure", SAT): math.nan,
        ("leisure", SUN): math.nan,
    }
    assert got.name == "min_los" and len(got) == 6
    for (seg, arrival), value in expected.items():
        v = got.loc[(seg, pd.Timestamp(arrival))]
        assert (math.isnan(v) and math.isnan(value)) or v == value


def test_pooled_and_by_rate(controls):
    pooled = min_los(controls, by=None)
    assert pooled.tolist() == [1.0, 2.0, 1.0]  # any segment open
    by_rate = los_table(controls, by=["segment", "price"])
    assert by_rate.loc[("corporate", 260.0, pd.Timestamp(SAT)), 2]
    assert by_rate.index.names == ["segment", "price", "arrival"]


def test_bid_price_inputs_are_equivalent(controls):
    network = _hotel()
    as_array = BIDS[network.resource_ids].to_numpy()
    for bids in (BIDS.to_dict(), as_array):
        pd.testing.assert_frame_equal(los_controls(network, bids), controls)


def test_undated_ids_use_resource_order():
    network = Network.from_records(
        [{"id": n, "capacity": 5} for n in ("n9", "n10", "n11")],
        [
            {"id": "a", "resources": ["n11", "n10"], "price": 100.0},
            {"id": "b", "resources": ["n9"], "price": 10.0},
        ],
    )
    c = los_controls(network, {"n9": 20.0, "n10": 30.0, "n11": 40.0})
    assert c["arrival"].tolist() == ["n10", "n9"]
    assert c["los"].tolist() == [2, 1]
    assert c["open"].tolist() == [True, False]  # 100 >= 70; 10 < 20
    assert c["segment"].isna().all()
    got = min_los(c, by=None)  # arrivals in resource order (n9 before n10), not by name
    assert got.index.tolist() == ["n9", "n10"]
    assert math.isnan(got["n9"]) and got["n10"] == 2.0
    assert los_table(c, by=None).index.tolist() == ["n9", "n10"]
    assert min_los(c).tolist()[1] == 2.0  # products without segment are kept (NaN key)


def test_closing_matches_dlp_bid_prices():
    network = _hotel(capacity=6)
    # Saturday is wanted by everyone; Friday and Sunday have room to spare for long stays.
    demand = {
        p: (9.0 if f"/{SAT}/1" in p else 2.0 if "/3" not in p else 1.5) for p in network.product_ids
    }
    result = dlp(network, demand, solver="highs")
    c = los_controls(network, result)
    pd.testing.assert_frame_equal(c, los_controls(network, result.bid_prices))
    closed = ~c["open"]
    assert closed.any() and c["open"].any()
    # Closed exactly when value < Σ bid prices (ties are the LP's marginal products, open).
    tol = 1e-7 * np.maximum(1.0, c["value"].abs())
    np.testing.assert_array_equal(closed, c["value"] < c["bid_price_total"] - tol)
    # Complementary slackness: whatever the DLP sells is open; closed stays get nothing.
    alloc = result.allocation[c["product"]].to_numpy()
    assert np.all(c["open"][alloc > 1e-9])
    assert np.all(alloc[closed.to_numpy()] < 1e-9)


@pytest.mark.parametrize(
    ("bids", "field"),
    [
        ({f"std/{FRI}": 1.0, f"std/{SAT}": 1.0}, "bid_prices"),  # Sunday missing
        ({**BIDS.to_dict(), "std/2026-12-07": 1.0}, "bid_prices"),  # unknown night
        ({**BIDS.to_dict(), f"std/{SAT}": -1.0}, f"bid_prices['std/{SAT}']"),
        ({**BIDS.to_dict(), f"std/{SUN}": float("nan")}, f"bid_prices['std/{SUN}']"),
        ({**BIDS.to_dict(), f"std/{SUN}": "high"}, f"bid_prices['std/{SUN}']"),
        ([1.0, 2.0], "bid_prices"),
    ],
)
def test_bad_bid_prices_name_the_field(bids, field):
    with pytest.raises(InputError) as err:
        los_controls(_hotel(), bids)
    assert err.value.field == field


def test_table_needs_controls(controls):
    with pytest.raises(InputError) as err:
        los_table(controls.drop(columns="open"))
    assert err.value.field == "controls"
    with pytest.raises(InputError) as err:
        min_los(controls, by="room_type")
    assert err.value.field == "controls"
