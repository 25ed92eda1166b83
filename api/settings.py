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
        Comma-separated ``key:role`` pairs; roles ``read``, ``book``, ``admin`` (admin
        implies book implies read). With no key at all every ``/v1`` request is refused.
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
    """

    model_config = SettingsConfigDict(env_prefix="YIELDOPT_", extra="ignore")

    db_url: str = DEFAULT_URL
    api_keys: SecretStr = SecretStr("")
    api_keys_file: Path | None = None
    max_body_bytes: int = Field(1_048_576, ge=1024)
    evaluate_ttl: float = Field(1.0, ge=0)
    sync_max_work: int = Field(50_000, ge=0)
    sqlite_synchronous: Literal["FULL", "NORMAL", "EXTRA", "OFF"] = "FULL"
