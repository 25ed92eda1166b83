"""The workspace's 365-night property page against the API's JSON of the same nights.

In process (TestClient, SQLite): a 365-night city hotel optimized by the daily cycle
from the shipped reservation sample. ``GET /workspace/networks/city`` (the grid, its
charts' data, the page around them) is timed against ``GET /v1/networks/city/controls``
for the same 365 nights, which computes the same per-night rows and returns them as JSON:
the ratio is what the page costs over the data it shows. Read the medians; nothing is
asserted about time (the machine is shared).
"""

from __future__ import annotations

import pytest

from tests.api.conftest import ADMIN_H, READ_H, make_client
from tests.api.test_cycle_endpoints import city_network
from tests.api.workspace_support import grid_rows
from tests.browser.test_workspace import SAMPLE, YEAR


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    db = tmp_path_factory.mktemp("ws-bench") / "ws.db"
    with make_client(f"sqlite:///{db}") as c:
        assert (
            c.put("/v1/networks/city", json=city_network(YEAR), headers=ADMIN_H).status_code == 201
        )
        r = c.post(
            "/v1/networks/city/reservations",
            params={"mapping": "hotel-booking-demand", "property": "City Hotel"},
            content=SAMPLE.read_bytes(),
            headers={**ADMIN_H, "Content-Type": "application/gzip"},
        )
        assert r.status_code == 200, r.text
        r = c.post("/v1/networks/city/optimizations", json={"as_of": "2025-03-31"}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        yield c


def test_year_grid_page(benchmark, city):
    r = benchmark(city.get, "/workspace/networks/city", headers=READ_H)
    assert r.status_code == 200 and len(grid_rows(r.text)) == 365


def test_year_controls_json_baseline(benchmark, city):
    params = {"from": YEAR[0], "to": YEAR[-1]}
    r = benchmark(city.get, "/v1/networks/city/controls", params=params, headers=READ_H)
    assert r.status_code == 200 and len(r.json()["controls"]) == 365
