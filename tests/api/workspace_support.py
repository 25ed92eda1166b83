"""Helpers of the workspace tests: an HTML grid reader, page facts and the two networks."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

from .conftest import ADMIN_H, FORECAST, HOTEL, make_client
from .test_cycle_endpoints import AS_OF, city_network, import_sample

FRI, SAT, SUN = "std/2026-12-04", "std/2026-12-05", "std/2026-12-06"
SAT_URL = "/workspace/networks/hotel/resources/std%2F2026-12-05"


class _Grid(HTMLParser):
    """Collect ``table#grid``: header labels and, per body row, its attributes and cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_grid = False
        self.in_head = False
        self.headers: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.cell: dict[str, Any] | None = None
        self.scripts: list[dict[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "script":
            self.scripts.append(a)
        if tag == "table" and a.get("id") == "grid":
            self.in_grid = True
        if not self.in_grid:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "th" and self.in_head:
            self.headers.append("")
        elif tag == "tr" and not self.in_head:
            self.rows.append({"attrs": a, "cells": []})
        elif tag == "td" and self.rows:
            self.cell = {"v": a.get("data-v"), "class": a.get("class") or "", "text": ""}
            self.rows[-1]["cells"].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.in_grid:
            self.in_grid = False
        elif tag == "thead":
            self.in_head = False
        elif tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_grid and self.in_head and self.headers:
            self.headers[-1] += data.strip()
        elif self.cell is not None:
            self.cell["text"] += data


def grid_rows(html: str) -> list[dict[str, Any]]:
    """The grid's body rows as ``{column label: data-v}`` plus ``_resource``, ``_override``.

    Also ``_text`` with each cell's shown text by label.
    """
    p = _Grid()
    p.feed(html)
    out = []
    for row in p.rows:
        rec: dict[str, Any] = {
            "_resource": row["attrs"].get("data-resource"),
            "_override": row["attrs"].get("data-override") == "1",
            "_text": {},
        }
        for label, cell in zip(p.headers, row["cells"], strict=True):
            rec[label] = cell["v"]
            rec["_text"][label] = " ".join(cell["text"].split())
        out.append(rec)
    return out


def page_facts(html: str) -> tuple[list[dict[str, str | None]], set[str]]:
    """The page's ``<script>`` tags (their attributes) and element ids."""
    p = _Grid()
    p.feed(html)
    return p.scripts, p.ids


# ---------------------------------------------------------------------- fixtures
@pytest.fixture
def ws(sqlite_url):
    """The hotel (three nights, stored forecast) optimized with the DLP."""
    with make_client(sqlite_url) as c:
        assert c.put("/v1/networks/hotel", json=HOTEL, headers=ADMIN_H).status_code == 201
        assert c.put("/v1/networks/hotel/forecast", json=FORECAST, headers=ADMIN_H).is_success
        r = c.post("/v1/networks/hotel/optimizations", json={"method": "dlp"}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        yield c


@pytest.fixture
def city(sqlite_url):
    """Three weeks of a city hotel optimized by the daily cycle from its reservations."""
    with make_client(sqlite_url) as c:
        assert c.put("/v1/networks/city", json=city_network(), headers=ADMIN_H).status_code == 201
        assert import_sample(c).status_code == 200
        r = c.post("/v1/networks/city/optimizations", json={"as_of": AS_OF}, headers=ADMIN_H)
        assert r.status_code == 201, r.text
        yield c


def charts(html: str) -> dict:
    found = re.search(r'data-charts="([^"]*)"', html)
    assert found is not None
    return json.loads(unescape(found[1]))


def num(v: str | None) -> float | None:
    return None if v in (None, "") else float(v)


__all__ = ["FRI", "SAT", "SAT_URL", "SUN", "charts", "city", "grid_rows", "num", "page_facts", "ws"]
