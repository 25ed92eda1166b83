"""Path parameters and documented error responses shared by the routers."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Path

from ..schemas import Problem

__all__ = [
    "NETWORK_ID_PARAMETER",
    "NETWORK_ID_PATTERN",
    "BookingId",
    "NetworkId",
    "RunId",
    "problems",
]

NETWORK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$"
NETWORK_ID_DESCRIPTION = "Network id: letters, digits and . _ ~ - (1–100 characters)."
NetworkId = Annotated[str, Path(pattern=NETWORK_ID_PATTERN, description=NETWORK_ID_DESCRIPTION)]

#: The ``network_id`` path parameter as OpenAPI, for routes that read it themselves.
NETWORK_ID_PARAMETER = {
    "name": "network_id",
    "in": "path",
    "required": True,
    "description": NETWORK_ID_DESCRIPTION,
    "schema": {"type": "string", "pattern": NETWORK_ID_PATTERN, "title": "Network Id"},
}
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Booking id.")]
RunId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Optimization run id.")]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Document problem+json error responses (always 400, 401, 403, 422, 500 and 503)."""
    wanted = sorted({400, 401, 403, 422, 500, 503, *codes})
    return {c: {"model": Problem, "description": HTTPStatus(c).phrase} for c in wanted}
