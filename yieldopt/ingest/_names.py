"""Closest-name hints for error messages ("did you mean ...")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest"]


def closest(word: str, choices: Iterable[str], n: int = 3) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    near = difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=0.5)
    if not near:
        return ""
    return "; did you mean " + " or ".join(repr(w) for w in near) + "?"
