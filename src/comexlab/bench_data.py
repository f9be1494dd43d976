"""Synthetic flow tables for scale benchmarks ONLY: the real table ×10, ×100, ×500, seeded.

A national agency works from customs declarations: many line items per tariff line and month
where the warehouse holds one DataWeb row. The generator imitates that from the real rows of one
source: each real row becomes ``factor`` synthetic rows with the same reporter, partner, month,
product code and unit, and a value (and quantity) equal to the real one times a seeded
log-normal factor of mean 1 (σ = 0.3). So the products, partners and months keep exactly their
real proportions, and each line's values spread around its real value (the synthetic total of
a line is ``factor`` × its real value in expectation, not exactly).

Labelled synthetic everywhere, never mixed with real data: the rows carry ``source =
'synthetic'``, ``reported_by = 'SYN'``, and they are written to a NEW bench warehouse of their
own (the HTS editions and concordance copied in, a ``load_log`` row ``flow:synthetic`` naming the
seed and factor as its "file"). The generator refuses a target that exists: it never writes into
a user's warehouse.

Randomness is a hash of (seed, row number, replica), not DuckDB's ``random()``, whose order
under parallel execution is not reproducible: same seed, same rows, on every run.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from comexlab.errors import InputError
from comexlab.warehouse.db import connect

SOURCE = "synthetic"
REPORTED_BY = "SYN"
SIGMA = 0.3
COPIED_TABLES: tuple[str, ...] = ("hts_line", "hts_rate", "hts_program", "hts_naics")
ROW_ORDER = ("reporter, partner, flow, period, product_code, product_level, value_usd, "
             "quantity, quantity_unit, preference_value_usd")
_U = "((hash({seed}, _rid, _rep, {k}) % 4503599627370495) + 1) / 4503599627370497.0"


def _normal(seed: int) -> str:
    """SQL of a standard normal draw per (row, replica): Box–Muller over two hashed uniforms."""
    u1, u2 = _U.format(seed=seed, k=1), _U.format(seed=seed, k=2)
    return f"sqrt(-2 * ln({u1})) * cos(2 * pi() * {u2})"


def generate(real: Path, target: Path, factor: int, *, seed: int = 18,
             source: str = "usitc_dataweb") -> int:
    """Write a bench warehouse at ``target``: ``factor`` synthetic rows per real ``source`` row.

    Returns the number of synthetic flow rows. ``target`` must not exist (never a user's file).
    """
    if factor < 1:
        raise InputError(f"factor must be ≥ 1, got {factor}", field="factor", value=factor)
    if target.exists():
        raise InputError(f"{target} exists: synthetic rows go to a new bench warehouse only",
                         file=target, field="target")
    con = connect(target)
    try:
        con.execute("SET enable_progress_bar = false")
        quoted = str(real).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS real_wh (READ_ONLY)")
        for table in COPIED_TABLES:
            con.execute(f"INSERT INTO {table} SELECT * FROM real_wh.{table}")
        con.execute("INSERT INTO load_log SELECT * FROM real_wh.load_log "
                    "WHERE dataset LIKE 'hts:%' OR dataset = 'hts_naics'")
        noise = f"exp({SIGMA} * {_normal(seed)} - {SIGMA * SIGMA / 2})"
        con.execute(f"""
            INSERT INTO flow
            SELECT * EXCLUDE (_rid, _rep, _m) REPLACE (
                       '{SOURCE}' AS source, '{REPORTED_BY}' AS reported_by,
                       round(value_usd * _m) AS value_usd, quantity * _m AS quantity,
                       round(preference_value_usd * _m) AS preference_value_usd)
            FROM (SELECT *, {noise} AS _m
                  FROM (SELECT *, row_number() OVER (ORDER BY {ROW_ORDER}) AS _rid
                        FROM real_wh.flow WHERE source = ?) f,
                       (SELECT range AS _rep FROM range(?)) r)""", [source, factor])
        rows = con.execute("SELECT count(*) FROM flow").fetchall()[0][0]
        con.execute("INSERT INTO load_log (dataset, file, sha256, rows) VALUES (?, ?, '', ?)",
                    [f"flow:{SOURCE}", f"synthetic:{source}×{factor},seed={seed}", rows])
        con.execute("DETACH real_wh")
        return int(rows)
    finally:
        con.close()


def synthetic_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Rows labelled synthetic in a warehouse (a user's warehouse must answer 0)."""
    return int(con.execute("SELECT count(*) FROM flow WHERE source = ?",
                           [SOURCE]).fetchall()[0][0])
