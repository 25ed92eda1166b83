"""Overrides of a network's controls by revenue managers, with their audit trail."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["overrides"])
