"""Fixtures of the store tests."""

from __future__ import annotations

import pytest

import yieldopt as yo
from yieldopt.store import Store

from .databases import db_url, pg_url, sqlite_url

__all__ = ["db_url", "pg_url", "sqlite_url"]

HOTEL_NIGHTS = ("std/2026-12-04", "std/2026-12-05", "std/2026-12-06")


def hotel_records(capacity: int = 20) -> dict:
    """Three nights; stays of 1–3 nights (the README's example)."""
    fri, sat, sun = HOTEL_NIGHTS
    stays = {
        "fri-1": ([fri], 100.0),
        "fri-2": ([fri, sat], 200.0),
        "fri-3": ([fri, sat, sun], 320.0),
        "sat-1": ([sat], 100.0),
        "sat-2": ([sat, sun], 210.0),
        "sun-1": ([sun], 100.0),
    }
    return {
        "resources": [{"id": r, "capacity": capacity} for r in HOTEL_NIGHTS],
        "products": [{"id": p, "resources": r, "price": v} for p, (r, v) in stays.items()],
        "segments": [],
    }


HOTEL_DEMAND = {"fri-1": 8, "fri-2": 6, "fri-3": 3, "sat-1": 25, "sat-2": 15, "sun-1": 1}


def hotel(capacity: int = 20) -> yo.Network:
    return yo.Network.from_records(**hotel_records(capacity))


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def hotel_store(store):
    store.put_network("hotel", hotel())
    store.put_forecast("hotel", [{"product": p, "mean": d} for p, d in HOTEL_DEMAND.items()])
    return store
