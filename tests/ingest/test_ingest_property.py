import pytest

from yieldopt import InputError
from yieldopt.ingest import Property, load_property, on_the_books

from .conftest import ROOT

HOTELS = ROOT / "scenarios" / "hotels"


def test_shipped_hotels_load():
    city = load_property(HOTELS / "city-hotel.toml")
    resort = load_property(HOTELS / "resort-hotel.toml")
    assert isinstance(city, Property)
    assert (city.name, city.capacity, city.currency) == ("City Hotel", 226, "EUR")
    assert (resort.name, resort.capacity) == ("Resort Hotel", 187)
    assert city.group_segments == ("groups",) and city.walk_cost > 0


def test_room_types(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text(
        'name = "H"\ncurrency = "EUR"\ncapacity = 10\nwalk_cost = 50\n[room_types]\nA = 6\nB = 4\n'
    )
    assert load_property(path).room_types == {"A": 6, "B": 4}


BASE = 'name = "H"\ncurrency = "EUR"\ncapacity = 10\nwalk_cost = 50\n'


@pytest.mark.parametrize(
    ("text", "field", "needle"),
    [
        (BASE + "capasity = 3\n", "capasity", "did you mean 'capacity'"),
        (BASE.replace("capacity = 10", "capacity = 0"), "capacity", "greater than 0"),
        (BASE.replace('"EUR"', '"euro"'), "currency", "pattern"),
        (BASE.replace("walk_cost = 50", "walk_cost = -1"), "walk_cost", "greater"),
        (BASE.replace("walk_cost = 50", "walk_cost = inf"), "walk_cost", "finite"),
        (BASE + "[room_types]\nA = 3\nB = 4\n", "room_types", "add up to 7"),
        (BASE + "[room_types]\nA = -1\n", "room_types", ">= 0"),
        ('currency = "EUR"\ncapacity = 1\nwalk_cost = 1\n', "name", "required"),
        ("name = ", "path", "not valid TOML"),
    ],
)
def test_bad_property_files(tmp_path, text, field, needle):
    path = tmp_path / "h.toml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_property(path)
    assert err.value.field == field
    assert needle in str(err.value)


def test_capacities_are_the_fullest_nights_of_the_real_export(real):
    """226 (City) and 187 (Resort): the most rooms of checked-out stays on one night."""
    res = real.reservations
    stayed = res[res["status"] == "checked_out"]
    otb = on_the_books(stayed, "2017-12-31", by="property")
    fullest = otb.groupby("property")["rooms"].max()
    for file in ("city-hotel.toml", "resort-hotel.toml"):
        hotel = load_property(HOTELS / file)
        assert fullest[hotel.name] == hotel.capacity
