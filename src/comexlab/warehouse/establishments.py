"""Loading establishment registers (RETC, DENUE) and SIAVI top lines into the warehouse.

Each function parses and validates with its ``sources`` loader first (bad input raises before
any write) and then replaces its dataset in one transaction (:func:`db.replace_rows`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from comexlab.errors import AuditNote
from comexlab.sources import inegi_denue, se_siavi, semarnat_retc
from comexlab.warehouse.db import replace_many, replace_rows


def load_retc(con: duckdb.DuckDBPyConnection, path: Path, *, year: int | None = None
              ) -> tuple[int, tuple[AuditNote, ...]]:
    """Replace one RETC year; returns (rows written, notes on coordinates not read)."""
    loaded = semarnat_retc.load(path, year=year)
    n = replace_rows(con, semarnat_retc.TABLE, loaded.rows, where={"year": loaded.year},
                     log=(f"{semarnat_retc.SOURCE}:{loaded.year}", path))
    return n, loaded.notes


def load_denue(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace the DENUE table with the establishments of ``path``."""
    rows = inegi_denue.load(path)
    return replace_many(con, [(inegi_denue.TABLE, rows, None)],
                        log=(inegi_denue.SOURCE, path))


def load_siavi(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace the SIAVI top lines with every page of the archive ``path``."""
    rows = se_siavi.load(path)
    return replace_many(con, [(se_siavi.TABLE, rows, None)], log=(se_siavi.SOURCE, path))
