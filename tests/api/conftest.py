"""Fixtures of the API tests: an in-process client and networks to put."""

from __future__ import annotations

import warnings

import pytest

from yieldopt_api.main import create_app
from yieldopt_api.settings import Settings

from ..store.conftest import HOTEL_DEMAND, hotel_records
from ..store.databases import db_url, pg_url, sqlite_url
from .server import ADMIN, BOOK, KEYS, READ, auth

with warnings.catch_warnings():  # starlette's TestClient asks for httpx2 at import
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "db_url", "pg_url", "sqlite_url"]

ADMIN_H, BOOK_H, READ_H = auth(ADMIN), auth(BOOK), auth(READ)
HOTEL = hotel_records()
FORECAST = {"demand": [{"product": p, "mean": d} for p, d in HOTEL_DEMAND.items()]}


def make_client(db: str, **settings) -> TestClient:
    app = create_app(Settings(db_url=db, api_keys=KEYS, **settings))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(sqlite_url):
    with make_client(sqlite_url) as c:
        yield c


@pytest.fixture
def hotel(client):
    """The client, with the hotel network and its forecast stored as ``hotel``."""
    assert client.put("/v1/networks/hotel", json=HOTEL, headers=ADMIN_H).status_code == 201
    assert client.put("/v1/networks/hotel/forecast", json=FORECAST, headers=ADMIN_H).is_success
    return client
