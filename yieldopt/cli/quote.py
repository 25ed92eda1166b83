"""``yieldopt quote``: a group's displacement quote on a scenario, with its terms.

The quote is the one ``run`` makes for the scenario's ``[[groups]]``: the same demand
(after the CRM values and the forecast of ``[history]``, where the scenario has them) and
the authorized capacity (overbooking included), through
:func:`yieldopt.optimize.group_quote`. It works for any network: units are given per
resource id (a hotel night ``night/2026-12-08``, a flight leg ``AH``).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import InputError, YieldoptError
from ._common import OutputFormat, console, err_console, fail, notes

__all__ = ["quote"]

# Terms given on the command line, by GroupRequest field (the option is "--" + name).
_TERMS = ("rate", "ancillary", "ancillary_per_unit", "cost_to_serve", "attrition", "commission")


def _option(field: str) -> str:
    """Return the option that sets a GroupRequest field: ``units['x']`` -> ``--units``."""
    name = field.split("[")[0]
    name = "alternative" if name == "alternatives" else name
    return "--" + name.replace("_", "-")


def _blame(exc: InputError, index: int | None, terms: dict[str, float | None]) -> InputError:
    """Name the option (``--attrition``), or the ``[[groups]]`` entry, behind a bad field."""
    base = exc.field.split("[")[0]
    if base not in ("units", "alternatives", *_TERMS):
        return exc
    message = str(exc).removeprefix(f"{exc.field}: ")
    from_option = index is None or terms.get(base) is not None
    if base == "alternatives" and index is not None:
        from_option = False  # cannot tell the scenario's from --alternative's: name the entry
    if from_option:
        return InputError(_option(exc.field), message)
    return InputError(f"groups[{index}].{exc.field}", message)


def _resolve(token: str, ids: list[str], option: str) -> str:
    """Return the resource id ``token`` names: the id itself, or the one id containing it.

    A hotel's nights can so be named by their date (``2026-12-08`` for
    ``night/2026-12-08``) as long as one resource carries it.
    """
    if token in ids:
        return token
    matches = [r for r in ids if token in r]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise InputError(option, f"{token!r} matches {len(matches)} resources ({shown}); give one")
    near = difflib.get_close_matches(token, ids, n=1, cutoff=0.5)
    hint = f"did you mean {near[0]!r}?" if near else f"resources: {', '.join(ids[:5])}, …"
    raise InputError(option, f"no resource {token!r}; {hint}")


def parse_units(text: str, ids: list[str], option: str = "--units") -> dict[str, float]:
    """Parse ``RESOURCE=UNITS[,RESOURCE=UNITS…]`` into units by resource id.

    Parameters
    ----------
    text : str
        E.g. ``"night/2026-12-08=30,night/2026-12-09=30"`` or ``"2026-12-08=30"``.
    ids : list of str
        The network's resource ids.
    option : str
        Option name for error messages.

    Returns
    -------
    dict
        Units (float, >= 0) by resource id.

    Raises
    ------
    InputError
        Field ``option``: a malformed pair, an unknown or ambiguous resource, a
        resource named twice, units that are not a non-negative number.
    """
    out: dict[str, float] = {}
    for pair in (p.strip() for p in text.split(",")):
        key, sep, value = pair.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(option, f"{pair!r} is not RESOURCE=UNITS (e.g. AH=10)")
        rid = _resolve(key.strip(), ids, option)
        if rid in out:
            raise InputError(option, f"names {rid!r} twice")
        try:
            k = float(value)
        except ValueError:
            raise InputError(option, f"{pair!r}: units must be a number") from None
        if not k >= 0 or k == float("inf"):
            raise InputError(option, f"{pair!r}: units must be finite and >= 0")
        out[rid] = k
    return out


def _requests(
    groups: tuple[dict[str, Any], ...],
    units: str | None,
    alternatives: list[str],
    terms: dict[str, float | None],
    ids: list[str],
) -> list[tuple[str, dict[str, Any], int | None]]:
    """Return the requests to quote: the one of the options, or the scenario's groups.

    Each comes with the index of its ``[[groups]]`` entry (``None`` for ``--units``).
    """
    given = {k: v for k, v in terms.items() if v is not None}
    alts = [parse_units(a, ids, "--alternative") for a in alternatives]
    if units is not None:
        record: dict[str, Any] = {"units": parse_units(units, ids), **given}
        if "rate" not in given:
            raise InputError("--rate", "is required with --units (money per unit)")
        if alts:
            record["alternatives"] = alts
        return [("request", record, None)]
    if not groups:
        raise InputError("--units", "is required: the scenario has no [[groups]] to quote")
    out: list[tuple[str, dict[str, Any], int | None]] = []
    for i, group in enumerate(groups):
        record = {k: v for k, v in group.items() if k != "name"} | given
        if alts:
            record["alternatives"] = [*record.get("alternatives", []), *alts]
        out.append((str(group.get("name", f"group {i + 1}")), record, i))
    return out


def _pattern(units: dict[str, float]) -> str:
    """Units of one pattern in a short form: ``30 × night/2026-12-08 … 12-10 (3)``."""
    ids = list(units)
    counts = set(units.values())
    if len(counts) > 1 or len(ids) > 6:
        return ", ".join(f"{r}={k:g}" for r, k in units.items())
    if len(ids) == 1:
        where = ids[0]
    else:
        # Drop the part the last id shares with the first (up to a separator).
        common = len(_shared_prefix(ids[0], ids[-1]))
        where = f"{ids[0]} … {ids[-1][common:]} ({len(ids)})"
    return f"{next(iter(counts)):g} × {where}"


def _shared_prefix(a: str, b: str) -> str:
    """Return the longest common prefix of ``a`` and ``b`` that ends at a ``/``, ``-`` or ``_``."""
    n = 0
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            break
        if x in "/-_":
            n = i + 1
    return a[:n]


def _money(x: float) -> str:
    return "-" if x != x else f"{x:,.2f}"  # NaN: the pattern does not fit


def _record(name: str, q: Any) -> dict[str, Any]:
    """Return a quote as JSON: the fields of the HTTP answer, with the request's terms."""
    from ..decisions import quote_record

    req = q.request
    return {
        "name": name,
        **quote_record(q),
        "request": {"units": dict(req.units), **{k: getattr(req, k) for k in _TERMS}},
    }


def _print(name: str, q: Any) -> None:
    req = q.request
    terms = [f"rate {req.rate:,.2f}"]
    terms += [
        label.format(getattr(req, k))
        for k, label in (
            ("ancillary", "ancillary {:,.2f}"),
            ("ancillary_per_unit", "ancillary {:,.2f}/unit"),
            ("cost_to_serve", "cost {:,.2f}/unit"),
        )
        if getattr(req, k)
    ]
    terms += [f"{k} {getattr(req, k):.0%}" for k in ("attrition", "commission") if getattr(req, k)]
    console.print(f"[bold]{name}[/]: {_pattern(dict(req.units))}")
    console.print("terms: " + ", ".join(terms))
    if not q.fits:
        console.print(f"[bold red]reject[/]: {q.reason}")
    else:
        colour = "green" if q.accept else "red"
        console.print(
            f"[bold {colour}]{q.decision}[/]: group value {q.group_value:,.2f} "
            f"({q.expected_units:g} of {req.total_units:g} units expected) vs displaced "
            f"{q.displaced_value:,.2f}, margin {q.margin:+,.2f}; "
            f"break-even rate {q.break_even_rate:,.2f} per unit"
        )
    table = Table(title="Alternatives, least displacement first (money)", title_justify="left")
    table.add_column("alternative", no_wrap=True)
    table.add_column("units held", no_wrap=True)
    for col in ("displaced", "bid-price est.", "group value", "break-even rate", "margin"):
        table.add_column(col, justify="right")
    table.add_column("decision")
    for r in q.alternatives.itertuples(index=False):
        table.add_row(
            str(r.label),
            _pattern(r.units),
            _money(r.displaced_value),
            _money(r.bid_price_displacement),
            _money(r.group_value),
            _money(r.break_even_rate),
            "-" if r.margin != r.margin else f"{r.margin:+,.2f}",
            str(r.decision) if r.fits else "reject (does not fit)",
        )
    console.print(table)


def quote(
    scenario: Annotated[Path, typer.Argument(help="Scenario file: TOML or Topaloglu .txt.")],
    units: Annotated[
        str | None,
        typer.Option(
            help="Units per resource, RESOURCE=UNITS,… (a resource may be named by a unique "
            "part of its id, e.g. a date). Default: quote the scenario's [[groups]].",
        ),
    ] = None,
    rate: Annotated[float | None, typer.Option(help="Price per unit and resource.")] = None,
    ancillary: Annotated[
        float | None, typer.Option(help="Flat ancillary spend of the whole group (money).")
    ] = None,
    ancillary_per_unit: Annotated[
        float | None, typer.Option(help="Ancillary spend per unit used (per room-night).")
    ] = None,
    cost_to_serve: Annotated[
        float | None, typer.Option(help="Variable cost per unit used (per room-night).")
    ] = None,
    attrition: Annotated[
        float | None,
        typer.Option(help="Share of the block that does not materialize, 0 <= a < 1."),
    ] = None,
    commission: Annotated[
        float | None, typer.Option(help="Share of the room revenue paid as commission, [0, 1).")
    ] = None,
    alternative: Annotated[
        list[str] | None,
        typer.Option(help="Another pattern to quote, RESOURCE=UNITS,… (repeat)."),
    ] = None,
    shift_days: Annotated[
        int, typer.Option(min=0, max=14, help="Also quote dates shifted by ±1..N days.")
    ] = 3,
    solver: Annotated[
        str, typer.Option(help="LP solver: auto, highs, pulp-highs, scipy, pulp-cbc.")
    ] = "auto",
    fmt: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
) -> None:
    """Quote a group by displacement: decision, displaced value, break-even rate, alternatives."""
    from .. import GroupRequest, group_quote, load_scenario
    from ..optimize import get_solver
    from ..pipeline import prepare

    terms = {
        "rate": rate,
        "ancillary": ancillary,
        "ancillary_per_unit": ancillary_per_unit,
        "cost_to_serve": cost_to_serve,
        "attrition": attrition,
        "commission": commission,
    }
    try:
        try:
            engine = get_solver(solver)
        except InputError as exc:
            raise InputError("--solver", str(exc).removeprefix(f"{exc.field}: ")) from None
        with notes():
            sc = load_scenario(scenario)
            ids = list(sc.network.resource_ids)
            requests: list[tuple[str, GroupRequest, int | None]] = []
            for name, record, index in _requests(sc.groups, units, alternative or [], terms, ids):
                try:  # before the forecast, so a bad term costs nothing
                    requests.append((name, GroupRequest.from_record(record), index))
                except InputError as exc:
                    raise _blame(exc, index, terms) from None
            # The demand and capacity `run` quotes its groups on.
            prep = prepare(sc, log=lambda msg: err_console.print(msg, style="dim"))
            demand = prep.scenario.believed_demand
            capacity = prep.controls.authorized
            quotes = []
            for name, request, index in requests:
                try:
                    q = group_quote(
                        prep.scenario.network,
                        demand,
                        request,
                        shift_days=shift_days,
                        capacity=capacity,
                        solver=engine,
                    )
                except InputError as exc:
                    raise _blame(exc, index, terms) from None
                quotes.append((name, q))
    except YieldoptError as exc:
        raise fail(exc) from None
    if fmt is OutputFormat.json:
        print(json.dumps([_record(n, q) for n, q in quotes], indent=2))
        return
    for name, q in quotes:
        _print(name, q)
