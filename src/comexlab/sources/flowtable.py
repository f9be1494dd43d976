"""What every flow loader returns: rows in the warehouse ``flow`` schema, plus an audit trail.

Loaders read an official file as strings, validate it (columns present, numbers numeric, keys
unique) and raise :class:`~comexlab.errors.InputError` naming file, row and field on the first
problems found, before anything is written. Row numbers are the line numbers of the CSV file
(header = line 1), so an analyst can open the file at the offending line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, InputError, Problem
from comexlab.i18n import Msg
from comexlab.sources.files import atomic_path

#: Arrow schema of the ``flow`` table (warehouse/schema.py); loaders produce exactly this.
FLOW_SCHEMA = pa.schema([
    ("source", pa.string()),
    ("reporter", pa.string()),
    ("reporter_level", pa.string()),
    ("reported_by", pa.string()),
    ("partner", pa.string()),
    ("flow", pa.string()),
    ("period", pa.string()),
    ("year", pa.int16()),
    ("month", pa.int8()),
    ("product_code", pa.string()),
    ("classification", pa.string()),
    ("product_level", pa.string()),
    ("value_usd", pa.float64()),
    ("quantity", pa.float64()),
    ("quantity_unit", pa.string()),
    ("preference_value_usd", pa.float64()),
    ("preference_program", pa.string()),
    ("firms", pa.int32()),
    ("revision_status", pa.string()),
])
MAX_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class FlowLoad:
    """A parsed source: Arrow rows for ``flow``, the files read, and what was skipped or mapped."""

    source: str
    table: pa.Table
    files: tuple[Path, ...]
    notes: tuple[AuditNote, ...] = field(default_factory=tuple)
    empty_files: tuple[tuple[Path, int], ...] = ()
    """Files that give no row with a value, and how many (zero-value) rows they held: loading
    them replaces their period with nothing, so the ingest refuses them unless forced
    (:func:`comexlab.warehouse.flows.load_source`)."""
    #: Cells the source lists without a figure (``flow_withheld`` rows; None: it has none).
    withheld: pa.Table | None = None


def to_flow_table(df: pd.DataFrame, constants: Mapping[str, object] | None = None) -> pa.Table:
    """DataFrame with (a subset of) the flow columns → Arrow table in :data:`FLOW_SCHEMA`.

    ``constants`` are the columns that are the same on every row of a source (its name,
    reporter level, classification…). Missing nullable columns are filled with nulls, so each
    loader sets only what it knows.
    """
    if constants:
        df = df.assign(**constants)
    n = len(df)
    arrays = []
    for fld in FLOW_SCHEMA:
        if fld.name in df.columns:
            arrays.append(pa.array(df[fld.name].to_numpy(), type=fld.type, from_pandas=True))
        else:
            arrays.append(pa.nulls(n, type=fld.type))
    return pa.Table.from_arrays(arrays, schema=FLOW_SCHEMA)


def concat(tables: Sequence[pa.Table]) -> pa.Table:
    """Concatenate flow tables (an empty list gives an empty table)."""
    return pa.concat_tables(tables) if tables else FLOW_SCHEMA.empty_table()


RowsFn = Callable[[pd.DataFrame, Path], pd.DataFrame]


def read_files(paths: Sequence[Path], rows: RowsFn, *,
               reader: Callable[[Path], pd.DataFrame],
               constants: Mapping[str, object] | None = None) -> pa.Table:
    """Every file read (``reader``), validated into flow columns (``rows``), as one table."""
    return concat([to_flow_table(rows(reader(path), path), constants) for path in paths])


def write_csv(df: pd.DataFrame, dest: Path) -> Path:
    """Write an API answer as the CSV its loader reads (gzip for ``.gz``), atomically."""
    with atomic_path(dest) as tmp:
        df.to_csv(tmp, index=False, compression="gzip" if dest.suffix == ".gz" else None)
    return dest


def fail_at_first(df: pd.DataFrame, bad: pd.Series | npt.NDArray[np.bool_], path: Path,
                  column: str, message: Msg) -> None:
    """Raise :class:`InputError` naming file, row, field and value of the first ``bad`` row."""
    mask = np.asarray(bad, dtype=bool)
    if mask.any():
        i = df.index[mask][0]
        raise InputError(message, file=path, row=file_row(i), field=column,
                         value=df.at[i, column])


def map_fixed(df: pd.DataFrame, column: str, path: Path, mapping: Mapping[str, str],
              message: Msg) -> pd.Series:
    """Map a column through a closed code list (e.g. flow 1/2); the first other value raises."""
    out = df[column].str.strip().map(mapping)
    fail_at_first(df, out.isna(), path, column, message)
    return out


def read_strings(path: Path, required: Sequence[str], *, sep: str = ",") -> pd.DataFrame:
    """Read a CSV (plain or .gz) with every column as string; missing columns raise.

    Reading as strings keeps leading zeros of codes ('0101210010') and lets
    :func:`parse_numbers` report the exact bad cell instead of a NaN appearing silently.
    """
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding="utf-8-sig")
        header = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, header=None,
                             nrows=1, encoding="utf-8-sig").iloc[0].tolist()
    except pd.errors.EmptyDataError as exc:
        raise InputError(Msg("error.csv_empty"), file=path, row=1, field="header") from exc
    except UnicodeDecodeError as exc:
        raise InputError(Msg("error.not_utf8", position=exc.start), file=path) from exc
    except (pd.errors.ParserError, EOFError, OSError) as exc:
        raise InputError(Msg("error.src.csv_unreadable", detail=exc), file=path) from exc
    _check_header_unique([str(h).strip() for h in header], path)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(
            Msg("error.src.missing_columns_found", columns=", ".join(missing),
                found=", ".join(df.columns)),
            problems=[Problem.of(Msg("error.src.column_missing"), str(path), 1, c)
                      for c in missing],
        )
    return df


def _check_header_unique(header: list[str], path: Path) -> None:
    """Refuse a header that names a column twice.

    pandas would rename the second ('total_value.1') and read the first, so which of the two
    values is loaded would depend on column order.
    """
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(Msg("error.csv_duplicate_column", column=name), file=path, row=1,
                             field=name)
        seen.add(name)


def check_amounts(df: pd.DataFrame, values: pd.Series, column: str, path: Path, *,
                  maximum: float) -> None:
    """Money values must be finite, not negative and at most ``maximum`` (each its own error).

    ``pd.to_numeric`` reads 'inf', '1e300' and '-5' as numbers; none is a customs value.
    """
    array = values.to_numpy(dtype=float)
    checks = (
        (~np.isfinite(array), Msg("error.amount_not_finite")),
        (array < 0, Msg("error.amount_negative")),
        (array > maximum, Msg("error.amount_too_large", maximum=f"{maximum:,.0f}")),
    )
    for bad, message in checks:
        if bad.any():
            rows = df.index[bad]
            raise InputError(message, problems=[
                Problem.of(message, str(path), file_row(i), column, df.at[i, column])
                for i in rows[:MAX_PROBLEMS]])


def file_row(index: int) -> int:
    """CSV line number of a DataFrame row read with a header line."""
    return int(index) + 2


def parse_numbers(df: pd.DataFrame, column: str, path: Path, *, integer: bool = False,
                  allow_blank: bool = False) -> pd.Series:
    """Parse a string column as numbers; any non-numeric cell raises naming row and field."""
    raw = df[column].str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & ~(allow_blank & (raw == ""))
    if integer:
        bad |= values.notna() & (values != values.round())
    if bad.any():
        rows = df.index[bad.to_numpy()]
        problems = [Problem.of(Msg("error.src.not_a_number"), str(path), file_row(i), column,
                               df.at[i, column]) for i in rows[:MAX_PROBLEMS]]
        raise InputError(Msg("error.src.non_numeric", n=int(bad.sum()), column=column),
                         problems=problems)
    return values


def check_codes(df: pd.DataFrame, column: str, path: Path, *, digits: int) -> None:
    """Every cell of ``column`` must be exactly ``digits`` digits (codes keep leading zeros)."""
    ok = df[column].str.fullmatch(rf"\d{{{digits}}}")
    if not ok.all():
        rows = df.index[~ok.to_numpy()]
        problems = [Problem.of(Msg("error.src.not_digit_code", digits=digits), str(path),
                               file_row(i), column, df.at[i, column])
                    for i in rows[:MAX_PROBLEMS]]
        raise InputError(Msg("error.src.malformed_codes", n=len(rows), column=column),
                         problems=problems)


def check_unique(df: pd.DataFrame, key: Sequence[str], path: Path) -> None:
    """A key that repeats would be double-counted in every total: refuse the file."""
    dup = df.duplicated(list(key), keep="first")
    if dup.any():
        rows = df.index[dup.to_numpy()]
        problems = [
            Problem.of(Msg("error.src.duplicated_key", key=", ".join(key)), str(path),
                       file_row(i), key[-1], "/".join(str(df.at[i, k]) for k in key))
            for i in rows[:MAX_PROBLEMS]
        ]
        raise InputError(Msg("error.src.duplicated_rows", n=len(rows), key=str(tuple(key))),
                         problems=problems)


def map_codes(df: pd.DataFrame, column: str, path: Path, mapper: object) -> pd.Series:
    """Map each distinct code of ``column`` with ``mapper``; unknown codes raise with their row."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for code in df[column].unique():
        try:
            mapping[code] = mapper(code)  # type: ignore[operator]
        except ValueError:
            unknown.append(code)
    if unknown:
        rows = df.index[df[column].isin(unknown).to_numpy()]
        problems = [Problem.of(Msg("error.src.unknown_code"), str(path), file_row(i), column,
                               df.at[i, column]) for i in rows[:MAX_PROBLEMS]]
        raise InputError(Msg("error.src.unknown_codes", n=len(unknown), column=column),
                         problems=problems)
    return df[column].map(mapping)
