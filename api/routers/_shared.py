"""Path parameters and documented error responses shared by the routers."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Path

from ..schemas import Problem

__all__ = ["BookingId", "NetworkId", "RunId", "problems"]

NetworkId = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$",
        description="Network id: letters, digits and . _ ~ - (1–100 characters).",
    ),
]
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Booking id.")]
RunId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Optimization run id.")]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Document problem+json error responses (always 400, 401, 403, 422 and 500)."""
    wanted = sorted({400, 401, 403, 422, 500, *codes})
    return {c: {"model": Problem, "description": HTTPStatus(c).phrase} for c in wanted}
