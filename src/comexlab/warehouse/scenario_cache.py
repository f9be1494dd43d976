"""Per-connection caches of a scenario's inputs: rate table, flows and concordance, as ENUMs.

A scenario joins every flow row to the general rate and the base program's rate of its HTS
line. Those rates are one row per HTS code of the edition, picked from ``hts_line`` and
``hts_rate`` with window functions; that pick costs as much as the whole join, and it never
changes while the edition stays loaded. So it is materialised once per connection as a TEMP
table (DuckDB temp tables live and die with their connection, read-only ones included); so are
the base's flow rows and the HTS→NAICS concordance.

Their text columns (codes, periods, rate kinds, units, rate texts, descriptions) are cast to
DuckDB ``ENUM`` types built from their own distinct values. An ENUM column leaves DuckDB as an
Arrow *dictionary* array, which becomes a pandas categorical without decoding one string per
row: that, not the join, is what made handing the joined rows to Python expensive (a VARCHAR
code column costs more to export than the join that produced it).

The cache key is the inputs' parameters and their **load identity** (the ``load_log`` rows of
the edition, the flow source, ``hts_naics``): reloading any of them builds a new table. Without
a ``load_log`` row (hand-built warehouses) nothing is reused: the table is rebuilt on every call.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from comexlab.tariffs.ave import RATE_FIELDS
from comexlab.tariffs.scenario import Base

RATE_TEXT_FIELDS: tuple[str, ...] = ("kind", "specific_unit", "specific2_unit", "rule",
                                     "rate_text", "ad_valorem_basis")
"""Rate columns that are text (cast to ENUM); the others of ``RATE_FIELDS`` are numbers."""

_RATES_PREFIX = "cx_scenario_rates_"
_FLOWS_PREFIX = "cx_scenario_flows_"
_CODES_PREFIX = "cx_scenario_codes_"
FLOW_TEXT_COLUMNS: tuple[str, ...] = ("reporter", "reporter_level", "partner", "period",
                                      "product_code", "product_level", "quantity_unit")


def rate_select(alias: str, prefix: str) -> str:
    """``alias.kind AS prefixkind, …`` for every rate field."""
    return ", ".join(f"{alias}.{c} AS {prefix}{c}" for c in RATE_FIELDS)


def rates_sql(edition: str, programs: Sequence[str]) -> tuple[str, list[object]]:
    """CTEs ending in ``r``: one row per HTS code of the edition with its rates.

    ``mfn_*`` is the general rate, ``pref_*`` the lowest rate among the base ``programs``.
    A 10-digit line without printed rates takes those of the line named by
    ``hts_line.rate_hts`` (its 8-digit parent).
    """
    cols = ", ".join(RATE_FIELDS)
    sql = f"""
        l AS (SELECT hts, coalesce(rate_hts, hts) AS rate_hts, description FROM hts_line
              WHERE edition = ? AND hts IS NOT NULL
              QUALIFY row_number() OVER (PARTITION BY hts ORDER BY row_no) = 1),
        g AS (SELECT hts, {cols} FROM hts_rate WHERE edition = ? AND rate_column = 'general'
              QUALIFY row_number() OVER (PARTITION BY hts ORDER BY rate_text) = 1),
        p AS (SELECT hts, {cols} FROM hts_rate
              WHERE edition = ? AND rate_column = 'special'
                AND program IN ({", ".join("?" * len(programs))})
              QUALIFY row_number() OVER (PARTITION BY hts
                                         ORDER BY coalesce(ad_valorem, 0), program) = 1),
        r AS (SELECT l.hts, l.description, {rate_select("g", "mfn_")},
                     {rate_select("p", "pref_")}
              FROM l LEFT JOIN g ON g.hts = l.rate_hts LEFT JOIN p ON p.hts = l.rate_hts)"""
    return sql, [edition, edition, edition, *programs]


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _fingerprints(con: duckdb.DuckDBPyConnection, datasets: Sequence[str]
                  ) -> dict[str, str | None]:
    """Load identity of each dataset (hash of its ``load_log`` rows); None if never logged."""
    rows = con.execute(
        f"SELECT dataset, sha256, rows, CAST(loaded_at AS VARCHAR) FROM load_log "
        f"WHERE dataset IN ({', '.join('?' * len(datasets))}) ORDER BY ALL",
        list(datasets)).fetchall()
    return {d: _digest([r for r in rows if r[0] == d]) if any(r[0] == d for r in rows)
            else None for d in datasets}


def _enum(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    """``ENUM(...)`` type literal of the distinct non-null values of ``table.column``."""
    values = con.execute(f'SELECT DISTINCT "{column}" FROM {table} '
                         f'WHERE "{column}" IS NOT NULL ORDER BY 1').fetchall()
    if not values:
        return "VARCHAR"  # DuckDB has no empty ENUM; an all-NULL column stays text
    return "ENUM(" + ", ".join("'" + str(v[0]).replace("'", "''") + "'" for v in values) + ")"


def _materialise(con: duckdb.DuckDBPyConnection, name: str, select_sql: str,
                 params: list[object], *, text_columns: Sequence[str]) -> None:
    """CREATE TEMP TABLE ``name`` from ``select_sql`` with ``text_columns`` as ENUMs."""
    staging = f"{name}_staging"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {staging} AS {select_sql}", params)
    try:
        casts = ", ".join(f'CAST("{c}" AS {_enum(con, staging, c)}) AS "{c}"'
                          for c in text_columns)
        replace = f" REPLACE ({casts})" if casts else ""
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                    f"SELECT *{replace} FROM {staging}")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {staging}")


@dataclass(frozen=True, slots=True)
class ScenarioTables:
    """Names of the connection's TEMP tables holding one scenario base's inputs.

    ``flows``: the base's export flows; ``rates``: one row per HTS code of the edition
    (``rid``, ``hts``, description, ``mfn_*``, ``pref_*``); ``codes``: each distinct flow code
    resolved to its rate row (10-digit line, else its 8-digit parent) and its NAICS6/SCIAN3.
    """

    flows: str
    rates: str
    codes: str


def _flows_select(base: Base) -> tuple[str, list[object]]:
    years = ", ".join(str(int(y)) for y in base.years)
    sql = f"""
        SELECT reporter, reporter_level, partner, period, year, product_code, product_level,
               value_usd, preference_value_usd, quantity, quantity_unit
        FROM flow
        WHERE source = ? AND flow = 'export' AND partner = ? AND product_level = ?
          AND year IN ({years}) AND reporter IN ({", ".join("?" * len(base.reporters))})"""
    return sql, [base.source, base.partner, base.level, *base.reporters]


def _codes_select(flows: str, rates: str, with_naics: bool) -> str:
    naics = ("LEFT JOIN (SELECT hts10, naics6, scian3 FROM hts_naics) n "
             "ON n.hts10 = c.product_code" if with_naics else
             "LEFT JOIN (SELECT NULL::VARCHAR AS naics6, NULL::VARCHAR AS scian3) n ON false")
    return f"""
        SELECT c.product_code, coalesce(a.rid, b.rid) AS rid, n.naics6,
               n.scian3 AS subsector
        FROM (SELECT DISTINCT product_code FROM {flows}) c
        LEFT JOIN {rates} a ON a.hts = c.product_code
        LEFT JOIN {rates} b ON b.hts = left(CAST(c.product_code AS VARCHAR), 8)
        {naics}"""


def scenario_tables(con: duckdb.DuckDBPyConnection, base: Base) -> ScenarioTables:
    """The cached input tables of ``base`` on this connection, built where missing or stale.

    Two small catalog queries when everything is cached (load identities, existing tables).
    """
    datasets = [f"hts:{base.edition}", f"flow:{base.source}", "hts_naics"]
    prints = _fingerprints(con, datasets)
    tables = con.execute(
        "SELECT table_name, temporary FROM duckdb_tables() WHERE (temporary AND "
        "starts_with(table_name, 'cx_scenario_')) OR table_name = 'hts_naics'").fetchall()
    existing = {name for name, temporary in tables if temporary}
    with_naics = any(not temporary for _, temporary in tables)
    if with_naics and prints["hts_naics"] is None and not con.execute(
            "SELECT count(*) FROM hts_naics").fetchall()[0][0]:
        prints["hts_naics"] = "empty"  # never loaded: an empty concordance is a stable input

    def name(prefix: str, *parts: object, loads: Sequence[str]) -> tuple[str, str, bool]:
        """(table name, its family prefix, whether it can be reused)."""
        family = f"{prefix}{_digest(*parts)[:8]}_"
        keys = [prints[d] for d in loads]
        if any(k is None for k in keys):
            return family + uuid.uuid4().hex[:16], family, False
        return family + _digest(*keys)[:16], family, True

    rates_sql_, rate_params = rates_sql(base.edition, base.programs)
    text = ["description", *(f"{p}{c}" for p in ("mfn_", "pref_") for c in RATE_TEXT_FIELDS)]
    flows_sql, flow_params = _flows_select(base)
    flow_parts = (base.source, base.partner, base.level, tuple(base.years),
                  tuple(base.reporters))
    plans = {
        "rates": (name(_RATES_PREFIX, base.edition, tuple(base.programs),
                       loads=[datasets[0]]),
                  f"WITH {rates_sql_} SELECT CAST(row_number() OVER (ORDER BY hts) AS INTEGER)"
                  f" AS rid, * FROM r", rate_params, text),
        "flows": (name(_FLOWS_PREFIX, *flow_parts, loads=[datasets[1]]), flows_sql,
                  flow_params, FLOW_TEXT_COLUMNS),
    }
    out: dict[str, str] = {}
    for kind, ((table, family, reusable), sql, params, texts) in plans.items():
        if not reusable or table not in existing:
            _drop_family(con, family, existing)
            _materialise(con, table, sql, params, text_columns=texts)
        out[kind] = table
    codes, family, reusable = name(_CODES_PREFIX, base.edition, tuple(base.programs),
                                   *flow_parts, loads=datasets if with_naics else datasets[:2])
    if not reusable or codes not in existing or out["rates"] not in existing or (
            out["flows"] not in existing):
        _drop_family(con, family, existing)
        _materialise(con, codes, _codes_select(out["flows"], out["rates"], with_naics), [],
                     text_columns=["naics6", "subsector"])
    return ScenarioTables(flows=out["flows"], rates=out["rates"], codes=codes)


def _drop_family(con: duckdb.DuckDBPyConnection, family: str, existing: set[str]) -> None:
    """Drop the stale tables of one cache family (a reload replaces only its own tables)."""
    for old in existing:
        if old.startswith(family):
            con.execute(f"DROP TABLE IF EXISTS temp.{old}")
