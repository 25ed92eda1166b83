"""The revenue manager's workspace: web pages served by the service itself.

``GET /`` is the shell (sign-in, navigation by URL hash); the pages are HTML fragments
under ``/workspace/…`` that need a key like the API (``Authorization: Bearer …``, sent by
``workspace.js`` from ``sessionStorage``), rendered by Jinja2 from the store in-process.
htmx swaps them in, uPlot draws the charts; both are vendored in ``static/vendor`` (no
CDN, no build step). Every script is a static file, so the pages work under the strict
Content-Security-Policy that :class:`~yieldopt_api.middleware.EdgeHeaders` sets for them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ._actions import router as actions_router
from ._pages import router as pages_router
from ._render import STATIC_URL
from ._shell import router as shell_router

__all__ = ["STATIC_URL", "install_workspace"]

_STATIC = Path(__file__).parent / "static"


def install_workspace(app: FastAPI) -> None:
    """Add the workspace's pages and assets to the service.

    Parameters
    ----------
    app : fastapi.FastAPI
        The service; gets ``GET /``, ``GET /favicon.ico``, the fragments under
        ``/workspace/`` and the assets under :data:`STATIC_URL`.
    """
    app.mount(STATIC_URL, StaticFiles(directory=_STATIC), name="workspace-static")
    app.include_router(shell_router)
    app.include_router(pages_router)
    app.include_router(actions_router)
