"""The booking horizon in days: given, stated by the scenario, or assumed (and said so)."""

import pytest

from tests.simulate.cases import two_leg
from yieldopt.errors import InputError
from yieldopt.report._page import _facts
from yieldopt.simulate import HORIZON_DAYS, simulate


def _horizon_fact(res, sc) -> str:
    return dict(_facts(res, sc))["Booking horizon"]


def test_the_scenario_states_its_horizon(tmp_path):
    sc = two_leg(tmp_path, extra="[simulation]\nhorizon_days = 45\n")
    assert sc.settings.horizon_days == 45.0
    res = simulate(sc, ["fcfs"], n_samples=2, seed=1)
    assert res.horizon_days == 45.0 and res.settings["horizon_days_source"] == "scenario"
    # Sales open 45 days out: the first booking-curve step starts there.
    assert res.booking_curves.days_before_start.max() == 45.0
    assert _horizon_fact(res, sc) == "45 days"
    # An explicit argument wins over the scenario.
    res = simulate(sc, ["fcfs"], n_samples=2, seed=1, horizon_days=20)
    assert res.horizon_days == 20.0 and res.settings["horizon_days_source"] == "given"


def test_without_a_statement_the_default_is_called_assumed(tmp_path):
    sc = two_leg(tmp_path)
    res = simulate(sc, ["fcfs"], n_samples=2, seed=1)
    assert res.horizon_days == HORIZON_DAYS[sc.kind]
    assert res.settings["horizon_days_source"] == "assumed"
    assert "assumed" in _horizon_fact(res, sc) and "horizon_days" in _horizon_fact(res, sc)


@pytest.mark.parametrize("value", ["0", "-3", '"soon"', "20000"])
def test_a_bad_horizon_names_the_field(tmp_path, value):
    with pytest.raises(InputError, match=r"simulation\.horizon_days"):
        two_leg(tmp_path, extra=f"[simulation]\nhorizon_days = {value}\n")
