"""Turn a pydantic ``ValidationError`` into an :class:`~yieldopt.errors.InputError`.

A minimal helper local to :mod:`yieldopt.ingest` (no shared one existed when this
package was written): the error's field is the dotted key path of the first problem
(``"values.status"``, ``"capacity"``), and an unknown key gets the closest allowed
keys as a "did you mean" hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError

__all__ = ["closest", "parse_model"]


def closest(word: str, choices: Iterable[str], n: int = 3) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    near = difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=0.5)
    if not near:
        return ""
    return "; did you mean " + " or ".join(repr(w) for w in near) + "?"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Return the sub-model that owns the last key of ``loc`` (for the did-you-mean list)."""
    current: type[BaseModel] | None = model
    for key in loc[:-1]:
        if current is None or not isinstance(key, str) or key not in current.model_fields:
            return None
        ann = current.model_fields[key].annotation
        current = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    return current


def parse_model[M: BaseModel](model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` against ``model``; raise InputError naming the key path.

    Parameters
    ----------
    model : type of BaseModel
        A pydantic v2 model (``extra="forbid"`` makes unknown keys errors).
    data : mapping
        The parsed file (e.g. from ``tomllib``).
    source : str
        Where the data came from, quoted in the message (a file path).

    Returns
    -------
    BaseModel
        The validated model instance.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            owner = _model_at(model, loc)
            hint = closest(str(loc[-1]), owner.model_fields) if owner is not None else ""
            raise InputError(field, f"unknown key in {source}{hint}") from None
        raise InputError(field, f"{err['msg']} in {source}") from None
