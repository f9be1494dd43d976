"""Warehouse side of site profiles: the FDI load and the queries a site profile needs.

Plain SQL like ``warehouse/supply.py``: each query is one keyed group-by returning a small
dict or list that the service passes to the pure ``comexlab.sites`` package.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from comexlab.sources import se_fdi
from comexlab.warehouse.db import replace_many


def load_fdi(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace the FDI table with the validated rows of ``path`` (all or nothing)."""
    rows = se_fdi.load(path)
    return replace_many(con, [(se_fdi.TABLE, rows, None)], log=(se_fdi.SOURCE, path))


def fdi_years(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, tuple[float, int, int]]]:
    """{state: {year: (USD summed over types and quarters, quarters, confidential cells)}}."""
    rows = con.execute(
        "SELECT state_code, year, coalesce(sum(value_usd), 0), count(DISTINCT quarter), "
        "count(*) FILTER (WHERE confidential) FROM fdi_state_quarter GROUP BY 1, 2").fetchall()
    out: dict[str, dict[int, tuple[float, int, int]]] = {}
    for code, year, usd, quarters, hidden in rows:
        out.setdefault(code, {})[int(year)] = (float(usd), int(quarters), int(hidden))
    return out


def eef_state_subsectors(con: duckdb.DuckDBPyConnection, reporter: str
                         ) -> dict[int, dict[str, float]]:
    """{year: {scian3: export USD}} of one state from INEGI EEF (no totals, no 000)."""
    rows = con.execute(
        "SELECT year, product_code, sum(value_usd) FROM flow WHERE source = 'inegi_eef' "
        "AND flow = 'export' AND reporter = ? AND classification = 'SCIAN' "
        "AND product_code NOT IN ('TOTAL', 'UNSPECIFIED') GROUP BY 1, 2", [reporter]).fetchall()
    out: dict[int, dict[str, float]] = {}
    for year, code, usd in rows:
        out.setdefault(int(year), {})[code] = float(usd)
    return out



def retc_plants(con: duckdb.DuckDBPyConnection, year: int
                ) -> list[tuple[str, str, str, str, str, str | None, str | None, float | None,
                                float | None]]:
    """(nra, legal name, establishment, scian, state, municipality, park, lat, lon) of a year."""
    return con.execute(
        "SELECT nra, legal_name, coalesce(establishment, ''), scian, state_code, municipality, "
        "industrial_park, latitude, longitude FROM retc_establishment WHERE year = ? "
        "ORDER BY nra", [year]).fetchall()
