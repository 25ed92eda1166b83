"""API keys and roles: 401 without a valid key, 403 without the role, never open by default."""

import logging

import pytest

import yieldopt as yo
from yieldopt.store import Store
from yieldopt_api.dependencies import get_store
from yieldopt_api.main import create_app
from yieldopt_api.security import KeyRing, Role
from yieldopt_api.settings import Settings

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
    import yieldopt_api.security as security

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


# ---------------------------------------------------------------- the HTTP edge
def test_keys_shorter_than_16_characters_are_refused(sqlite_url):
    with pytest.raises(ValueError, match="at least 16") as err:
        create_app(Settings(db_url=sqlite_url, api_keys="x:admin"))
    assert "x:" not in str(err.value)
    assert KeyRing.parse("k" * 16 + ":admin").role_of("k" * 16) is Role.admin


def test_wrong_keys_are_throttled_per_client_address(sqlite_url):
    with make_client(sqlite_url, auth_fail_limit=5, auth_fail_window=60) as c:
        wrong = {"Authorization": "Bearer " + "w" * 20}
        assert [c.get("/v1/networks", headers=wrong).status_code for _ in range(5)] == [401] * 5
        r = c.get("/v1/networks", headers=wrong)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.headers["content-type"] == "application/problem+json"
        # The right key from that address is refused too: a 200 would confirm a guess.
        assert c.get("/v1/networks", headers=ADMIN_H).status_code == 429
        assert c.get("/healthz").status_code == 200
        # Another address is not affected.
        other = TestClient(c.app, client=("192.0.2.7", 5000))
        assert other.get("/v1/networks", headers=ADMIN_H).status_code == 200


def test_failure_table_is_bounded_and_drains():
    from yieldopt_api.security import FailureThrottle

    now = [0.0]
    t = FailureThrottle(limit=3, window=30.0, max_clients=100, clock=lambda: now[0])
    for i in range(1000):
        t.failed(f"10.0.{i // 256}.{i % 256}")
    assert len(t) == 100
    for _ in range(3):
        t.failed("198.51.100.1")
    assert t.retry_after("198.51.100.1") == 10  # one failure drains every 10 s
    now[0] += 10.0
    assert t.retry_after("198.51.100.1") is None


def test_keys_in_the_query_string_are_never_accepted(hotel):
    r = hotel.get(f"/v1/networks?api_key={ADMIN}")
    assert r.status_code == 401 and "query string" in r.json()["detail"]
    assert ADMIN not in r.text


def test_unauthenticated_bodies_are_not_read(hotel):
    """The 401 comes before a single body byte is received."""
    import asyncio

    received = []

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1_048_576, "more_body": False}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"{N}/bookings",
        "raw_path": f"{N}/bookings".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-length", b"1048576"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(hotel.app(scope, receive, send))
    assert sent[0]["status"] == 401 and received == []


def test_405_lists_every_allowed_method(hotel):
    r = hotel.patch(f"{N}/bookings", headers=ADMIN_H)
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    r = hotel.post(N, headers=ADMIN_H)
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET, PUT"


@pytest.mark.parametrize(
    ("method", "url", "headers"),
    [("get", N, READ_H), ("get", N, {}), ("get", "/healthz", {}), ("get", f"{N}/nope", READ_H)],
)
def test_answers_are_nosniff_and_not_stored(hotel, method, url, headers):
    r = getattr(hotel, method)(url, headers=headers)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


def test_docs_load_only_same_origin_assets(client):
    import re

    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", html.text)
        assert urls and "http" not in html.text.replace("http-equiv", "")
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), url
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content, url
            assert asset.headers["x-content-type-options"] == "nosniff"
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in js.headers["content-type"] and len(js.content) > 100_000
    assert "no-store" not in js.headers.get("cache-control", "")
