"""The workspace shell (``GET /``) and the favicon: public, no key needed to load them."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from ._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_FAVICON = Path(__file__).parent / "static" / "favicon.svg"


@router.get("/", response_class=HTMLResponse)
def shell() -> HTMLResponse:
    """Serve the page: header, sign-in form and the area the fragments are loaded into."""
    return render("shell.html")


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Serve the icon browsers ask for at the root (an SVG, which they all draw)."""
    return FileResponse(_FAVICON, media_type="image/svg+xml")
