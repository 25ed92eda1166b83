"""Jinja2 rendering of the workspace's templates (autoescaped: names are user input)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from yieldopt import __version__

__all__ = ["STATIC_URL", "chart_json", "render", "render_text"]

#: Where the workspace's static files are served.
STATIC_URL = "/static"

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(("html",), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _money(value: Any, digits: int = 2) -> str:
    """Format a money amount with thousands separators; a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):,.{digits}f}"


def _num(value: Any, digits: int = 1) -> str:
    """Format a count or a mean; integers without decimals, a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) or (float(value).is_integer() and digits == 0):
        return f"{int(value):,}"
    return f"{float(value):,.{digits}f}"


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100.0 * float(value):.0f} %"


_ENV.filters["money"] = _money
_ENV.filters["num"] = _num
_ENV.filters["pct"] = _pct
_ENV.globals["static"] = STATIC_URL
_ENV.globals["version"] = __version__


def chart_json(value: Any) -> str:
    """Return chart data as compact JSON for a ``data-charts`` attribute (autoescaped there)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def render_text(name: str, **context: Any) -> str:
    """Render template ``name`` with ``context`` to a string."""
    return _ENV.get_template(name).render(**context)


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` as an HTML response."""
    return HTMLResponse(render_text(name, **context), status_code=status_code)
