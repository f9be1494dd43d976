"""The scenario engine's input lines from the warehouse: flows × their HTS rate rows.

The queries of the scenario service (:mod:`comexlab.services.scenarios`) and of the US regime
(:mod:`comexlab.services.regime`), which build on the same lines: the join itself, and what a
scenario is checked against (program codes, an edition's codes, the flows of its base). Why
the join is SQL rather than Ibis: see :mod:`comexlab.services.scenarios`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from comexlab.errors import AuditNote, InputError
from comexlab.i18n import Msg
from comexlab.tariffs.ave import RATE_FIELDS, compute_ave, inputs_from_frame
from comexlab.tariffs.scenario import Base, Scenario
from comexlab.warehouse import engine, scenario_cache, scenario_expr


def has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``table`` exists and holds a row (a missing load is named, not a SQL error)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                         [table]).fetchall()
    if not exists[0][0]:
        return False
    rows = con.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT 1)').fetchall()
    return bool(rows[0][0])


# ---------------------------------------------------------------------------------------------
# Engine input
# ---------------------------------------------------------------------------------------------

def _raw_flows(scenario: Scenario) -> tuple[str, list[object]]:
    """The base's export flows straight from the ``flow`` table (uncached)."""
    b = scenario.base
    sql = f"""
        SELECT * FROM flow
        WHERE source = ? AND flow = 'export' AND partner = ? AND product_level = ?
          AND year IN ({", ".join("?" * len(b.years))})
          AND reporter IN ({", ".join("?" * len(b.reporters))})"""
    return sql, [b.source, b.partner, b.level, *b.years, *b.reporters]


def _flow_cte(flows: str, *, monthly: bool) -> str:
    """Flows of the base from ``flows`` (a table or subquery).

    Annual totals per line, unless ``monthly`` (rows as loaded).
    """
    if monthly:
        return f"""SELECT reporter, reporter_level, reporter AS origin, partner, period,
                   product_code, product_level, value_usd, preference_value_usd, quantity,
                   quantity_unit FROM {flows}"""
    return f"""
        SELECT reporter, reporter_level, reporter AS origin, partner,
               CAST(year AS VARCHAR) AS period, product_code, product_level,
               sum(value_usd) AS value_usd,
               sum(preference_value_usd) AS preference_value_usd,
               CASE WHEN count(DISTINCT quantity_unit) = 1 AND count(quantity) = count(*)
                    THEN sum(quantity) END AS quantity,
               any_value(quantity_unit) AS quantity_unit
        FROM {flows}
        GROUP BY reporter, reporter_level, partner, year, product_code, product_level"""


def hts10_lines_sql(scenario: Scenario, *, monthly: bool = False) -> tuple[str, list[object]]:
    """SQL (and parameters) joining the base flows to their general and program rates.

    A flow's code is matched to the edition's 10-digit line, else to its 8-digit parent
    (codes renumbered between editions keep the rate of their 8-digit line). Straight from the
    warehouse tables, no cache: the bench's bare-DuckDB baseline and its pandas baseline.
    """
    raw, params = _raw_flows(scenario)
    rates_sql, rate_params = scenario_cache.rates_sql(scenario.base.edition,
                                                      scenario.base.programs)
    rate_cols = ", ".join(f"coalesce(r10.{c}, r8.{c}) AS {c}" for c in (
        "description", *(f"mfn_{x}" for x in RATE_FIELDS),
        *(f"pref_{x}" for x in RATE_FIELDS)))
    sql = f"""
        WITH f AS ({_flow_cte(f"({raw})", monthly=monthly)}), {rates_sql}
        SELECT f.*, {rate_cols}, n.naics6, n.scian3 AS subsector
        FROM f
        LEFT JOIN r AS r10 ON r10.hts = f.product_code
        LEFT JOIN r AS r8 ON r10.hts IS NULL AND r8.hts = left(f.product_code, 8)
        LEFT JOIN hts_naics n ON n.hts10 = f.product_code
    """
    return sql, [*params, *rate_params]


def hts10_lines(con: duckdb.DuckDBPyConnection, scenario: Scenario, *,
                monthly: bool = False) -> pa.Table:
    """The engine's input for HTS10 flows as ONE Arrow table, joined in DuckDB.

    The same join as :func:`hts10_lines_sql`, on the connection's cached inputs
    (:mod:`comexlab.warehouse.scenario_cache`): flow rows × their code's rate row (10-digit
    line, else its 8-digit parent, resolved once per distinct code) and NAICS6/SCIAN3. Text
    columns are ENUMs, so they arrive as Arrow dictionaries (pandas categoricals) without
    decoding one string per row. Rows come in no particular order (DuckDB joins in parallel);
    :meth:`ScenarioResult.sorted_lines` orders them for output.

    On Spark (:mod:`comexlab.warehouse.engine`) the same join runs as the Ibis expression of
    :mod:`comexlab.warehouse.scenario_expr` (the ENUM caches are DuckDB's own).
    """
    if engine.current() != engine.DUCKDB:
        return _dictionary_encode(scenario_expr.hts10_lines(
            con, scenario.base, monthly=monthly).to_pyarrow())
    tables = scenario_cache.scenario_tables(con, scenario.base)
    sql = f"""
        SELECT f.*, r.* EXCLUDE (rid, hts), k.naics6, k.subsector
        FROM ({_flow_cte(tables.flows, monthly=monthly)}) f
        JOIN {tables.codes} k ON k.product_code = f.product_code
        LEFT JOIN {tables.rates} r ON r.rid = k.rid"""
    return _dictionary_encode(con.sql(sql).to_arrow_table())


def _dictionary_encode(table: pa.Table) -> pa.Table:
    """Plain string columns dictionary-encoded (flow codes repeat: few distinct per column)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field.name, pc.dictionary_encode(table.column(i)))
    return table


def _hs4_rates(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> tuple[pd.DataFrame,
                                                                             list[AuditNote]]:
    """Simple average AVE per HS4 heading of the edition's rate-bearing lines (MFN, program).

    Rate-bearing lines are those printing their own rates: 8-digit lines, or 10-digit lines
    where the 2013 "1300" export prints the rates on the statistical suffix rows.
    """
    ed = scenario.base.edition
    progs = list(scenario.base.programs)
    rows = con.execute(f"""
        SELECT g.hts, {scenario_cache.rate_select("g", "mfn_")},
               {scenario_cache.rate_select("p", "pref_")}
        FROM (SELECT * FROM hts_rate WHERE edition = ? AND rate_column = 'general') g
        LEFT JOIN (SELECT hts, arg_min(COLUMNS(* EXCLUDE (hts)), coalesce(ad_valorem, 0))
                   FROM (SELECT hts, {", ".join(RATE_FIELDS)} FROM hts_rate
                         WHERE edition = ? AND rate_column = 'special'
                           AND program IN ({", ".join("?" * len(progs))})) GROUP BY hts) p
          ON p.hts = g.hts""", [ed, ed, *progs]).df()
    rows["value_usd"] = np.nan
    rows = rows.rename(columns={"hts": "line"})
    mfn, mfn_method = compute_ave(inputs_from_frame(rows, "mfn_"))
    pref, _ = compute_ave(inputs_from_frame(rows, "pref_"))
    pref = np.where(rows["pref_kind"].isna(), mfn, np.fmin(pref, mfn))
    frame = pd.DataFrame({"hs4": rows["line"].str[:4], "mfn": mfn, "pref": pref})
    heads = frame.groupby("hs4").agg(mfn=("mfn", "mean"), pref=("pref", "mean"),
                                     n=("mfn", "size")).reset_index()
    fallback = int((mfn_method == "fallback_adval_only").sum())
    notes = [
        AuditNote("hs4_simple_average", len(heads),
                  Msg("audit.detail.hs4_simple_average", lines=f"{len(frame):,}", edition=ed)),
        AuditNote("ave_fallback", fallback, Msg("audit.detail.hs4_ave_fallback")),
    ]
    return heads, notes


def _require_flows(con: duckdb.DuckDBPyConnection) -> None:
    if not has_rows(con, "flow"):
        raise InputError(Msg("error.no_flows"), field="flow")


def scenario_lines(con: duckdb.DuckDBPyConnection, scenario: Scenario, *,
                   monthly: bool = False) -> tuple[pa.Table, list[AuditNote]]:
    """The engine's input for the scenario's base flows (one Arrow table), plus notes."""
    if scenario.base.level == "hts10":
        lines = hts10_lines(con, scenario, monthly=monthly)
        if not lines.num_rows:
            _require_flows(con)
        return lines, []
    _require_flows(con)
    raw, params = _raw_flows(scenario)
    flows = con.sql(_flow_cte(f"({raw})", monthly=monthly), params=params).to_arrow_table(
    ).to_pandas()
    heads, notes = _hs4_rates(con, scenario)
    merged = flows.merge(heads, left_on="product_code", right_on="hs4", how="left")
    found = merged["mfn"].notna()
    merged["mfn_kind"] = np.where(found, "ad_valorem", None)
    merged["mfn_ad_valorem"] = merged["mfn"]
    merged["mfn_rate_text"] = merged["n"].map(
        lambda n: f"simple average of {int(n)} lines" if pd.notna(n) else None)
    merged["pref_kind"] = merged["mfn_kind"]
    merged["pref_ad_valorem"] = merged["pref"]
    merged = merged.drop(columns=["hs4", "mfn", "pref", "n"])
    return _dictionary_encode(pa.Table.from_pandas(merged, preserve_index=False)), notes


# ---------------------------------------------------------------------------------------------
# What a scenario is checked against
# ---------------------------------------------------------------------------------------------

def program_codes(con: duckdb.DuckDBPyConnection) -> frozenset[str] | None:
    """Program codes of the loaded program table (None before any HTS load)."""
    if not has_rows(con, "hts_program"):
        return None
    return frozenset(r[0] for r in con.execute("SELECT program FROM hts_program").fetchall())


def edition_codes(con: duckdb.DuckDBPyConnection, edition: str) -> list[str] | None:
    """HTS codes of one loaded edition ([] if not loaded; None before any HTS load)."""
    if not has_rows(con, "hts_line"):
        return None
    return [r[0] for r in con.execute(
        "SELECT DISTINCT hts FROM hts_line WHERE edition = ? AND hts IS NOT NULL",
        [edition]).fetchall()]


def base_flows_loaded(con: duckdb.DuckDBPyConnection, base: Base
                      ) -> tuple[list[int], list[str]] | None:
    """(years, reporters) with exports loaded for a scenario base (None before any flow load).

    Of the base's source, partner and product level.
    """
    if not has_rows(con, "flow"):
        return None
    rows = con.execute("""
        SELECT DISTINCT year, reporter FROM flow
        WHERE source = ? AND flow = 'export' AND partner = ? AND product_level = ?""",
                       [base.source, base.partner, base.level]).fetchall()
    return sorted({int(r[0]) for r in rows}), sorted({str(r[1]) for r in rows})
