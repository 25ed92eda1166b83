"""Read a reservation export (CSV, gzip, Parquet) through a mapping into the contract.

:func:`read_reservations` reads the file, builds every contract column the mapping
names (see :mod:`._build`), runs the data-quality checks of :mod:`._clean` and
:mod:`._quality` (fixing, keeping or dropping rows by a stated rule, every finding
counted) and returns the validated reservations with the quality report.
:func:`read_export` reads the file as it is.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ._build import _Builder
from ._contract import validate_reservations
from ._mapping import ExportMapping, load_mapping

__all__ = ["ImportResult", "read_export", "read_reservations"]


@dataclass(frozen=True)
class ImportResult:
    """What :func:`read_reservations` returns.

    Attributes
    ----------
    reservations : DataFrame
        The validated reservation table (see :func:`validate_reservations`).
    quality : DataFrame
        The data-quality report: one row per check (and column), see
        :data:`QUALITY_COLUMNS`.
    rows_read : int
        Data rows read from the export (of the selected property).
    source : str
        The file read.
    mapping : ExportMapping
        The mapping applied.
    """

    reservations: pd.DataFrame
    quality: pd.DataFrame
    rows_read: int
    source: str
    mapping: ExportMapping

    @property
    def rows_dropped(self) -> int:
        """Rows of the export not imported (each one counted in the quality report)."""
        return self.rows_read - len(self.reservations)


def _sniff(path: Path, opener) -> str:
    with opener(path) as fh:
        sample = fh.read(65536)
    # Cut at the last full line so the sniffer does not see half a record.
    sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_export(path: str | Path, *, sep: str | None = None) -> pd.DataFrame:
    """Read an export as it is: CSV (optionally gzip-compressed) or Parquet.

    Parameters
    ----------
    path : str or Path
        ``.parquet``/``.pq`` files are Parquet; anything else is delimited text,
        gzip-compressed when the name ends in ``.gz``.
    sep : str, optional
        Field delimiter; by default it is sniffed among ``,`` ``;`` tab and ``|``.

    Returns
    -------
    DataFrame
        One row per data line, in file order; nothing is validated.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("path", f"file not found: {p}")
    name = p.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(p)
        gz = name.endswith(".gz")

        def opener(q: Path) -> io.TextIOBase:
            if gz:
                return gzip.open(q, "rt", encoding="utf-8", errors="replace")
            return open(q, encoding="utf-8", errors="replace")

        delimiter = sep if sep is not None else _sniff(p, opener)
        return pd.read_csv(p, sep=delimiter, compression="gzip" if gz else None)
    except (OSError, ValueError, UnicodeDecodeError, EOFError) as exc:
        raise InputError("path", f"cannot read {p}: {exc}") from None


def read_reservations(
    path: str | Path,
    mapping: str | Path | ExportMapping = "hotel-booking-demand",
    *,
    sep: str | None = None,
    property: str | None = None,  # the contract's word, shadowing the builtin here only
    strict: bool = False,
) -> ImportResult:
    """Import a PMS reservation export into the reservation contract.

    Parameters
    ----------
    path : str or Path
        The export (CSV, ``.csv.gz`` or Parquet; see :func:`read_export`).
    mapping : str, Path or ExportMapping
        A built-in mapping name, a mapping TOML file, or a loaded mapping.
    sep : str, optional
        CSV delimiter (default: sniffed).
    property : str, optional
        When the export has a property column: import only that property's rows.
        When it has none: the property's name (default: the file name without
        its suffixes).
    strict : bool
        Raise :class:`~yieldopt.errors.InputError` on any data-quality finding
        instead of applying the report's rule.

    Returns
    -------
    ImportResult
        ``.reservations`` (validated contract table, export order) and ``.quality``.

    Raises
    ------
    InputError
        Unreadable file; a mapping naming an export column that does not exist
        (field ``columns.<name>``, with the closest export columns); an unknown
        property; with ``strict``, the first finding.
    """
    m = load_mapping(mapping)
    raw = read_export(path, sep=sep)
    source = str(path)
    builder = _Builder(raw, m, source)
    builder.select_property(property, Path(path))
    frame, report = builder.build()
    if strict:
        report.raise_first()
    res = validate_reservations(frame)
    if builder.kept:  # pass-through export columns, after the contract ones
        res = pd.concat([res, pd.DataFrame(builder.kept)], axis=1)
    return ImportResult(
        reservations=res,
        quality=report.frame(),
        rows_read=builder.n,
        source=source,
        mapping=m,
    )
