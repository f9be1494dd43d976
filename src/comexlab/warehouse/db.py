"""Opening the DuckDB warehouse and writing to it atomically.

Every ingest goes through :func:`replace_rows`: the old rows of a dataset are deleted and the
new ones inserted in **one transaction**, so a load that fails half-way (bad file, full disk,
Ctrl-C) leaves the warehouse exactly as it was. Parsing and validation happen before this, in
``sources/``, so that bad input is rejected before any write is attempted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from comexlab.errors import ComexlabError
from comexlab.i18n import Msg
from comexlab.warehouse.schema import ensure_schema


class WarehouseBusyError(ComexlabError):
    """DuckDB allows one writing process per file; another comexlab process holds it."""

    code = "warehouse_busy"
    http_status = 503


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse at ``path`` with the schema in place.

    ``":memory:"`` gives a throw-away warehouse for tests. Read-only connections skip schema
    creation because DuckDB refuses DDL on them. ``COMEXLAB_DUCKDB_MEMORY_LIMIT`` /
    ``COMEXLAB_DUCKDB_TEMP_DIR`` become DuckDB's ``memory_limit`` / ``temp_directory``: past
    the limit, joins and aggregations spill to that folder instead of failing (docs/scale.md).
    """
    path_str = str(path)
    if path_str != ":memory:" and not read_only:
        Path(path_str).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(path_str, read_only=read_only, config=spill_config())
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusyError(Msg("error.src.warehouse_busy", path=path_str)) from exc
        raise
    if not read_only:
        ensure_schema(con)
    return con


def spill_config() -> dict[str, str]:
    """DuckDB options from the settings that make a large query spill to disk."""
    from comexlab.settings import get_settings

    settings = get_settings()
    config: dict[str, str] = {}
    if settings.duckdb_memory_limit:
        config["memory_limit"] = settings.duckdb_memory_limit
    if settings.duckdb_temp_dir:
        Path(settings.duckdb_temp_dir).mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(settings.duckdb_temp_dir)
    return config


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any exception (which is re-raised)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pa.Table,
    *,
    where: Mapping[str, Any],
    log: tuple[str, Path | str] | None = None,
) -> int:
    """Atomically replace the rows of ``table`` matching ``where`` with ``rows``.

    ``where`` names the dataset being replaced (e.g. ``{"edition": "2026r10"}`` or
    ``{"source": "usitc_dataweb"}``); every row of ``rows`` must belong to it. ``log`` =
    (dataset name, source file) records the load in ``load_log`` inside the same transaction.
    Columns are matched by name, so ``rows`` may omit nullable columns.
    """
    if not where:
        raise ValueError("replace_rows needs a non-empty 'where' naming the dataset")
    return replace_many(con, [(table, rows, where)], log=log)


Batch = tuple[str, pa.Table, Mapping[str, Any] | None]


def replace_many(
    con: duckdb.DuckDBPyConnection,
    batches: Sequence[Batch],
    *,
    log: tuple[str, Path | str] | None = None,
) -> int:
    """:func:`replace_rows` for several tables in **one** transaction (all or nothing).

    A dataset spread over tables (an HTS edition: ``hts_line`` + ``hts_rate``) must never be
    half-replaced. ``where=None`` replaces the whole table, for reference tables shipped as
    package data (``hts_program``). The log row counts the first batch's rows.
    """
    with transaction(con):
        for table, rows, where in batches:
            _delete_insert(con, table, rows, where)
        if log is not None:
            dataset, file = log
            con.execute(
                "INSERT INTO load_log (dataset, file, sha256, rows) VALUES (?, ?, ?, ?)",
                [dataset, str(file), file_sha256(file), batches[0][1].num_rows],
            )
    return batches[0][1].num_rows if batches else 0


def _delete_insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table,
                   where: Mapping[str, Any] | None) -> None:
    if where:
        cond = " AND ".join(f'"{col}" = ?' for col in where)
        con.execute(f'DELETE FROM "{table}" WHERE {cond}', list(where.values()))
    else:
        con.execute(f'DELETE FROM "{table}"')
    cols = ", ".join(f'"{c}"' for c in rows.column_names)
    con.register("_incoming", rows)
    try:
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
    finally:
        con.unregister("_incoming")


def file_sha256(path: Path | str) -> str:
    """Content hash of a source file, recorded so a figure can be traced to the exact file."""
    p = Path(path)
    if not p.is_file():
        return ""
    digest = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
