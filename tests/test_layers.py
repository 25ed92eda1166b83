"""The import layers hold: imports point down, the numeric core stays free of I/O and
presentation, and yieldopt's subpackages form no import cycle.

Imports are read from the source with ``ast`` (nothing is imported); imports under
``if TYPE_CHECKING:`` are annotations only and do not count. Imports inside functions
(lazy imports) count.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "yieldopt"

# The layer order, lowest first, stated once: a unit (a subpackage of yieldopt, or a
# top-level module) may import units of lower layers, and units of its own layer only
# when the layer's units are peers. "__init__" is the facade, yieldopt/__init__.py.
LAYERS: list[tuple[str, tuple[str, ...], bool]] = [
    # (layer, units, peers may import each other)
    ("bottom", ("errors", "_validate", "_table"), True),
    ("model", ("model",), False),
    ("inputs", ("forecast", "ingest", "segments", "choice"), True),
    ("optimize", ("optimize",), False),
    ("control", ("control",), False),
    ("service", ("decisions", "cycle"), True),
    ("runs and persistence", ("simulate", "store"), False),
    ("results", ("report", "testing"), False),
    ("jobs", ("pipeline",), False),
    ("facade", ("__init__",), False),
    ("entry points", ("cli", "commands"), True),
]
# The numeric core and its service layer: numpy, pandas and small dataclasses in and out.
CORE_LAYERS = ("bottom", "model", "inputs", "optimize", "control", "service")
# What the core never imports: HTTP, databases, terminals, plots, the service and the CLI.
CORE_FORBIDDEN = {
    "api",
    "yieldopt_api",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "psycopg",
    "rich",
    "typer",
    "matplotlib",
}

LAYER_OF = {unit: i for i, (_, units, _) in enumerate(LAYERS) for unit in units}
PEERS = {i for i, (_, _, peers) in enumerate(LAYERS) if peers}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Yield Import/ImportFrom nodes, skipping ``if TYPE_CHECKING:`` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _top_units(package: Path = PACKAGE) -> set[str]:
    units = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    units |= {p.stem for p in package.glob("*.py")}
    return units


def _unit(parts: list[str], units: set[str]) -> str:
    """The unit of a module path inside yieldopt (``["optimize", "_lp"]`` -> ``optimize``)."""
    return parts[0] if parts and parts[0] in units else "__init__"


def _scan(
    root: Path = PACKAGE,
) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[tuple[str, str], list[str]], list[str]]:
    """Unit-level graph of yieldopt: internal edges, external imports, where each is, and
    the imports of another unit's private modules (``file:line imports module``)."""
    units = _top_units(root)
    private: list[str] = []
    edges: dict[str, set[str]] = defaultdict(set)
    external: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for file in sorted(root.rglob("*.py")):
        rel = list(file.relative_to(root).with_suffix("").parts)
        package = rel[:-1]  # the package a relative import starts from
        source = _unit(rel if rel != ["__init__"] else [], units)
        for node in _imports(ast.parse(file.read_text(), str(file))):
            targets: list[list[str]] = []
            if isinstance(node, ast.Import):
                targets = [a.name.split(".") for a in node.names]
            elif node.level == 0:
                targets = [str(node.module).split(".")]
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    mod = base + (node.module.split(".") if node.module else [])
                    targets = [["yieldopt", *mod]]
                else:
                    mod = str(node.module).split(".")[1:]
                # `from yieldopt import simulate` / `from .. import x`: x may be a unit.
                if targets and targets[0][:1] == ["yieldopt"] and len(targets[0]) == 1:
                    targets = [["yieldopt", a.name] for a in node.names]
            for t in targets:
                line = f"yieldopt/{'/'.join(rel)}.py:{node.lineno}"
                if t[0] == "yieldopt":
                    target = _unit(t[1:], units)
                    if target != source:
                        edges[source].add(target)
                        where[(source, target)].append(line)
                        if any(part.startswith("_") for part in t[2:]):
                            private.append(f"{line} imports {'.'.join(t)}")
                else:
                    external[source].add(t[0])
                    where[(source, t[0])].append(line)
    return edges, external, where, private


EDGES, EXTERNAL, WHERE, PRIVATE = _scan()


def test_every_unit_has_a_layer():
    unknown = sorted(_top_units() - set(LAYER_OF))
    assert not unknown, (
        f"yieldopt units without a layer: {unknown}; add them to LAYERS in "
        "tests/test_layers.py (and to the README's layout section) where they belong"
    )


@pytest.mark.parametrize("source", sorted(LAYER_OF))
def test_imports_point_down(source):
    bad = []
    for target in sorted(EDGES.get(source, ())):
        s, t = LAYER_OF.get(source), LAYER_OF.get(target)
        if s is None or t is None:
            continue  # reported by test_every_unit_has_a_layer
        if t > s or (t == s and s not in PEERS):
            bad.append(f"{source} -> {target} ({', '.join(WHERE[(source, target)][:3])})")
    assert not bad, "imports that point up or sideways:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    "source", sorted(u for u, i in LAYER_OF.items() if LAYERS[i][0] in CORE_LAYERS)
)
def test_the_core_knows_nothing_of_io_or_presentation(source):
    bad = sorted(EXTERNAL.get(source, set()) & CORE_FORBIDDEN)
    lines = [f"{source} imports {b} ({', '.join(WHERE[(source, b)][:3])})" for b in bad]
    assert not bad, "\n".join(lines)


def test_no_unit_imports_another_units_private_modules():
    # Units talk through each other's __init__ (its __all__); the bottom private modules
    # (_validate, _table) are units of their own and shared on purpose.
    assert not PRIVATE, "private imports across units:\n" + "\n".join(PRIVATE)


def test_simulate_and_store_do_not_know_each_other_or_the_entry_points():
    for source in ("simulate", "store"):
        bad = sorted(EDGES.get(source, set()) & {"simulate", "store", "cli", "commands"})
        bad += sorted(EXTERNAL.get(source, set()) & {"api", "yieldopt_api", "typer", "fastapi"})
        assert not [b for b in bad if b != source], f"{source} imports {bad}"


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``edges`` as a closed walk ``[a, b, ..., a]``, or None for a DAG."""
    # Depth-first search; a node on the current path reached again closes a cycle.
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(u: str) -> list[str] | None:
        state[u] = 1
        path.append(u)
        for v in sorted(edges.get(u, ())):
            if state.get(v) == 1:
                return [*path[path.index(v) :], v]
            if v not in state and (cycle := visit(v)):
                return cycle
        path.pop()
        state[u] = 2
        return None

    for u in sorted(edges):
        if u not in state and (cycle := visit(u)):
            return cycle
    return None


def test_no_import_cycles_between_units():
    cycle = _cycle(EDGES)
    if cycle:
        hops = [f"{a} -> {b} ({WHERE[(a, b)][0]})" for a, b in itertools.pairwise(cycle)]
        pytest.fail("import cycle: " + " -> ".join(cycle) + "\n" + "\n".join(hops))


def test_the_checker_sees_the_imports_it_must():
    # Guards the parser itself: known edges of the layout are found.
    assert "model" in EDGES["optimize"] and "optimize" in EDGES["control"]
    assert "sqlalchemy" in EXTERNAL["store"]
    assert {"model", "simulate"} <= EDGES["__init__"]


def test_the_checker_catches_a_cycle_and_a_forbidden_import(tmp_path):
    # A made-up package: model imports sqlalchemy and, lazily, store; store imports model.
    pkg = tmp_path / "yieldopt"
    for unit in ("model", "store"):
        (pkg / unit).mkdir(parents=True)
        (pkg / unit / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .model import x\n")
    (pkg / "model" / "_x.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "if TYPE_CHECKING:\n    from ..simulate import Paths\n"
        "def f():\n    from yieldopt.store import y\n"
    )
    (pkg / "store" / "_y.py").write_text("from ..model._x import f\n")
    edges, external, _, private = _scan(pkg)
    assert edges["model"] == {"store"}  # the TYPE_CHECKING import does not count
    assert edges["store"] == {"model"} and edges["__init__"] == {"model"}
    assert "sqlalchemy" in external["model"]
    assert _cycle(edges) == ["model", "store", "model"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
    assert private == ["yieldopt/store/_y.py:1 imports yieldopt.model._x"]
