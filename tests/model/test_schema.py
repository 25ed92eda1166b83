"""Scenario and single-leg TOML files are checked against a schema: no key is silently dropped."""

import warnings
from pathlib import Path

import pytest

import yieldopt as yo
from yieldopt.model import load_leg
from yieldopt.model._schema import LegFile, ScenarioFile, check

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

TINY = """
name = "tiny"
[[resources]]
id = "n1"
capacity = 4
[[resources]]
id = "n2"
capacity = 4
[[resources]]
id = "n3"
capacity = 4
[[segments]]
id = "corp"
ancillary = 15
[[products]]
id = "a"
resources = ["n1"]
price = 100
segment = "corp"
demand = 6
[simulation]
samples = 5
"""


def _load(tmp_path: Path, text: str, name: str = "s.toml") -> yo.Scenario:
    p = tmp_path / name
    p.write_text(text)
    return yo.load_scenario(p)


def test_city_hotel_with_wekday_is_refused_naming_the_path(tmp_path):
    # the audit's case: `wekday` silently dropped FCFS revenue from 258,270 to 105,995
    text = (ROOT / "scenarios/city-hotel.toml").read_text()
    bad = text.replace("weekday = 70 ", "wekday = 70 ", 1)
    assert bad != text
    with pytest.raises(yo.InputError) as err:
        _load(tmp_path, bad, "city-hotel.toml")
    assert err.value.field == "hotel.demand[0].wekday"
    assert "did you mean 'weekday'?" in str(err.value)
    assert "city-hotel.toml" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "field", "suggestion"),
    [
        (
            'id = "n3"\ncapacity = 4',
            'id = "n3"\ncapacity = 4\nwekday = 2',
            "resources[2].wekday",
            None,
        ),
        ("demand = 6", "demnd = 6", "products[0].demnd", "demand"),
        ("samples = 5", "smaples = 5", "simulation.smaples", "samples"),
        ("ancillary = 15", "ancilary = 15", "segments[0].ancilary", "ancillary"),
        ('name = "tiny"', 'name = "tiny"\nperiod = 50', "period", "periods"),
        ("[simulation]", "[simulaton]", "simulaton", "simulation"),
    ],
)
def test_unknown_keys_name_their_path_and_the_closest_key(tmp_path, old, new, field, suggestion):
    with pytest.raises(yo.InputError) as err:
        _load(tmp_path, TINY.replace(old, new))
    assert err.value.field == field
    if suggestion:
        assert f"did you mean {suggestion!r}?" in str(err.value)
    else:  # nothing close: the known keys are listed
        assert "known keys: id, capacity" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "field", "needle"),
    [
        ("capacity = 4", 'capacity = "four"', "resources[0].capacity", "must be a number"),
        ("capacity = 4", "capacity = 4.5", "resources[0].capacity", "valid integer"),
        ("price = 100", "price = true", "products[0].price", "must be a number"),
        ('resources = ["n1"]', 'resources = "n1"', "products[0].resources", "valid list"),
        ("samples = 5", "samples = [5]", "simulation.samples", "valid integer"),
        ('name = "tiny"', 'name = "tiny"\nkind = "hotle"', "kind", "'hotel', 'airline'"),
        ("demand = 6", "demand = 6\ncurve = 5", "products[0].curve", "string or a valid list"),
    ],
)
def test_wrong_types_name_the_field(tmp_path, old, new, field, needle):
    with pytest.raises(yo.InputError) as err:
        _load(tmp_path, TINY.replace(old, new))
    assert err.value.field == field
    assert needle in str(err.value)


def test_missing_required_key_and_problem_count(tmp_path):
    with pytest.raises(yo.InputError) as err:
        _load(tmp_path, TINY.replace("price = 100\n", ""))
    assert err.value.field == "products[0].price" and "is required" in str(err.value)
    # an unknown key is reported before the "missing" key it probably misspells
    with pytest.raises(yo.InputError) as err:
        _load(tmp_path, TINY.replace("price = 100", "prize = 100"))
    assert err.value.field == "products[0].prize"
    assert "did you mean 'price'?" in str(err.value) and "1 more problem" in str(err.value)


def test_hotel_start_must_be_iso(tmp_path):
    text = (ROOT / "scenarios/city-hotel.toml").read_text()
    bad = text.replace('start = "2026-12-07"', 'start = "12/07/2026"', 1)
    assert bad != text
    with pytest.raises(yo.InputError, match="YYYY-MM-DD") as err:
        _load(tmp_path, bad.split("[history]")[0])
    assert err.value.field == "hotel.start"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_passes_the_schema(path):
    import tomllib

    data = tomllib.loads(path.read_text())
    model = LegFile if path.name == "single-leg.toml" else ScenarioFile
    check(model, data, path.name)  # raises on any unknown key or wrong type
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and loads without a note
        if model is LegFile:
            load_leg(path)
        else:
            yo.load_scenario(path)


def test_shipped_hub_network_keeps_its_numbers():
    sc = yo.load_scenario(ROOT / "scenarios/hub-network.toml")
    assert sc.demand.to_dict() == {"AB-Y": 4, "AB-M": 6, "AC-M": 8, "HB-Y": 3, "HC-M": 5}
    assert sc.network.capacity.tolist() == [10, 6, 8]
    assert sc.network.prices.tolist() == [300, 150, 120, 200, 50]


def test_leg_toml_unknown_key(tmp_path):
    p = tmp_path / "leg.toml"
    p.write_text("capacity = 5\n[[classes]]\nfare = 100\nmaen = 3\n")
    with pytest.raises(yo.InputError) as err:
        load_leg(p)
    assert err.value.field == "classes[0].maen" and "did you mean 'mean'?" in str(err.value)
    p.write_text("capcity = 5\n[[classes]]\nfare = 100\nmean = 3\nstd = 1\n")
    with pytest.raises(yo.InputError, match="did you mean 'capacity'") as err:
        load_leg(p)
    assert err.value.field == "capcity"
