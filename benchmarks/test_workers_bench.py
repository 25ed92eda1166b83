"""A process pool against one process on the README's example (issue 14).

``yieldopt simulate scenarios/city-hotel.toml --workers 2``: the city hotel's 200 sample
paths of six policies (hindsight included), re-optimized five times, once with
``workers=1`` and once with ``workers=2`` in the same run, so the two medians compare on
the same machine and load. The numbers are the same either way (the test checks); only
the time differs. A worker process takes about two seconds to start (``spawn`` and
importing yieldopt); this process works from the start, so the pool pays off once the
work is several times that.
"""

from pathlib import Path

import pandas as pd
import pytest

import yieldopt as yo
from yieldopt.simulate import simulate

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "city-hotel.toml"
_RESULTS: dict[int, pd.DataFrame] = {}


@pytest.fixture(scope="module")
def city_hotel():
    return yo.load_scenario(SCENARIO)


@pytest.mark.benchmark(group="city hotel, 200 paths x 6 policies: workers")
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.filterwarnings("ignore:reoptimize. dp-decomposition:UserWarning")
def test_city_hotel_workers(benchmark, city_hotel, workers):
    res = benchmark.pedantic(simulate, args=(city_hotel,), kwargs={"workers": workers}, rounds=3)
    benchmark.extra_info["workers"] = workers
    assert res.summary["samples"].iloc[0] == city_hotel.settings.samples
    _RESULTS[workers] = res.resources
    if len(_RESULTS) == 2:  # the pool changes no number
        pd.testing.assert_frame_equal(_RESULTS[1], _RESULTS[2], check_exact=True)
