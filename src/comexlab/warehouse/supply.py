"""Warehouse queries behind the supply services (complexity inputs, imports, RETC rows).

Plain SQL, on purpose: each is one keyed group-by over one table returning a small dict the
service passes to pure code; there is nothing to compose, and Ibis would add its import time
(~0.25 s) to every ``comexlab supply`` command (see docs/architecture.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb


def complexity_years(con: duckdb.DuckDBPyConnection, sources: Sequence[str]) -> dict[int, str]:
    """Year → source of state × SCIAN-subsector exports; earlier ``sources`` win a year."""
    marks = ", ".join("?" * len(sources))
    rows = con.execute(
        f"SELECT DISTINCT year, source FROM flow WHERE source IN ({marks}) AND flow = 'export' "
        "AND reporter_level = 'state' AND classification = 'SCIAN'", list(sources)).fetchall()
    out: dict[int, str] = {}
    for year, source in sorted(rows, key=lambda r: list(sources).index(r[1]), reverse=True):
        out[int(year)] = source
    return dict(sorted(out.items()))


def state_subsector_values(con: duckdb.DuckDBPyConnection, source: str, year: int,
                           not_products: Sequence[str]) -> dict[tuple[str, str], float]:
    """{(reporter 'MX-GTO', scian3): exports USD} of one source and year."""
    marks = ", ".join("?" * len(not_products))
    rows = con.execute(
        "SELECT reporter, product_code, sum(value_usd) FROM flow WHERE source = ? AND year = ? "
        "AND flow = 'export' AND reporter_level = 'state' AND classification = 'SCIAN' "
        f"AND product_code NOT IN ({marks}) GROUP BY 1, 2", [source, year, *not_products]
    ).fetchall()
    return {(r, p): float(v) for r, p, v in rows}


def imports_by_year(con: duckdb.DuckDBPyConnection, source: str, reporter: str,
                    origins: Sequence[str]) -> dict[int, dict[str, float]]:
    """{year: {hs4: USD}} of imports from ``origins`` (``se_siavi``: its top-lines table)."""
    marks = ", ".join("?" * len(origins))
    if source == "se_siavi":
        sql = (f"SELECT year, hs4, sum(value_usd) FROM siavi_top_line WHERE flow = 'import' "
               f"AND hs4 IS NOT NULL AND iso3 IN ({marks}) GROUP BY 1, 2")
        params: list[object] = list(origins)
    else:
        sql = (f"SELECT year, substr(product_code, 1, 4), sum(value_usd) FROM flow "
               f"WHERE source = ? AND reporter = ? AND flow = 'import' AND classification = 'HS' "
               f"AND length(product_code) >= 4 AND partner IN ({marks}) GROUP BY 1, 2")
        params = [source, reporter, *origins]
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for year, hs4, value in con.execute(sql, params).fetchall():
        out[int(year)][hs4] = float(value)
    return dict(out)


def partners(con: duckdb.DuckDBPyConnection, source: str, reporter: str,
             origins: Sequence[str]) -> tuple[str, ...]:
    """Which of ``origins`` have import rows in the source (sorted)."""
    marks = ", ".join("?" * len(origins))
    if source == "se_siavi":
        rows = con.execute(f"SELECT DISTINCT iso3 FROM siavi_top_line WHERE flow = 'import' "
                           f"AND iso3 IN ({marks})", list(origins)).fetchall()
    else:
        rows = con.execute(f"SELECT DISTINCT partner FROM flow WHERE source = ? AND reporter = ? "
                           f"AND flow = 'import' AND partner IN ({marks})",
                           [source, reporter, *origins]).fetchall()
    return tuple(sorted(r[0] for r in rows))


def heading_subsectors(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """HS4 → SCIAN subsector: the most frequent subsector of its HTS10 lines (hts_naics)."""
    rows = con.execute(
        "SELECT hs4, scian3 FROM (SELECT substr(hts10, 1, 4) hs4, scian3, "
        "row_number() OVER (PARTITION BY substr(hts10, 1, 4) ORDER BY count(*) DESC, scian3) r "
        "FROM hts_naics WHERE scian3 IS NOT NULL GROUP BY 1, 2) WHERE r = 1").fetchall()
    return {h: s for h, s in rows}


def hts_heading_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """HS4 → description of the latest loaded HTS edition."""
    rows = con.execute(
        "SELECT hts, description FROM hts_line WHERE digits = 4 AND edition = "
        "(SELECT max(edition) FROM hts_line)").fetchall()
    return {h: d for h, d in rows}


def retc_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """RETC years loaded."""
    return [int(r[0]) for r in con.execute(
        "SELECT DISTINCT year FROM retc_establishment ORDER BY 1").fetchall()]


def retc_rows(con: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """Every RETC establishment of ``year`` as a dict of its columns, by NRA."""
    cur = con.execute("SELECT * FROM retc_establishment WHERE year = ? ORDER BY nra", [year])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
