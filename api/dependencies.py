"""Dependencies the routers declare: settings, store, background executor and authorization.

Tests replace any of them with ``app.dependency_overrides``. They are ``async`` so that
the evaluate hot path never leaves the event loop for a thread.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from yieldopt.store import Store

from .security import KeyRing, Role
from .settings import Settings

__all__ = [
    "AdminKey",
    "BookKey",
    "ReadKey",
    "get_executor",
    "get_keyring",
    "get_settings",
    "get_store",
    "require",
]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")


async def get_settings(request: Request) -> Settings:
    """Return the app's settings."""
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    """Return the app's store."""
    return request.app.state.store


async def get_executor(request: Request) -> Executor:
    """Return the executor of background optimization runs."""
    return request.app.state.executor


async def get_keyring(request: Request) -> KeyRing:
    """Return the configured API keys."""
    return request.app.state.keyring


def require(role: Role):
    """Return a dependency that admits keys with at least ``role``.

    Without a valid key it answers 401, with a key of a lower role 403.
    """

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        keyring: Annotated[KeyRing, Depends(get_keyring)],
    ) -> Role:
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None:
            raise HTTPException(401, "missing API key: send Authorization: Bearer <key>", challenge)
        found = keyring.role_of(credentials.credentials)
        if found is None:
            raise HTTPException(401, "invalid API key", challenge)
        if found < role:
            raise HTTPException(403, f"this API key may not {_ACTION[role]}")
        return found

    return check


_ACTION = {Role.read: "read", Role.book: "book or cancel", Role.admin: "change networks"}

ReadKey = Annotated[Role, Depends(require(Role.read))]
BookKey = Annotated[Role, Depends(require(Role.book))]
AdminKey = Annotated[Role, Depends(require(Role.admin))]
StoreDep = Annotated[Store, Depends(get_store)]
