"""``yieldopt serve``: the booking-control HTTP service (``yieldopt_api``) under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import YieldoptError

__all__ = ["serve"]


def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL [default: $YIELDOPT_DB_URL or sqlite:///yieldopt.db]."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes; more than one needs PostgreSQL (SQLite: one process)."
        ),
    ] = 1,
    request_timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds a client has to send a whole request "
            "[default: $YIELDOPT_REQUEST_TIMEOUT or 10]."
        ),
    ] = None,
    timeout_keep_alive: Annotated[
        int | None,
        typer.Option(help="Seconds an idle keep-alive connection stays open [default: 5]."),
    ] = None,
    limit_concurrency: Annotated[
        int | None,
        typer.Option(help="Connections per process; idle ones are closed first [default: 512]."),
    ] = None,
    backlog: Annotated[
        int | None, typer.Option(help="Connections the kernel queues [default: 1024].")
    ] = None,
    max_header_bytes: Annotated[
        int | None, typer.Option(help="Largest request head in bytes [default: 16384].")
    ] = None,
    access_log: Annotated[
        bool | None,
        typer.Option(
            "--access-log/--no-access-log",
            help="One log line per request, query strings redacted, rate-limited [default: off].",
        ),
    ] = None,
) -> None:
    """Start the booking-control HTTP service (API keys from $YIELDOPT_API_KEYS; docs at /docs).

    Every option may also come from the environment (``YIELDOPT_`` + its name, e.g.
    ``YIELDOPT_REQUEST_TIMEOUT``); see the README on running behind a reverse proxy.
    """
    import os

    import uvicorn
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url

    from yieldopt_api.main import create_app, open_store
    from yieldopt_api.security import KeyRing
    from yieldopt_api.settings import Settings
    from yieldopt_api.transport import uvicorn_config

    def refuse(message: str) -> typer.Exit:
        # One line on stderr (rich would wrap it at 80 columns), exit status 2.
        typer.echo(f"error: {message}", err=True)
        return typer.Exit(code=2)

    given = {
        "db_url": db,
        "request_timeout": request_timeout,
        "timeout_keep_alive": timeout_keep_alive,
        "limit_concurrency": limit_concurrency,
        "backlog": backlog,
        "max_header_bytes": max_header_bytes,
        "access_log": access_log,
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        settings = Settings(**overrides)
        is_sqlite = make_url(settings.db_url).get_backend_name() == "sqlite"
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "settings"
        raise refuse(f"{name}: {first['msg']}") from None
    except ValueError as exc:
        raise refuse(str(exc)) from None
    if workers > 1 and is_sqlite:
        raise refuse(
            f"--workers {workers} needs PostgreSQL: a SQLite database is served by one "
            "process (several contend for its single write lock); use --workers 1 or "
            "--db postgresql+psycopg://…"
        )
    try:
        if workers > 1:
            KeyRing.load(settings.api_keys.get_secret_value(), settings.api_keys_file)
            # Create or upgrade the schema once, here, and fail early if unreachable.
            open_store(settings).close()
        else:
            store = open_store(settings)
            application = create_app(settings, store=store)
    except (YieldoptError, ValueError, OSError) as exc:
        raise refuse(str(exc)) from None
    except Exception as exc:  # e.g. the database cannot be reached
        raise refuse(f"cannot open the database: {exc}") from None
    # Where to point a browser: the workspace at /, the API's documentation at /docs.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    typer.echo(f"workspace: {base}/   API docs: {base}/docs", err=True)
    if workers > 1:
        # Each worker process builds the app from the environment (a factory import
        # string, as `uvicorn --factory` does), so the options travel there.
        for name, value in overrides.items():
            os.environ[f"YIELDOPT_{name.upper()}"] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
        uvicorn.run(
            **uvicorn_config(settings, host=host, port=port, log_level=log_level, workers=workers)
        )
        return
    try:
        uvicorn.run(
            **uvicorn_config(settings, host=host, port=port, log_level=log_level, app=application)
        )
    finally:
        store.close()
