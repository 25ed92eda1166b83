"""The workspace end to end: a real ``yieldopt serve`` and Debian's chromium.

Sign in, open a property, read a bid price and check it against the API, set an
override as admin and see it in ``evaluate`` and in the grid, be refused as a read key;
no console errors and no horizontal scrolling at 1366 px; a 365-night property renders.
Screenshots of the home, property and night pages (``YIELDOPT_SCREENSHOTS=DIR`` keeps
them, as the README's pictures are made).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from ..api.conftest import FORECAST, HOTEL
from ..api.server import ADMIN, BOOK, READ, ROOT, Server
from ..api.test_cycle_endpoints import city_network
from .conftest import LAPTOP, WIDE, console_errors, horizontal_overflow, screenshot, set_viewport

#: Named keys: the audit and the header show the names, never the keys.
NAMED_KEYS = f"{ADMIN}:admin@revenue-manager,{BOOK}:book,{READ}:read@analyst"
SAMPLE = ROOT / "scenarios" / "data" / "hotel-bookings-sample.csv.gz"
SAT = "std/2026-12-05"
YEAR = [(dt.date(2025, 4, 1) + dt.timedelta(days=k)).isoformat() for k in range(365)]
WAIT = 30.0
#: Two legs and three itineraries: a network whose resources are not nights.
HUB = {
    "resources": [{"id": "AB", "capacity": 10}, {"id": "BC", "capacity": 10}],
    "products": [
        {"id": "AB-y", "resources": ["AB"], "price": 100.0, "segment": "leisure"},
        {"id": "ABC-y", "resources": ["AB", "BC"], "price": 180.0, "segment": "business"},
        {"id": "BC-y", "resources": ["BC"], "price": 90.0, "segment": "leisure"},
    ],
    "segments": [{"id": "leisure"}, {"id": "business"}],
}
HUB_FORECAST = {
    "demand": [
        {"product": "AB-y", "mean": 8},
        {"product": "ABC-y", "mean": 6},
        {"product": "BC-y", "mean": 9},
    ]
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A service with a small hotel (stored forecast) and a 365-night one (reservations)."""
    db = tmp_path_factory.mktemp("workspace") / "ws.db"
    with Server(f"sqlite:///{db}", keys=NAMED_KEYS) as s, s.client(ADMIN) as c:
        assert c.put("/v1/networks/hotel", json=HOTEL).status_code == 201
        assert c.put("/v1/networks/hotel/forecast", json=FORECAST).is_success
        r = c.post("/v1/networks/hotel/optimizations", json={"method": "dlp"})
        assert r.status_code == 201, r.text
        assert c.put("/v1/networks/hub", json=HUB).status_code == 201
        assert c.put("/v1/networks/hub/forecast", json=HUB_FORECAST).is_success
        assert c.post("/v1/networks/hub/optimizations", json={"method": "dlp"}).status_code == 201
        assert c.put("/v1/networks/city", json=city_network(YEAR)).status_code == 201
        r = c.post(
            "/v1/networks/city/reservations",
            params={"mapping": "hotel-booking-demand", "property": "City Hotel"},
            content=SAMPLE.read_bytes(),
            headers={"Content-Type": "application/gzip"},
        )
        assert r.status_code == 200, r.text
        r = c.post(
            "/v1/networks/city/optimizations",
            json={"as_of": "2025-03-31", "background": False},
            timeout=120,
        )
        assert r.status_code == 201, r.text
        yield s


def _wait(driver: Any, what: str, timeout: float = WAIT) -> Any:
    """Wait until the script ``what`` returns something truthy; return it."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(f"return {what};")
    )


def _sign_in(driver: Any, server: Server, key: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get("about:blank")  # a fresh page load, not only a hash change
    driver.get(server.url + "/#/")
    field = _wait(
        driver, "(e => e && !e.closest('[hidden]') && e)(document.getElementById('api-key'))"
    )
    assert field.get_attribute("type") == "password" and field.get_attribute("value") == ""
    field.send_keys(key, Keys.ENTER)  # the keyboard signs in
    _wait(driver, "document.querySelector('#home')")
    assert driver.find_element(By.ID, "signin").get_attribute("hidden") is not None
    # The key is in this tab's session storage only: not in the URL, not in a cookie.
    assert key not in driver.current_url
    assert not driver.get_cookies()


def _open(driver: Any, hash_: str, ready: str) -> float:
    """Navigate by hash; wait for ``ready`` (a script expression); return the seconds."""
    t0 = time.perf_counter()
    driver.execute_script("location.hash = arguments[0];", hash_)
    _wait(driver, ready)
    return time.perf_counter() - t0


def _bid_cell(driver: Any, resource: str) -> Any:
    return driver.execute_script(
        "return [...document.querySelectorAll('#grid tbody tr')]"
        ".find(r => r.dataset.resource === arguments[0]).querySelector('td.bid');",
        resource,
    )


def _clean(driver: Any) -> None:
    assert console_errors(driver) == []
    assert horizontal_overflow(driver) == []


def test_admin_reads_a_bid_price_and_overrides_it(browser, server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _sign_in(browser, server, ADMIN)
    assert browser.find_element(By.ID, "who-name").text == "revenue-manager (admin)"
    _clean(browser)
    screenshot(browser, tmp_path, "workspace-home")

    browser.find_element(By.LINK_TEXT, "hotel").click()
    _wait(browser, "document.querySelector('#grid') && document.querySelector('.chart .uplot')")
    with server.client(READ) as api:
        ds = api.get("/v1/networks/hotel/decisions").json()
    cell = _bid_cell(browser, SAT)
    assert cell.text == f"{ds['bid_prices'][SAT]:,.2f}"
    assert float(cell.get_attribute("data-v")) == pytest.approx(ds["bid_prices"][SAT], abs=1e-9)
    _clean(browser)

    # Sorting by bid price (Enter on the header's button) and filtering.
    header = browser.find_element(
        By.XPATH, "//table[@id='grid']//th[.//button[text()='Bid price']]"
    )
    header.find_element(By.TAG_NAME, "button").send_keys(Keys.ENTER)
    assert header.get_attribute("aria-sort") == "ascending"
    bids = [
        float(v)
        for v in browser.execute_script(
            "return [...document.querySelectorAll('#grid tbody td.bid')].map(c => c.dataset.v);"
        )
    ]
    assert bids == sorted(bids)
    box = browser.find_element(By.ID, "grid-filter")
    box.send_keys("12-05")
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#grid tbody tr')].filter(r => !r.hidden)"
        ".map(r => r.dataset.resource);"
    )
    assert shown == [SAT]
    box.clear()
    box.send_keys(" ")  # an input event with an empty filter
    screenshot(browser, tmp_path, "workspace-property")

    # The night page; the override form, submitted with Enter.
    browser.find_element(By.LINK_TEXT, "2026-12-05").click()
    _wait(browser, "document.querySelector('#override-form')")
    browser.find_element(By.ID, "o-bid").send_keys("480")
    reason = browser.find_element(By.ID, "o-reason")
    reason.send_keys("city marathon", Keys.ENTER)
    _wait(
        browser,
        "(f => f && f.textContent.includes('Override saved'))(document.querySelector('#flash'))",
    )
    assert browser.find_element(By.ID, "r-bid").text == "480.00"
    _clean(browser)
    set_viewport(browser, LAPTOP[0], 1150)  # taller, to show the history and audit too
    screenshot(browser, tmp_path, "workspace-night")
    set_viewport(browser, *LAPTOP)

    with server.client(READ) as api:
        ds = api.get("/v1/networks/hotel/decisions").json()
        assert ds["bid_prices"][SAT] == 480.0
        assert [o["resource"] for o in ds["overrides"]] == [SAT]
        # sat-2 pays 210, below the overridden bid price: evaluate refuses it at once.
        ev = api.post("/v1/networks/hotel/evaluate", json={"product": "sat-2"}).json()
        assert ev["accepted"] is False and ev["reason"] == "bid_price"

    browser.back()  # the hash of the property page
    _wait(browser, "document.querySelector('#grid')")
    row = browser.execute_script(
        "const r = [...document.querySelectorAll('#grid tbody tr')]"
        ".find(r => r.dataset.resource === arguments[0]);"
        "return [r.dataset.override, r.querySelector('td.ovr').textContent.trim()];",
        SAT,
    )
    assert row[0] == "1" and "bid 480.00" in row[1]
    assert _bid_cell(browser, SAT).text == "480.00"
    _clean(browser)

    # Reload keeps the page (the hash) and the sign-in (session storage).
    browser.refresh()
    _wait(browser, "document.querySelector('#grid')")
    _clean(browser)


def test_a_read_key_sees_no_admin_forms_and_is_refused(browser, server):
    from selenium.webdriver.common.by import By

    _sign_in(browser, server, READ)
    assert browser.find_element(By.ID, "who-name").text == "analyst (read)"
    _open(browser, "#/networks/hotel", "document.querySelector('#grid')")
    assert not browser.find_elements(By.ID, "optimize-form")
    assert browser.find_elements(By.ID, "group-form")  # quoting changes nothing
    _open(
        browser,
        "#/networks/hotel/resources/" + SAT.replace("/", "%2F"),
        "document.querySelector('#r-bid')",
    )
    assert not browser.find_elements(By.ID, "override-form")
    # Forced: the admin request sent anyway, with the read key htmx adds, is refused.
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/workspace/networks/hotel/resources/std%2F2026-12-05/override', {method: 'POST',"
        " headers: {Authorization: 'Bearer ' + sessionStorage.getItem('yieldopt.key'),"
        " 'Content-Type': 'application/x-www-form-urlencoded'},"
        " body: 'bid_price=1&reason=forced'}).then(r => done(r.status));"
    )
    assert status == 403
    browser.execute_script(
        "htmx.ajax('POST', '/workspace/networks/hotel/optimize', {target: '#main', values: {}});"
    )
    text = _wait(
        browser,
        "(n => n.textContent.includes('may only read') && n.textContent)"
        "(document.getElementById('notice'))",
    )
    assert "may only read" in text
    # 403 answers are logged by chromium as failed loads; nothing else went wrong.
    errors = [e for e in console_errors(browser) if "403" not in e]
    assert errors == []
    with server.client(READ) as api:
        ds = api.get("/v1/networks/hotel/decisions").json()
    assert "forced" not in str(ds["overrides"])


def test_a_wrong_key_returns_to_sign_in(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get("about:blank")
    browser.get(server.url + "/")
    field = _wait(
        browser, "(e => e && !e.closest('[hidden]') && e)(document.getElementById('api-key'))"
    )
    field.send_keys("wrong-key-wrong-key-0", Keys.ENTER)
    message = _wait(browser, "document.getElementById('signin-error').textContent")
    assert "not accepted" in message
    assert field.get_attribute("value") == ""  # a refused key is not kept in the page
    assert browser.find_element(By.ID, "main").get_attribute("hidden") is not None
    assert [e for e in console_errors(browser) if "401" not in e] == []


def test_a_network_of_legs_has_the_grid_per_resource(browser, server):
    from selenium.webdriver.common.by import By

    _sign_in(browser, server, READ)
    _open(
        browser,
        "#/networks/hub",
        "document.querySelector('#grid') && document.querySelector('.chart .uplot')",
    )
    with server.client(READ) as api:
        ds = api.get("/v1/networks/hub/decisions").json()
    for leg in ("AB", "BC"):
        assert _bid_cell(browser, leg).text == f"{ds['bid_prices'][leg]:,.2f}"
    _clean(browser)
    browser.find_element(By.LINK_TEXT, "AB").click()
    _wait(browser, "document.querySelector('#segments')")
    # The stored forecast of the itineraries using AB, by segment: leisure 8, business 6.
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#segments tbody tr')]"
        ".map(r => [...r.cells].map(c => c.textContent.trim()));"
    )
    assert rows == [["leisure", "8.0"], ["business", "6.0"]]
    _clean(browser)


def test_a_365_night_property_is_usable(browser, server, tmp_path):
    _sign_in(browser, server, ADMIN)
    ready = (
        "document.querySelectorAll('#grid tbody tr').length === 365"
        " && document.querySelectorAll('.chart .uplot').length === 3"
    )
    seconds = _open(browser, "#/networks/city", ready)
    print(f"365-night property page: {seconds:.2f} s in the browser")
    assert seconds < 20.0  # generous: one server render plus the charts
    _clean(browser)
    # Sorting 365 rows stays quick enough to be used.
    t0 = time.perf_counter()
    browser.execute_script(
        "[...document.querySelectorAll('#grid th')].find(h => h.textContent === 'Bid price')"
        ".querySelector('button').click();"
    )
    assert time.perf_counter() - t0 < 5.0
    bids = browser.execute_script(
        "return [...document.querySelectorAll('#grid tbody td.bid')].map(c => +c.dataset.v);"
    )
    assert bids == sorted(bids)
    set_viewport(browser, *WIDE)
    # The charts follow the window (resized after a short debounce).
    _wait(
        browser,
        "[...document.querySelectorAll('.chart')].every(c => c.querySelector('.uplot')"
        " && c.querySelector('.uplot').offsetWidth >= c.clientWidth - 2)",
    )
    assert horizontal_overflow(browser) == []
    screenshot(browser, tmp_path, "workspace-property-year")
    # The fragment alone, measured on the server side of the wire.
    with server.client(READ) as api:
        t0 = time.perf_counter()
        r = api.get("/workspace/networks/city")
        elapsed = time.perf_counter() - t0
    assert r.status_code == 200 and r.text.count('<tr data-resource="night/') == 365
    print(f"365-night fragment: {elapsed:.2f} s")
    assert elapsed < 10.0
