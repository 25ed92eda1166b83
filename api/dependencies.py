"""Dependencies the routers declare: settings, store, background executor and authorization.

Tests replace them with ``app.dependency_overrides`` (the keys live in
``app.state.keyring``). They are ``async`` so that no request leaves the event loop for a
thread just to resolve them; the evaluate hot path calls :func:`authorize` and
:func:`store_of` directly.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from yieldopt.store import Store

from .security import KeyRing, Role
from .settings import Settings

__all__ = [
    "BEARER_SCHEME",
    "AdminKey",
    "BookKey",
    "ReadKey",
    "StoreDep",
    "authorize",
    "get_executor",
    "get_keyring",
    "get_settings",
    "get_store",
    "require",
    "store_of",
]

#: OpenAPI security scheme of the API keys (added to every ``/v1`` operation by ``main``).
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key: `Authorization: Bearer <key>`.",
}
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


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


def authorize(request: Request, role: Role) -> Role:
    """Check a request's API key for ``role`` and return the key's role.

    The header and the keys are read directly (not through ``fastapi.security`` or more
    dependencies, which cost the evaluate hot path time); the scheme is documented in the
    OpenAPI schema by ``main``.

    Raises
    ------
    HTTPException
        401 without a valid key, 403 with a key of a lower role.
    """
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise HTTPException(401, "missing API key: send Authorization: Bearer <key>", _CHALLENGE)
    found = get_keyring(request).role_of(key)
    if found is None:
        raise HTTPException(401, "invalid API key", _CHALLENGE)
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


_ACTION = {Role.read: "read", Role.book: "book or cancel", Role.admin: "change networks"}

ReadKey = Annotated[Role, Depends(require(Role.read))]
BookKey = Annotated[Role, Depends(require(Role.book))]
AdminKey = Annotated[Role, Depends(require(Role.admin))]
StoreDep = Annotated[Store, Depends(get_store)]
