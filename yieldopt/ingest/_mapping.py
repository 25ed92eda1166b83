"""Column mappings: how an export's columns become the reservation contract.

A mapping is a small TOML file (validated, unknown keys are errors)::

    name = "my-pms"                  # optional
    description = "..."              # optional
    date_format = "%d/%m/%Y"         # optional strftime format of the export's dates
                                     # (default: ISO 8601)

    [columns]                        # contract column = export column
    property = "hotel"
    rate = "adr"

    [derive]                         # contract column = derivation (see below)
    nights = "stays_in_weekend_nights + stays_in_week_nights"

    [defaults]                       # contract column = constant, when not in the export
    rooms = 1

    [values.status]                  # export code = contract value, per contract column
    "Check-Out" = "checked_out"

    [keep]                           # output column = export column, passed through
    customer_type = "customer_type"

    [checks]                         # thresholds of the data-quality report
    extreme_rate_factor = 10.0       # rate > factor x the property's median rate
    max_lead_days = 730              # booked longer ahead than this: reported
    min_date = 1990-01-01            # dates outside [min_date, max_date]: dropped
    max_date = 2099-12-31

Derivations, a closed vocabulary (no ``eval``). A *name* is an export column or a
contract column built before it (contract columns win; ``[columns]`` are built
first, then ``[derive]`` in file order); names with spaces go in backquotes.

=========================================  ==============================================
form                                       result
=========================================  ==============================================
``a + b + c``                              the sum of numeric columns or whole numbers;
                                           an empty term counts as 0 (and is reported)
``d - n days``, ``d + n days``             date ``d`` shifted by ``n`` days (``n`` a column
                                           or a whole number)
``date(y, m, d)``                          the day from a year, a month (1–12 or an
                                           English month name, full or three letters)
                                           and a day-of-month column
``x if c = v``, ``x if c != v``            ``x`` where contract column ``c`` equals (or
                                           differs from) ``v``, empty elsewhere
=========================================  ==============================================

``[values.<column>]`` tables translate codes after the column is built; a code
missing from the table is reported (``unknown_<column>``) and, for ``status``,
dropped; other columns keep the code as it is (numeric columns: empty).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from ..model import check_schema as parse_model
from ._contract import OPTIONAL_COLUMNS, RESERVATION_COLUMNS, contract_column
from ._names import closest

__all__ = [
    "Checks",
    "Derivation",
    "ExportMapping",
    "builtin_mappings",
    "load_mapping",
]

Scalar = str | int | float | bool


class _ChecksModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    extreme_rate_factor: float = Field(10.0, gt=1.0)
    max_lead_days: int = Field(730, gt=0)
    min_date: dt.date = dt.date(1990, 1, 1)
    max_date: dt.date = dt.date(2099, 12, 31)


class _MappingModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str | None = None
    date_format: str | None = None
    columns: dict[str, str] = {}
    derive: dict[str, str] = {}
    defaults: dict[str, Scalar] = {}
    values: dict[str, dict[str, Scalar]] = {}
    keep: dict[str, str] = {}
    checks: _ChecksModel = _ChecksModel()


@dataclass(frozen=True)
class Checks:
    """Thresholds of the data-quality report (see the module docstring)."""

    extreme_rate_factor: float = 10.0
    max_lead_days: int = 730
    min_date: dt.date = dt.date(1990, 1, 1)
    max_date: dt.date = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class Derivation:
    """One parsed ``[derive]`` entry.

    Attributes
    ----------
    kind : {"sum", "shift", "date", "when"}
        The form (see the module docstring).
    args : tuple
        ``sum``: the terms (names or ints); ``shift``: (date name, +1 or -1, days
        name or int); ``date``: (year, month, day) names; ``when``: (value name,
        condition column, ``"="`` or ``"!="``, literal).
    text : str
        The expression as written.
    """

    kind: Literal["sum", "shift", "date", "when"]
    args: tuple[Any, ...]
    text: str

    def names(self) -> list[str]:
        """Column names the derivation reads."""
        if self.kind == "when":
            return [self.args[0], self.args[1]]
        return [a for a in self.args if isinstance(a, str)]


@dataclass(frozen=True)
class ExportMapping:
    """A validated column mapping (see :func:`load_mapping` and the module docstring)."""

    name: str
    description: str = ""
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    derive: dict[str, Derivation] = field(default_factory=dict)
    defaults: dict[str, Scalar] = field(default_factory=dict)
    values: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)
    checks: Checks = field(default_factory=Checks)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "mapping") -> ExportMapping:
        """Validate a parsed mapping (e.g. from ``tomllib``); ``source`` names it in errors."""
        m = parse_model(_MappingModel, data, source)
        for table in ("columns", "derive", "defaults", "values"):
            for key in getattr(m, table):
                if not contract_column(key):
                    known = (*RESERVATION_COLUMNS, *OPTIONAL_COLUMNS, "ancillary_<name>")
                    raise InputError(
                        f"{table}.{key}",
                        f"not a reservation column in {source}{closest(key, known)}",
                    )
        twice = set(m.columns) & set(m.derive)
        if twice:
            key = sorted(twice)[0]
            raise InputError(f"derive.{key}", f"also mapped under [columns] in {source}")
        for key in m.keep:
            if contract_column(key):
                raise InputError(
                    f"keep.{key}", f"is a reservation column; map it under [columns] in {source}"
                )
        derive = {k: parse_derivation(v, f"derive.{k}") for k, v in m.derive.items()}
        return cls(
            name=m.name or source,
            description=m.description or "",
            date_format=m.date_format,
            columns=dict(m.columns),
            derive=derive,
            defaults=dict(m.defaults),
            values={k: dict(v) for k, v in m.values.items()},
            keep=dict(m.keep),
            checks=Checks(**m.checks.model_dump()),
        )


_NAME = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"
_DATE = re.compile(rf"^date\(\s*({_NAME})\s*,\s*({_NAME})\s*,\s*({_NAME})\s*\)$")
_SHIFT = re.compile(rf"^({_NAME})\s*([+-])\s*({_NAME}|\d+)\s+days?$")
_WHEN = re.compile(rf"^({_NAME})\s+if\s+({_NAME})\s*(!=|=)\s*(.+)$")
_TERM = re.compile(rf"^({_NAME}|\d+)$")
_FORMS = "'a + b', 'd - n days', 'd + n days', 'date(y, m, d)', 'x if c = v'"


def _name(token: str) -> str | int:
    token = token.strip()
    if token.isdigit():
        return int(token)
    return token[1:-1] if token.startswith("`") else token


def parse_derivation(text: str, field_name: str) -> Derivation:
    """Parse one derivation; raise InputError naming ``field_name`` if it is not a known form."""
    t = text.strip()
    if m := _DATE.match(t):
        return Derivation("date", tuple(_name(g) for g in m.groups()), text)
    if m := _SHIFT.match(t):
        sign = 1 if m.group(2) == "+" else -1
        return Derivation("shift", (_name(m.group(1)), sign, _name(m.group(3))), text)
    if m := _WHEN.match(t):
        literal = m.group(4).strip()
        if len(literal) >= 2 and literal[0] == literal[-1] and literal[0] in "'\"":
            literal = literal[1:-1]
        return Derivation("when", (_name(m.group(1)), _name(m.group(2)), m.group(3), literal), text)
    terms = [p.strip() for p in t.split("+")]
    if len(terms) >= 2 and all(_TERM.match(p) for p in terms):
        return Derivation("sum", tuple(_name(p) for p in terms), text)
    raise InputError(field_name, f"cannot read {text!r}; the forms are {_FORMS}")


def builtin_mappings() -> tuple[str, ...]:
    """Names of the mappings shipped with yieldopt (``yieldopt/ingest/mappings/*.toml``)."""
    folder = resources.files("yieldopt.ingest") / "mappings"
    return tuple(
        sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))
    )


def load_mapping(source: str | Path | ExportMapping) -> ExportMapping:
    """Load a column mapping: a built-in name, a TOML file, or a mapping already loaded.

    Parameters
    ----------
    source : str, Path or ExportMapping
        ``"hotel-booking-demand"`` (see :func:`builtin_mappings`) or a path to a
        TOML file in the format of the module docstring.

    Returns
    -------
    ExportMapping

    Raises
    ------
    InputError
        ``mapping`` for an unknown name or unreadable file (with the closest
        built-in names); the key path (``values.status``) for invalid content.
    """
    if isinstance(source, ExportMapping):
        return source
    names = builtin_mappings()
    if isinstance(source, str) and source in names:
        text = (resources.files("yieldopt.ingest") / "mappings" / f"{source}.toml").read_text(
            encoding="utf-8"
        )
        label = f"built-in mapping {source!r}"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(
                "mapping",
                f"{str(source)!r} is neither a built-in mapping ({', '.join(names)}) "
                f"nor a file{closest(str(source), names)}",
            )
        text = path.read_text(encoding="utf-8")
        label = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("mapping", f"{label} is not valid TOML: {exc}") from None
    return ExportMapping.from_dict(data, label)
