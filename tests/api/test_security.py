"""API keys and roles: 401 without a valid key, 403 without the role, never open by default."""

import logging

import pytest

import yieldopt as yo
from api.dependencies import get_store
from api.main import create_app
from api.security import KeyRing, Role
from api.settings import Settings
from yieldopt.store import Store

from .conftest import ADMIN_H, BOOK_H, HOTEL, READ_H, TestClient, make_client
from .server import ADMIN, BOOK, READ

N = "/v1/networks/hotel"

WRITES = [
    ("put", N, {"json": HOTEL}, "admin"),
    ("put", f"{N}/forecast", {"json": {"demand": []}}, "admin"),
    ("post", f"{N}/optimizations", {"json": {}}, "admin"),
    ("delete", N, {}, "admin"),
    ("post", f"{N}/bookings", {"json": {"product": "sat-2"}}, "book"),
    ("delete", f"{N}/bookings/{'0' * 32}", {}, "book"),
]
READS = [
    ("get", N, {}),
    ("get", f"{N}/inventory", {}),
    ("get", f"{N}/decisions", {}),
    ("post", f"{N}/evaluate", {"json": {"product": "sat-2"}}),
    ("post", f"{N}/group-quotes", {"json": {"units": {"x": 1}, "rate": 1}}),
]


@pytest.mark.parametrize(("method", "url", "kw", "role"), WRITES)
def test_writes_need_a_key_with_the_role(hotel, method, url, kw, role):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ADMIN}"}):
        r = getattr(hotel, method)(url, headers=headers, **kw)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.headers["content-type"] == "application/problem+json"
    assert getattr(hotel, method)(url, headers=READ_H, **kw).status_code == 403
    book = getattr(hotel, method)(url, headers=BOOK_H, **kw).status_code
    assert book == 403 if role == "admin" else book not in (401, 403)
    assert getattr(hotel, method)(url, headers=ADMIN_H, **kw).status_code not in (401, 403)


@pytest.mark.parametrize(("method", "url", "kw"), READS)
def test_reads_need_any_valid_key(hotel, method, url, kw):
    assert getattr(hotel, method)(url, **kw).status_code == 401
    assert getattr(hotel, method)(url, headers=READ_H, **kw).status_code not in (401, 403)


def test_writes_change_nothing_when_refused(hotel):
    hotel.put(N, json={**HOTEL, "resources": HOTEL["resources"][:1]}, headers=READ_H)
    hotel.post(f"{N}/bookings", json={"product": "sat-2"}, headers=READ_H)
    assert hotel.get(N, headers=READ_H).json()["revision"] == 1
    assert all(r["sold"] == 0 for r in hotel.get(f"{N}/inventory", headers=READ_H).json())


def test_no_keys_configured_refuses_everything(sqlite_url, caplog):
    with caplog.at_level(logging.WARNING, "yieldopt.api"):
        app = create_app(Settings(db_url=sqlite_url, api_keys=""))
    assert "no API keys configured" in caplog.text
    with TestClient(app) as c:
        assert c.put(N, json=HOTEL).status_code == 401
        assert c.put(N, json=HOTEL, headers={"Authorization": "Bearer "}).status_code == 401
        assert c.get("/v1/networks").status_code == 401
        assert c.get("/healthz").status_code == 200


def test_keys_file_and_role_order(tmp_path, sqlite_url):
    keys = tmp_path / "keys.txt"
    keys.write_text(
        "# service keys\nfile-admin-key-0001:admin\n\n"
        "file-reader-key-001:read, other-book-key-0001:book\n"
    )
    with TestClient(create_app(Settings(db_url=sqlite_url, api_keys_file=keys))) as c:
        assert (
            c.put(
                N, json=HOTEL, headers={"Authorization": "Bearer file-admin-key-0001"}
            ).status_code
            == 201
        )
        assert c.get(N, headers={"Authorization": "Bearer file-reader-key-001"}).status_code == 200
        assert (
            c.put(
                N, json=HOTEL, headers={"Authorization": "Bearer other-book-key-0001"}
            ).status_code
            == 403
        )
    a, b, c, d = (ch * 16 for ch in "abcd")
    ring = KeyRing.parse(f"{a}:read,{b}:book,{c}:admin,{c}:read")
    assert [ring.role_of(k) for k in (a, b, c, d)] == [Role.read, Role.book, Role.admin, None]
    assert Role.admin > Role.book > Role.read


@pytest.mark.parametrize("text", ["no-role", "k:superuser", ":admin"])
def test_bad_key_entries_fail_without_showing_the_key(text):
    with pytest.raises(ValueError) as err:
        KeyRing.parse(text)
    assert "superuser" in str(err.value) or "key:role" in str(err.value)
    assert "no-role" not in str(err.value) and "k:" not in str(err.value)


def test_keys_never_reach_logs_or_errors(sqlite_url, caplog):
    secret = "s3cr3t-v4lue-never-logged"
    with caplog.at_level(logging.DEBUG):
        app = create_app(Settings(db_url=sqlite_url, api_keys=f"{secret}:admin"))
        with TestClient(app) as c:
            c.put(N, json=HOTEL, headers={"Authorization": f"Bearer {secret}"})
            r = c.put(N, json=HOTEL, headers={"Authorization": f"Bearer {secret}x"})
            assert secret not in r.text
    assert secret not in caplog.text
    assert secret not in repr(Settings(api_keys=f"{secret}:admin"))


def test_store_dependency_can_be_overridden_and_keys_replaced(sqlite_url, tmp_path):
    """The FastAPI test seam: swap the store; keys live in ``app.state.keyring``."""
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    other.put_network("elsewhere", yo.Network.from_records(**HOTEL))
    with make_client(sqlite_url) as c:
        c.app.dependency_overrides[get_store] = lambda: other
        assert c.get("/v1/networks", headers=READ_H).json() == ["elsewhere"]
        c.app.dependency_overrides.clear()
        assert c.get("/v1/networks", headers=READ_H).json() == []
        c.app.state.keyring = KeyRing.parse("only-this-key-0001:read")
        assert c.get("/v1/networks", headers=ADMIN_H).status_code == 401
        only = {"Authorization": "Bearer only-this-key-0001"}
        assert c.get("/v1/networks", headers=only).status_code == 200
    other.close()


def test_all_keys_compared_in_constant_time(monkeypatch):
    import api.security as security

    calls = []
    real = security.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    ring = KeyRing.parse(f"{ADMIN}:admin,{BOOK}:book,{READ}:read")
    assert ring.role_of(ADMIN) == Role.admin
    # Every key is compared (no early exit), always as fixed-length digests.
    assert calls == [(32, 32)] * 3
