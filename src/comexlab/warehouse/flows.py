"""Loading trade flows into the warehouse, reconciling them, and rolling products up.

Every load replaces one source's rows atomically (:func:`~comexlab.warehouse.db.replace_rows`,
one transaction: delete the source's rows, insert the new ones, log each file), after the
loader has parsed and validated all files — a bad file changes nothing.

Ingest is SQL (the schema contract); the analytics — rollups, source summaries, the warehouse
side of reconciliation — are Ibis expressions built with :mod:`comexlab.warehouse.expr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, InputError, Problem
from comexlab.i18n import Msg
from comexlab.nomenclature.scian import scian3_of_naics
from comexlab.sources import flow_sources
from comexlab.sources.files import data_path
from comexlab.sources.flowtable import FlowLoad, check_codes, read_strings
from comexlab.warehouse import expr
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
                data_dir: Path | None = None, force: bool = False) -> LoadSummary:
    """Parse ``files`` (default: the source's files in the data dir) and replace its rows.

    A file with no row carrying a value (a header-only month, or one whose rows are all zero)
    would replace that period with nothing: refused unless ``force``.
    """
    src = flow_sources.get_source(source)
    paths = list(files) if files else src.default_files(data_dir)
    parsed = src.loader(paths)
    if parsed.empty_files and not force:
        raise InputError(Msg("error.flow_empty_file", source=source), problems=[
            Problem.of(Msg("error.flow_all_zero_rows", rows=f"{zeros:,}") if zeros
                       else Msg("error.flow_empty_file_row"), str(path), 2, None)
            for path, zeros in parsed.empty_files])
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
        _insert(con, "flow", parsed.table)
        con.execute("DELETE FROM flow_withheld WHERE source = ?", [parsed.source])
        if parsed.withheld is not None and parsed.withheld.num_rows:
            _insert(con, "flow_withheld", parsed.withheld)
        for path in parsed.files:
            con.execute(
                "INSERT INTO load_log (dataset, file, sha256, rows) VALUES (?, ?, ?, ?)",
                [f"flow:{parsed.source}", str(path), file_sha256(path), parsed.table.num_rows],
            )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """INSERT the Arrow rows into ``table`` by column name (inside the caller's transaction)."""
    con.register("_incoming_rows", rows)
    try:
        cols = ", ".join(f'"{c}"' for c in rows.column_names)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming_rows")
    finally:
        con.unregister("_incoming_rows")


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
        # File side in plain DuckDB SQL over the CSV text: independent of the loader's parsing.
        file_total = con.execute(
            f"SELECT coalesce(sum({chk.raw_sum}), 0) FROM {raw} WHERE {chk.raw_where}"
        ).fetchone()
        out.append(Reconciliation(source, chk.label, float(file_total[0]),  # type: ignore[index]
                                  _warehouse_total(con, source, chk.wh_column, chk.wh_where,
                                                   chk.wh_table)))
    return out


def _warehouse_total(con: duckdb.DuckDBPyConnection, source: str, column: str,
                     where: str, table: str = "flow") -> float:
    if table != "flow":  # side tables (flow_withheld): counts of listed cells, plain SQL
        found = con.execute(f"SELECT coalesce(sum({column}), 0) FROM {table} "
                            f"WHERE source = ? AND {where}", [source]).fetchone()
        return float(found[0]) if found else 0.0
    rows = expr.sql_filtered(con, "flow", where)
    rows = rows.filter(rows.source == source)
    total = rows[column].sum().fill_null(0.0).to_pyarrow().as_py()
    return float(total)


def _logged_files(con: duckdb.DuckDBPyConnection, source: str) -> list[Path]:
    """Files of the source's latest load (same timestamp), as recorded in load_log."""
    log = expr.table(con, "load_log")
    mine = log.filter(log.dataset == f"flow:{source}")
    latest = mine.filter(mine.loaded_at == mine.loaded_at.max().as_scalar())
    files = latest.select("file").order_by("file").to_pyarrow()["file"].to_pylist()
    return [Path(f) for f in files if Path(f).exists()]


def loaded_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per loaded source: rows, periods, reporters, total value, files, last load."""
    flow = expr.table(con, "flow")
    log = expr.table(con, "load_log")
    per_source = flow.group_by("source").aggregate(
        rows=flow.count(), first_period=flow.period.min(), last_period=flow.period.max(),
        reporters=flow.reporter.nunique(), value_usd=flow.value_usd.sum())
    logs = log.group_by("dataset").aggregate(files=log.file.nunique(),
                                             loaded_at=log.loaded_at.max())
    joined = per_source.left_join(logs, ("flow:" + per_source.source) == logs.dataset)
    return (joined.select("source", "rows", "first_period", "last_period", "reporters",
                          "value_usd", files=joined.files.fill_null(0),
                          loaded_at=joined.loaded_at)
            .order_by("source").to_pandas())


# --------------------------------------------------------------------------- HTS ↔ NAICS
def read_hts_naics(path: Path) -> pa.Table:
    """HTS10 → NAICS6 (+ SCIAN3) from the Budget Lab concordance; codes checked, keys unique."""
    df = read_strings(path, ("hs10", "naics"))
    check_codes(df, "hs10", path, digits=10)
    # Census writes combined NAICS industries with trailing X's ('11211X'): kept as printed.
    bad = ~df["naics"].str.fullmatch(r"\d{3}[\dX]{3}")
    if bad.any():
        i = int(df.index[bad.to_numpy()][0])
        raise InputError(Msg("error.src.not_naics6"), file=path, row=i + 2, field="naics",
                         value=df.at[i, "naics"])
    if df["hs10"].duplicated().any():
        i = int(df.index[df["hs10"].duplicated().to_numpy()][0])
        raise InputError(Msg("error.src.duplicated_hts10"), file=path, row=i + 2, field="hs10",
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


def rollup_expr(con: duckdb.DuckDBPyConnection, level: str, *, where: str = "TRUE",
                params: Sequence[object] = ()) -> ir.Table:
    """Ibis expression of flow rows (matching the SQL predicate ``where``) summed to ``level``.

    See :func:`comexlab.warehouse.expr.rollup`: HS/HTS rows at or finer than ``level``, grouped
    by source, reporter, partner, flow and period so sources are never mixed in one figure.
    Compose it further (filter, join, top-N) before executing.
    """
    if level not in (*ROLLUP_DIGITS, "section"):
        raise InputError(Msg("error.src.product_level", level=level), field="level",
                         value=level)
    return expr.rollup(expr.sql_filtered(con, "flow", where, params), level)


def rolled_up(con: duckdb.DuckDBPyConnection, level: str, *, where: str = "TRUE",
              params: Sequence[object] = ()) -> pd.DataFrame:
    """Flow rows summed to ``level`` as a DataFrame (see :func:`rollup_expr`)."""
    return rollup_expr(con, level, where=where, params=params).to_pandas()
