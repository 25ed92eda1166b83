"""Dependencies the routers declare: settings, store, executors and authorization.

Tests replace them with ``app.dependency_overrides`` (the keys live in
``app.state.keyring``). They are ``async`` so that no request leaves the event loop for a
thread just to resolve them; the evaluate hot path calls :func:`authorize` and
:func:`store_of` directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from yieldopt.store import Store

from .middleware import CHALLENGE
from .security import KeyRing, Principal, Role
from .settings import Settings

__all__ = [
    "BEARER_SCHEME",
    "AdminKey",
    "BookKey",
    "HeavyWork",
    "ReadKey",
    "StoreDep",
    "authorize",
    "get_executor",
    "get_keyring",
    "get_settings",
    "get_store",
    "principal_of",
    "require",
    "run_heavy",
    "store_of",
    "who_of",
]

#: OpenAPI security scheme of the API keys (added to every ``/v1`` operation by ``main``).
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key: `Authorization: Bearer <key>`.",
}


async def get_settings(request: Request) -> Settings:
    """Return the app's settings."""
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    """Return the app's store."""
    return request.app.state.store


async def get_executor(request: Request) -> Executor:
    """Return the executor of background optimization runs."""
    return request.app.state.executor


def get_keyring(request: Request) -> KeyRing:
    """Return the configured API keys (``app.state.keyring``; replace it to change keys)."""
    return request.app.state.keyring


def principal_of(request: Request) -> Principal:
    """Return the holder of the request's API key.

    Normally :class:`~yieldopt_api.middleware.Guard` has looked the key up before the body was
    read; without it (an app assembled differently) the header is checked here.

    Raises
    ------
    HTTPException
        401 without a valid key.
    """
    found = request.scope.get("state", {}).get("principal")
    if found is not None:
        return found
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise HTTPException(401, "missing API key: send Authorization: Bearer <key>", CHALLENGE)
    found = get_keyring(request).lookup(key)
    if found is None:
        raise HTTPException(401, "invalid API key", CHALLENGE)
    return found


def who_of(request: Request) -> str:
    """Return the name of the request's API key (its ``@name``, else its key id).

    What audit records name the holder by; never the key.
    """
    return principal_of(request).name


def authorize(request: Request, role: Role) -> Role:
    """Check a request's API key for ``role`` and return the key's role.

    The principal is read directly (not through ``fastapi.security`` or more
    dependencies, which cost the evaluate hot path time); the scheme is documented in the
    OpenAPI schema by ``main``.

    Raises
    ------
    HTTPException
        401 without a valid key, 403 with a key of a lower role.
    """
    found = principal_of(request).role
    if found < role:
        raise HTTPException(403, f"this API key may not {_ACTION[role]}")
    return found


def require(role: Role):
    """Return a dependency that admits keys with at least ``role`` (see :func:`authorize`)."""

    async def check(request: Request) -> Role:
        return authorize(request, role)

    return check


def store_of(request: Request) -> Store:
    """Return the store without the dependency machinery (for the hot path).

    Honours an argument-less ``app.dependency_overrides[get_store]``.
    """
    override = request.app.dependency_overrides.get(get_store)
    return override() if override is not None else request.app.state.store


class HeavyWork:
    """A bounded pool for requests that solve (an LP each), with a bound per API key.

    Heavy requests run on ``workers`` threads, never on the event loop and never on
    the shared thread pool of the other routes, so ``evaluate`` and bookings keep their
    latency while quotes are computed. A key may have ``per_key`` heavy requests in
    flight and all keys together ``workers + queue``; beyond either, 429 with
    ``Retry-After``.

    Parameters
    ----------
    workers : int
        Threads.
    per_key : int
        Heavy requests one key may have in flight.
    queue : int
        Requests that may wait for a thread, over all keys.
    """

    def __init__(self, workers: int = 1, per_key: int = 2, queue: int = 8) -> None:
        self.workers = workers
        self.per_key = per_key
        self.capacity = workers + queue
        self._pool: ThreadPoolExecutor | None = None
        self._in_flight: dict[str, int] = {}
        self._total = 0

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="yieldopt-heavy")
        return self._pool

    async def run[T](self, holder: str, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the pool for the key ``holder``.

        Raises
        ------
        HTTPException
            429 when the key or the pool is at its bound.
        """
        mine = self._in_flight.get(holder, 0)
        if mine >= self.per_key:
            raise HTTPException(
                429,
                f"this API key has {mine} heavy requests in flight (the limit); "
                "retry when one has finished",
                {"Retry-After": "1"},
            )
        if self._total >= self.capacity:
            raise HTTPException(
                429, "the service is busy with heavy requests; retry shortly", {"Retry-After": "1"}
            )
        # Counted on the event loop only, so no lock is needed.
        self._in_flight[holder] = mine + 1
        self._total += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor(), fn, *args)
        finally:
            self._total -= 1
            left = self._in_flight[holder] - 1
            if left:
                self._in_flight[holder] = left
            else:
                del self._in_flight[holder]

    def shutdown(self) -> None:
        """Stop the threads (running work finishes; queued work is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


async def run_heavy[T](request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run a heavy call for the request's key on the app's :class:`HeavyWork` pool."""
    heavy: HeavyWork = request.app.state.heavy
    return await heavy.run(principal_of(request).key_id, fn, *args)


_ACTION = {Role.read: "read", Role.book: "book or cancel", Role.admin: "change networks"}

ReadKey = Annotated[Role, Depends(require(Role.read))]
BookKey = Annotated[Role, Depends(require(Role.book))]
AdminKey = Annotated[Role, Depends(require(Role.admin))]
StoreDep = Annotated[Store, Depends(get_store)]
