"""Reading the workspace's HTML forms strictly: every error names its field.

Forms arrive ``application/x-www-form-urlencoded`` (htmx's default); they are parsed
here rather than with FastAPI's ``Form`` so no multipart parser is needed. An empty
field is "not given".
"""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import parse_qsl

from fastapi import Request

from yieldopt.errors import InputError

__all__ = ["Fields", "read_form"]

#: Largest form accepted (bytes); the service's body limit applies too.
MAX_FORM_BYTES = 64_000


class Fields:
    """The fields of a submitted form, read with checks that name the field.

    Parameters
    ----------
    pairs : list of (str, str)
        Name and value of each field, in order.
    allowed : set of str
        Field names the form has; another one is an error with a "did you mean".
    """

    def __init__(self, pairs: list[tuple[str, str]], allowed: set[str]) -> None:
        self.values: dict[str, str] = {}
        for name, value in pairs:
            if name not in allowed:
                near = sorted(allowed, key=lambda a: _distance(a, name))[:1]
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise InputError(name, f"unknown field{hint}")
            self.values[name] = value.strip()

    def text(self, name: str, *, required: bool = False, max_length: int = 500) -> str | None:
        """Read a text field (``None`` when empty, unless ``required``)."""
        value = self.values.get(name, "")
        if not value:
            if required:
                raise InputError(name, "is required")
            return None
        if len(value) > max_length:
            raise InputError(name, f"at most {max_length} characters")
        return value

    def number(self, name: str, *, low: float = 0.0, high: float = 1e12) -> float | None:
        """Read a finite number in ``[low, high]``, or ``None`` when empty."""
        value = self.text(name, max_length=40)
        if value is None:
            return None
        try:
            x = float(value)
        except ValueError:
            raise InputError(name, f"must be a number, got {value!r}") from None
        if not math.isfinite(x) or not low <= x <= high:
            raise InputError(name, f"must be from {low:g} to {high:g}, got {value}")
        return x

    def whole(self, name: str, *, low: int = 0, high: int = 10**9) -> int | None:
        """Read a whole number in ``[low, high]``, or ``None`` when empty."""
        value = self.text(name, max_length=20)
        if value is None:
            return None
        try:
            n = int(value)
        except ValueError:
            raise InputError(name, f"must be a whole number, got {value!r}") from None
        if not low <= n <= high:
            raise InputError(name, f"must be from {low} to {high}, got {n}")
        return n

    def day(self, name: str) -> dt.date | None:
        """Read an ISO date ``YYYY-MM-DD``, or ``None`` when empty."""
        value = self.text(name, max_length=40)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(name, f"must be an ISO date YYYY-MM-DD, got {value!r}") from None

    def choice(self, name: str, options: dict[str, object]) -> object:
        """Read one of ``options`` (by the submitted text), ``options[""]`` when empty."""
        value = self.values.get(name, "")
        if value not in options:
            listed = ", ".join(repr(k) for k in options if k)
            raise InputError(name, f"must be one of {listed}, got {value!r}")
        return options[value]


async def read_form(request: Request, allowed: set[str]) -> Fields:
    """Parse the request's urlencoded body into :class:`Fields`.

    Raises
    ------
    InputError
        A body that is not a form, too large, or with a field the form does not have.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise InputError("body", "must be a form (application/x-www-form-urlencoded)")
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        raise InputError("body", f"larger than {MAX_FORM_BYTES} bytes")
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InputError("body", "is not UTF-8") from None
    return Fields(pairs, allowed)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short field names only)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
