"""API keys with roles: parsing, constant-time look-up, the role order, failure throttling.

Keys are kept only as SHA-256 digests and compared with :func:`hmac.compare_digest`
against every configured key (no early exit), so neither the key nor which entry
matched leaks through timing. Keys are never logged or echoed; a key is named only by
its *key id*, the first 12 hex digits of its SHA-256 (``printf %s KEY | sha256sum``).

An entry is ``key:role[+assert][@name]``. ``+assert`` lets the key assert a
price above the product's list price or a customer segment in ``evaluate`` and
``bookings`` (``admin`` keys may always). ``@name`` names the key's holder in audit
records (override changes): 1–64 characters of ``A-Za-z0-9._-``, e.g.
``k3y…:admin@rm-anna``; without it the name is the key id. Keys are at least
:data:`MIN_KEY_LENGTH` characters long.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_NAME_PATTERN",
    "MIN_KEY_LENGTH",
    "FailureThrottle",
    "KeyRing",
    "Principal",
    "Role",
    "key_id",
]

log = logging.getLogger("yieldopt.api")

#: Shortest API key accepted: 16 characters (a one-character key is guessed at once).
MIN_KEY_LENGTH = 16
#: What a key's ``@name`` may be.
KEY_NAME_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
_NAME = re.compile(KEY_NAME_PATTERN)


class Role(IntEnum):
    """What a key may do; a higher role implies the lower ones."""

    read = 1
    book = 2
    admin = 3


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of a presented, valid key.

    Attributes
    ----------
    role : Role
        Highest role of the key.
    can_assert : bool
        Whether it may assert a price above list or a segment (``+assert`` or admin).
    key_id : str
        First 12 hex digits of the key's SHA-256: names the key in booking records.
    name : str
        The key's ``@name`` (the key id when it has none): who changed what in the
        override audit.
    """

    role: Role
    can_assert: bool
    key_id: str
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key_id)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def key_id(key: str) -> str:
    """Return the id of a key: the first 12 hex digits of its SHA-256."""
    return _digest(key).hex()[:12]


class KeyRing:
    """The configured API keys.

    Parameters
    ----------
    entries : list of (str, Role), (str, Role, bool) or (str, Role, bool, str)
        Keys, their roles and, optionally, whether they may assert prices and segments
        and their names.
    """

    def __init__(self, entries: list[tuple[Any, ...]]) -> None:
        self._entries: list[tuple[bytes, Role, bool, str]] = []
        for entry in entries:
            key, role = entry[0], entry[1]
            can_assert = bool(entry[2]) if len(entry) > 2 else False
            name = str(entry[3]) if len(entry) > 3 and entry[3] else ""
            self._entries.append((_digest(key), role, can_assert or role is Role.admin, name))

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str, source: str = "YIELDOPT_API_KEYS") -> KeyRing:
        """Parse ``key:role[+assert][@name]`` entries separated by commas or lines.

        Parameters
        ----------
        text : str
            The pairs; blank entries and lines starting with ``#`` are skipped.
        source : str
            Where they come from, for error messages (which never show a key).

        Raises
        ------
        ValueError
            On an entry without a role, an unknown role, an empty key, a key shorter
            than :data:`MIN_KEY_LENGTH` characters or a name not matching
            :data:`KEY_NAME_PATTERN`.
        """
        entries: list[tuple[Any, ...]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for item in line.split(","):
                item = item.strip()
                if not item:
                    continue
                where = f"{source}: entry {len(entries) + 1} (line {n})"
                key, sep, grant = item.rpartition(":")
                key = key.strip()
                grant, at, name = grant.partition("@")
                name = name.strip()
                if at and _NAME.match(name) is None:
                    raise ValueError(
                        f"{where} has an invalid name after @: use 1-64 letters, digits, "
                        "'.', '_' or '-'"
                    )
                role, plus, flag = grant.strip().lower().partition("+")
                if not sep or not key:
                    raise ValueError(f"{where} is not key:role")
                if role not in Role.__members__:
                    raise ValueError(f"{where} has unknown role {role!r}; use read, book or admin")
                if plus and flag != "assert":
                    raise ValueError(f"{where} has unknown flag {flag!r}; the only one is +assert")
                if len(key) < MIN_KEY_LENGTH:
                    raise ValueError(
                        f"{where}: the key is {len(key)} characters long; API keys need at "
                        f"least {MIN_KEY_LENGTH} (e.g. python3 -c 'import secrets; "
                        "print(secrets.token_urlsafe(24))')"
                    )
                entries.append((key, Role[role], bool(plus), name))
        return cls(entries)

    @classmethod
    def load(cls, keys: str, keys_file: Path | None = None) -> KeyRing:
        """Keys from a settings string plus an optional keys file."""
        ring = cls.parse(keys)
        if keys_file is not None:
            ring._entries += cls.parse(Path(keys_file).read_text(), str(keys_file))._entries
        roles = [r.name for _, r, _, _ in ring._entries]
        if not roles:
            log.warning("no API keys configured: every /v1 request will be refused (401)")
        else:
            log.info(
                "%d API key(s) loaded (%s)",
                len(roles),
                ", ".join(f"{r}: {roles.count(r)}" for r in sorted(set(roles))),
            )
        return ring

    def lookup(self, key: str) -> Principal | None:
        """Return the holder of a presented key, or ``None`` if it is not configured.

        A key listed more than once gets its highest role, any ``+assert`` and the
        first name given.
        """
        digest = _digest(key)
        role: Role | None = None
        can_assert = False
        name = ""
        for known, r, a, n in self._entries:
            if hmac.compare_digest(known, digest):
                role = r if role is None or r > role else role
                can_assert = can_assert or a
                name = name or n
        if role is None:
            return None
        return Principal(role, can_assert, digest.hex()[:12], name)

    def role_of(self, key: str) -> Role | None:
        """Return the role of a presented key, or ``None`` if it is not configured."""
        found = self.lookup(key)
        return None if found is None else found.role


class FailureThrottle:
    """Count failed authentications per client address; refuse an address that fails often.

    A leaky bucket per address: each failure adds one, the count drains at ``limit``
    per ``window`` seconds, and an address whose count has reached ``limit`` is refused
    (429) until it drained to ``limit - 1``. The table keeps at most ``max_clients`` addresses,
    dropping the least recently seen, so a flood of addresses costs bounded memory.

    Parameters
    ----------
    limit : int
        Failures allowed in a burst.
    window : float
        Seconds in which ``limit`` failures drain away.
    max_clients : int
        Addresses remembered.
    clock : callable, optional
        Monotonic seconds (tests pass a fake clock).
    """

    def __init__(
        self,
        limit: int = 10,
        window: float = 60.0,
        max_clients: int = 10_000,
        clock=time.monotonic,
    ) -> None:
        self.limit = limit
        self.rate = limit / window
        self.max_clients = max_clients
        self._clock = clock
        self._table: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _level(self, client: str, now: float) -> float:
        count, at = self._table.get(client, (0.0, now))
        return max(0.0, count - (now - at) * self.rate)

    def retry_after(self, client: str) -> int | None:
        """Seconds the address must wait before trying again, or ``None`` if it may try."""
        if client not in self._table:
            return None
        now = self._clock()
        # Blocked while the count is above limit - 1: the limit-th failure blocks at once.
        excess = self._level(client, now) - (self.limit - 1)
        if excess <= 0:
            return None
        return max(1, math.ceil(excess / self.rate))

    def failed(self, client: str) -> None:
        """Record one failed authentication of an address."""
        now = self._clock()
        self._table[client] = (self._level(client, now) + 1.0, now)
        self._table.move_to_end(client)
        while len(self._table) > self.max_clients:
            self._table.popitem(last=False)

    def __len__(self) -> int:
        return len(self._table)
