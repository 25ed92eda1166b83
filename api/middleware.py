"""ASGI middleware of the service's edge.

- :class:`Guard` authenticates every ``/v1`` request (and the workspace's fragments under
  ``/workspace/``) from its ``Authorization`` header before any of its body is read
  (401), and throttles client addresses that keep presenting wrong keys (429 with
  ``Retry-After``);
- :class:`BodyLimit` rejects request bodies larger than the configured limit (413);
- :class:`EdgeHeaders` adds ``X-Content-Type-Options: nosniff`` to every answer,
  ``Cache-Control: no-store`` to the API's (not to static assets: the documentation's
  and the workspace's, which are cached), a strict ``Content-Security-Policy`` to the
  workspace's pages (:data:`WORKSPACE_CSP`: scripts and styles from this origin only,
  no inline script), and the full ``Allow`` header to 405 answers.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import problem
from .security import FailureThrottle, KeyRing

__all__ = ["CHALLENGE", "WORKSPACE_CSP", "BodyLimit", "EdgeHeaders", "Guard"]

#: ``WWW-Authenticate`` of a 401.
CHALLENGE = {"WWW-Authenticate": "Bearer"}
# Query parameters a client might put a key in by mistake (the key is refused there).
_KEY_PARAMS = (b"api_key", b"apikey", b"key", b"token", b"access_token", b"auth")
#: Content-Security-Policy of the workspace (``/``, ``/workspace/…``, its static files):
#: nothing from other origins, no inline script or style element, no framing.
WORKSPACE_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    b"frame-ancestors 'none'"
)
#: Paths of the workspace's static files (cacheable; URLs carry the version).
WORKSPACE_STATIC = "/static/"
_WORKSPACE_PAGES = ("/workspace/", WORKSPACE_STATIC)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope["headers"]:
        if k == name:
            return v
    return None


class Guard:
    """Authenticate ``/v1`` requests before the app (and before reading their bodies).

    The key comes only from ``Authorization: Bearer <key>``, never from the query string.
    The holder of a valid key (a :class:`~yieldopt_api.security.Principal`) is put in the
    request's state as ``principal``; each route then checks the role it needs (403).
    The keys are read from ``app.state.keyring`` and the failure counts kept in
    ``app.state.auth_throttle`` on every request, so both can be replaced at run time.

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    prefix : str or tuple of str
        Paths that need a key (the API's and the workspace fragments').
    """

    def __init__(
        self, app: ASGIApp, prefix: str | tuple[str, ...] = ("/v1/", "/workspace/")
    ) -> None:
        self.app = app
        self.prefixes = (prefix,) if isinstance(prefix, str) else tuple(prefix)

    def _guarded(self, path: str) -> bool:
        return any(path.startswith(p) or path == p.rstrip("/") for p in self.prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection scope."""
        if scope["type"] != "http" or not self._guarded(scope["path"]):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        throttle: FailureThrottle = state.auth_throttle
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = throttle.retry_after(client)
        if wait is not None:
            # Refused before the key is looked at: a right key must not answer
            # differently, or guessing would go on at full speed.
            detail = f"too many failed authentications from this address; retry in {wait} s"
            await problem(429, detail, headers={"Retry-After": str(wait)})(scope, receive, send)
            return
        scheme, _, key = (_header(scope, b"authorization") or b"").partition(b" ")
        key = key.strip()
        if scheme.lower() != b"bearer" or not key:
            detail = "missing API key: send Authorization: Bearer <key>"
            if any(
                p.partition(b"=")[0].lower() in _KEY_PARAMS
                for p in scope.get("query_string", b"").split(b"&")
            ):
                detail += " (keys in the query string are never accepted)"
            await problem(401, detail, headers=CHALLENGE)(scope, receive, send)
            return
        keyring: KeyRing = state.keyring
        principal = keyring.lookup(key.decode("latin-1"))
        if principal is None:
            throttle.failed(client)
            await problem(401, "invalid API key", headers=CHALLENGE)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` (413).

    Checked by ``Content-Length`` before reading, and while reading a body sent
    without one (chunked).

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    max_bytes : int
        Largest body accepted.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection scope."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        value = _header(scope, b"content-length")
        if value is not None:
            try:
                too_big = int(value) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, counted, send)

    def _detail(self) -> str:
        return f"request body larger than {self.max_bytes} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await problem(413, self._detail())(scope, receive, send)


class EdgeHeaders:
    """Add ``nosniff``, ``no-store`` (outside ``static_prefix``) and a complete ``Allow``.

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    static_prefix : str
        Paths of cacheable static assets (the documentation's); the workspace's
        (:data:`WORKSPACE_STATIC`) are cacheable too.
    """

    def __init__(self, app: ASGIApp, static_prefix: str) -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection scope."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        cacheable = path.startswith((self.static_prefix, WORKSPACE_STATIC))
        workspace = path in ("/", "/favicon.ico") or path.startswith(_WORKSPACE_PAGES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if not cacheable and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                elif cacheable and path.startswith(WORKSPACE_STATIC):
                    headers.append((b"cache-control", b"public, max-age=86400"))
                if workspace and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", WORKSPACE_CSP))
                    headers.append((b"referrer-policy", b"no-referrer"))
                    headers.append((b"x-frame-options", b"DENY"))
                if message["status"] == 405:
                    allow = ", ".join(_allowed_methods(scope)).encode()
                    headers = [(k, v) for k, v in headers if k.lower() != b"allow"]
                    headers.append((b"allow", allow))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _allowed_methods(scope: Scope) -> list[str]:
    """Every method some route of the app serves at the request's path.

    Starlette's 405 names only the methods of the first route whose path matched,
    though several routes (e.g. ``GET`` and ``POST /bookings``) may share a path. Each
    method is probed against the routes (included routers hide their routes' methods).
    """
    routes = getattr(scope["app"], "routes", ())
    allowed = []
    for method in _METHODS:
        probe = {**scope, "type": "http", "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            allowed.append(method)
    return allowed


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
