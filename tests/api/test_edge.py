"""The HTTP edge against real ``yieldopt serve`` processes: slowloris, held sockets, logs,
worker processes, and heavy requests off the event loop.

Every server listens on 127.0.0.1 and every test is bounded in sockets and seconds.
"""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import threading
import time

import httpx
from typer.testing import CliRunner

import yieldopt as yo
from yieldopt import cli
from yieldopt.store import Store
from yieldopt_api.main import create_app
from yieldopt_api.settings import Settings
from yieldopt_api.transport import RateLimitFilter, RedactQueryFilter, uvicorn_config

from .conftest import HOTEL
from .server import ADMIN, BOOK, KEYS, READ, Server, auth


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock`` (EOF or reset), or ``None`` if it did not."""
    sock.settimeout(seconds)
    start = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def test_half_open_and_trickling_connections_are_closed(sqlite_url):
    with Server(sqlite_url, args=["--request-timeout", "1", "--log-level", "info"]) as srv:
        silent = socket.create_connection(("127.0.0.1", srv.port))
        partial = socket.create_connection(("127.0.0.1", srv.port))
        partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        trickle = socket.create_connection(("127.0.0.1", srv.port))
        stop = time.monotonic() + 4
        closed_at = None

        def drip() -> None:
            # One byte every 0.2 s: each byte used to reset uvicorn's only timer.
            nonlocal closed_at
            for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100:
                if time.monotonic() > stop:
                    return
                try:
                    trickle.sendall(bytes([byte]))
                except OSError:
                    closed_at = time.monotonic()
                    return
                time.sleep(0.2)

        t0 = time.monotonic()
        dripper = threading.Thread(target=drip)
        dripper.start()
        for s in (silent, partial):
            waited = _closed_within(s, 5.0)
            assert waited is not None and time.monotonic() - t0 < 3.0
        assert _closed_within(trickle, 5.0) is not None
        dripper.join()
        assert time.monotonic() - t0 < 4.0
        for s in (silent, partial, trickle):
            s.close()
        # A keep-alive client that behaves is served as before.
        with srv.client(READ) as c:
            assert c.get("/healthz").status_code == 200
            time.sleep(0.3)
            assert c.get("/v1/networks?token=x").status_code == 200
        srv.stop()
        # No access log by default: requests leave no line each.
        assert '"GET /' not in srv.log.read_text()


def _low_file_limit() -> None:  # runs in the server's child process
    resource.setrlimit(resource.RLIMIT_NOFILE, (160, 160))


def test_sockets_held_beyond_the_limit_do_not_keep_clients_out(sqlite_url):
    """200 idle sockets against a process allowed 160 files and 32 connections."""
    srv = Server(
        sqlite_url,
        args=["--limit-concurrency", "32", "--request-timeout", "60"],
        preexec_fn=_low_file_limit,
    )
    held: list[socket.socket] = []
    with srv:
        try:
            for _ in range(200):
                held.append(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
            time.sleep(0.5)
            for _ in range(3):
                r = httpx.get(f"{srv.url}/healthz", timeout=5.0)
                assert r.status_code in (200, 503)
            assert r.status_code == 200  # idle sockets were closed to make room
            assert srv.proc.poll() is None
        finally:
            for s in held:
                s.close()
        with srv.client(READ) as c:
            assert c.get("/v1/networks").status_code == 200


def _run_log_server(sqlite_url: str, args: list[str]) -> str:
    srv = Server(sqlite_url, args=["--log-level", "info", *args])
    srv.start()
    try:
        secret = "s3cr3t-in-the-query-string"
        with httpx.Client(base_url=srv.url, timeout=10) as c:
            for i in range(100):
                c.get(f"/healthz?api_key={secret}&i={i}")
                c.get("/v1/networks", params={"token": secret})
    finally:
        srv.stop()
    text = srv.log.read_text()
    srv.log.unlink(missing_ok=True)
    assert secret not in text
    return text


def test_the_access_log_on_request_is_redacted_and_bounded(sqlite_url):
    start = time.monotonic()
    loud = _run_log_server(sqlite_url, ["--access-log"])
    took = time.monotonic() - start
    lines = [ln for ln in loud.splitlines() if '"GET /' in ln]
    queried = [ln for ln in lines if "?" in ln]
    assert queried and all("?[redacted] " in ln for ln in queried)
    # A burst of 20, then 5 a second: far fewer than the 200 requests.
    assert len(lines) <= 20 + 5 * took + 1


def test_log_filters_redact_and_rate_limit():
    import logging

    rec = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', None, None)
    rec.args = ("1.2.3.4:5", "GET", "/v1/x?api_key=abc", "1.1", 200)
    RedactQueryFilter().filter(rec)
    assert rec.args[2] == "/v1/x?[redacted]"
    limit = RateLimitFilter(rate=1.0, burst=2)
    kept = []
    for i in range(10):
        r = logging.LogRecord("uvicorn.error", 30, "", 0, "Exceeded concurrency limit.", (), None)
        r.created = 100.0 + i * 0.01
        kept.append(limit.filter(r))
    assert kept == [True, True] + [False] * 8
    later = logging.LogRecord("uvicorn.error", 30, "", 0, "Exceeded concurrency limit.", (), None)
    later.created = 102.0
    assert limit.filter(later) and "[8 similar lines suppressed]" in later.getMessage()


def test_edge_settings_reach_uvicorn():
    kw = uvicorn_config(
        Settings(request_timeout=3, timeout_keep_alive=2, limit_concurrency=100, backlog=50),
        host="127.0.0.1",
        port=1,
    )
    assert kw["access_log"] is False and kw["timeout_keep_alive"] == 2
    assert kw["limit_concurrency"] == 100 and kw["backlog"] == 50
    assert kw["h11_max_incomplete_event_size"] == 16_384
    assert kw["http"].keywords == {"request_timeout": 3.0}


def test_workers_refuse_sqlite_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("YIELDOPT_API_KEYS", KEYS)
    db = tmp_path / "never-created.db"
    run = CliRunner().invoke(cli.app, ["serve", "--db", f"sqlite:///{db}", "--workers", "2"])
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "needs PostgreSQL" in run.stderr
    assert not db.exists()


def test_short_keys_refuse_to_start(monkeypatch):
    monkeypatch.setenv("YIELDOPT_API_KEYS", "abc:admin")
    run = CliRunner().invoke(cli.app, ["serve", "--db", "sqlite://"])
    assert run.exit_code == 2 and "at least 16" in run.stderr and "abc" not in run.stderr
    bad = CliRunner().invoke(cli.app, ["serve", "--request-timeout", "0"], env={})
    assert bad.exit_code == 2 and "--request-timeout" in bad.stderr


def _workers_of(pid: int) -> int:
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            n += ppid == pid
    return n


def test_workers_serve_postgresql(pg_url):
    # Worker processes import the whole engine: allow a busy machine time to start them.
    with Server(pg_url, args=["--workers", "2"]).start(timeout=120) as srv:
        assert _workers_of(srv.proc.pid) >= 2
        with srv.client(ADMIN) as c:
            assert c.put("/v1/networks/hotel", json=HOTEL).status_code == 201
        with srv.client(BOOK) as c:
            codes = [
                c.post("/v1/networks/hotel/bookings", json={"product": "sat-2"}).status_code
                for _ in range(10)
            ]
            assert codes == [201] * 10
            inv = c.get("/v1/networks/hotel/inventory").json()
            assert inv[1]["sold"] == 10


def test_heavy_requests_are_bounded_per_key_and_leave_evaluate_alone(sqlite_url):
    store = Store.open(sqlite_url)
    store.put_network("hotel", yo.Network.from_records(**HOTEL))
    app = create_app(Settings(api_keys=KEYS, heavy_per_key=1), store=store)
    release = threading.Event()
    real = store.optimization_inputs  # what a group quote reads first

    def slow_inputs(*args):
        release.wait(10)
        return real(*args)

    store.optimization_inputs = slow_inputs
    quote = {"units": {"std/2026-12-05": 2}, "rate": 90}
    url = "/v1/networks/hotel"

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            first = asyncio.create_task(
                c.post(f"{url}/group-quotes", json=quote, headers=auth(READ))
            )
            await asyncio.sleep(0.2)
            second = await c.post(f"{url}/group-quotes", json=quote, headers=auth(READ))
            assert second.status_code == 429 and second.headers["retry-after"] == "1"
            t0 = time.monotonic()
            ev = await c.post(f"{url}/evaluate", json={"product": "sat-2"}, headers=auth(READ))
            assert ev.status_code == 200 and time.monotonic() - t0 < 1.0
            assert not first.done()
            release.set()
            assert (await first).status_code == 200

    try:
        asyncio.run(scenario())
    finally:
        release.set()
        app.state.heavy.shutdown()
        store.close()
