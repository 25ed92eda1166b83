"""Every name a public module lists in ``__all__`` imports and is documented.

Public modules are yieldopt and every module below it whose dotted path has no part
starting with an underscore. Classes and functions need their own docstring (not one
inherited, nor the signature a dataclass writes when there is none); constants and type
aliases are documented by their module.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import yieldopt


def _public_modules() -> list[str]:
    names = ["yieldopt"]
    for info in pkgutil.walk_packages(yieldopt.__path__, "yieldopt."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


PUBLIC = _public_modules()


def _own_doc(obj: object) -> str:
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not isinstance(doc, str):
        return ""
    if isinstance(obj, type) and dataclasses.is_dataclass(obj):
        # A dataclass without a docstring gets its signature as __doc__.
        generated = obj.__name__ + str(inspect.signature(obj)).replace(" -> None", "")
        if doc.strip() == generated:
            return ""
    return doc.strip()


def test_the_public_modules_are_found():
    assert {"yieldopt", "yieldopt.model", "yieldopt.optimize", "yieldopt.testing"} <= set(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_all_names_import_and_are_documented(name):
    module = importlib.import_module(name)
    assert _own_doc(module), f"module {name} has no docstring"
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert not name.count(".") or not hasattr(module, "__path__"), (
            f"package {name} has no __all__"
        )
        return
    assert len(set(exported)) == len(exported), f"{name}.__all__ lists a name twice"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ lists names it does not define: {missing}"
    undocumented = [
        n
        for n in exported
        if (inspect.isclass(obj := getattr(module, n)) or inspect.isroutine(obj))
        and not _own_doc(obj)
    ]
    assert not undocumented, f"{name}: public names without a docstring: {undocumented}"


def test_star_import_gives_exactly_all():
    namespace: dict[str, object] = {}
    exec("from yieldopt import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(yieldopt.__all__)
