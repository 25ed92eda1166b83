"""Service settings from the environment (prefix ``YIELDOPT_``), FastAPI's ``BaseSettings`` way."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from yieldopt.store import DEFAULT_URL

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Settings of the booking-control service.

    Every field can be set by an environment variable named ``YIELDOPT_`` + its name in
    capitals, e.g. ``YIELDOPT_API_KEYS="k3y-f0r-admin:admin,k3y-f0r-bots:book"``.

    Attributes
    ----------
    db_url : str
        Database URL: ``sqlite:///yieldopt.db`` (default) or ``postgresql+psycopg://…``.
    api_keys : SecretStr
        Comma-separated ``key:role[+assert][@name]`` entries; roles ``read``, ``book``,
        ``admin`` (admin implies book implies read), ``+assert`` (e.g.
        ``key:book+assert``) to let a key assert a price above list or a segment,
        ``@name`` (1–64 of ``A-Za-z0-9._-``, e.g. ``key:admin@rm-anna``) to name its
        holder in the override audit (the key id by default). Keys have at least 16
        characters. With no key at all every ``/v1`` request is refused.
    api_keys_file : Path or None
        A file with more ``key:role`` pairs, one per line (``#`` starts a comment).
    max_body_bytes : int
        Largest request body accepted (413 beyond).
    evaluate_ttl : float
        Seconds ``evaluate`` may use an in-memory inventory snapshot before re-reading it.
    sync_max_work : int
        Optimizations larger than this (products × samples) run in the background (202).
    sqlite_synchronous : {"FULL", "NORMAL", "EXTRA", "OFF"}
        SQLite durability; ``FULL`` syncs every commit to disk.
    max_price_factor : float
        An asserted price may be at most this multiple of the product's list price.
    auth_fail_limit : int
        Failed authentications a client address may make in a burst before 429.
    auth_fail_window : float
        Seconds in which ``auth_fail_limit`` failures are forgiven.
    heavy_workers : int
        Threads that run heavy requests (group quotes: an LP each) off the event loop.
    heavy_per_key : int
        Heavy requests one API key may have in flight (429 beyond).
    heavy_queue : int
        Heavy requests that may wait for a thread, over all keys (429 beyond).
    request_timeout : float
        Seconds a client has, from connecting or from the previous response, to send a
        whole request (head and body); then the connection is closed (slowloris).
    timeout_keep_alive : int
        Seconds an idle keep-alive connection stays open.
    limit_concurrency : int
        Connections (and requests) one process serves at once; idle connections are
        closed first to make room, requests beyond get 503.
    backlog : int
        Connections the kernel queues before they are accepted.
    max_header_bytes : int
        Largest request head (request line and headers) accepted.
    access_log : bool
        Log one line per request (query strings redacted, rate-limited); off by default.
    log_rate : float
        Lines per second each kind of log message may take (a burst of 20 is allowed);
        the rest are counted and the count is logged with the next line of that kind.
    """

    model_config = SettingsConfigDict(env_prefix="YIELDOPT_", extra="ignore")

    db_url: str = DEFAULT_URL
    api_keys: SecretStr = SecretStr("")
    api_keys_file: Path | None = None
    max_body_bytes: int = Field(1_048_576, ge=1024)
    evaluate_ttl: float = Field(1.0, ge=0)
    sync_max_work: int = Field(50_000, ge=0)
    sqlite_synchronous: Literal["FULL", "NORMAL", "EXTRA", "OFF"] = "FULL"
    max_price_factor: float = Field(10.0, ge=1, le=1e6, allow_inf_nan=False)
    auth_fail_limit: int = Field(10, ge=1)
    auth_fail_window: float = Field(60.0, gt=0, le=86_400, allow_inf_nan=False)
    heavy_workers: int = Field(1, ge=1, le=64)
    heavy_per_key: int = Field(2, ge=1)
    heavy_queue: int = Field(8, ge=0)
    request_timeout: float = Field(10.0, gt=0, le=3600, allow_inf_nan=False)
    timeout_keep_alive: int = Field(5, ge=1, le=3600)
    limit_concurrency: int = Field(512, ge=2)
    backlog: int = Field(1024, ge=1)
    max_header_bytes: int = Field(16_384, ge=1024, le=1_048_576)
    access_log: bool = False
    log_rate: float = Field(5.0, gt=0, allow_inf_nan=False)
