"""Reservation imports of the service's daily cycle: an export or contract records in, stored.

:func:`import_reservations` reads a CSV export (through a column mapping, or already in
the contract's layout) or contract records with :mod:`yieldopt.ingest`, and stores them
one row per ``reservation_id`` with the data-quality report; :func:`inflate` bounds
gzip uploads (see :mod:`yieldopt.decisions._cycle`).
"""

from __future__ import annotations

import csv as csv_module
import re
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..ingest import (
    OPTIONAL_COLUMNS,
    QUALITY_COLUMNS,
    RESERVATION_COLUMNS,
    ExportMapping,
    builtin_mappings,
    read_reservations,
    validate_reservations,
)
from ._nights import CycleStore

__all__ = ["MAX_CSV_BYTES", "import_reservations", "inflate"]

#: Most bytes a gzip-compressed CSV upload may inflate to (a bound on zip bombs).
MAX_CSV_BYTES = 256 * 2**20


def _iso_days(values: pd.Series) -> list[Any]:
    days = pd.DatetimeIndex(values).strftime("%Y-%m-%d")
    return [None if pd.isna(v) else str(v) for v in days]


def _iso_times(values: pd.Series) -> list[Any]:
    times = pd.DatetimeIndex(values).strftime("%Y-%m-%dT%H:%M:%S")
    return [None if pd.isna(v) else str(v) for v in times]


def _plain(values: pd.Series) -> list[Any]:
    return [None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v for v in values]


def _records(res: pd.DataFrame) -> list[dict[str, Any]]:
    """Contract columns of a validated table as JSON-ready records (others are not kept)."""
    cols = [
        c
        for c in res.columns
        if c in RESERVATION_COLUMNS or c in OPTIONAL_COLUMNS or c.startswith("ancillary_")
    ]
    data: dict[str, list[Any]] = {}
    for c in cols:
        s = res[c]
        if c in ("arrival", "departure"):
            data[c] = _iso_days(s)
        elif c in ("booked_at", "cancelled_at"):
            data[c] = _iso_times(s)
        else:
            data[c] = _plain(s.astype(object))
    return [dict(zip(cols, row, strict=True)) for row in zip(*data.values(), strict=True)]


_ROW = re.compile(r"first bad row (\d+)")


def _validate_records(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Validate contract records; errors name ``reservations[i].<column>``."""
    try:
        return validate_reservations(pd.DataFrame(list(records)))
    except InputError as exc:
        m = _ROW.search(str(exc))
        where = f"reservations[{m[1]}].{exc.field}" if m else f"reservations.{exc.field}"
        raise InputError(where, str(exc).removeprefix(f"{exc.field}: ")) from None


def _contract_mapping(header: Sequence[str]) -> ExportMapping:
    """Return a mapping of an export already in the contract's layout (columns as they are)."""
    known = [
        c
        for c in header
        if c in RESERVATION_COLUMNS or c in OPTIONAL_COLUMNS or c.startswith("ancillary_")
    ]
    if not known:
        raise InputError(
            "body",
            "the CSV has none of the reservation contract's columns "
            f"({', '.join(RESERVATION_COLUMNS)}); name a mapping with ?mapping= "
            f"({', '.join(builtin_mappings())})",
        )
    return ExportMapping.from_dict(
        {"name": "reservation-contract", "columns": {c: c for c in known}}, "the CSV header"
    )


def inflate(data: bytes, limit: int) -> bytes:
    """Decompress a gzip body, refusing more than ``limit`` bytes of output.

    Raises
    ------
    InputError
        ``body`` when it is not gzip or inflates beyond ``limit``.
    """
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError("body", f"not a gzip stream: {exc}") from None
    if len(out) > limit or d.unconsumed_tail:
        raise InputError("body", f"the CSV inflates to more than {limit} bytes")
    return out


def import_reservations(
    store: CycleStore,
    network_id: str,
    *,
    records: Sequence[Mapping[str, Any]] | None = None,
    csv: bytes | None = None,
    mapping: str | None = None,
    property: str | None = None,  # the contract's word, shadowing the builtin here only
    max_bytes: int = MAX_CSV_BYTES,
) -> dict[str, Any]:
    """Import reservations into a network: records of the contract, or a CSV export.

    Parameters
    ----------
    store : CycleStore
        Where the network lives.
    network_id : str
        Network id.
    records : sequence of mapping, optional
        Reservations in the contract of :mod:`yieldopt.ingest` (validated by
        :func:`~yieldopt.ingest.validate_reservations`).
    csv : bytes, optional
        A CSV export (UTF-8; gzip-compressed is accepted), read through ``mapping``.
    mapping : str, optional
        A built-in mapping name (:func:`~yieldopt.ingest.builtin_mappings`); without
        it the CSV has the contract's own columns.
    property : str, optional
        Import only this property's reservations (a CSV without a property column:
        its name).
    max_bytes : int
        Most bytes a gzip-compressed CSV may inflate to.

    Returns
    -------
    dict
        ``received`` (rows read), ``imported``, ``added``, ``replaced``, ``dropped``
        (rows of the export not imported, each counted in the report), ``stored``
        (reservations the network holds now), ``properties`` and ``quality`` (the
        data-quality report: ``check``, ``rows``, ``action``, ``example``, ``column``,
        ``rule``).

    Raises
    ------
    InputError
        ``mapping`` when unknown; ``body``, ``reservations[i].<column>`` or the export
        column at fault (with the row) when the data cannot be imported.
    NotFoundError
        If there is no such network.
    """
    store.get_network(network_id)  # 404 before reading anything
    if mapping is not None and mapping not in builtin_mappings():
        raise InputError(
            "mapping", f"unknown mapping {mapping!r}; built-in: {', '.join(builtin_mappings())}"
        )
    quality: list[dict[str, Any]] = []
    if csv is not None:
        if csv[:2] == b"\x1f\x8b":  # gzip, as exports are often shipped
            csv = inflate(csv, max_bytes)
        with tempfile.TemporaryDirectory(prefix="yieldopt-import-") as tmp:
            path = Path(tmp) / "export.csv"
            path.write_bytes(csv)
            if mapping is None:
                try:
                    head = pd.read_csv(path, nrows=0, sep=None, engine="python")
                except (csv_module.Error, ValueError, UnicodeDecodeError) as exc:
                    # An undetectable delimiter is bad input (csv.Error is no ValueError).
                    raise InputError("body", f"not a readable CSV export: {exc}") from None
                chosen: str | ExportMapping = _contract_mapping([str(c) for c in head.columns])
            else:
                chosen = mapping
            result = read_reservations(path, chosen, property=property)
        res, received = result.reservations, result.rows_read
        quality = [
            {str(c): _native(v) for c, v in rec.items()}
            for rec in result.quality[list(QUALITY_COLUMNS)].to_dict(orient="records")
        ]
    else:
        res = _validate_records(records or [])
        received = len(res)
        if property is not None:
            res = res[res["property"].to_numpy() == property].reset_index(drop=True)
    rows = _records(res)
    added, replaced = store.put_reservations(network_id, rows)
    return {
        "received": int(received),
        "imported": len(rows),
        "added": int(added),
        "replaced": int(replaced),
        "dropped": int(received - len(rows)),
        "stored": store.count_reservations(network_id),
        "properties": sorted({str(r["property"]) for r in rows}),
        "quality": quality,
    }


def _native(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v
