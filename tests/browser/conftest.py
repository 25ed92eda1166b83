"""A headless chromium driven by selenium, for the workspace and report page tests.

The tests need Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them)
and the ``selenium`` package; where any is missing they are skipped with the reason.
Selenium is pointed at the system chromedriver explicitly, so Selenium Manager never
tries to download a driver (there is no internet here).

Screenshots go to ``tmp_path`` by default; with ``YIELDOPT_SCREENSHOTS=DIR`` they are
written to ``DIR`` as well (how the README's pictures are made:
``YIELDOPT_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("YIELDOPT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("YIELDOPT_CHROMEDRIVER")
    or shutil.which("chromedriver")
    or "/usr/bin/chromedriver"
)
#: The laptop screen every page must fit without horizontal scrolling (CSS px).
LAPTOP = (1366, 768)
#: A wide screen.
WIDE = (1920, 1080)


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, what in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"{what} not found at {path} (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="session")
def _chrome_session() -> Iterator[Any]:
    reason = _missing()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        f"--window-size={LAPTOP[0]},{LAPTOP[1]}",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    except Exception as exc:  # a broken install: say so rather than error every test
        pytest.skip(
            f"browser tests skipped: chromium did not start ({exc.__class__.__name__}: {exc})"
        )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(_chrome_session: Any) -> Iterator[Any]:
    """The session's chromium at the laptop size, with its console log emptied."""
    d = _chrome_session
    d.set_window_size(*LAPTOP)
    console_errors(d)  # drop what earlier tests left
    yield d
    d.delete_all_cookies()
    try:
        d.execute_script("window.sessionStorage.clear(); window.localStorage.clear();")
    except Exception:
        pass


def set_viewport(driver: Any, width: int, height: int) -> None:
    """Size the window so the *viewport* (not the window) is ``width`` × ``height`` px."""
    driver.set_window_size(width, height)
    inner_w, inner_h = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(width + (width - inner_w), height + (height - inner_h))


def console_errors(driver: Any) -> list[str]:
    """Console messages of level SEVERE since the last call (network errors included)."""
    try:
        logs = driver.get_log("browser")
    except Exception:
        return []
    return [e["message"] for e in logs if e.get("level") == "SEVERE"]


def horizontal_overflow(driver: Any) -> list[str]:
    """What sticks out of the viewport to the right: the page, or elements, by selector.

    Returns an empty list when nothing does. Elements inside a horizontally scrollable
    container (``overflow-x: auto|scroll``) are allowed to be wider than the viewport.
    """
    return driver.execute_script(
        """
        const vw = document.documentElement.clientWidth;
        const out = [];
        if (document.documentElement.scrollWidth > vw + 1)
          out.push('page scrollWidth ' + document.documentElement.scrollWidth + ' > ' + vw);
        const scrolls = el => {
          for (let p = el.parentElement; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if (o === 'auto' || o === 'scroll') return true;
          }
          return false;
        };
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > vw + 1 && !scrolls(el)) {
            const cls = typeof el.className === 'string' && el.className
              ? '.' + el.className.split(' ').join('.') : '';
            const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls;
            out.push(id + ' right=' + Math.round(r.right));
            if (out.length > 10) break;
          }
        }
        return out;
        """
    )


def screenshot(driver: Any, tmp_path: Path, name: str) -> Path:
    """Save a full-page PNG as ``name``.png in ``tmp_path`` (and ``$YIELDOPT_SCREENSHOTS``)."""
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    extra = os.environ.get("YIELDOPT_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / path.name)
    return path
