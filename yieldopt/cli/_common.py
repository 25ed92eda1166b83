"""Helpers shared by the command modules: consoles, errors, warnings, output paths, frames.

The command modules import from here and never from each other or from the package
``__init__`` (which imports them to register their commands), so there is no cycle.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from ..errors import InputError

__all__ = [
    "FRAME_SUFFIXES",
    "Command",
    "Group",
    "OutputFormat",
    "check_out",
    "console",
    "err_console",
    "fail",
    "notes",
    "write_frame",
]

# Piped output (CI logs, files) gets a wide fixed width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)
# soft_wrap: an error or warning stays one line (greppable), whatever the terminal width.
err_console = Console(stderr=True, soft_wrap=True)

#: File endings ``--out`` accepts for a table.
FRAME_SUFFIXES = (".csv", ".parquet", ".pq")


class OutputFormat(StrEnum):
    """How results are printed."""

    table = "table"
    json = "json"


def _blank_flag_types(params: list[Any]) -> list[Any]:
    # typer prints "<bool>" in the type column of on/off flags (even --help), as if
    # they took a value; an empty metavar leaves that column blank for them.
    for p in params:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    return params


class Group(TyperGroup):
    """The root command: its --help shows no value type for flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        """Parameters of the command, flags without a value placeholder."""
        return _blank_flag_types(super().get_params(ctx))


class Command(TyperCommand):
    """A subcommand whose --help shows no value type for flags."""

    def get_params(self, ctx: Any) -> list[Any]:
        """Parameters of the command, flags without a value placeholder."""
        return _blank_flag_types(super().get_params(ctx))


def fail(exc: Exception) -> typer.Exit:
    """Print ``exc`` as one ``error:`` line on stderr; return the exit (status 2) to raise.

    Use as ``raise fail(exc) from None``.
    """
    # escape: messages hold paths like "resources[2].id" that rich would read as markup
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(code=2)


@contextmanager
def notes() -> Iterator[None]:
    """Show the core's ``UserWarning``s (guessed inputs, shortened horizons) on stderr.

    Each becomes one line ``warning: ...`` instead of Python's two-line warning
    with a source line; other warning categories keep their normal handling.
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            yield
    finally:
        for w in caught:
            if issubclass(w.category, UserWarning):
                err_console.print(f"[yellow]warning:[/] {escape(str(w.message))}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def check_out(path: Path | None, *, folder: bool = False) -> Path | None:
    """Check an ``--out`` path before the work starts, so a typo does not waste a run.

    Parameters
    ----------
    path : Path or None
        The option's value (``None``: nothing to check).
    folder : bool
        ``True`` for an output folder (``run``), ``False`` for a table file
        (``.csv`` or ``.parquet``).

    Returns
    -------
    Path or None
        ``path`` unchanged.

    Raises
    ------
    InputError
        Field ``--out``: unsupported suffix, a folder where a file is meant (or the
        reverse), or no writable place to create it.
    """
    if path is None:
        return None
    if not folder:
        if not path.name.lower().endswith(FRAME_SUFFIXES):
            raise InputError("--out", f"must end in .csv or .parquet, got {path.name!r}")
        if path.is_dir():
            raise InputError("--out", f"{path} is a folder; give a file name")
    elif path.exists() and not path.is_dir():
        raise InputError("--out", f"{path} is a file; give a folder")
    # Create the folder now and write a scratch file into it: permission bits alone
    # do not tell (root passes them, read-only file systems do not show in them).
    target = path if folder else path.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot create the folder {target}: {exc.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        raise InputError("--out", f"cannot write to {target}: {exc.strerror}") from None
    if path.exists() and not folder and not os.access(path, os.W_OK):
        raise InputError("--out", f"cannot overwrite {path}: permission denied")
    return path


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame as CSV or Parquet, chosen by the file extension.

    The commands check ``path`` with :func:`check_out` before their work starts; a
    failure here (e.g. the disk filled up during the run) ends the command with exit 2.
    """
    name = path.name.lower()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".csv"):
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    except OSError as exc:
        raise fail(InputError("--out", f"cannot write {path}: {exc}")) from None
    err_console.print(f"wrote {len(frame):,} rows to {path}")
