"""``GET /healthz``: liveness (the store is open before the server accepts requests)."""

from __future__ import annotations

from fastapi import APIRouter

from yieldopt import __version__

from ..schemas import Health

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> Health:
    """Report that the service is up."""
    return Health(status="ok", version=__version__)
