"""Network model: records, frames, validation, values; scenario loaders."""

import numpy as np
import pandas as pd
import pytest

import yieldopt as yo
from tests.network_cases import hub_network, write_topaloglu

RES = [{"id": "n1", "capacity": 10}, {"id": "n2", "capacity": 5}]
SEG = [{"id": "corp", "ancillary": 30, "cost_to_serve": 12, "future_value": 50}, {"id": "leisure"}]
PROD = [
    {"id": "a", "resources": ["n1"], "price": 100, "segment": "corp"},
    {"id": "b", "resources": ["n1", "n2"], "price": 180, "segment": "leisure"},
    {"id": "c", "resources": ["n2"], "price": 90},
]


def test_values_add_segment_adjustments():
    net = yo.Network.from_records(RES, PROD, SEG)
    np.testing.assert_allclose(net.values, [100 + 30 - 12 + 50, 180, 90])
    np.testing.assert_allclose(net.prices, [100, 180, 90])
    np.testing.assert_array_equal(net.incidence.toarray(), [[1, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(net.capacity, [10, 5])
    assert yo.Network.from_records(**net.to_records()).values.tolist() == net.values.tolist()


def test_from_frames_accepts_joined_resource_strings():
    prods = pd.DataFrame(
        {
            "id": ["a", "b"],
            "resources": ["n1", "n1;n2"],
            "price": [10.0, 20.0],
            "segment": [None, np.nan],
        }
    )
    net = yo.Network.from_frames(pd.DataFrame(RES), prods)
    assert net.products[1].resources == ("n1", "n2")
    assert net.products[1].segment is None


def test_with_capacity_by_id_and_by_position():
    net = yo.Network.from_records(RES, PROD, SEG)
    assert net.with_capacity({"n2": 7}).capacity.tolist() == [10, 7]
    assert net.with_capacity([1, 2]).capacity.tolist() == [1, 2]
    with pytest.raises(yo.InputError, match="unknown resource"):
        net.with_capacity({"zz": 1})


@pytest.mark.parametrize(
    ("resources", "products", "segments", "field"),
    [
        ([{"id": "n1", "capacity": -1}], [], None, r"resources\[0\]\.capacity"),
        ([{"id": "n1", "capacity": 2.5}], [], None, r"resources\[0\]\.capacity"),
        ([{"id": "n1"}], [], None, r"resources\[0\]\.capacity"),
        ([*RES, {"id": "n1", "capacity": 3}], [], None, r"resources\[2\]\.id"),
        (RES, [{"id": "x", "resources": ["nope"], "price": 1}], None, r"products\[0\]\.resources"),
        (RES, [{"id": "x", "resources": [], "price": 1}], None, r"products\[0\]\.resources"),
        (RES, [{"id": "x", "resources": "n1", "price": 1}], None, r"products\[0\]\.resources"),
        (
            RES,
            [{"id": "x", "resources": ["n1"], "price": float("nan")}],
            None,
            r"products\[0\]\.price",
        ),
        (RES, [{"id": "x", "resources": ["n1"], "price": -5}], None, r"products\[0\]\.price"),
        (
            RES,
            [{"id": "x", "resources": ["n1"], "price": 1, "segment": "vip"}],
            None,
            r"products\[0\]\.segment",
        ),
        (RES, PROD[2:] + PROD[2:], None, r"products\[1\]\.id"),
        (RES, [], [{"id": "s", "ancillary": float("inf")}], r"segments\[0\]\.ancillary"),
        ([], [], None, "resources"),
    ],
)
def test_bad_records_name_the_item(resources, products, segments, field):
    with pytest.raises(yo.InputError, match=f"^{field}"):
        yo.Network.from_records(resources, products, segments)


def test_demand_alignment():
    net, _demand = hub_network()
    vec = net.demand_vector({"HB-Y": 3})
    assert vec.tolist() == [0, 0, 0, 3, 0]
    with pytest.raises(yo.InputError, match="unknown product"):
        net.demand_vector({"XX": 1})
    with pytest.raises(yo.InputError, match=r"demand\['HB-Y'\]"):
        net.demand_vector({"HB-Y": -1})
    with pytest.raises(yo.InputError, match="^demand"):
        net.demand_vector([1, 2])


def test_toml_scenario(tmp_path):
    p = tmp_path / "tiny.toml"
    p.write_text(
        'name = "tiny"\n'
        '[[resources]]\nid = "n1"\ncapacity = 4\n'
        '[[segments]]\nid = "corp"\nancillary = 15\n'
        '[[products]]\nid = "a"\nresources = ["n1"]\nprice = 100\nsegment = "corp"\ndemand = 6\n'
        '[[products]]\nid = "b"\nresources = ["n1"]\nprice = 60\n'
    )
    sc = yo.load_scenario(p)
    assert sc.name == "tiny"
    assert sc.demand.to_dict() == {"a": 6.0, "b": 0.0}
    # Uniform arrivals of 6 requests over the fewest periods (>= 50) with <= 0.3 per period.
    assert sc.periods == 50
    np.testing.assert_allclose(sc.arrival_probs[:, 0], 6 / 50)
    np.testing.assert_allclose(sc.arrival_probs[:, 1], 0)
    assert sc.network.values.tolist() == [115.0, 60.0]


def test_topaloglu_reader_on_a_generated_instance(tmp_path):
    p = tmp_path / "rm_6_2_1.0_4.0.txt"
    made = write_topaloglu(p, np.random.default_rng(3))
    sc = yo.load_scenario(p)
    net = sc.network
    assert sc.periods == 6 and sc.arrival_probs.shape == (6, len(made["itins"]))
    assert net.resource_ids == [f"{o}-{d}" for o, d, _ in made["legs"]]
    assert net.capacity.tolist() == [c for _, _, c in made["legs"]]
    np.testing.assert_allclose(sc.arrival_probs, made["probs"], rtol=1e-15)
    np.testing.assert_allclose(sc.demand.to_numpy(), made["probs"].sum(axis=0))
    # Spoke-to-spoke itineraries connect at the hub; hub itineraries use one leg.
    assert net.products[net.product_index["1-2-1"]].resources == ("1-0", "0-2")
    assert net.products[net.product_index["0-2-0"]].resources == ("0-2",)
    fares = {f"{a}-{b}-{c}": f for a, b, c, f in made["itins"]}
    assert net.prices.tolist() == [fares[j] for j in net.product_ids]


def test_topaloglu_reader_rejects_broken_files(tmp_path):
    p = tmp_path / "broken.txt"
    p.write_text("3\n\n2\n1 0 5\n")
    with pytest.raises(yo.InputError, match="broken.txt"):
        yo.load_scenario(p)
    with pytest.raises(yo.InputError, match="unsupported"):
        yo.load_scenario(tmp_path.joinpath("x.json").write_text("{}") and tmp_path / "x.json")


def test_topaloglu_reader_rejects_unreadable_period_lines(tmp_path):
    p = tmp_path / "rm.txt"
    write_topaloglu(p, np.random.default_rng(1), periods=2)
    text = p.read_text().replace("]\t0.", "]\tnp.float64(0.", 1)
    p.write_text(text)
    with pytest.raises(yo.InputError, match="period 0"):
        yo.load_scenario(p)
