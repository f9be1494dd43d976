"""Loading trade flows into the warehouse, reconciling them, and rolling products up.

Every load replaces one source's rows atomically (:func:`~comexlab.warehouse.db.replace_rows`,
one transaction: delete the source's rows, insert the new ones, log each file), after the
loader has parsed and validated all files — a bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, InputError
from comexlab.nomenclature.hs import sections
from comexlab.nomenclature.scian import scian3_of_naics
from comexlab.sources import flow_sources
from comexlab.sources.files import data_path
from comexlab.sources.flowtable import FlowLoad, check_codes, read_strings
from comexlab.warehouse.db import file_sha256, transaction

HTS_NAICS_FILE = "budgetlab_tariff_resources/metal_content_shares_bea_hs10.csv.gz"


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What a load did: rows written, files read, and the loader's audit notes."""

    source: str
    rows: int
    files: tuple[Path, ...]
    value_usd: float
    notes: tuple[AuditNote, ...]


def load_source(con: duckdb.DuckDBPyConnection, source: str,
                files: Sequence[Path] | None = None, *,
                data_dir: Path | None = None) -> LoadSummary:
    """Parse ``files`` (default: the source's files in the data dir) and replace its rows."""
    src = flow_sources.get_source(source)
    paths = list(files) if files else src.default_files(data_dir)
    parsed = src.loader(paths)
    write(con, parsed)
    value = pa.compute.sum(parsed.table["value_usd"]).as_py() or 0.0
    return LoadSummary(source, parsed.table.num_rows, parsed.files, value, parsed.notes)


def write(con: duckdb.DuckDBPyConnection, parsed: FlowLoad) -> None:
    """Replace the source's rows and log every file, all in one transaction.

    Same contract as :func:`~comexlab.warehouse.db.replace_rows` (delete + insert + log, one
    transaction), but a monthly source has many files and each gets its own load_log row.
    """
    with transaction(con):
        con.execute("DELETE FROM flow WHERE source = ?", [parsed.source])
        con.register("_incoming_flow", parsed.table)
        try:
            cols = ", ".join(f'"{c}"' for c in parsed.table.column_names)
            con.execute(f"INSERT INTO flow ({cols}) SELECT {cols} FROM _incoming_flow")
        finally:
            con.unregister("_incoming_flow")
        for path in parsed.files:
            con.execute(
                "INSERT INTO load_log (dataset, file, sha256, rows) VALUES (?, ?, ?, ?)",
                [f"flow:{parsed.source}", str(path), file_sha256(path), parsed.table.num_rows],
            )


# --------------------------------------------------------------------------- reconcile
@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A file total against the warehouse total for the same rows."""

    source: str
    check: str
    file_total: float
    warehouse_total: float

    @property
    def difference(self) -> float:
        """Warehouse minus file, USD."""
        return self.warehouse_total - self.file_total

    @property
    def ok(self) -> bool:
        """Equal to the dollar (both sides are sums of whole-dollar or cent values)."""
        return abs(self.difference) < 0.5


def _raw_relation(files: Sequence[Path]) -> str:
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    return f"read_csv([{listed}], all_varchar = true, header = true, union_by_name = true)"


def reconcile(con: duckdb.DuckDBPyConnection, source: str, files: Sequence[Path] | None = None,
              *, data_dir: Path | None = None) -> list[Reconciliation]:
    """Each check of the source: raw-file sum (DuckDB over the CSV text) vs warehouse sum."""
    src = flow_sources.get_source(source)
    if not src.read_csv or not src.checks:
        return []
    paths = list(files) if files else _logged_files(con, source) or src.default_files(data_dir)
    raw = _raw_relation(paths)
    out = []
    for chk in src.checks:
        file_total = con.execute(
            f"SELECT coalesce(sum({chk.raw_sum}), 0) FROM {raw} WHERE {chk.raw_where}"
        ).fetchone()
        wh_total = con.execute(
            f"SELECT coalesce(sum({chk.wh_column}), 0) FROM flow "
            f"WHERE source = ? AND {chk.wh_where}", [source]).fetchone()
        out.append(Reconciliation(source, chk.label, float(file_total[0]),  # type: ignore[index]
                                  float(wh_total[0])))  # type: ignore[index]
    return out


def _logged_files(con: duckdb.DuckDBPyConnection, source: str) -> list[Path]:
    """Files of the source's latest load (same timestamp), as recorded in load_log."""
    rows = con.execute(
        "SELECT file FROM load_log WHERE dataset = ? AND loaded_at = "
        "(SELECT max(loaded_at) FROM load_log WHERE dataset = ?) ORDER BY file",
        [f"flow:{source}", f"flow:{source}"]).fetchall()
    return [Path(r[0]) for r in rows if Path(r[0]).exists()]


def loaded_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per loaded source: rows, periods, reporters, total value, files, last load."""
    return con.execute("""
        SELECT f.source, count(*) AS rows, min(period) AS first_period,
               max(period) AS last_period, count(DISTINCT reporter) AS reporters,
               sum(value_usd) AS value_usd,
               (SELECT count(DISTINCT file) FROM load_log l
                 WHERE l.dataset = 'flow:' || f.source) AS files,
               (SELECT max(loaded_at) FROM load_log l
                 WHERE l.dataset = 'flow:' || f.source) AS loaded_at
        FROM flow f GROUP BY f.source ORDER BY f.source
    """).df()


# --------------------------------------------------------------------------- HTS ↔ NAICS
def read_hts_naics(path: Path) -> pa.Table:
    """HTS10 → NAICS6 (+ SCIAN3) from the Budget Lab concordance; codes checked, keys unique."""
    df = read_strings(path, ("hs10", "naics"))
    check_codes(df, "hs10", path, digits=10)
    # Census writes combined NAICS industries with trailing X's ('11211X'): kept as printed.
    bad = ~df["naics"].str.fullmatch(r"\d{3}[\dX]{3}")
    if bad.any():
        i = int(df.index[bad.to_numpy()][0])
        raise InputError("not a NAICS6 code", file=path, row=i + 2, field="naics",
                         value=df.at[i, "naics"])
    if df["hs10"].duplicated().any():
        i = int(df.index[df["hs10"].duplicated().to_numpy()][0])
        raise InputError("duplicated HTS10", file=path, row=i + 2, field="hs10",
                         value=df.at[i, "hs10"])
    return pa.table({
        "hts10": df["hs10"].to_numpy(), "naics6": df["naics"].to_numpy(),
        "scian3": pa.array([scian3_of_naics(n) for n in df["naics"]], type=pa.string()),
    })


def load_hts_naics(con: duckdb.DuckDBPyConnection, path: Path | None = None,
                   *, data_dir: Path | None = None) -> int:
    """Replace the ``hts_naics`` table from the concordance file; returns rows loaded."""
    path = path or data_path(HTS_NAICS_FILE, data_dir=data_dir)
    table = read_hts_naics(path)
    with transaction(con):
        con.execute("DELETE FROM hts_naics")
        con.register("_incoming_hn", table)
        try:
            con.execute("INSERT INTO hts_naics SELECT hts10, naics6, scian3 FROM _incoming_hn")
        finally:
            con.unregister("_incoming_hn")
        con.execute("DELETE FROM load_log WHERE dataset = 'hts_naics'")
        con.execute("INSERT INTO load_log (dataset, file, sha256, rows) VALUES (?, ?, ?, ?)",
                    ["hts_naics", str(path), file_sha256(path), table.num_rows])
    return table.num_rows


# --------------------------------------------------------------------------- rollups
ROLLUP_DIGITS = {"hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}
_FINER = {"hts10": 10, "hs8": 8, "hs6": 6, "hs4": 4, "hs2": 2}


def section_case(column: str = "product_code") -> str:
    """SQL CASE mapping a code's chapter to its HS section number (from package data)."""
    whens = " ".join(
        f"WHEN CAST(substr({column}, 1, 2) AS INTEGER) BETWEEN {s.first_chapter} "
        f"AND {s.last_chapter} THEN {s.number}" for s in sections())
    return f"CAST(CASE {whens} END AS VARCHAR)"


def rollup_sql(level: str, *, column: str = "product_code") -> str:
    """SQL expression of a product code's ancestor at ``level`` (hs8…hs2 or section).

    Use on HS/HTS rows only (classification 'HS' or 'HTS') whose level is at least as fine
    as ``level``; e.g. ``SELECT {rollup_sql('hs4')} AS hs4, sum(value_usd) … GROUP BY 1``.
    """
    if level == "section":
        return section_case(column)
    if level not in ROLLUP_DIGITS:
        raise InputError(f"unknown product level {level!r}", field="level",
                         value=level)
    return f"substr({column}, 1, {ROLLUP_DIGITS[level]})"


def rollup_query(level: str, *, where: str = "TRUE") -> str:
    """SQL summing flow rows to ``level`` (HS/HTS rows at or finer than that level).

    Groups by source, reporter, partner, flow and period so different sources are never
    mixed in one figure; compose it as a subquery or pass it to :func:`rolled_up`.
    """
    finer = [lvl for lvl, n in _FINER.items() if level == "section" or n >= _FINER.get(level, 99)]
    levels = ", ".join(f"'{lvl}'" for lvl in finer)
    expr = rollup_sql(level)
    return (
        f"SELECT source, reporter, partner, flow, period, {expr} AS product_code, "
        f"'{level}' AS product_level, sum(value_usd) AS value_usd, "
        f"sum(preference_value_usd) AS preference_value_usd FROM flow "
        f"WHERE classification IN ('HS', 'HTS') AND product_level IN ({levels}) AND ({where}) "
        f"GROUP BY ALL"
    )


def rolled_up(con: duckdb.DuckDBPyConnection, level: str, *, where: str = "TRUE",
              params: Sequence[object] = ()) -> pd.DataFrame:
    """Flow rows summed to ``level`` as a DataFrame (see :func:`rollup_query`)."""
    return con.execute(rollup_query(level, where=where), list(params)).df()
