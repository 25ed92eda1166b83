"""The HTTP edge under uvicorn: request deadlines, idle-connection shedding, bounded logs.

uvicorn times out only idle keep-alive connections *after* a response
(``timeout_keep_alive`` is armed in ``on_response_complete`` and disarmed by every byte
received), so a client that connects and sends nothing, or trickles a request head one
byte at a time, holds its socket forever (slowloris). ASGI middleware cannot help: the
app sees a request only once its head is parsed. :class:`DeadlineH11Protocol` closes
such connections at the transport:

- a client has ``request_timeout`` seconds, from connecting or from the end of the
  previous response, to send a whole request (head and body); the deadline is disarmed
  while the app works on the request, so slow handlers are never cut off;
- when ``limit_concurrency`` connections are open, a new connection makes room by
  closing the connection that has waited longest for a request (an idle or
  half-open one), so held sockets cannot keep a real client out; requests beyond the
  limit still get uvicorn's 503.

:func:`uvicorn_config` builds the uvicorn configuration from the service settings, and
:func:`log_config` a logging configuration whose handlers redact query strings and
rate-limit every kind of message (:class:`RateLimitFilter`), so no flood of requests
can grow the logs without bound.
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import resource
from typing import Any

import h11
from uvicorn.config import LOGGING_CONFIG, Config
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import Settings

__all__ = [
    "DeadlineH11Protocol",
    "RateLimitFilter",
    "RedactQueryFilter",
    "log_config",
    "raise_file_limit",
    "uvicorn_config",
]

log = logging.getLogger("uvicorn.error")

# h11 states of the client side in which the server is waiting for (more of) a request.
_RECEIVING = (h11.IDLE, h11.SEND_BODY)


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request deadline and idle-connection shedding.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`uvicorn.protocols.http.h11_impl.H11Protocol`.
    request_timeout : float
        Seconds a client has to send a whole request (see the module docstring).
    """

    def __init__(self, *args: Any, request_timeout: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_timeout = request_timeout
        self._deadline: Any = None  # asyncio.TimerHandle while waiting for a request
        self.waiting_since: float | None = None

    # -- the deadline ---------------------------------------------------------------
    def _arm(self) -> None:
        self._disarm()
        self.waiting_since = self.loop.time()
        self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self.waiting_since = None

    def _expire(self) -> None:
        self._deadline = None
        log.debug("closing a connection that sent no complete request in time")
        self.close_idle()

    def close_idle(self) -> None:
        """Close the connection (it is waiting for a request, so nothing is cut off)."""
        self._disarm()
        if not self.transport.is_closing():
            try:
                self.conn.send(h11.ConnectionClosed())
            except h11.LocalProtocolError:  # already in an error state: just close
                pass
            self.transport.close()

    # -- protocol events --------------------------------------------------------------
    def connection_made(self, transport: Any) -> None:  # noqa: D102
        super().connection_made(transport)
        self._arm()
        self._shed()

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: D102
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:  # noqa: D102
        super().handle_events()
        # The whole request is in (or the connection failed): the app's time is not ours.
        if self._deadline is not None and self.conn.their_state not in _RECEIVING:
            self._disarm()

    def on_response_complete(self) -> None:  # noqa: D102
        # Armed before the base class may parse a pipelined request (which disarms it).
        if not self.transport.is_closing():
            self._arm()
        super().on_response_complete()

    def _shed(self) -> None:
        """Close the longest-waiting connections while the limit is reached."""
        limit = self.limit_concurrency
        if limit is None or len(self.connections) < limit:
            return
        waiting = [
            c
            for c in self.connections
            if c is not self
            and isinstance(c, DeadlineH11Protocol)
            and c.waiting_since is not None
            and not c.transport.is_closing()
        ]
        # Leave room for this connection's request: uvicorn answers 503 at >= limit.
        excess = len(self.connections) - (limit - 1)
        for c in sorted(waiting, key=lambda c: c.waiting_since)[:excess]:
            c.close_idle()


class RedactQueryFilter(logging.Filter):
    """Replace the query string of uvicorn access-log lines by ``?[redacted]``.

    Query strings may carry secrets (a key sent as ``?api_key=…`` by mistake); the path
    is kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, sep, _ = args[2].partition("?")
            if sep:
                record.args = (args[0], args[1], f"{path}?[redacted]", args[3], args[4])
        return True


class RateLimitFilter(logging.Filter):
    """Let each kind of message (its format string) through at most ``rate`` per second.

    A token bucket per kind with a burst of ``burst``; dropped records are counted and
    the count is appended to the message of the next record of that kind that passes. At most
    ``max_kinds`` kinds are tracked (the oldest forgotten first).

    Parameters
    ----------
    rate : float
        Records per second per kind.
    burst : int
        Records that may pass at once.
    max_kinds : int
        Kinds remembered.
    """

    def __init__(self, rate: float = 5.0, burst: int = 20, max_kinds: int = 256) -> None:
        super().__init__()
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_kinds = max_kinds
        self._buckets: dict[str, list[float]] = {}  # kind -> [tokens, last time, dropped]

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        kind = str(record.msg)
        now = record.created
        bucket = self._buckets.get(kind)
        if bucket is None:
            if len(self._buckets) >= self.max_kinds:
                self._buckets.pop(next(iter(self._buckets)))
            bucket = self._buckets[kind] = [self.burst, now, 0.0]
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens < 1.0:
            bucket[0] = tokens
            bucket[2] += 1
            return False
        bucket[0] = tokens - 1.0
        if bucket[2]:
            # A literal number: the message may still be %-formatted with its args.
            # (uvicorn's access formatter shows only the request line, not this note.)
            record.msg = f"{record.msg} [{int(bucket[2])} similar lines suppressed]"
            bucket[2] = 0.0
        return True


def log_config(settings: Settings, level: str = "info") -> dict[str, Any]:
    """Return uvicorn's logging configuration with bounded, redacted handlers.

    Parameters
    ----------
    settings : Settings
        ``log_rate`` sets the rate limit.
    level : str
        Level of the service's own logger (``yieldopt``).
    """
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "bounded": {"()": "yieldopt_api.transport.RateLimitFilter", "rate": settings.log_rate},
        "redact": {"()": "yieldopt_api.transport.RedactQueryFilter"},
    }
    config["handlers"]["default"]["filters"] = ["bounded"]
    # Redact first, so the rate limit groups lines by kind, not by query.
    config["handlers"]["access"]["filters"] = ["redact", "bounded"]
    config["loggers"]["yieldopt"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def raise_file_limit(want: int) -> int:
    """Raise the soft limit on open files towards ``want`` (at most the hard limit).

    Returns
    -------
    int
        The soft limit in force afterwards.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # not allowed here: keep the current limit
            pass
    return soft


def uvicorn_config(
    settings: Settings,
    *,
    host: str,
    port: int,
    log_level: str = "info",
    workers: int = 1,
    app: Any = "yieldopt_api.main:create_app",
) -> dict[str, Any]:
    """Return the keyword arguments of :func:`uvicorn.run` for the settings.

    Parameters
    ----------
    settings : Settings
        Edge limits: ``request_timeout``, ``timeout_keep_alive``, ``limit_concurrency``,
        ``backlog``, ``max_header_bytes``, ``access_log``, ``log_rate``.
    host, port : str, int
        Where to listen.
    log_level : str
        uvicorn's log level.
    workers : int
        Worker processes; more than one needs ``app`` as an import string of a factory.
    app : ASGI app or str
        The app, or the import string of its factory (``factory=True``).

    Returns
    -------
    dict
        For ``uvicorn.run(**kwargs)``.
    """
    soft = raise_file_limit(settings.limit_concurrency + settings.backlog + 256)
    # Keep connections well under the open-file limit: the database and logs need some.
    limit = settings.limit_concurrency
    if limit > soft - 64:
        limit = max(2, soft - 64)
        log.warning(
            "limit_concurrency lowered from %d to %d: the open-file limit is %d",
            settings.limit_concurrency,
            limit,
            soft,
        )
    kwargs: dict[str, Any] = {
        "app": app,
        "factory": isinstance(app, str),
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": log_level,
        "log_config": log_config(settings, log_level),
        "access_log": settings.access_log,
        # A partial of a module-level class: picklable for worker processes.
        "http": functools.partial(DeadlineH11Protocol, request_timeout=settings.request_timeout),
        "timeout_keep_alive": settings.timeout_keep_alive,
        "limit_concurrency": limit,
        "backlog": settings.backlog,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # The proxy's address stands for every client otherwise (see the README).
        "proxy_headers": True,
    }
    if workers > 1 and "timeout_worker_healthcheck" in inspect.signature(Config).parameters:
        # A worker imports the whole engine before it can answer the supervisor's first
        # ping; on a busy machine that takes longer than uvicorn's 5 s, and a worker killed
        # for it is restarted, forever. Hung workers are still found, later.
        kwargs["timeout_worker_healthcheck"] = 60
    return kwargs
