"""The ``yieldopt`` command line: parse, call the core, format. No algorithm lives here.

One module per command group (:mod:`.leg`, :mod:`.network`, :mod:`.forecast`,
:mod:`.segments`, :mod:`.simulate` with ``simulate`` and ``run``, :mod:`.serve`); they
share the helpers of :mod:`._common` and know nothing of this module, which builds the
typer :data:`app` and registers their commands on it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from . import decide, forecast, leg, network, quote, segments, serve, simulate
from ._common import Command, Group, console

__all__ = ["app", "main"]

app = typer.Typer(
    name="yieldopt",
    help="Yield (revenue) management: capacity controls that maximize customer value.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"yieldopt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Yield (revenue) management: capacity controls that maximize customer value."""


# In --help order. Command: the flag-friendly --help (no "<bool>" placeholder).
for _name, _func in (
    ("leg", leg.leg),
    ("network", network.network),
    ("forecast", forecast.forecast),
    ("segments", segments.segments),
    ("serve", serve.serve),
    ("simulate", simulate.simulate_command),
    ("run", simulate.run),
    ("quote", quote.quote),
    ("decide", decide.decide),
    ("backtest", decide.backtest),
):
    app.command(_name, cls=Command)(_func)


def main() -> None:
    """Entry point of the ``yieldopt`` console script."""
    app()
