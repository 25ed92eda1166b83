"""The schema of every TOML file yieldopt reads, and the one rule for its errors.

Scenario files (``scenarios/*.toml``) and single-leg files (``yieldopt leg``) are
checked against pydantic models before anything is built from them, so a
misspelled key (``wekday`` for ``weekday``) is refused instead of silently dropped
(which once turned the city hotel's FCFS revenue from 258,270 into 105,995).

:func:`check` is the only place where a pydantic error becomes an
:class:`~yieldopt.errors.InputError`: the field is the path of the bad key
(``hotel.demand[0].wekday``), an unknown key gets "did you mean 'weekday'?" from
:func:`difflib.get_close_matches`, a wrong type names what was expected.

The models check keys and types only; value rules (positive capacity, known
segment ids, probabilities in [0, 1]) stay with the loaders that use the values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from ..errors import InputError

__all__ = ["LegFile", "ScenarioFile", "check"]


# ----------------------------------------------------------------- value types


def _not_text_or_bool(value: Any) -> Any:
    # pydantic's lax mode would take "12" or true as a number; in TOML that is a typo.
    if isinstance(value, bool | str):
        raise ValueError(f"must be a number, got {value!r}")
    return value


def _id(value: Any) -> Any:
    # Ids may be written as bare integers in TOML; the loaders turn them into text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Number = Annotated[float, BeforeValidator(_not_text_or_bool)]
Whole = Annotated[int, BeforeValidator(_not_text_or_bool)]
Id = Annotated[str, BeforeValidator(_id)]
# A named arrival curve or Beta shape parameters [a, b]; checked by the loader.
Curve = str | list[Number]


class _Table(BaseModel):
    """A TOML table: unknown keys are errors, nothing is coerced from text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------- scenario files


class ResourceRecord(_Table):
    """``[[resources]]``: one pool of capacity."""

    id: Id
    capacity: Whole


class SegmentRecord(_Table):
    """``[[segments]]``: a customer segment's value adjustments and behaviour."""

    id: Id
    ancillary: Number | None = None
    cost_to_serve: Number | None = None
    future_value: Number | None = None
    show_prob: Number | None = None
    cancel_prob: Number | None = None


class ProductRecord(_Table):
    """``[[products]]``: what is sold, its price and independent demand."""

    id: Id
    resources: list[Id]
    price: Number
    segment: Id | None = None
    demand: Number | None = None
    curve: Curve | None = None


class CustomerRecord(_Table):
    """``[[customers]]``: a stream of customers who buy down to the cheapest open product."""

    name: str | None = None
    products: list[Id]
    mean: Number
    curve: Curve | None = None


class ChoiceParams(_Table):
    """Parameters of a choice model, scenario-wide or for one segment's customers."""

    price_sensitivity: Number | None = None
    no_purchase: Number | None = None
    frat5: Number | None = None


class ChoiceTable(ChoiceParams):
    """``[choice]``: how customers choose among the open products of their choice set.

    ``model`` is ``"buydown"`` (the cheapest open product, the default), ``"mnl"``
    (multinomial logit on relative price with a no-purchase option) or ``"wtp"``
    (willingness to pay with Frat5 sell-up); ``segments`` overrides the parameters
    for the customers of a segment (``{ business = { frat5 = 3.0 } }``).
    """

    model: Literal["buydown", "mnl", "wtp"] = "buydown"
    segments: dict[str, ChoiceParams] = {}


class TopalogluTable(_Table):
    """``[topaloglu]``: a Topaloglu (2009) instance, relative to the scenario file."""

    file: str


class GeneratorTable(_Table):
    """``[generator]``: a generated hub network (arguments of ``hub_network``)."""

    type: Literal["hub"] = "hub"
    spokes: Whole | None = None
    banks: Whole | None = None
    classes: Whole | None = None
    connections: Whole | None = None
    capacity: tuple[Whole, Whole] | None = None
    load: Number | None = None
    fare_ratio: Number | None = None
    seed: Whole | None = None


class HotelRate(_Table):
    """``[[hotel.rates]]``: a rate plan's nightly price on weekdays and weekends."""

    id: Id
    weekday: Number
    weekend: Number | None = None


class HotelDemand(_Table):
    """``[[hotel.demand]]``: a segment's requests per arrival date and stay lengths."""

    segment: Id
    rates: list[Id]
    weekday: Number | None = None
    weekend: Number | None = None
    los: list[Number] | None = None
    curve: Curve | None = None


class HotelTable(_Table):
    """``[hotel]``: nights, rooms, rate plans and demand (see ``hotel_network``)."""

    start: dt.date | str
    nights: Whole
    rooms: Whole
    max_los: Whole | None = None
    rates: list[HotelRate] = []
    demand: list[HotelDemand] = []


class OverbookingTable(_Table):
    """``[overbooking]``: costs of denied service and empty units, default behaviour."""

    denied_cost: Number | None = None
    spoilage_cost: Number | None = None
    show_prob: Number | None = None
    cancel_prob: Number | None = None


class SimulationTable(_Table):
    """``[simulation]``: what ``yieldopt simulate`` runs by default."""

    policies: list[str] | None = None
    samples: Whole | None = None
    seed: Whole | None = None
    reoptimize: Whole | None = None
    horizon_days: Number | None = None


class GroupRecord(_Table):
    """``[[groups]]``: a group request to quote (units are checked by ``group_quote``)."""

    name: str | None = None
    units: dict[str, Any] | list[Any]
    rate: Number
    ancillary: Number | None = None
    ancillary_per_unit: Number | None = None
    cost_to_serve: Number | None = None
    attrition: Number | None = None
    commission: Number | None = None
    alternatives: list[Any] | None = None


class HistoryTable(_Table):
    """``[history]``: data files next to the scenario and how to use them."""

    bookings: str | None = None
    closures: str | None = None
    transactions: str | None = None
    future_weight: Number | None = None


class ScenarioFile(_Table):
    """A scenario TOML file (see the README, "Scenario files")."""

    name: str | None = None
    kind: Literal["hotel", "airline", "network"] | None = None
    periods: Whole | None = None
    curve: Curve | None = None
    resources: list[ResourceRecord] = []
    segments: list[SegmentRecord] = []
    products: list[ProductRecord] = []
    customers: list[CustomerRecord] = []
    choice: ChoiceTable | None = None
    topaloglu: TopalogluTable | None = None
    generator: GeneratorTable | None = None
    hotel: HotelTable | None = None
    overbooking: OverbookingTable | None = None
    simulation: SimulationTable | None = None
    groups: list[GroupRecord] = []
    history: HistoryTable | None = None


# ----------------------------------------------------------------- single-leg files


class LegClass(_Table):
    """``[[classes]]``: one fare class of a single-leg problem."""

    name: str | None = None
    fare: Number
    mean: Number
    std: Number | None = None


class LegFile(_Table):
    """A single-leg TOML file (``yieldopt leg``): capacity, distribution, classes."""

    capacity: Whole | None = None
    dist: Literal["normal", "poisson"] | None = None
    classes: list[LegClass] = []


# ----------------------------------------------------------------- pydantic -> InputError


def check[M: BaseModel](model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` against ``model``; raise the first problem as an InputError.

    Parameters
    ----------
    model : type of BaseModel
        The schema, e.g. :class:`ScenarioFile`.
    data : Any
        The parsed file (a dict from :mod:`tomllib`).
    source : str
        Where the data came from (a file name), quoted in the message.

    Returns
    -------
    BaseModel
        The validated model (its values are not used by the loaders, which read
        ``data`` itself, so a file gives the same numbers with or without the check).

    Raises
    ------
    InputError
        ``field`` is the path of the first bad key (``resources[2].wekday``); the
        message says what is wrong, suggests the closest known key for an unknown
        one and counts the other problems.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # An unknown key first: it is usually why a required key is "missing".
        errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
        path = _path(model, errors[0]["loc"])
        # Union members each report a failure under one path: say them as one.
        same = [e for e in errors if _path(model, e["loc"]) == path]
        message = _describe(model, same, source)
        others = len({_path(model, e["loc"]) for e in errors} - {path})
        more = f" (and {others} more problem{'s' * (others > 1)})" if others else ""
        raise InputError(path or source, f"{message}{more}") from None


def _describe(model: type[BaseModel], errors: list[ErrorDetails], source: str) -> str:
    """One-line message for the pydantic errors of one path (several for a union)."""
    first = errors[0]
    loc = tuple(first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return f"unknown key in {source}; {hint}"
    if kind == "missing":
        return f"is required (in {source})"
    wants = []
    for e in errors:
        if e["type"] == "value_error":
            text = str(e.get("ctx", {}).get("error", e["msg"]))
        else:
            text = str(e["msg"]).replace("Input should be", "must be")
        text = text.split(", got")[0]
        if text not in wants:
            wants.append(text)
    # "must be a valid string or must be a valid list" -> "... or a valid list"
    what = " or ".join([wants[0], *(w.removeprefix("must be ") for w in wants[1:])])
    return f"{what}, got {first['input']!r} (in {source})"


def _path(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """Turn ``("hotel", "demand", 0, "wekday")`` into ``"hotel.demand[0].wekday"``."""
    out = ""
    annotation: Any = model
    for part in loc:
        step = _step(annotation, part)
        if step is _SKIP:  # a union member's tag such as "list[float]" or "str"
            continue
        annotation = step
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_SKIP = object()


def _members(annotation: Any) -> list[Any]:
    """Return the alternatives of a union (or ``[annotation]``), ``Annotated`` unwrapped."""
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [annotation]


def _step(annotation: Any, part: Any) -> Any:
    """Return the annotation one ``loc`` element down, or ``_SKIP`` for a union's tag."""
    members = _members(annotation)
    if isinstance(part, str) and len([m for m in members if m is not type(None)]) > 1:
        return _SKIP  # pydantic tags each union member's errors with the member's name
    for m in members:
        if isinstance(m, type) and issubclass(m, BaseModel) and part in m.model_fields:
            return m.model_fields[part].annotation
    for m in members:
        origin = typing.get_origin(m)
        if isinstance(part, int) and origin in (list, tuple):
            args = typing.get_args(m)
            return args[min(part, len(args) - 1)] if origin is tuple else args[0]
        if origin is dict and not isinstance(part, int):
            return typing.get_args(m)[1]
    return Any


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names of the table at ``loc`` (where an unknown key was found)."""
    annotation: Any = model
    for part in loc:
        step = _step(annotation, part)
        if step is not _SKIP:
            annotation = step
    for m in _members(annotation):
        if isinstance(m, type) and issubclass(m, BaseModel):
            return list(m.model_fields)
    return []
