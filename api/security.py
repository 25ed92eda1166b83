"""API keys with roles: parsing, constant-time look-up, and the role order.

Keys are kept only as SHA-256 digests and compared with :func:`hmac.compare_digest`
against every configured key (no early exit), so neither the key nor which entry
matched leaks through timing. Keys are never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from enum import IntEnum
from pathlib import Path

__all__ = ["KeyRing", "Role"]

log = logging.getLogger("yieldopt.api")


class Role(IntEnum):
    """What a key may do; a higher role implies the lower ones."""

    read = 1
    book = 2
    admin = 3


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


class KeyRing:
    """The configured API keys.

    Parameters
    ----------
    entries : list of (str, Role)
        Keys and their roles.
    """

    def __init__(self, entries: list[tuple[str, Role]]) -> None:
        self._entries = [(_digest(k), r) for k, r in entries]

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str, source: str = "YIELDOPT_API_KEYS") -> KeyRing:
        """Parse ``key:role`` pairs separated by commas or new lines.

        Parameters
        ----------
        text : str
            The pairs; blank entries and lines starting with ``#`` are skipped.
        source : str
            Where they come from, for error messages (which never show a key).

        Raises
        ------
        ValueError
            On an entry without a role, an unknown role or an empty key.
        """
        entries: list[tuple[str, Role]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for item in line.split(","):
                item = item.strip()
                if not item:
                    continue
                key, sep, role = item.rpartition(":")
                key, role = key.strip(), role.strip().lower()
                if not sep or not key:
                    raise ValueError(
                        f"{source}: entry {len(entries) + 1} (line {n}) is not key:role"
                    )
                if role not in Role.__members__:
                    raise ValueError(
                        f"{source}: entry {len(entries) + 1} (line {n}) has unknown role "
                        f"{role!r}; use read, book or admin"
                    )
                entries.append((key, Role[role]))
        return cls(entries)

    @classmethod
    def load(cls, keys: str, keys_file: Path | None = None) -> KeyRing:
        """Keys from a settings string plus an optional keys file."""
        ring = cls.parse(keys)
        if keys_file is not None:
            ring._entries += cls.parse(Path(keys_file).read_text(), str(keys_file))._entries
        roles = [r.name for _, r in ring._entries]
        if not roles:
            log.warning("no API keys configured: every /v1 request will be refused (401)")
        else:
            log.info(
                "%d API key(s) loaded (%s)",
                len(roles),
                ", ".join(f"{r}: {roles.count(r)}" for r in sorted(set(roles))),
            )
        return ring

    def role_of(self, key: str) -> Role | None:
        """Return the role of a presented key, or ``None`` if it is not configured."""
        digest = _digest(key)
        found: Role | None = None
        for known, role in self._entries:
            if hmac.compare_digest(known, digest) and (found is None or role > found):
                found = role
        return found
