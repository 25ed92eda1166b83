"""Service throughput and latency: a load generator against a real ``yieldopt serve`` process.

32 concurrent keep-alive connections send requests for a fixed time; the same server
process answers, one after the other, ``GET /healthz`` (the no-op: routing and a JSON
response, nothing else), ``POST …/evaluate`` (the hot path) and ``POST …/bookings``
(durable: one SQLite transaction synced to disk per booking). Reported per endpoint:
requests per second and p50/p99 latency, and the ratios to the no-op.

Targets (asserted by ``make bench``): evaluate >= 70% of the no-op throughput, and
>= 500 durable bookings per second on SQLite. In the normal test run
(``--benchmark-disable``) every phase lasts a fraction of a second as a smoke test.

The load generator is plain asyncio on raw sockets (pre-encoded HTTP/1.1 requests), so
it costs far less CPU per request than the server and the server is what is measured.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from tests.api.server import ADMIN, Server, auth

CLIENTS = 32
NETWORK = {
    "resources": [{"id": f"leg-{i}", "capacity": 1_000_000_000} for i in range(4)],
    "products": [
        {"id": "p0", "resources": ["leg-0"], "price": 120.0},
        {"id": "p01", "resources": ["leg-0", "leg-1"], "price": 200.0},
        {"id": "p23", "resources": ["leg-2", "leg-3"], "price": 150.0},
    ],
}


@dataclass
class Result:
    """Throughput and latency of one endpoint (pooled over rounds)."""

    name: str
    latencies: list[float]
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p50_ms(self) -> float:
        return float(np.median(self.latencies)) * 1e3

    @property
    def p99_ms(self) -> float:
        return float(np.percentile(self.latencies, 99)) * 1e3

    def __add__(self, other: Result) -> Result:
        return Result(self.name, self.latencies + other.latencies, self.seconds + other.seconds)


def _request(method: str, path: str, port: int, body: bytes = b"", headers=()) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _load(
    port: int, make: Callable[[int], bytes], ok: set[int], warmup: float, duration: float
) -> tuple[list[float], int]:
    """Run CLIENTS connections for warmup + duration; latencies of the measured part."""
    latencies: list[float] = []
    counter = iter(range(10**9))
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    errors = 0

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (t0 := time.perf_counter()) < stop_at:
                writer.write(make(next(counter)))
                status = await _response(reader)
                t1 = time.perf_counter()
                if status not in ok:
                    errors += 1
                if t0 >= measure_from:
                    latencies.append(t1 - t0)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies, errors


def measure(
    name: str, port: int, make: Callable[[int], bytes], ok: set[int], warmup: float, duration: float
) -> Result:
    """Requests started in the measured window, over its length (the tail finishes after)."""
    lat, errors = asyncio.run(_load(port, make, ok, warmup, duration))
    assert errors == 0, f"{name}: {errors} unexpected status codes"
    return Result(name, lat, duration)


def report(results: list[Result]) -> str:
    base = results[0].rps
    rows = [f"{'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs no-op':>9}"]
    for r in results:
        rows.append(
            f"{r.name:<10} {r.rps:>9,.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.rps / base:>8.0%}"
        )
    return "\n".join(rows)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    db = tmp_path_factory.mktemp("bench") / "bench.db"
    with Server(f"sqlite:///{db}", env={"YIELDOPT_SQLITE_SYNCHRONOUS": "FULL"}) as srv:
        with srv.client(ADMIN) as c:
            assert c.put("/v1/networks/bench", json=NETWORK).status_code == 201
            demand = {"demand": [{"product": p["id"], "mean": 10.0} for p in NETWORK["products"]]}
            assert c.put("/v1/networks/bench/forecast", json=demand).is_success
            assert c.post("/v1/networks/bench/optimizations", json={}).status_code == 201
        yield srv


def test_evaluate_and_bookings_against_noop(service, benchmark):
    smoke = benchmark.disabled
    # Timed runs alternate no-op and evaluate rounds, so drifts hit both alike.
    rounds, warmup, duration = (1, 0.2, 0.4) if smoke else (3, 0.5, 2.0)
    port = service.port
    key = [f"Authorization: {auth(ADMIN)['Authorization']}"]
    noop = _request("GET", "/healthz", port)
    bodies = [
        json.dumps({"product": p, "quantity": q}).encode()
        for p in ("p0", "p01", "p23")
        for q in (1, 2)
    ]
    evaluate = [_request("POST", "/v1/networks/bench/evaluate", port, b, key) for b in bodies]

    def booking(i: int) -> bytes:
        headers = [*key, f"Idempotency-Key: bench-{i}"]
        return _request("POST", "/v1/networks/bench/bookings", port, bodies[i % 6], headers)

    def run() -> tuple[list[Result], list[float]]:
        pairs = [
            (
                measure("no-op", port, lambda i: noop, {200}, warmup, duration),
                measure("evaluate", port, lambda i: evaluate[i % 6], {200}, warmup, duration),
            )
            for _ in range(rounds)
        ]
        ratios = [e.rps / n.rps for n, e in pairs]
        noop_r = sum((n for n, _ in pairs[1:]), pairs[0][0])
        eval_r = sum((e for _, e in pairs[1:]), pairs[0][1])
        book_r = measure("bookings", port, booking, {201}, warmup, rounds * duration)
        return [noop_r, eval_r, book_r], ratios

    results, ratios = benchmark.pedantic(run, rounds=1, iterations=1)
    book_r = results[2]
    ratio = float(np.median(ratios))
    table = report(results)
    print(
        f"\nservice at {CLIENTS} concurrent clients (SQLite, synchronous=FULL), "
        f"{rounds} x {duration:g} s rounds:\n{table}\n"
        f"evaluate / no-op throughput, median of rounds: {ratio:.0%} "
        f"({', '.join(f'{r:.0%}' for r in ratios)})"
    )
    benchmark.extra_info.update(
        {r.name: {"rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms} for r in results}
        | {"evaluate_vs_noop": ratio}
    )
    with service.client(ADMIN) as c:
        inv = {r["resource"]: r["sold"] for r in c.get("/v1/networks/bench/inventory").json()}
        total = c.get("/v1/networks/bench/bookings", params={"limit": 1}).json()["total"]
    assert total >= len(book_r.latencies) and inv["leg-0"] > 0
    if not smoke:
        assert ratio >= 0.7, table
        assert book_r.rps >= 500, table
