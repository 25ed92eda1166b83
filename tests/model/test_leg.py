"""Single-leg problem files."""

import warnings

import numpy as np
import pytest

import yieldopt as yo
from yieldopt.model import LegProblem, load_leg


def test_toml_example_loads_sorted(tmp_path):
    p = tmp_path / "leg.toml"
    p.write_text(
        'capacity = 50\ndist = "poisson"\n'
        '[[classes]]\nname = "low"\nfare = 80\nmean = 30\n'
        '[[classes]]\nname = "high"\nfare = 200\nmean = 10\nstd = 3\n'
    )
    prob = load_leg(p)
    assert prob.capacity == 50 and prob.dist == "poisson"
    assert prob.names == ("high", "low")
    np.testing.assert_array_equal(prob.fares, [200, 80])
    np.testing.assert_allclose(prob.stds, [3, np.sqrt(30)])


def test_csv_needs_capacity_and_columns(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("name,fare,mean,std\nY,300,10,3\nB,120,40,8\n")
    with pytest.raises(yo.InputError, match="^capacity"):
        load_leg(p)
    prob = load_leg(p, capacity=60)
    assert prob.capacity == 60 and prob.names == ("Y", "B")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,price\nY,300\n")
    with pytest.raises(yo.InputError, match="missing column"):
        load_leg(bad, capacity=10)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("capacity = -1\n[[classes]]\nfare = 1\nmean = 1\n", "capacity"),
        ("capacity = 5\n[[classes]]\nfare = 1\n", r"classes\[0\]\.mean"),
        ("capacity = 5\n[[classes]]\nfare = 'x'\nmean = 1\n", r"classes\[0\]"),
        ("capacity = 5\n[[classes]]\nfare = 1\nmean = -2\n", "mean"),
        ("capacity = 5\n", "classes"),
        ("capacity = 5\ndist = 'beta'\n[[classes]]\nfare = 1\nmean = 1\n", "dist"),
        (
            "capacity = 5\n[[classes]]\nfare = 1\nmean = 1\n[[classes]]\nfare = 1\nmean = 2\n",
            "fare",
        ),
        ("capacity = [", "leg.toml"),
    ],
)
def test_bad_files_name_the_field(tmp_path, text, field):
    p = tmp_path / "leg.toml"
    p.write_text(text)
    with pytest.raises(yo.InputError, match=field):
        load_leg(p)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(yo.InputError, match="no such file"):
        load_leg(tmp_path / "nope.toml")
    p = tmp_path / "leg.json"
    p.write_text("{}")
    with pytest.raises(yo.InputError, match="unsupported"):
        load_leg(p)


def test_from_records_defaults_names():
    prob = LegProblem.from_records([{"fare": 10, "mean": 1, "std": 1}], capacity=3)
    assert prob.names == ("class 1",)


def test_missing_std_is_announced_not_silent(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("name,fare,mean\nY,300,16\nB,120,25,\n")
    with pytest.warns(UserWarning, match=r"std not given for 2 class\(es\).*Y 4.00, B 5.00"):
        prob = load_leg(p, capacity=30)
    np.testing.assert_allclose(prob.stds, [4.0, 5.0])
    # Poisson demand has no std to guess, and a file with std has nothing to announce
    full = tmp_path / "full.csv"
    full.write_text("fare,mean,std\n300,16,3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_leg(p, capacity=30, dist="poisson").dist == "poisson"
        load_leg(full, capacity=30)


def test_semicolon_csv_says_so(tmp_path):
    p = tmp_path / "leg.csv"
    p.write_text("name;fare;mean;std\nY;300;10;3\nB;120;40;8\n")
    with pytest.raises(yo.InputError, match="looks ';'-separated"):
        load_leg(p, capacity=60)
    p.write_text("name\tfare\tmean\nY\t300\t10\n")
    with pytest.raises(yo.InputError, match="looks tab-separated"):
        load_leg(p, capacity=60)
