"""Problem details (RFC 9457, ``application/problem+json``) for every error the service returns.

Each problem carries ``type``, ``title``, ``status`` and ``detail``; input errors add
``field`` (the first offending field, e.g. ``products[3].resources``) and ``errors``
(every offending field with its message). No handler echoes the rejected input.

A database that cannot serve for now (down, unreachable, its lock held past the busy
timeout, or a deadlock that outlasted the store's retries) is a 503 with
``Retry-After``, not a 500: the request changed nothing, or, for a booking cut off in
its commit, a retry with the same ``Idempotency-Key`` settles it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException

from yieldopt.errors import InputError, YieldoptError
from yieldopt.store import ConflictError, IdempotencyError, NotFoundError, UnavailableError

__all__ = ["PROBLEM", "body_error", "field_name", "install_handlers", "problem"]

log = logging.getLogger("yieldopt.api")

PROBLEM = "application/problem+json"
_TYPES = {
    422: "urn:yieldopt:problem:invalid-input",
    409: "urn:yieldopt:problem:conflict",
    503: "urn:yieldopt:problem:database-unavailable",
}


def field_name(loc: Sequence[Any]) -> str:
    """Turn a validation location into a field name.

    ``("body", "products", 3, "id")`` -> ``products[3].id``;
    ``("header", "idempotency-key")`` -> ``Idempotency-Key``.
    """
    parts = list(loc)
    if parts and parts[0] == "header":
        return "-".join(w.capitalize() for w in str(parts[-1]).split("-"))
    if parts and parts[0] in ("body", "query", "path", "cookie"):
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p == "[key]":
            out += "[key]"
        elif out and isinstance(p, str) and not p.isidentifier():
            out += f"[{p!r}]"
        else:
            out += f".{p}" if out else str(p)
    return out or "body"


def body_error(exc: ValidationError) -> RequestValidationError:
    """Turn a body model's validation error into the error FastAPI raises for bodies."""
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])


def problem(
    status: int,
    detail: str,
    *,
    type_: str | None = None,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a problem+json response.

    Parameters
    ----------
    status : int
        HTTP status.
    detail : str
        Human-readable explanation of this occurrence.
    type_ : str, optional
        Problem type URI; ``about:blank`` (the status phrase) by default.
    title : str, optional
        Short summary of the type; the status phrase by default.
    errors : list of dict, optional
        ``{"field", "message"}`` per offending field.
    headers : dict, optional
        Extra response headers.
    """
    body: dict[str, Any] = {
        "type": type_ or _TYPES.get(status, "about:blank"),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["field"] = errors[0]["field"]
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


def _message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    ctx = err.get("ctx") or {}
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    if "error" in ctx and isinstance(ctx["error"], Exception):
        return str(ctx["error"])
    return msg


async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": field_name(e.get("loc", ())), "message": _message(e)} for e in exc.errors()]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(422, detail, title="Invalid input", errors=errors or [first])


async def _input(_: Request, exc: InputError) -> JSONResponse:
    message = str(exc).removeprefix(f"{exc.field}: ")
    return problem(
        422, str(exc), title="Invalid input", errors=[{"field": exc.field, "message": message}]
    )


async def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
    return problem(404, str(exc))


async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
    errors = [{"field": f, "message": str(exc)} for f in exc.fields]
    return problem(409, str(exc), title="Conflict with the stored state", errors=errors)


async def _idempotency(_: Request, exc: IdempotencyError) -> JSONResponse:
    return problem(
        422,
        str(exc),
        type_="urn:yieldopt:problem:idempotency-key-reused",
        title="Idempotency-Key reused",
        errors=[{"field": "Idempotency-Key", "message": str(exc)}],
    )


async def _unavailable(_: Request, exc: UnavailableError) -> JSONResponse:
    log.warning("database unavailable: %s", exc.__cause__ or exc)
    return problem(
        503,
        str(exc),
        title="Database unavailable",
        headers={"Retry-After": str(max(exc.retry_after, 1))},
    )


async def _database(_: Request, exc: sa_exc.DBAPIError) -> JSONResponse:
    # A database failure that did not pass through the store's transactions.
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or (
        exc.connection_invalidated
    ):
        log.warning("database unavailable: %s", exc)
        return problem(
            503,
            "the database is unavailable; retry shortly",
            title="Database unavailable",
            headers={"Retry-After": "2"},
        )
    return await _unexpected(_, exc)


async def _unavailable_pool(_: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
    return problem(
        503,
        "the database is overloaded (no free connection); retry shortly",
        title="Database unavailable",
        headers={"Retry-After": "1"},
    )


async def _other(_: Request, exc: YieldoptError) -> JSONResponse:
    return problem(422, str(exc), title="Cannot be computed")


async def _http(_: Request, exc: HTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "unexpected error; it has been logged")


def install_handlers(app: FastAPI) -> None:
    """Register the problem+json exception handlers on an app."""
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(InputError, _input)  # type: ignore[arg-type]
    app.add_exception_handler(NotFoundError, _not_found)  # type: ignore[arg-type]
    app.add_exception_handler(ConflictError, _conflict)  # type: ignore[arg-type]
    app.add_exception_handler(IdempotencyError, _idempotency)  # type: ignore[arg-type]
    app.add_exception_handler(UnavailableError, _unavailable)  # type: ignore[arg-type]
    app.add_exception_handler(sa_exc.DBAPIError, _database)  # type: ignore[arg-type]
    app.add_exception_handler(sa_exc.TimeoutError, _unavailable_pool)  # type: ignore[arg-type]
    app.add_exception_handler(YieldoptError, _other)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
