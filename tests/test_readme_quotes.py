"""The README's group quotes: shown results are true, and Python and HTTP agree.

A line ``expression   # literal`` in a Python block states what the expression gives;
this checks every such line of the group-quote example (strings exactly, numbers to
1e-9), and that the HTTP example quotes the same group on the same data, with the
answer the Python example gives for the service's capacity.
"""

import ast
import json
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _group_block() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    (block,) = [b for b in blocks if "yo.group_quote(" in b]
    return block


def _same(got, want) -> bool:
    if isinstance(want, tuple | list):
        return len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, int | float) and not isinstance(want, bool):
        return float(got) == pytest.approx(want, rel=1e-9, abs=1e-9)
    return got == want


def _stated(block: str) -> list[tuple[int, str, object]]:
    """(line number, expression, literal) of the lines that state a literal result."""
    out = []
    for i, line in enumerate(block.splitlines()):
        code, sep, comment = line.partition("#")
        if not sep or not code.strip() or "=" in code.replace("==", ""):
            continue
        try:
            out.append((i, code.strip(), ast.literal_eval(comment.strip())))
        except (ValueError, SyntaxError):
            continue  # prose, not a stated value
    return out


def _run_stating(block: str) -> dict[int, object]:
    """Run ``block`` line by line in order, recording each stated expression's value."""
    lines = block.splitlines()
    stated = {i: expr for i, expr, _ in _stated(block)}
    ns: dict[str, object] = {}
    seen: dict[int, object] = {}
    chunk: list[str] = []
    for i, line in enumerate(lines):
        if i in stated:
            exec(compile("\n".join(chunk), str(README), "exec"), ns)
            chunk = []
            seen[i] = eval(stated[i], ns)
        else:
            chunk.append(line)
    exec(compile("\n".join(chunk), str(README), "exec"), ns)
    seen[-1] = ns
    return seen


def test_group_quote_results_shown_are_true():
    block = _group_block()
    stated = _stated(block)
    assert len(stated) >= 3, "the group-quote example states its results"
    seen = _run_stating(block)
    for i, expr, want in stated:
        assert _same(seen[i], want), f"README: {expr} gives {seen[i]!r}, the comment says {want!r}"


def test_http_example_quotes_the_python_group_on_the_same_data():
    text = README.read_text()
    http = text[text.index("## HTTP API") :]
    body = re.search(r"group-quotes .*?-d '(\{.*?\})'", http, re.S).group(1)
    request = json.loads(body)
    ns = _run_stating(_group_block())[-1]
    assert request == {**ns["group"], "units": {k: v for k, v in ns["group"]["units"].items()}}
    shown = re.search(r'# (\{"decision".*?)\.\.\.', http, re.S).group(1)
    shown = shown.replace("\n#  ", "").rstrip(",")
    answer = json.loads(shown + "}")
    # The Python example's last quote is on the service's capacity (21 rooms per night).
    quote = ns["quote"]
    assert answer["decision"] == quote.decision
    assert answer["displaced_value"] == pytest.approx(quote.displaced_value)
    assert answer["group_value"] == pytest.approx(quote.group_value)
    assert answer["break_even_rate"] == pytest.approx(quote.break_even_rate)
    assert answer["margin"] == pytest.approx(quote.margin)
