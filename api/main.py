"""The app factory: ``create_app()`` builds the booking-control service.

Run it with ``yieldopt serve`` or ``uvicorn --factory yieldopt_api.main:create_app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from yieldopt import __version__
from yieldopt.store import Store

from .dependencies import BEARER_SCHEME, HeavyWork
from .errors import PROBLEM, install_handlers
from .middleware import BodyLimit, EdgeHeaders, Guard
from .routers import bookings, cycle, decisions, health, networks, overrides, pricing
from .security import FailureThrottle, KeyRing
from .settings import Settings
from .workspace import install_workspace

__all__ = ["create_app"]

DESCRIPTION = """\
Booking control for fixed, perishable capacity: store networks and forecasts, optimize
versioned decision sets (bid prices, booking limits, authorized capacity, length-of-stay
controls), evaluate and book requests atomically against the inventory.

Authenticate with `Authorization: Bearer <key>`; keys have the role `read`, `book` or
`admin` (each implies the ones before), and `+assert` to assert a price above the list
price or a segment. Errors are `application/problem+json` (RFC 9457).
"""

#: Where the documentation pages load Swagger UI and ReDoc from: this server, not a CDN.
DOCS_ASSETS = "/docs/assets"
_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"


def open_store(settings: Settings) -> Store:
    """Open (and create or upgrade) the database the settings name."""
    return Store.open(
        settings.db_url,
        evaluate_ttl=settings.evaluate_ttl,
        synchronous=settings.sqlite_synchronous,
    )


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings : Settings, optional
        From the environment (``YIELDOPT_*``) by default.
    store : Store, optional
        An open store to use (and leave open); by default one is opened from
        ``settings.db_url`` at startup and closed at shutdown.

    Returns
    -------
    fastapi.FastAPI
    """
    settings = settings or Settings()
    keyring = KeyRing.load(settings.api_keys.get_secret_value(), settings.api_keys_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = open_store(settings) if own else store
        app.state.store.fail_interrupted_runs()
        app.state.executor = _executor()
        try:
            yield
        finally:
            app.state.executor.shutdown(wait=False, cancel_futures=True)
            app.state.heavy.shutdown()
            if own:
                app.state.store.close()

    app = FastAPI(
        title="yieldopt booking control",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by _docs from this package's assets (FastAPI's defaults load a CDN).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keyring = keyring
    app.state.auth_throttle = FailureThrottle(settings.auth_fail_limit, settings.auth_fail_window)
    app.state.heavy = HeavyWork(
        settings.heavy_workers, settings.heavy_per_key, settings.heavy_queue
    )
    # Usable without the lifespan too (ASGI test transports that skip it) when given a store.
    app.state.store = store
    app.state.executor = _executor()
    install_handlers(app)
    # Added innermost first: EdgeHeaders sees every answer, Guard runs before any body is
    # read (BodyLimit and the routes read it).
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Guard)
    app.add_middleware(EdgeHeaders, static_prefix=DOCS_ASSETS)
    # The booking path first: routes are matched in order, and evaluate is the hot path.
    for module in (bookings, health, networks, decisions):
        app.include_router(module.router)
    app.include_router(cycle.router)
    app.include_router(pricing.router)
    app.include_router(overrides.router)
    install_workspace(app)
    _docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) and ``/redoc`` with assets from this server.

    The assets come from the ``fastapi-offline`` package (Swagger UI 5, which renders
    OpenAPI 3.1, and ReDoc), so the pages work without internet access.
    """
    app.mount(DOCS_ASSETS, StaticFiles(directory=_ASSETS_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — docs",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1, thread_name_prefix="yieldopt-optimize")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """Return the OpenAPI schema, with error responses typed ``application/problem+json``."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = (
            BEARER_SCHEME
        )
        for url, path in schema.get("paths", {}).items():
            for op in path.values():
                if url.startswith("/v1/"):
                    op["security"] = [{"bearer": []}]
                for code, resp in op.get("responses", {}).items():
                    content = resp.get("content", {})
                    if code[0] in "45" and "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
        app.openapi_schema = schema
    return app.openapi_schema
