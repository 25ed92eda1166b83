"""Every ``$ yieldopt …`` example in the README names only files the repository ships.

A fresh clone has no ``../shared`` folder, so an example reading from there fails for a
new user. Outputs (``--out``), URLs and upper-case placeholders (``EXPORT``,
``HOTEL.toml``) are not inputs and are skipped.
"""

import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# Options whose value is written, not read.
OUTPUT_OPTIONS = {"--out"}
SUFFIXES = (".toml", ".txt", ".csv", ".gz", ".parquet", ".pq", ".json", ".db")


def _commands(text: str) -> list[str]:
    """The ``$ yieldopt`` lines of console blocks, backslash continuations joined."""
    commands, current = [], None
    for line in text.splitlines():
        if current is not None:
            current += " " + line.strip()
        elif line.startswith("$ yieldopt"):
            current = line[2:]
        else:
            continue
        if current.endswith("\\"):
            current = current[:-1]
        else:
            commands.append(current)
            current = None
    return commands


def _inputs(command: str) -> list[str]:
    """Arguments of ``command`` that name a file or folder to read."""
    words = shlex.split(command, comments=True)
    out = []
    for i, word in enumerate(words):
        if (i > 0 and words[i - 1] in OUTPUT_OPTIONS) or word.startswith("-") or "://" in word:
            continue
        if "/" not in word and not word.lower().endswith(SUFFIXES):
            continue
        stem = Path(word).name.split(".")[0]
        if stem.isupper():  # a placeholder: EXPORT, HOTEL.toml, DIR
            continue
        out.append(word)
    return out


def test_readme_commands_name_shipped_files():
    commands = _commands(README.read_text())
    assert len(commands) >= 10, "README lost its command-line examples?"
    checked = 0
    for command in commands:
        for path in _inputs(command):
            checked += 1
            assert (ROOT / path).exists(), (
                f"README example reads {path!r}, not in the repo: {command}"
            )
            assert (ROOT / path).resolve().is_relative_to(ROOT), f"outside the repo: {command}"
    assert checked >= 10


def test_the_checker_catches_a_shared_path_and_skips_outputs():
    bad = "yieldopt network ../shared/data/topaloglu2009/rm_200_4_1.0_4.0.txt --format json"
    assert _inputs(bad) == ["../shared/data/topaloglu2009/rm_200_4_1.0_4.0.txt"]
    assert not (ROOT / _inputs(bad)[0]).resolve().is_relative_to(ROOT)
    assert _inputs("yieldopt run a.toml --out out/x --cluster tcp://h:1  # c.csv") == ["a.toml"]
    assert _inputs("yieldopt backtest EXPORT --hotel HOTEL.toml --out DIR") == []
    assert _commands("$ yieldopt simulate s.toml \\\n      --samples 2\ntext") == [
        "yieldopt simulate s.toml  --samples 2"
    ]
